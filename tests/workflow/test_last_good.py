"""A failure never costs a good report, under the real workflow (``llmplan.io.keep``).

From a copy of the shared small build, each case reruns one job of one scenario and makes it fail,
get killed, or meet a second run: every previous report stays byte-identical, and a failed job is
retried by the next run instead of being taken for done. (Rebuilds give the same bytes, so a job
that completes leaves them byte-identical too.)
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from workflow_support import (
    kill_group,
    report_digests,
    snakemake,
    start_snakemake,
    wait_for_job,
)

pytestmark = pytest.mark.slow

TARGET = "reports/scenarios/one-pf-day/plan.pdf"
TEMPLATE = "workflow/templates/plan.html.j2"


def _edit_template(work: Path, new: str) -> str:
    """Replace the plan template's body opening with ``new``; return the old text."""
    template = work / TEMPLATE
    good = template.read_text()
    template.write_text(good.replace("{% block body %}", new, 1))
    return good


def test_a_failing_job_keeps_every_report_and_is_retried(work: Path) -> None:
    before = report_digests(work)
    good = _edit_template(work, "{% block body %}{{ no_such_variable }}")  # a bug in a template
    failed = snakemake(work, TARGET)
    output = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "llmplan: the previous outputs of this job are kept" in output
    assert report_digests(work) == before
    # Snakemake recorded the failed job as run: only the failure marker makes it run again
    retry = snakemake(work, "--dry-run", TARGET)
    assert "Params have changed" in retry.stdout + retry.stderr
    assert "scenario_report" in retry.stdout + retry.stderr
    (work / TEMPLATE).write_text(good)


def _restored(work: Path) -> bool:
    """Whether the job's runner has put the report back: Snakemake removed it when the job
    started, llmplan linked it back from its last good copy (the copy of the build holds them as
    separate files until then)."""
    pdf = work / TARGET
    kept = pdf.parent / ".last-good" / pdf.name
    try:
        return pdf.stat().st_ino == kept.stat().st_ino
    except FileNotFoundError:
        return False


def test_a_kill_during_render_leaves_every_report_in_place(work: Path) -> None:
    before = report_digests(work)
    run = start_snakemake(work, TARGET, "--forcerun", "scenario_report")
    wait_for_job(run, "scenario_report")
    deadline = time.monotonic() + 60
    while not _restored(work) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.5)  # loading its libraries, or rendering
    kill_group(run, signal.SIGKILL)
    assert not (work / "reports/logs/report/one-pf-day.log").exists(), "the job had finished"
    assert report_digests(work) == before


def test_two_runs_at_once(work: Path) -> None:
    """A second run while the first holds the folder is refused by Snakemake's lock; the first
    then completes. The first is paused (SIGSTOP) while the second tries, so that they overlap
    however fast the machine."""
    before = report_digests(work)
    plan = "reports/scenarios/one-pf-day/plan.json"
    first = start_snakemake(work, plan, "--forcerun", "plan")
    try:
        wait_for_job(first, "plan")
        os.killpg(first.pid, signal.SIGSTOP)
        second = snakemake(work, plan, "--forcerun", "plan")
        os.killpg(first.pid, signal.SIGCONT)
        assert second.returncode != 0
        assert "cannot be locked" in second.stdout + second.stderr
        first.communicate(timeout=300)
        assert first.returncode == 0
    finally:
        if first.poll() is None:
            kill_group(first, signal.SIGKILL)
    assert report_digests(work) == before
