"""Interrupted runs: kill the workflow while it renders, rerun, and every output is whole.

Each test starts from a copy of the shared small build with one scenario's planning reports
deleted (and their last good copies, so that nothing can be restored), so only its report job
reruns: the kill lands in that job's render. Outputs are
written atomically (``llmplan.io.jsonio.write_atomic``: a temporary file, then a rename), so a
killed job leaves either the old file or none, never half a PDF. What a kill can leave behind is
Snakemake's own bookkeeping: its lock on the working directory and its "incomplete" marks on the
killed jobs' outputs. ``profiles/default`` (read by every ``snakemake`` run in the
repository) sets ``rerun-incomplete`` so marked outputs are rebuilt. A SIGINT (Ctrl-C) releases the
lock; after a SIGKILL or a power loss ``snakemake --unlock`` does, as Snakemake's message and the
README's Troubleshooting section say.
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

import pytest
from workflow_support import (
    assert_valid_pdf,
    contract_paths,
    kill_group,
    scenario_names,
    snakemake,
    start_snakemake,
    wait_for_job,
)

pytestmark = pytest.mark.slow


#: The scenario whose reports are deleted, then rendered by the run that is killed.
SCENARIO = "one-pf-day"


def _kill_while_rendering(work: Path, sig: signal.Signals, pdfs: list[Path]) -> None:
    """Start the workflow and send ``sig`` to its process group while the report job is
    rendering ``pdfs``: half a second after it starts (a render takes seconds)."""
    proc = start_snakemake(work)
    wait_for_job(proc, "scenario_report")
    time.sleep(0.5)
    kill_group(proc, sig)
    written = [p for p in pdfs if p.exists()]
    assert len(written) < len(pdfs), "the kill came too late to test anything"


def _assert_every_output_whole(work: Path) -> None:
    names = scenario_names(work)
    for rel in contract_paths(names):
        path = work / rel
        assert path.is_file() and path.stat().st_size > 0, rel
        if rel.endswith(".pdf"):
            assert_valid_pdf(path)
        elif rel.endswith(".json"):
            json.loads(path.read_text())
        else:
            assert path.read_text().rstrip().endswith("</html>"), rel
    assert not list((work / "reports").rglob(".*.tmp-*")), "a temporary file was left behind"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_rerun_after_a_kill_mid_render_completes_every_output(
    work: Path, sig: signal.Signals
) -> None:
    assert SCENARIO in scenario_names(work)
    deleted = []
    for path in (work / "reports/scenarios" / SCENARIO).glob("plan.*"):
        if path.suffix in (".html", ".pdf"):  # and their last good copies: nothing to restore
            path.unlink()
            (path.parent / ".last-good" / path.name).unlink()
            deleted.append(path)
    pdfs = [p for p in deleted if p.suffix == ".pdf"]
    assert len(pdfs) == 2  # English and Chinese (the test config's report.languages)
    _kill_while_rendering(work, sig, pdfs)
    if sig == signal.SIGKILL:
        # a hard kill leaves Snakemake's lock behind; Snakemake says so and names the remedy,
        # which the README's Troubleshooting section repeats
        locked = snakemake(work)
        assert locked.returncode != 0 and "--unlock" in locked.stderr
        assert snakemake(work, "--unlock").returncode == 0
    result = snakemake(work)
    assert result.returncode == 0, result.stderr[-3000:]
    _assert_every_output_whole(work)
    again = snakemake(work)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
