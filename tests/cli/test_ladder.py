"""``llmplan ladder``: the JSON contract, the three ways to state budgets, files, clear errors."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from llmplan.cli import main
from llmplan.cli.train import read_run_configs


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # config/config.yaml and config/scenarios/ as a user has them


def ladder_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["ladder", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_contract_flops_and_fraction(capsys) -> None:
    doc = ladder_json(capsys, "--flops", "1e22", "--fraction", "0.01")
    runs = doc["runs"]
    assert len(runs) == 4 * 5
    for run in runs:
        assert run["flops"] == pytest.approx(6 * run["params"] * run["tokens"], rel=1e-9)
        assert run["flops"] == pytest.approx(run["level_flops"], rel=1e-3)
    assert doc["total_flops"] <= 1e20
    assert doc["fraction_of_target"] == pytest.approx(0.01, rel=1e-3)
    assert sum(j["cost_flops"] for j in doc["jobs"]) == pytest.approx(doc["total_flops"])


def test_scenario_budget_is_the_target(capsys) -> None:
    # config/scenarios/gopher-chinchilla.yaml: Gopher's budget, 5.76e23 FLOPs
    doc = ladder_json(capsys, "--scenario", "gopher-chinchilla", "--fraction", "0.02")
    assert doc["target_flops"] == pytest.approx(5.76e23, rel=1e-3)
    assert doc["total_flops"] <= 0.02 * doc["target_flops"]
    assert doc["scenario"] == "gopher-chinchilla"


def test_absolute_ladder_budget(capsys) -> None:
    doc = ladder_json(capsys, "--flops", "1e22", "--flops-total", "3e19", "--sizes", "7")
    assert doc["total_flops"] <= 3e19 and doc["budget_fraction"] is None
    assert {len(level["params"]) for level in doc["levels"]} == {7}


def test_out_writes_configs_the_trainer_reads(tmp_path, capsys) -> None:
    out = tmp_path / "ladder"
    args = ["--flops", "1e13", "--flops-total", "1e12", "--levels", "3", "--sizes", "4"]
    args += ["--spread", "2.4", "--shape-rule", "small", "--vocab", "256", "--seq-len", "64"]
    assert main(["ladder", *args, "--out", str(out)]) == 0
    assert "of the target" in capsys.readouterr().out
    doc = json.loads((out / "ladder.json").read_text())
    configs = [c for job in doc["jobs"] for c in read_run_configs(out / "configs" / job["config"])]
    assert [c.run for c in configs] == [job["job"] for job in doc["jobs"]]
    points = {run["job"]: run for run in doc["runs"] if not run["branch"]}
    for config in configs:
        assert config.tokens == points[config.run]["tokens"]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--flops", "1e22"], "either --fraction or --flops-total"),
        (["--flops", "1e22", "--fraction", "2"], "--fraction"),
        (["--flops", "lots", "--fraction", "0.01"], "--flops"),
        (["--flops", "1e22", "--fraction", "0.01", "--sizes", "10"], "--sizes"),
        (["--flops", "1e22", "--fraction", "0.01", "--law", "chinchila"], "--law"),
        (["--flops", "1e22", "--flops-total", "1e23"], "more than its target"),
        (["--scenario", "no-such-scenario", "--fraction", "0.01"], "not found"),
        (["--flops", "1e12", "--fraction", "0.01"], "steps"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args: list[str], words: str) -> None:
    assert main(["ladder", *args]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err and err.count("\n") == 1
