"""Catalog charts: valid, deterministic SVG with every model named."""

from __future__ import annotations

import pytest

from conftest import REPO
from llmplan.catalog.tables import model_table
from llmplan.inputs.catalog import load_catalog
from llmplan.laws.registry import LAW_IDS, get_law
from llmplan.report.charts.catalog import compute_chart_svg, family_colours, params_tokens_svg

CATALOG_DIR = REPO / "data" / "catalog"
LAWS = [get_law(law_id) for law_id in LAW_IDS]


@pytest.fixture(scope="module")
def table():
    return model_table(load_catalog(CATALOG_DIR), LAWS)


def test_compute_chart_names_every_model_and_is_deterministic(table) -> None:
    svg = compute_chart_svg(table)
    assert svg.startswith("<svg")
    assert svg == compute_chart_svg(table)
    for name in table["name"]:
        assert name in svg
    assert "petaFLOP/s-days" in svg


def test_params_tokens_chart_labels_every_model_and_each_law(table) -> None:
    svg = params_tokens_svg(table, LAWS, tokens_per_param=20)
    assert svg == params_tokens_svg(table, LAWS, tokens_per_param=20)
    for name in table["name"]:
        # models at the same (N, D) share a label: "Llama 3 & 3.1 8B"
        assert (
            name in svg
            or name.replace("Llama 3.1", "Llama 3 &amp; 3.1") in svg
            or (
                name.startswith("Llama 3 ") and "Llama 3 &amp; 3.1 " + name.rsplit(" ", 1)[1] in svg
            )
        ), name
    assert "20 tokens per parameter" in svg
    for law in LAWS:
        assert law.name in svg or law.id in svg


def test_family_colours_are_distinct(table) -> None:
    colours = family_colours(table)
    assert len(set(colours.values())) == len(colours)
