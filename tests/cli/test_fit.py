"""``llmplan fit``: the summary prints the fitter's sentences in English (the ``text`` of the
messages in the JSON), and ``--json`` carries each as code, arguments and text."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO
from llmplan.cli import main
from llmplan.fit.synthetic import synthetic_isoflop

LAW = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)  # Besiroglu et al. 2024


def _csv(tmp_path: Path, budgets: list[float]) -> str:
    runs = synthetic_isoflop(LAW, budgets, 8, noise_sd=0.01, seed=0)
    path = tmp_path / "runs.csv"
    runs[["N", "D", "loss"]].to_csv(path, index=False)
    return str(path)


def test_one_budget_says_in_english_why_there_is_no_backtest_and_no_approach_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = _csv(tmp_path, [1e20])
    assert main(["fit", runs, "--bootstrap", "40"]) == 0
    text = capsys.readouterr().out
    assert (
        "backtest: not possible: all runs share one compute budget; nothing to extrapolate to"
        in (text)
    )
    assert "approach 2: not possible: 1 of 1 compute groups have a usable IsoFLOP parabola" in text
    assert "approach 1: not possible: the runs have no run ids" in text
    assert main(["fit", runs, "--bootstrap", "40", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["extrapolation"]["reason"]["code"] == "fit.backtest.one_budget"
    assert doc["approach2"]["reason"]["args"] == {"usable": 1, "groups": 1, "sizes": 3}


def test_the_backtest_line_names_the_held_out_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    runs = _csv(tmp_path, [1e18, 1e19, 1e20, 1e21])
    assert main(["fit", runs, "--bootstrap", "20", "--approach", "3"]) == 0
    text = capsys.readouterr().out
    assert "backtest: without the runs at the largest compute budget, C = 1e+21 FLOPs," in text


def test_a_fit_from_the_command_line_knows_its_compute_and_flags_an_extrapolation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``llmplan fit --json`` records the compute its runs span, as the workflow's fit.json does,
    so a plan on that fit beyond it says it extrapolates (data/ladders/example/README.md: 205x
    at 1e14 FLOPs); before, the command line's fit had no range and never warned."""
    runs = REPO / "data/ladders/example/runs.csv"
    assert main(["fit", str(runs), "--json", "--bootstrap", "20"]) == 0
    doc = json.loads(capsys.readouterr().out)
    compute = pd.read_csv(runs)["C"]
    assert doc["flops_range"] == [float(compute.min()), float(compute.max())]
    fit = tmp_path / "example" / "fit.json"
    fit.parent.mkdir()
    fit.write_text(json.dumps(doc))
    assert main(["allocate", "--flops", "1e14", "--law", "fit:example", "--fit", str(fit)]) == 0
    out = capsys.readouterr().out
    assert "fit:example: the budget 1e+14 FLOPs is 205x above the range" in out
