"""One source of settings: the schema's defaults, the project's config, and the CLI reading both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import REPO
from llmplan.cli import main
from llmplan.inputs.settings import Settings, defaults, section
from llmplan.io.schema import SCHEMA_DIR


def test_defaults_are_the_schemas() -> None:
    schema = yaml.safe_load((SCHEMA_DIR / "config.schema.yaml").read_text())["properties"]
    d = defaults()
    assert d.tokens_per_param == schema["tokens_per_param"]["default"]
    assert d.primary_law == schema["primary_law"]["default"]
    assert d.laws == tuple(schema["laws"]["default"])
    assumptions = schema["assumptions"]["properties"]
    assert d.assumptions.mfu == assumptions["mfu"]["default"]
    assert d.assumptions.pue == assumptions["pue"]["default"]


def test_shipped_config_and_defaults_agree_where_the_config_is_silent() -> None:
    shipped = Settings.from_config(yaml.safe_load((REPO / "config/config.yaml").read_text()))
    assert shipped.assumptions == defaults().assumptions
    assert section({"a": 1, "b": 2, "c": 3}, "a", "c", "z") == {"a": 1, "c": 3}


def test_cli_uses_the_projects_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same question gets the same answer: the CLI reads config/config.yaml like the workflow."""
    (tmp_path / "config").mkdir()
    (tmp_path / "config/config.yaml").write_text(
        "assumptions:\n  mfu: 0.25\ntokens_per_param: 30\n"
    )
    monkeypatch.chdir(tmp_path)
    args = ["allocate", "--gpu", "h100-sxm", "--count", "8", "--days", "10", "--law"]
    assert main([*args, "tokens-per-param", "--catalog", str(REPO / "data/catalog"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # 8 x 10 days x 989.4 TFLOP/s x 25% MFU, and the law's D = 30 N (on its 6ND; the model
    # built for that N spends more per token, so the recommendation keeps N and trains less)
    assert doc["train_flops"] == pytest.approx(8 * 10 * 86400 * 989.4e12 * 0.25, rel=1e-9)
    (row,) = doc["laws"]
    assert row["tokens_per_param"] == pytest.approx(30.0)
    assert doc["params"] == row["params"] and doc["tokens"] < row["tokens"]
