"""Comparing plans: a changed budget moves the recommendation as the law's closed form says;
identical inputs give an empty comparison; inputs are compared field by field."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from exact_support import exact_params

from llmplan.inputs.scenario import parse_scenario
from llmplan.inputs.settings import defaults
from llmplan.io.jsonio import dumps
from llmplan.laws.published import EPOCH_2024, UNROUNDED
from llmplan.plan.build import build_plan
from llmplan.plan.compare import compare, diff_inputs, diff_recommendations, flatten, same_value


def plan_of(text: str, catalog: Any, name: str = "a.yaml") -> tuple[dict[str, Any], dict]:
    settings = defaults()
    scenario = parse_scenario(text, name, hardware=catalog.hardware, settings=settings)
    plan = build_plan(
        scenario,
        catalog,
        provenance={},
        inference_loss_tolerance=settings.inference_loss_tolerance,
    )
    return dict(scenario.doc.data), json.loads(dumps(plan))


LAW = "chinchilla-approach3"


def chinchilla(flops: str) -> str:
    return f"title: t\nbudget: {{flops: {flops}}}\nlaws: [{LAW}]\nprimary_law: {LAW}\n"


def by_field(changes: list) -> dict[str, Any]:
    return {c.field: c for c in changes}


def test_four_times_the_compute_moves_n_and_d_by_the_eq4_exponents(catalog: Any) -> None:
    """Hoffmann et al. 2022 eq. 4: N_opt = G (C/6)^a, a = beta / (alpha + beta), so 4x the
    compute multiplies N by about 4^a. The plan prices its model in exact FLOPs per token, which
    moves that by under 0.1%; it moves exactly as the exact-FLOPs optimum does (a search of its
    own), its tokens stay within the budget in the built model's arithmetic, and its loss is
    eq. 2 at its own N and D."""
    alpha, beta = UNROUNDED["alpha"], UNROUNDED["beta"]
    a = beta / (alpha + beta)
    inputs_a, plan_a = plan_of(chinchilla("1.0e+23"), catalog)
    inputs_b, plan_b = plan_of(chinchilla("4.0e+23"), catalog)
    comparison = compare(inputs_a, inputs_b, plan_a, plan_b)
    assert [(c.field, c.a, c.b) for c in comparison.inputs] == [("budget.flops", 1e23, 4e23)]
    moved = by_field(comparison.recommendation)
    exact = exact_params(LAW, 4e23) / exact_params(LAW, 1e23)
    assert moved["recommendation.params"].change == pytest.approx(exact, rel=1e-6)
    assert moved["recommendation.params"].change == pytest.approx(4**a, rel=1e-3)
    # Hoffmann et al. 2022, Table 2: approach 3 gives a = 0.46, so N grows about 1.89x
    assert moved["recommendation.params"].change == pytest.approx(4**0.46, rel=0.01)
    assert moved["recommendation.train_flops"].change == pytest.approx(4.0, rel=1e-12)
    e, big_a, big_b = UNROUNDED["E"], UNROUNDED["A"], UNROUNDED["B"]
    for plan, flops in ((plan_a, 1e23), (plan_b, 4e23)):
        rec = plan["recommendation"]
        assert rec["tokens"] * plan["architecture"]["flops_per_token"] <= flops * (1 + 1e-12)
        assert rec["tokens"] < flops / (6 * rec["params"])  # attention costs tokens
        n, d = rec["params"], rec["tokens"]
        assert rec["loss"] == pytest.approx(e + big_a / n**alpha + big_b / d**beta, rel=1e-12)
    loss = moved["recommendation.loss"]
    assert loss.change_kind == "difference"
    assert loss.change == pytest.approx(
        plan_b["recommendation"]["loss"] - plan_a["recommendation"]["loss"], rel=1e-12
    )
    assert loss.change < 0
    # nothing else moved: the same law; the basis only in its ratio of exact FLOPs to 6N (the
    # larger model spends a smaller share on attention)
    assert set(moved) == {
        "recommendation.basis",
        "recommendation.params",
        "recommendation.tokens",
        "recommendation.tokens_per_param",
        "recommendation.loss",
        "recommendation.train_flops",
        "architecture.headline",
    }


def test_twice_the_gpus_doubles_compute_and_cost_not_days(catalog: Any) -> None:
    """Same days, twice the accelerators: C doubles (and the dollars), N grows by 2^a under the
    default primary law, Epoch AI's refit (a = beta / (alpha + beta) = 0.5126)."""
    text = (
        "title: t\nbudget:\n  hardware: h100-sxm\n  count: {count}\n  days: 30\n  mfu: 0.4\n"
        "  price_per_hour: 2.5\n"
    )
    inputs_a, plan_a = plan_of(text.format(count=64), catalog)
    inputs_b, plan_b = plan_of(text.format(count=128), catalog)
    comparison = compare(inputs_a, inputs_b, plan_a, plan_b)
    assert [(c.field, c.a, c.b) for c in comparison.inputs] == [("budget.count", 64, 128)]
    moved = by_field(comparison.recommendation)
    a = EPOCH_2024["beta"] / (EPOCH_2024["alpha"] + EPOCH_2024["beta"])
    assert a == pytest.approx(0.51261, abs=1e-5)
    flops = [plan["recommendation"]["train_flops"] for plan in (plan_a, plan_b)]
    exact = exact_params("epoch-2024", flops[1]) / exact_params("epoch-2024", flops[0])
    assert moved["recommendation.params"].change == pytest.approx(exact, rel=1e-6)
    assert moved["recommendation.params"].change == pytest.approx(2**a, rel=1e-3)
    assert moved["recommendation.train_flops"].change == pytest.approx(2.0, rel=1e-12)
    assert moved["recommendation.usd"].change == pytest.approx(2.0, rel=1e-12)
    assert "recommendation.days" not in moved
    # the basis reads the same at both sizes (its exact-FLOPs ratio says 1.05 x 6N twice, though
    # the number moved in its fourth digit), so it is not a change
    said = [plan["recommendation"]["basis"] for plan in (plan_a, plan_b)]
    assert said[0] != said[1] and [m["text"] for m in said[0]] == [m["text"] for m in said[1]]
    assert "recommendation.basis" not in moved


