"""history.json (rule ``plan``, :mod:`llmplan.plan.history`): what changed since the previous
commit of a scenario, and its report section."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from exact_support import exact_params
from git_support import Repo, isolated_git_env
from markupsafe import Markup

from conftest import REPO
from llmplan.inputs.scenario import load_scenario
from llmplan.inputs.settings import Settings
from llmplan.io.git import NotInRepository, previous_version
from llmplan.io.jsonio import dumps
from llmplan.io.provenance import provenance
from llmplan.laws.published import UNROUNDED
from llmplan.plan.build import build_plan
from llmplan.plan.history import outside_git, scenario_history
from llmplan.report.context import plan_context
from llmplan.report.render import render_html

FILE = "config/scenarios/my-plan.yaml"
LAW = "laws: [chinchilla-approach3]\nprimary_law: chinchilla-approach3\n"
V1 = f"title: My plan\nbudget: {{flops: 1.0e+23}}\n{LAW}"
V2 = f"title: My plan\nbudget: {{flops: 4.0e+23}}\n{LAW}"
#: N moves as the exact-FLOPs optimum (tests/exact_support.py) moves from V1 to V2
MOVED = exact_params("chinchilla-approach3", 4e23) / exact_params("chinchilla-approach3", 1e23)
CONFIG = yaml.safe_load((REPO / "config/config.yaml").read_text())


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)


def current_plan(path: Path, catalog: Any) -> dict[str, Any]:
    settings = Settings.from_config(CONFIG)
    scenario = load_scenario(path, hardware=catalog.hardware, settings=settings)
    plan = build_plan(
        scenario,
        catalog,
        provenance=provenance({"scenario": None, "catalog": None}),
        inference_loss_tolerance=settings.inference_loss_tolerance,
    )
    return json.loads(dumps(plan))


def history_of(path: Path, catalog: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """As rule ``plan`` makes it: git read by the caller, the history computed from the text."""
    plan = current_plan(path, catalog)
    text = path.read_text(encoding="utf-8")
    try:
        previous = previous_version(path, text)
    except NotInRepository:
        return outside_git(), plan
    return scenario_history(str(path), text, previous, plan, catalog, config=CONFIG), plan


def render(plan: dict[str, Any], history: dict[str, Any] | None) -> str:
    context = plan_context(plan, Settings.from_config(CONFIG), history=history)
    context["charts"] = {"isoflop": Markup(""), "frontier": Markup("")}
    return render_html("plan.html.j2", context)


def test_the_last_change_of_a_scenario(tmp_path: Path, catalog: Any) -> None:
    repo = Repo(tmp_path / "project")
    repo.commit("Plan at 1e23", {FILE: V1})
    repo.commit("Four times the compute", {FILE: V2})
    history, plan = history_of(repo.root / FILE, catalog)
    assert history["status"] == "changed"
    previous = history["previous"]
    assert previous["subject"] == "Plan at 1e23" and previous["date"] == "2024-01-01"
    assert [(c["field"], c["a"], c["b"]) for c in history["inputs"]] == [
        ("budget.flops", 1e23, 4e23)
    ]
    moved = {c["field"]: c for c in history["recommendation"]}
    a = UNROUNDED["beta"] / (UNROUNDED["alpha"] + UNROUNDED["beta"])
    assert moved["recommendation.params"]["change"] == pytest.approx(MOVED, rel=1e-6)
    assert MOVED == pytest.approx(4**a, rel=1e-3)  # eq. 4, on exact FLOPs
    # deterministic: the same file and history give the same bytes
    assert dumps(history) == dumps(history_of(repo.root / FILE, catalog)[0])
    html = render(plan, history)
    assert f"Changed since {previous['short']} (2024-01-01, Plan at 1e23)" in html
    assert "<td>budget.flops</td><td>1e23 FLOPs</td><td>4e23 FLOPs</td>" in html
    assert f"+{(4**a - 1) * 100:.0f}%" in html


def test_outside_git_the_report_says_so_in_one_line(tmp_path: Path, catalog: Any) -> None:
    path = tmp_path / "copy" / FILE
    path.parent.mkdir(parents=True)
    path.write_text(V2)
    history, plan = history_of(path, catalog)
    assert history == {
        "status": "no_git",
        "previous": None,
        "inputs": [],
        "recommendation": [],
        "error": None,
    }
    html = render(plan, history)
    assert "none to show, the scenario file is not under git" in html
    assert "Changed since" not in html
    assert "Changes since the last commit" not in render(plan, None)


def test_a_scenario_committed_once_has_no_previous_version(tmp_path: Path, catalog: Any) -> None:
    repo = Repo(tmp_path / "project")
    repo.commit("Plan", {FILE: V2})
    history, plan = history_of(repo.root / FILE, catalog)
    assert history["status"] == "no_previous"
    assert "no earlier committed version of the scenario differs" in render(plan, history)


def test_comments_only_change_nothing(tmp_path: Path, catalog: Any) -> None:
    repo = Repo(tmp_path / "project")
    repo.commit("Plan", {FILE: V2})
    repo.commit("Explain the budget", {FILE: "# four times the first budget\n" + V2})
    history, plan = history_of(repo.root / FILE, catalog)
    assert history["status"] == "changed"
    assert history["inputs"] == [] and history["recommendation"] == []
    html = render(plan, history)
    assert "The recommendation is the same." in html
    assert "only comments or formatting changed" in html


def test_an_earlier_version_that_no_longer_plans_is_reported_not_fatal(
    tmp_path: Path, catalog: Any
) -> None:
    repo = Repo(tmp_path / "project")
    repo.commit("Old law", {FILE: V2.replace("laws: [chinchilla-approach3]", "laws: [gone-law]")})
    repo.commit("Today's law", {FILE: V2})
    history, plan = history_of(repo.root / FILE, catalog)
    assert history["status"] == "unplannable"
    assert "unknown law id 'gone-law'" in history["error"]
    assert history["inputs"][0]["field"] == "laws"
    assert "no longer plans with today" in render(plan, history)
