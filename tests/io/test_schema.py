"""Defaults live once, in the schema: llmplan fills them exactly as Snakemake's validate() does."""

from __future__ import annotations

import copy

import pytest
import yaml
from snakemake.utils import validate

from conftest import REPO
from llmplan.io.schema import SCHEMA_DIR, with_defaults

CASES = [
    {},
    {"assumptions": {"mfu": 0.3}},
    {"fits": {"x": {"path": "a.csv"}}, "report": {"author": "me"}},
    yaml.safe_load((REPO / "config/config.yaml").read_text()),
    yaml.safe_load((REPO / ".test/config.yaml").read_text()),
]


@pytest.mark.parametrize("config", CASES)
def test_with_defaults_equals_snakemakes_validate(config: dict) -> None:
    theirs = copy.deepcopy(config)
    validate(theirs, schema=str(SCHEMA_DIR / "config.schema.yaml"))
    assert with_defaults(config, "config") == theirs


def test_with_defaults_does_not_touch_its_argument() -> None:
    config = {"assumptions": {"mfu": 0.3}}
    full = with_defaults(config, "config")
    assert config == {"assumptions": {"mfu": 0.3}}
    assert full["assumptions"] == {"mfu": 0.3, "pue": 1.1, "grid_kg_co2_per_kwh": 0.385}
