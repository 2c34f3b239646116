"""The "changed since" section end to end: a copy of the shared build put under git, one scenario
edited and committed, and the workflow rebuilding only that scenario's jobs, deterministically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from git_support import Repo, git, isolated_git_env
from workflow_support import planned_jobs, snakemake

pytestmark = pytest.mark.slow

SCENARIO = ".test/scenarios/small-lab.yaml"
OUT = Path("reports/scenarios/small-lab")


def test_an_edited_scenario_reports_its_change_and_reruns_only_its_jobs(
    work: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    (work / ".gitignore").write_text("reports/\n.snakemake/\n")
    repo = Repo(work)
    first = repo.commit("Small lab, two weeks")
    text = (work / SCENARIO).read_text()
    assert "days: 14" in text
    repo.commit("Small lab, four weeks", {SCENARIO: text.replace("days: 14", "days: 28")})

    dry = snakemake(work, "--dry-run")
    assert dry.returncode == 0, dry.stderr[-2000:]
    jobs = planned_jobs(dry.stdout + dry.stderr)
    assert jobs == {"all": 1, "plan": 1, "scenario_report": 1, "index": 1}
    result = snakemake(work)
    assert result.returncode == 0, result.stderr[-3000:]

    history = json.loads((work / OUT / "history.json").read_text())
    assert history["status"] == "changed" and history["previous"]["sha"] == first
    assert [(c["field"], c["a"], c["b"]) for c in history["inputs"]] == [("budget.days", 14, 28)]
    moved = {c["field"]: c["change"] for c in history["recommendation"]}
    assert moved["recommendation.train_flops"] == pytest.approx(2.0)
    html = (work / OUT / "plan.html").read_text()
    assert f"Changed since {first[:10]} (2024-01-01, Small lab, two weeks)" in html
    assert "<td>budget.days</td><td>14 days</td><td>28 days</td>" in html

    # a commit that does not touch the scenario changes nothing, so nothing reruns
    repo.commit("Unrelated", {"NOTES.md": "x\n"})
    again = snakemake(work)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
    # and forcing the rule (as after a rebase) gives the same history (plan.json records the new
    # HEAD in its provenance)
    before = (work / OUT / "history.json").read_bytes()
    forced = snakemake(work, "--forcerun", "plan", "--until", str(OUT / "history.json"))
    assert forced.returncode == 0, forced.stderr[-2000:]
    assert (work / OUT / "history.json").read_bytes() == before
    assert git(work, "status", "--porcelain") == ""