def test_the_same_scenario_planned_twice_gives_an_empty_comparison(catalog: Any) -> None:
    text = "title: t\nbudget: {hardware: a100-80gb, count: 8, days: 14}\n"
    inputs_a, plan_a = plan_of(text, catalog)
    inputs_b, plan_b = plan_of(text + "# a comment only\n", catalog, name="b.yaml")
    assert compare(inputs_a, inputs_b, plan_a, plan_b).empty
    assert compare(inputs_a, inputs_b, plan_a, plan_b).to_dict() == {
        "inputs": [],
        "recommendation": [],
    }


def test_inputs_are_compared_by_dotted_path() -> None:
    a = {
        "title": "x",
        "budget": {"hardware": "h100-sxm", "count": 64, "days": 30},
        "laws": ["epoch-2024", "kaplan-2020"],
        "constraints": {"max_params": "30B"},
    }
    b = {
        "title": "x",
        "budget": {"hardware": "h100-sxm", "count": 64, "days": 21, "price_per_hour": 2.5},
        "laws": ["epoch-2024"],
        "constraints": {"max_params": 3e10},  # the same quantity, spelt otherwise
    }
    changes = [(c.field, c.a, c.b) for c in diff_inputs(a, b)]
    assert changes == [
        ("budget.days", 30, 21),
        ("laws", ["epoch-2024", "kaplan-2020"], ["epoch-2024"]),
        ("budget.price_per_hour", None, 2.5),
    ]
    assert diff_inputs(b, a)[0].field == "budget.days"
    assert diff_inputs(a, a) == []


def test_flatten_and_same_value() -> None:
    assert flatten({"a": {"b": {"c": 1}}, "d": [1, 2], "e": {}}) == {"a.b.c": 1, "d": [1, 2]}
    assert same_value("1.4T", 1.4e12) and same_value(64, 64.0) and same_value(None, None)
    assert not same_value(True, 1) and not same_value("h100-sxm", "h200")
    assert not same_value(1.0, 1.0 + 1e-6)


def test_a_field_absent_on_one_side_has_no_change_ratio() -> None:
    a = {"recommendation": {"params": 1e9, "days": None, "usd": None, "loss": 2.5}}
    b = {"recommendation": {"params": 2e9, "days": 3.0, "usd": None, "loss": 2.25}}
    moved = by_field(diff_recommendations(a, b))
    assert moved["recommendation.params"].change == 2.0
    assert moved["recommendation.days"].change is None and moved["recommendation.days"].b == 3.0
    assert math.isclose(moved["recommendation.loss"].change, -0.25)
    assert "recommendation.usd" not in moved
