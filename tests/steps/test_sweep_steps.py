"""The sweep steps end to end in-process: shards, then the document, then the report's words."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import REPO
from llmplan.inputs.settings import defaults
from llmplan.report.i18n import language
from llmplan.report.sweep_context import sweep_context
from llmplan.steps.catalog import write_catalog
from llmplan.steps.sweep import write_sweep
from llmplan.steps.sweep_shard import write_shard

CONFIG = yaml.safe_load((REPO / "config/config.yaml").read_text())


def test_a_sweep_over_the_ratio_names_each_law_it_planned_under(tmp_path: Path) -> None:
    """The tokens-per-parameter rule is one id for every ratio: a sweep over the ratio names each
    ratio its points were planned under, not the last one."""
    sweep = tmp_path / "ratio.yaml"
    sweep.write_text(
        'title: "Ratio"\nbase:\n  primary_law: tokens-per-param\n'
        "  budget: {hardware: h100-sxm, count: 8, days: 7, mfu: 0.4}\n"
        "grid:\n  tokens_per_param: [10, 40]\n  budget.count: [8, 16]\n"
    )
    catalog = tmp_path / "catalog.json"
    write_catalog(REPO / "data/catalog", catalog, config=CONFIG)
    shard = tmp_path / "shard-0.csv"
    write_shard(sweep, catalog, shard, shard=0, shards=1, config=CONFIG)
    out = tmp_path / "sweep.json"
    write_sweep(sweep, catalog, [shard], out, tmp_path / "points.csv", config=CONFIG)
    doc = json.loads(out.read_text())
    assert doc["laws"] == ["tokens-per-param"]
    assert [law["name"] for law in doc["law_names"]] == [
        "10 tokens per parameter",
        "40 tokens per parameter",
    ]
    assert sweep_context(doc, defaults())["laws"] == (
        "10 tokens per parameter, 40 tokens per parameter"
    )
    zh = sweep_context(doc, defaults(), language("zh"))["laws"]
    assert "、" in zh and "10" in zh and "40" in zh and "tokens per" not in zh
