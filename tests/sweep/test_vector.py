"""The sweep's array planner gives every point the recommendation of ``plan_budget``.

Each point below is also parsed on its own as a scenario (``point_scenario``) and planned by
:func:`llmplan.plan.build.plan_budget`, the function behind every plan.json and ``llmplan
allocate``; N, D, loss, compute, days, dollars and energy must agree to 1e-9 relative, and the
binding constraints and loss law exactly. The points are drawn at random (seeded) from grids over
every budget form, hardware, law (with and without samples, with and without a loss), the size
cap, unique data, inference demand, soft budgets and stated models.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmplan.inputs.settings import defaults
from llmplan.laws.registry import canonical_id, get_law
from llmplan.plan.architecture import exact_per_token
from llmplan.plan.build import plan_budget
from llmplan.sweep.optimise import argmin_many, brent_bounded, smallest_within
from llmplan.sweep.plan import plan_points
from llmplan.sweep.spec import point_scenario

SETTINGS = defaults()
FIELDS = ("params", "tokens", "loss", "train_flops", "pf_days", "gpu_hours", "days", "usd")
FIELDS += ("energy_kwh",)
RELATIVE = 1e-9

GRIDS = {
    "constraints": {
        "title": "Constraints under five laws",
        "base": {"budget": {"hardware": "h100-sxm", "count": 64, "days": 30, "mfu": 0.4}},
        "grid": {
            "budget.count": [8, 256, 4096],
            "budget.days": [3, 30, 90],
            "budget.mfu": [0.3, 0.5],
            "constraints.max_params": [None, "7B", "200B"],
            "constraints.unique_tokens": [None, "50B", "2T"],
            "constraints.inference_tokens": [0, "1T", "100T"],
            "primary_law": [
                "epoch-2024",
                "chinchilla-approach3",
                "chinchilla-approach1",
                "kaplan-2020",
                "tokens-per-param",
            ],
        },
    },
    "forms": {
        "title": "Every budget form and hardware, soft and hard",
        "base": {"budget": {"hardware": "a100-80gb", "gpu_hours": 1e5}},
        "grid": {
            "budget": [
                {"flops": 3e21},
                {"pf_days": 5000},
                {"hardware": "a100-80gb", "gpu_hours": "2M", "mfu": 0.35},
                {"hardware": "h100-sxm", "usd": 4e6, "price_per_hour": 2.2, "mfu": 0.45},
                {"hardware": "tpu-v4", "count": 512, "days": 20, "soft": True},
                {"hardware": "h100-sxm", "count": 1024, "days": 40, "soft": True},
            ],
            "constraints.inference_tokens": [0, "10T", "1000T"],
            "constraints.unique_tokens": [None, "300B"],
            "constraints.max_params": [None, "30B"],
        },
    },
}


@pytest.fixture(scope="module", params=sorted(GRIDS))
def planned(request, make_sweep):
    sweep = make_sweep(GRIDS[request.param], name=request.param)
    table = plan_points(sweep, inference_loss_tolerance=SETTINGS.inference_loss_tolerance)
    return sweep, table


def reference(sweep, point: int, catalog) -> dict:
    scenario = point_scenario(sweep, point, hardware=catalog.hardware, settings=SETTINGS)
    law = get_law(canonical_id(scenario.primary_law), tokens_per_param=scenario.tokens_per_param)
    return plan_budget(
        scenario.budget,
        [law],
        law,
        scenario.constraints,
        inference_loss_tolerance=SETTINGS.inference_loss_tolerance,
        per_token=exact_per_token(scenario),
    )["recommendation"]


def assert_same(row, rec: dict, point: int) -> None:
    for field in FIELDS:
        want = rec[field]
        got = float(row[field])
        if want is None:
            assert math.isnan(got), (point, field, got)
        else:
            assert got == pytest.approx(want, rel=RELATIVE), (point, field, got, want)
    binding = sorted(row["binding"].split("+")) if row["binding"] else []
    assert binding == sorted(rec["binding"]), point
    assert row["loss_law"] == rec["loss_law"], point
    assert bool(row["within_budget"]) == rec["within_budget"], point


def test_array_plan_equals_plan_budget_point_by_point(planned, catalog) -> None:
    sweep, table = planned
    rng = np.random.default_rng(20261201)
    points = rng.choice(sweep.n_points, size=min(200, sweep.n_points), replace=False)
    for point in points:
        assert_same(table.iloc[int(point)], reference(sweep, int(point), catalog), int(point))
    # the sample covers what it must: every constraint binding somewhere, laws without a loss
    assert {"max_params", "unique_tokens", "inference_tokens"} <= {
        b for text in table["binding"] for b in text.split("+") if b
    }


def test_stated_models_plan_on_their_exact_flops(make_sweep, catalog) -> None:
    sweep = make_sweep(
        {
            "title": "Stated models",
            "base": {"budget": {"hardware": "h100-sxm", "count": 256, "days": 30}},
            "grid": {
                "model.family": ["llama", "gpt3", "moe"],
                "model.seq_len": [2048, 32768],
                "constraints.unique_tokens": [None, "200B"],
                "constraints.inference_tokens": [0, "50T"],
            },
        },
        name="models",
    )
    table = plan_points(sweep, inference_loss_tolerance=SETTINGS.inference_loss_tolerance)
    assert len(sweep.groups) == 6
    # one point per family and sequence length, each with another of the four constraint cases
    for group in range(6):
        point = 4 * group + group % 4
        assert_same(table.iloc[point], reference(sweep, point, catalog), point)


def test_brent_is_scipy_step_for_step() -> None:
    """The transcription of scipy's bounded Brent ends where scipy does, bit for bit."""
    from scipy.optimize import minimize_scalar

    rng = np.random.default_rng(7)
    centre = rng.uniform(-3, 3, 60)
    width = rng.uniform(0.1, 4, 60)
    power = rng.choice([2.0, 4.0, 1.5], 60)

    def f(x, rows):
        return np.abs((x - centre[rows, None]) / width[rows, None]) ** power[rows, None]

    lo, hi = centre - rng.uniform(0.01, 5, 60), centre + rng.uniform(0.01, 5, 60)
    x, _ = brent_bounded(f, lo, hi)
    for i in range(60):
        want = minimize_scalar(
            lambda t, i=i: float(f(np.array([[t]]), np.array([i]))[0, 0]),
            bounds=(lo[i], hi[i]),
            method="bounded",
            options={"xatol": 1e-10},
        ).x
        assert x[i] == want


