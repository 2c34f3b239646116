"""training_run in plan.json: the shape it trains, feasibility, mfu: auto, the report partial."""

from __future__ import annotations

import json

import pytest
from markupsafe import Markup
from shipped_plans import plan_of

from conftest import REPO
from llmplan.arch.shape import ModelShape
from llmplan.cli import main
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.scenario import parse_scenario
from llmplan.inputs.settings import defaults
from llmplan.io.jsonio import dumps
from llmplan.plan.build import build_plan
from llmplan.report.charts.run import memory_chart
from llmplan.report.render import environment
from llmplan.run.training import training_run

CATALOG = load_catalog(REPO / "data" / "catalog")
TOLERANCE = defaults().inference_loss_tolerance
REQUIRED = (
    "feasible", "why", "layout", "memory_gb_per_gpu", "mfu", "days", "global_batch_tokens",
    "peak_learning_rate", "shape", "schedule", "calendar", "usd",
)  # fmt: skip


@pytest.fixture(scope="module")
def startup() -> dict:
    return plan_of("startup-64xh100")


def test_plan_has_a_training_run_on_the_architecture_shape(startup):
    run = startup["training_run"]
    assert all(key in run for key in REQUIRED)
    assert run["feasible"] is True
    assert run["shape"]["n_layers"] == startup["architecture"]["shape"]["n_layers"]
    assert run["layout"]["gpus"] == 64
    assert run["memory_gb_per_gpu"] <= 80
    assert run["mfu_low"] < run["mfu"] < run["mfu_high"]
    assert run["calendar"]["days_low"] < run["days"] < run["calendar"]["days_high"]
    assert run["usd"] == pytest.approx(run["calendar"]["gpu_hours"] * 2.50)


def test_compute_budget_has_batch_and_learning_rate_but_no_layout():
    run = plan_of("gopher-chinchilla")["training_run"]
    assert run["feasible"] is None and "no hardware" in run["why"]
    assert run["layout"] is None and run["peak_learning_rate"] > 0


def test_infeasible_run_says_how_many_gpus_it_needs():
    """The issue's example: "70B with Adam needs at least N H100 80GB; you have 8"."""
    run = training_run(70e9, 1.4e12, hardware=CATALOG.hardware["h100-sxm"], count=8)
    assert run["feasible"] is False
    need = run["min_gpus"]
    assert need > 8
    assert run["why"].startswith("70B with Adam")
    assert f"needs at least {need:,} NVIDIA H100 SXM5 80GB" in run["why"]
    assert run["why"].endswith("you have 8")


def test_mfu_auto_plans_with_the_calibrated_mfu():
    """A budget in GPUs x days with mfu: auto: its compute uses the MFU of the layout the plan
    chooses for the model that compute buys (a fixed point of MFU -> C -> N -> layout -> MFU)."""
    text = "title: auto\nbudget:\n  hardware: h100-sxm\n  count: 512\n  days: 20\n  mfu: auto\n"
    scenario = parse_scenario(text, "config/scenarios/auto.yaml", hardware=CATALOG.hardware)
    assert scenario.budget.mfu_auto
    plan = json.loads(
        dumps(build_plan(scenario, CATALOG, provenance={}, inference_loss_tolerance=TOLERANCE))
    )
    budget, run = plan["budget"], plan["training_run"]
    # the model's MFU for the planned model, or (where the shape rule's steps make the iteration
    # cycle) a lower one: never more compute than the layout delivers
    assert 0.85 * run["mfu"] <= budget["mfu"] <= run["mfu"] + 0.005
    assert budget["flops"] == pytest.approx(512 * 20 * 86400 * 989.4e12 * budget["mfu"], rel=1e-9)
    assert any(n["text"].startswith("MFU auto:") for n in budget["notes"])


def test_mfu_auto_on_the_command_line_plans_as_the_scenario_does(monkeypatch, capsys, tmp_path):
    """--mfu auto resolves the MFU as a scenario's mfu: auto does; it was read as the default
    40% without a word."""
    monkeypatch.chdir(tmp_path)
    flags = ["--gpu", "h100-sxm", "--count", "512", "--days", "20", "--mfu", "auto"]
    assert main(["allocate", *flags, "--catalog", str(REPO / "data/catalog"), "--json"]) == 0
    cli = json.loads(capsys.readouterr().out)
    text = "title: auto\nbudget: {hardware: h100-sxm, count: 512, days: 20, mfu: auto}\n"
    scenario = parse_scenario(text, "auto.yaml", hardware=CATALOG.hardware)
    plan = json.loads(
        dumps(build_plan(scenario, CATALOG, provenance={}, inference_loss_tolerance=TOLERANCE))
    )
    assert cli["budget"]["mfu_auto"] is True
    assert cli["budget"]["mfu"] == plan["budget"]["mfu"] != defaults().assumptions.mfu
    for key in ("params", "tokens", "train_flops", "risks"):
        assert cli[key] == plan["recommendation"][key], key


@pytest.mark.parametrize("name", ["startup-64xh100", "gopher-chinchilla"])
def test_partial_and_chart_render(name):
    plan = plan_of(name)
    chart = memory_chart(plan["training_run"])
    assert chart.startswith("<svg") and chart == memory_chart(plan["training_run"])
    html = (
        environment()
        .get_template("partials/training_run.html.j2")
        .render(plan=plan, charts={"run_memory": Markup(chart)})
    )
    assert 'id="training-run"' in html
    assert ("<svg" in html) == (plan["training_run"]["hardware"] is not None)


def test_infeasible_chart_shows_the_state_per_gpu():
    run = json.loads(
        dumps(training_run(70e9, 1.4e12, hardware=CATALOG.hardware["h100-sxm"], count=8))
    )
    chart = memory_chart(run)
    assert "over your 8 accelerators" in chart
    html = (
        environment()
        .get_template("partials/training_run.html.j2")
        .render(plan={"training_run": run}, charts={"run_memory": Markup(chart)})
    )
    assert "Not feasible" in html and "you have 8" in html


def test_shape_round_trips(startup):
    shape = ModelShape.from_dict(startup["training_run"]["shape"])
    assert shape.to_dict()["n_layers"] == startup["training_run"]["shape"]["n_layers"]
