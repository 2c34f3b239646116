"""A plan whose training run, at its calibrated MFU and with the interruptions expected on its
accelerators, takes longer than the days a hard budget pays for says so among its risks, and
says why (plan.risks.calendar_risk)."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from shipped_plans import catalog, plan_of

from conftest import REPO
from llmplan.cli import main
from llmplan.core.errors import Where
from llmplan.inputs.budget import resolve_budget
from llmplan.inputs.scenario import parse_scenario
from llmplan.inputs.settings import defaults
from llmplan.plan.build import build_plan
from llmplan.plan.risks import CALENDAR_TOLERANCE, LEVELS, calendar_risk
from llmplan.report.i18n import language

SECONDS_PER_DAY = 86_400


@functools.cache
def _plan(budget: str, constraints: str = "{}") -> dict:
    text = f"title: t\nbudget: {budget}\nconstraints: {constraints}\n"
    scenario = parse_scenario(text, "t.yaml", hardware=catalog().hardware)
    return build_plan(scenario, catalog(), provenance={}, inference_loss_tolerance=0.005)


def _calendar_risks(plan: dict) -> list[dict]:
    return [r for r in plan["recommendation"]["risks"] if r["kind"] == "calendar"]


#: 64 H100 for 30 days at a stated 90% MFU, in each form a budget of time or money takes.
OVERSTATED = {
    "days": ("{hardware: h100-sxm, count: 64, days: 30, mfu: 0.9}", "the budget's 30 days"),
    "usd": (
        "{hardware: h100-sxm, count: 64, usd: 115200, price_per_hour: 2.5, mfu: 0.9}",
        "the 30 days that $115,200 buy on 64 accelerators",
    ),
    "gpu_hours": (
        "{hardware: h100-sxm, count: 64, gpu_hours: 46080, mfu: 0.9}",
        "the 30 days that 46.1k accelerator-hours give on 64 accelerators",
    ),
}


@pytest.mark.parametrize("form", OVERSTATED)
def test_a_budget_that_assumes_more_mfu_than_its_layout_reaches_runs_late(form: str) -> None:
    """The plan's compute is 30 days at 90% MFU; the layout is calibrated to about 60%, so the
    run takes about 30 x 0.9 / 0.6 = 45 days: a high risk that names the MFU as the cause."""
    budget, limit = OVERSTATED[form]
    plan = _plan(budget)
    run, rec = plan["training_run"], plan["recommendation"]
    peak = catalog().hardware["h100-sxm"].peak_flops
    # the run's compute days, from the tokens, the model's FLOPs and the calibrated MFU alone
    compute_days = (
        rec["tokens"]
        * plan["architecture"]["flops_per_token"]
        / (64 * peak * run["mfu"] * SECONDS_PER_DAY)
    )
    assert run["calendar"]["compute_days"] == pytest.approx(compute_days, rel=1e-9)
    assert compute_days == pytest.approx(30 * 0.9 / run["mfu"], rel=0.01)
    (late,) = _calendar_risks(plan)
    assert (late["level"], late["code"]) == ("high", "risk.calendar.mfu")
    assert late["args"]["days"] == run["calendar"]["days"] > 40
    assert late["args"]["stated"] == pytest.approx(0.9)
    assert late["args"]["mfu"] == pytest.approx(run["mfu"])  # a bf16 budget: the same peak
    assert late["text"].startswith(
        "The budget's days assume 90% MFU (of the BF16 peak) without interruptions, more than "
        "the 60%"
    )
    assert f"past {limit}." in late["text"]


def test_the_most_serious_risks_come_first() -> None:
    """A late run (high) before the medium risk of repeating 300B unique tokens."""
    plan = _plan(OVERSTATED["days"][0], "{unique_tokens: 300B}")
    risks = plan["recommendation"]["risks"]
    assert {"calendar", "data"} <= {r["kind"] for r in risks}
    ranks = [LEVELS.index(r["level"]) for r in risks]
    assert ranks == sorted(ranks)


def test_interruptions_alone_make_a_run_on_8192_accelerators_late() -> None:
    """mfu: auto plans at the calibrated MFU, so the MFU is not the cause: on 8,192 H100 the
    expected interruptions take more than the budget's days (Llama 3 lost under 10%)."""
    plan = _plan("{hardware: h100-sxm, count: 8192, days: 30, mfu: auto}")
    calendar = plan["training_run"]["calendar"]
    (late,) = _calendar_risks(plan)
    assert (late["level"], late["code"]) == ("medium", "risk.calendar.interruptions")
    assert calendar["compute_days"] <= 30 * (1 + CALENDAR_TOLERANCE) < calendar["days"]
    assert 0.9 < calendar["effective_fraction"] < 0.99
    assert "mfu: auto" not in late["text"]


