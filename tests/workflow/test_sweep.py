"""A sweep through the real workflow: the small test config's 24-point sweep in three shards.

Its outputs exist and agree with each other, the shards are gone, the frontier points got their
planning reports, the index links the sweep; editing the sweep reruns only its jobs, and a broken
sweep stops the run with one clear message.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from workflow_support import assert_valid_pdf, planned_jobs, snakemake

pytestmark = pytest.mark.slow


def test_sweep_outputs(built_once: Path) -> None:
    folder = built_once / "reports/sweeps/tiny"
    doc = json.loads((folder / "sweep.json").read_text())
    table = pd.read_csv(folder / "points.csv", keep_default_na=False, na_values=[""])
    assert doc["sweep"]["n_points"] == len(table) == 24
    assert table["point"].tolist() == list(range(24))
    assert not (folder / "shards").exists() or not any((folder / "shards").iterdir())
    assert doc["held_fixed"] == ["budget.mfu", "constraints.inference_tokens"]
    assert doc["sweep"]["n_cells"] == 4
    # the frontier of the base cell: cheapest first, loss falling
    front = doc["frontier"]
    assert [r["usd"] for r in front] == sorted(r["usd"] for r in front)
    assert [r["loss"] for r in front] == sorted((r["loss"] for r in front), reverse=True)
    assert doc["recommended"]["point"] in [r["point"] for r in front]
    assert table["on_frontier"].sum() >= doc["frontier_size"]
    assert_valid_pdf(folder / "sweep.pdf")
    html = (folder / "sweep.html").read_text()
    assert "The efficient frontier recommends" in html
    # the law by its name (sweep.json's law_names, written by the sweep step), not its id
    assert doc["laws"] == ["epoch-2024"] and "epoch-2024" not in html
    assert "planned under Epoch AI refit of Chinchilla approach 3" in html
    assert "Epoch AI 对 Chinchilla" in (folder / "sweep.zh.html").read_text()
    # point_reports: frontier, at most sweeps.max_point_reports (1) of them
    assert doc["frontier_size"] > 1 and len(doc["point_reports"]) == 1
    for point in doc["point_reports"]:
        plan = json.loads((folder / f"points/{point}/plan.json").read_text())
        row = table.iloc[point]
        assert plan["recommendation"]["params"] == pytest.approx(row["params"], rel=1e-9)
        assert_valid_pdf(folder / f"points/{point}/plan.pdf")
    assert "sweeps/tiny/sweep.html" in (built_once / "reports/index.html").read_text()
    log = (built_once / "reports/logs/sweep/tiny.shard-2.log").read_text()
    assert re.search(r"\nok in \d+\.\d s \(\d+\.\d s CPU\)\n\Z", log)


def _dry_run(work: Path) -> dict[str, int]:
    result = snakemake(work, "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    return planned_jobs(result.stdout + result.stderr)


def test_editing_the_sweep_reruns_only_its_jobs(built: Path) -> None:
    path = built / ".test/sweeps/tiny.yaml"
    good, stat = path.read_text(), path.stat()
    path.write_text(good.replace("budget.days: [7, 14]", "budget.days: [7, 21]"))
    try:
        jobs = _dry_run(built)
    finally:  # as it was, modification time included: later tests expect nothing to rerun
        path.write_text(good)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert jobs == {
        "all": 1,
        "index": 1,
        "sweep": 1,
        "sweep_points": 1,
        "sweep_report": 1,
        "sweep_shard": 3,
    }


def test_broken_sweep_stops_with_one_clear_message(built: Path) -> None:
    path = built / ".test/sweeps/zz-broken.yaml"
    path.write_text(
        'title: "Broken"\nbase:\n  budget: {hardware: h100-sxm, count: 8, days: 3}\n'
        "grid:\n  budget.mfu: [0.4, 45]\n"
    )
    try:
        result = snakemake(built, "--dry-run")
    finally:
        path.unlink()
    message = result.stdout + result.stderr
    assert result.returncode != 0
    assert ".test/sweeps/zz-broken.yaml:5, entry 'zz-broken', field 'grid.budget.mfu[1]'" in message
    assert "0 < mfu <= 1" in message and "Traceback" not in message
