"""The ladder targets in the workflow's DAG: named targets only, one train job per run."""

from __future__ import annotations

from pathlib import Path

import pytest
from workflow_support import copy_repo, planned_jobs, snakemake

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("ladder-dag")
    copy_repo(work)
    return work


def test_default_target_trains_nothing(work: Path) -> None:
    result = snakemake(work, "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = planned_jobs(result.stdout + result.stderr)
    assert not any(rule.startswith("ladder") for rule in jobs)


def test_smoke_target_trains_one_job_per_run(work: Path) -> None:
    result = snakemake(work, "--dry-run", "ladder_smoke")
    assert result.returncode == 0, result.stderr[-2000:]
    jobs = planned_jobs(result.stdout + result.stderr)
    # config/ladders/smoke.yaml: 3 levels x 4 sizes share 3 + 4 - 1 = 6 sizes, one run each
    assert jobs["ladder_train"] == 6
    for rule in ("ladder_design", "ladder_runs", "fit", "fit_report", "ladder_plan"):
        assert jobs[rule] == 1, rule
    assert "resources: tmpdir=/tmp, gpu=0" in result.stdout + result.stderr


def test_broken_ladder_file_stops_with_one_line(work: Path) -> None:
    path = work / "config/ladders/broken.yaml"
    path.write_text("target: {flops: 1.0e+14}\nbudget: {fraction: 3}\n")
    try:
        result = snakemake(work, "--dry-run")
    finally:
        path.unlink()
    assert result.returncode != 0
    assert "config/ladders/broken.yaml:2, field 'budget.fraction'" in result.stderr
    assert "Traceback" not in result.stderr
