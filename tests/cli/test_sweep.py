"""``llmplan sweep``: the frontier of a sweep file, as JSON, and a clear error for a bad name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from llmplan.cli import main

SWEEP = """title: "Small"
base:
  budget: {hardware: a100-80gb, count: 8, days: 7, mfu: 0.4, price_per_hour: 1.8}
grid:
  budget.count: [8, 16, 32]
  budget.days: [7, 14]
  constraints.unique_tokens: [null, 20B]
"""


def test_sweep_json_prints_the_frontier(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(SWEEP)
    code = main(
        [
            "sweep",
            str(path),
            "--json",
            "--catalog",
            str(REPO / "data/catalog"),
            "--config",
            str(tmp_path / "none.yaml"),
            "--csv",
            str(tmp_path / "points.csv"),
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["sweep"]["n_points"] == 12 and doc["held_fixed"] == ["constraints.unique_tokens"]
    front = doc["frontier"]
    assert [r["usd"] for r in front] == sorted(r["usd"] for r in front)
    assert doc["recommended"]["point"] in [r["point"] for r in front]
    assert len((tmp_path / "points.csv").read_text().splitlines()) == 13


def test_the_text_says_when_it_shows_a_sample_of_the_frontier(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The shipped sweep's frontier is longer than the table: the text says how many it shows."""
    args = ["sweep", "gpus-days", "--catalog", str(REPO / "data/catalog")]
    assert main([*args, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["frontier_size"] > len(doc["frontier"])
    assert main(args) == 0
    text = capsys.readouterr().out
    assert f"{len(doc['frontier'])} of the {doc['frontier_size']:,} frontier points" in text


def test_sweep_name_outside_the_folder_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "../../etc/passwd"]) == 2
    assert "NAME" in capsys.readouterr().err
