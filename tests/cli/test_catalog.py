"""``llmplan catalog``: JSON with the derived columns, a readable table, errors without traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from llmplan.cli import main

CATALOG_DIR = REPO / "data" / "catalog"


def test_json_has_the_derived_columns(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--catalog", str(CATALOG_DIR), "--json", "--mfu", "0.4"]) == 0
    doc = json.loads(capsys.readouterr().out)
    required = {"id", "name", "params", "tokens", "train_flops", "pf_days", "tokens_per_param"}
    assert all(required <= set(m) for m in doc["models"])
    gpt3 = next(m for m in doc["models"] if m["id"] == "gpt3-175b")
    assert gpt3["pf_days"] == pytest.approx(3640)
    assert "pf_days_per_gpu_day" in doc["hardware"][0]


def test_table_is_readable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--catalog", str(CATALOG_DIR)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:3] == ["id", "name", "params"]
    assert "chinchilla-70b" in out and ">=15T" in out
    assert "* bloomberggpt-50b:" in out


def test_bad_catalog_is_one_line_on_stderr(tmp_path: Path, capsys) -> None:
    (tmp_path / "models.yaml").write_text("models:\n  - id: x\n", encoding="utf-8")
    assert main(["catalog", "--catalog", str(tmp_path), "--json"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("llmplan: error: ") and "entry 'x'" in err
    assert "Traceback" not in err


def test_bad_mfu(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", "--catalog", str(CATALOG_DIR), "--json", "--mfu", "2"]) == 2
    assert "--mfu" in capsys.readouterr().err


def test_outside_the_project_the_error_says_where_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run from another folder, the default catalog (data/catalog) is not there: the error says
    so and how to fix it, rather than that a folder holds no files."""
    monkeypatch.chdir(tmp_path)
    assert main(["allocate", "--flops", "1e22"]) == 2
    err = capsys.readouterr().err
    assert f"data/catalog: no such folder under {tmp_path}" in err
    assert "run llmplan from the project's folder, or pass --catalog DIR" in err
    (tmp_path / "empty").mkdir()
    assert main(["catalog", "--catalog", str(tmp_path / "empty")]) == 2
    assert "no *.yaml files" in capsys.readouterr().err