def test_mfu_auto_leaves_its_range_to_the_training_run_section_and_keeps_soft() -> None:
    """512 H100, 20 days, mfu: auto: on time at the calibrated MFU; the slow end of the run's
    range passes 20 days, which the training-run section gives, not a risk. A soft budget with
    mfu: auto stays soft (it was made hard when the MFU was resolved)."""
    plan = _plan("{hardware: h100-sxm, count: 512, days: 20, mfu: auto}")
    calendar = plan["training_run"]["calendar"]
    assert calendar["days"] <= 20 < calendar["days_high"]
    assert _calendar_risks(plan) == []
    soft = _plan("{hardware: h100-sxm, count: 512, days: 20, mfu: auto, soft: true}")
    assert soft["budget"]["soft"] is True and soft["budget"]["mfu_auto"] is True
    assert _calendar_risks(soft) == []


def test_a_budget_within_what_its_layout_reaches_has_no_calendar_risk() -> None:
    plan = _plan("{hardware: h100-sxm, count: 64, days: 30, mfu: 0.4}")
    assert plan["training_run"]["calendar"]["days_high"] < 30
    assert _calendar_risks(plan) == []


def test_only_the_slow_end_past_the_budget_is_a_medium_risk_in_both_languages() -> None:
    """llama-fp8-32k: 26.6 days expected, 24.1 to 30.8, on a 30-day budget."""
    plan = plan_of("llama-fp8-32k")
    (late,) = _calendar_risks(plan)
    assert (late["level"], late["code"]) == ("medium", "risk.calendar.band")
    assert late["args"]["low"] < late["args"]["days"] <= 30 < late["args"]["high"]
    assert late["args"]["slack"] == 0.8  # 30.76 - 30, to 0.1 day as the days are printed
    # MFU on page one's footing: the budget's 30% of the FP8 peak, not the bf16 peak's 60%
    assert late["args"]["stated"] == plan["budget"]["mfu"] == 0.3
    assert "assume 30% MFU (of the FP8 peak)" in late["text"]
    zh = language("zh").message(late)
    assert "训练需 26.6 天（24.1至30.8 天）：区间上限（最慢情形）超出预算的 30 天" in zh
    assert "约 0.8 天余量" in zh and "相对 FP8 峰值" in zh


def test_compute_budgets_soft_budgets_and_runs_within_tolerance_have_none() -> None:
    hardware = catalog().hardware

    def budget(spec: dict):
        return resolve_budget(spec, hardware, Where("t.yaml"), assumptions=defaults().assumptions)

    run = {"mfu": 0.5, "mfu_low": 0.45, "mfu_high": 0.55}

    def calendar(days: float, high: float) -> dict:
        return {**run, "calendar": {"days": days, "days_low": days * 0.9, "days_high": high}}

    days = budget({"hardware": "h100-sxm", "count": 8, "days": 10, "mfu": 0.4})
    assert calendar_risk(calendar(11, 12), days)["code"] == "risk.calendar.interruptions"
    assert calendar_risk(calendar(9, 12), days)["code"] == "risk.calendar.band"
    within = 10 * (1 + CALENDAR_TOLERANCE)
    assert calendar_risk(calendar(within * 0.999, within * 0.9999), days) is None
    assert calendar_risk(None, days) is None
    soft = budget({"hardware": "h100-sxm", "count": 8, "days": 10, "mfu": 0.4, "soft": True})
    assert calendar_risk(calendar(20, 30), soft) is None
    assert calendar_risk(calendar(20, 30), budget({"flops": 1e22})) is None
    # money with no count of accelerators buys no calendar days
    usd = budget({"hardware": "h100-sxm", "usd": 4800.0, "price_per_hour": 2.5, "mfu": 0.4})
    assert usd.days is None and calendar_risk(calendar(20, 30), usd) is None


def test_the_cli_names_the_same_calendar_risk(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    path = REPO / "config/scenarios/llama-fp8-32k.yaml"
    args = ["allocate", "--scenario", str(path), "--catalog", str(REPO / "data/catalog")]
    assert main([*args, "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    assert [r for r in cli["risks"] if r["kind"] == "calendar"] == _calendar_risks(
        plan_of("llama-fp8-32k")
    )
    assert main([*args, "--lang", "zh"]) == 0
    assert "区间上限（最慢情形）超出预算的 30 天" in capsys.readouterr().out
