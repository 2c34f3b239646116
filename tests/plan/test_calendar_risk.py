"""A plan whose training run, at its calibrated MFU and with expected interruptions, takes longer
than the accelerator time a hard budget pays for says so among its risks (plan.risks)."""

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
from llmplan.plan.risks import CALENDAR_TOLERANCE, calendar_risk
from llmplan.report.i18n import language

SECONDS_PER_DAY = 86_400


@functools.cache
def _plan(mfu: float) -> dict:
    """64 H100 for 30 days at a stated ``mfu``."""
    text = f"title: t\nbudget: {{hardware: h100-sxm, count: 64, days: 30, mfu: {mfu}}}\n"
    scenario = parse_scenario(text, "t.yaml", hardware=catalog().hardware)
    return build_plan(scenario, catalog(), provenance={}, inference_loss_tolerance=0.005)


def _calendar_risks(plan: dict) -> list[dict]:
    return [r for r in plan["recommendation"]["risks"] if r["kind"] == "calendar"]


def test_a_budget_that_assumes_more_mfu_than_its_layout_reaches_runs_late() -> None:
    """Stated 90% MFU: the plan's compute is 30 days at 90%; the layout is calibrated to about
    60%, so the run takes about 30 x 0.9 / 0.6 = 45 days, which the risk says, as high."""
    plan = _plan(0.9)
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
    assert late["level"] == "high" and late["code"] == "risk.calendar.over"
    assert late["args"]["days"] == run["calendar"]["days"] > 40
    assert late["args"]["budget"] == pytest.approx(30)
    assert late["args"]["mfu"] == pytest.approx(run["mfu"])  # bf16 budget: the same peak
    assert late["text"].startswith("The budget's 30 days assume 90% MFU without interruptions")
    # the most serious come first: a high risk is never after a medium or a low one
    levels = [r["level"] for r in rec["risks"]]
    assert levels.index("high") <= min(
        (levels.index(x) for x in ("medium", "low") if x in levels), default=len(levels)
    )


def test_a_budget_within_what_its_layout_reaches_has_no_calendar_risk() -> None:
    plan = _plan(0.4)
    assert plan["training_run"]["calendar"]["days_high"] < 30
    assert _calendar_risks(plan) == []


def test_only_the_slow_end_past_the_budget_is_a_medium_risk_in_both_languages() -> None:
    """llama-fp8-32k: 26.6 days expected, 24.1 to 30.8, on a 30-day budget; its MFU is stated
    against the FP8 peak, so the risk gives the calibrated MFU against the same peak."""
    plan = plan_of("llama-fp8-32k")
    run = plan["training_run"]
    (late,) = _calendar_risks(plan)
    assert late["level"] == "medium" and late["code"] == "risk.calendar.band"
    assert late["args"]["low"] < late["args"]["days"] <= 30 < late["args"]["high"]
    h100 = catalog().hardware["h100-sxm"]
    assert late["args"]["mfu"] == pytest.approx(run["mfu"] / 2, rel=1e-3)  # FP8 peak = 2 x bf16
    assert h100.peak_flops_at("fp8") == pytest.approx(2 * h100.peak_flops, rel=1e-3)
    zh = language("zh").message(late)
    assert (
        "预算的 30 天按 30% 的 MFU" in zh and "（24.1至30.8 天）" in zh and "calibrated" not in zh
    )


def test_compute_budgets_soft_budgets_and_runs_within_tolerance_have_none() -> None:
    hardware = catalog().hardware

    def budget(spec: dict):
        return resolve_budget(spec, hardware, Where("t.yaml"), assumptions=defaults().assumptions)

    run = {"mfu": 0.5, "mfu_low": 0.45, "mfu_high": 0.55}

    def calendar(days: float, high: float) -> dict:
        return {**run, "calendar": {"days": days, "days_low": days * 0.9, "days_high": high}}

    days = budget({"hardware": "h100-sxm", "count": 8, "days": 10, "mfu": 0.4})
    assert calendar_risk(calendar(11, 12), days)["level"] == "high"
    assert calendar_risk(calendar(9, 12), days)["level"] == "medium"
    within = 10 * (1 + CALENDAR_TOLERANCE)
    assert calendar_risk(calendar(within * 0.999, within * 0.9999), days) is None
    assert calendar_risk(None, days) is None
    soft = budget({"hardware": "h100-sxm", "count": 8, "days": 10, "mfu": 0.4, "soft": True})
    assert calendar_risk(calendar(20, 30), soft) is None
    flops = budget({"flops": 1e22})
    assert calendar_risk(calendar(20, 30), flops) is None
    # money: the days the dollars buy on the budget's accelerators
    usd = budget(
        {"hardware": "h100-sxm", "count": 8, "usd": 8 * 24 * 10 * 2.5, "price_per_hour": 2.5}
        | {"mfu": 0.4}
    )
    assert usd.days == pytest.approx(10)
    assert calendar_risk(calendar(11, 12), usd)["level"] == "high"


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
    assert "训练需 26.6 天（24.1至30.8 天）：区间慢端超出预算" in capsys.readouterr().out