def test_coarse_grid_search_falls_back_where_it_could_be_wrong() -> None:
    """A narrow well beside a wide one, and a plateau at the minimum: the coarse pass cannot
    see them, so the whole grid is searched, as argmin_on_interval searches it."""
    from llmplan.core.optimise import argmin_on_interval

    low, high = np.array([0.0, 0.0, 0.0]), np.array([10.0, 10.0, 10.0])

    def f(x, rows):
        narrow = 1.0 - 2.0 * np.exp(-(((x - 7.001) / 0.002) ** 2))  # between coarse points
        wide = (x - 3.0) ** 2 / 100.0
        flat = np.maximum(np.abs(x - 5.0) - 1.0, 0.0)  # a minimum plateau of width 2
        smooth = (x - 2.5) ** 2
        out = np.where(rows[:, None] == 0, np.minimum(narrow, wide), flat)
        return np.where(rows[:, None] == 2, smooth, out)

    got = argmin_many(f, low, high)
    for i in range(3):
        want = argmin_on_interval(lambda x, i=i: f(x[None, :], np.array([i]))[0], 0.0, 10.0)
        assert got[i] == want
    assert got[0] == pytest.approx(7.001, abs=1e-3)  # the narrow well, found
    target = np.array([0.5, 0.5, 0.5])
    inside = smallest_within(f, low, np.array([7.001, 5.0, 2.5]), target)
    assert inside[2] == pytest.approx(2.5 - math.sqrt(0.5), abs=1e-12)
