"""Interrupted runs: kill the workflow while it renders, rerun, and every output is whole.

Outputs are written atomically (``pipeline.write_atomic``: a temporary file, then a rename), so a
killed job leaves either the old file or none, never half a PDF. What a kill can leave behind is
Snakemake's own bookkeeping: its lock on the working directory and its "incomplete" marks on the
killed jobs' outputs. ``workflow/profiles/default`` (read by every ``snakemake`` run in the
repository) sets ``rerun-incomplete`` so marked outputs are rebuilt. A SIGINT (Ctrl-C) releases the
lock; after a SIGKILL or a power loss ``snakemake --unlock`` does, as Snakemake's message and the
README's Troubleshooting section say.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_workflow import assert_valid_pdf, contract_paths, copy_repo, snakemake

pytestmark = pytest.mark.slow


def _kill_while_rendering(work: Path, sig: signal.Signals) -> None:
    """Start the workflow and send ``sig`` to its process group once a plan exists, before all PDFs."""
    names = sorted(p.stem for p in (work / "config/scenarios").glob("*.yaml"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", "2"],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            plans = list((work / "reports/scenarios").glob("*/plan.json"))
            pdfs = list((work / "reports/scenarios").glob("*/plan.pdf"))
            if plans and len(pdfs) < len(names):
                break
            assert proc.poll() is None, "the workflow finished before it could be interrupted"
            time.sleep(0.05)
        else:
            pytest.fail("no plan.json appeared in time")
        os.killpg(proc.pid, sig)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    pdfs = list((work / "reports/scenarios").glob("*/plan.pdf"))
    assert len(pdfs) < len(names), "the kill came too late to test anything"


def _assert_every_output_whole(work: Path) -> None:
    names = sorted(p.stem for p in (work / "config/scenarios").glob("*.yaml"))
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
    tmp_path: Path, sig: signal.Signals
) -> None:
    copy_repo(tmp_path)
    _kill_while_rendering(tmp_path, sig)
    if sig == signal.SIGKILL:
        # a hard kill leaves Snakemake's lock behind; Snakemake says so and names the remedy,
        # which the README's Troubleshooting section repeats
        locked = snakemake(tmp_path)
        assert locked.returncode != 0 and "--unlock" in locked.stderr
        assert snakemake(tmp_path, "--unlock").returncode == 0
    result = snakemake(tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    _assert_every_output_whole(tmp_path)
    again = snakemake(tmp_path)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
