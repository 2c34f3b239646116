"""``llmplan check``: the workflow's up-front checks from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from llmplan.cli import main
from llmplan.cli.check import scenario_file
from llmplan.core.errors import InputError


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


def test_check_all_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    n = len(list((REPO / "config/scenarios").glob("*.yaml")))
    s = len(list((REPO / "config/sweeps").glob("*.yaml")))
    k = len(list((REPO / "config/ladders").glob("*.yaml")))
    sweeps = "1 sweep" if s == 1 else f"{s} sweeps"  # the shipped config has one
    assert out == (
        f"ok: config/config.yaml, data/catalog, {n} scenarios in config/scenarios, {sweeps}, "
        f"{k} ladders in config/ladders\n"
    )


def test_check_one_scenario_by_name_or_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "gopher-chinchilla", "config/scenarios/one-pf-day.yaml"]) == 0
    assert "config/scenarios/gopher-chinchilla.yaml" in capsys.readouterr().out


@pytest.mark.parametrize("name", ["../../etc", "..", "a/b", "my plan", "plan.yml", "-x", ""])
def test_names_that_could_leave_the_folder_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="not a scenario name"):
        scenario_file(name)


def test_a_bad_scenario_file_exits_2_with_one_line(
    tmp_path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\nbudget:\n  flops: 1.4 TT\n")
    assert main(["check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"llmplan: error: {bad}:3, entry 'bad', field 'budget.flops'")


def test_check_reports_a_broken_sweep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """llmplan check reads the sweeps as the workflow does: a bad grid value is one line."""
    sweeps = tmp_path / "sweeps"
    sweeps.mkdir()
    (sweeps / "bad.yaml").write_text(
        "title: t\nbase:\n  budget: {flops: 1e22}\ngrid:\n  budget.flops: [1e22, -3]\n",
        encoding="utf-8",
    )
    config = tmp_path / "config.yaml"
    config.write_text(f"sweep_dir: {sweeps}\n", encoding="utf-8")
    assert main(["check", "--config", str(config)]) != 0
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "grid.budget.flops" in err and "Traceback" not in err
