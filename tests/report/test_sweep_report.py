"""The sweep report reads: one sentence names the recommended point, charts without overlapping
labels, a page that fits Letter (the narrower paper), and the index lists the sweep."""

from __future__ import annotations

import pytest

from conftest import REPO
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.settings import Settings, defaults
from llmplan.laws.registry import get_law
from llmplan.report.charts.base import overlapping_texts
from llmplan.report.charts.sweep import count_figure, loss_cost_figure
from llmplan.report.i18n import language
from llmplan.report.render import overflows, render_html
from llmplan.report.sweep_context import (
    CONSTRAINT_NAMES,
    CONSTRAINTS,
    sweep_context,
    sweep_row,
)
from llmplan.sweep.document import build_document, on_frontier
from llmplan.sweep.plan import BINDING, plan_points
from llmplan.sweep.spec import load_sweep


@pytest.fixture(scope="module")
def doc() -> dict:
    catalog = load_catalog(REPO / "data/catalog")
    settings = defaults()
    sweep = load_sweep(
        REPO / "config/sweeps/gpus-days.yaml",
        display="config/sweeps/gpus-days.yaml",
        hardware=catalog.hardware,
        settings=settings,
    )
    table = plan_points(sweep, inference_loss_tolerance=settings.inference_loss_tolerance)
    table["on_frontier"] = on_frontier(sweep, table)
    out = build_document(
        sweep,
        table,
        tolerance=settings.inference_loss_tolerance,
        provenance={
            "inputs_sha256": {"catalog": None},
            "packages": {},
            "python": "3",
            "git_commit": None,
            "git_dirty": False,
        },
        max_point_reports=20,
    )
    out["hardware_names"] = {"h100-sxm": catalog.hardware["h100-sxm"].name}
    return out


def test_the_headline_names_the_recommended_point(doc: dict) -> None:
    assert doc["sweep"]["n_points"] == 1000
    rec = doc["recommended"]
    text = str(sweep_context(doc, defaults())["headline"])
    assert "Assuming 40% MFU, no serving demand (the base scenario)" in text
    assert f"{rec['count']:,.0f} × NVIDIA H100" in text
    assert f"predicted loss {rec['loss']:.3f}" in text
    # the recommendation is on the frontier and within the tolerance of its lowest loss
    assert rec["point"] in [r["point"] for r in doc["frontier"]]
    assert rec["loss"] <= doc["lowest_loss"]["loss"] * (1 + doc["tolerance"])
    assert "8,192 × NVIDIA H100" in sweep_row(doc, language("en"))["label"]
    # the index's row in Chinese: the sweep's own Chinese title, accelerators counted in 张
    zh = sweep_row(doc, language("zh"))
    assert zh["title"] == doc["sweep"]["translations"]["zh"]["title"] != doc["sweep"]["title"]
    assert "8,192 张 NVIDIA H100" in zh["label"] and "×" not in zh["label"]


def test_sweep_charts_have_no_overlapping_labels(doc: dict) -> None:
    for figure in (loss_cost_figure(doc), count_figure(doc)):
        assert overlapping_texts(figure) == []


def test_sweep_report_fits_the_page(doc: dict) -> None:
    settings = Settings.from_config({"report": {"page_size": "Letter"}})
    context = sweep_context(doc, settings)
    context["charts"] = {"loss_cost": "", "count": None}
    html = render_html("sweep.html.j2", context)
    assert overflows(html) == []


def test_the_constraints_that_shaped_the_plans_are_named_and_counted(doc: dict) -> None:
    """Every constraint the sweep can report has words in each language, and the sentence counts
    the plans each one shaped (the counts of sweep.json, which add up to the points)."""
    assert (
        set(CONSTRAINTS) == {"none"} | set(CONSTRAINT_NAMES) == {"none"} | {n for n, _ in BINDING}
    )
    assert sum(doc["binding"].values()) == doc["sweep"]["n_points"]
    english = str(sweep_context(doc, defaults())["binding"])
    chinese = str(sweep_context(doc, defaults(), language("zh"))["binding"])
    for key, n in doc["binding"].items():
        label = "no constraint" if key == "none" else key
        assert f"{label}" in english and f"in {n:,} of the points" in english
        assert f"：{n:,} 个点" in chinese
    assert english.endswith(".") and chinese.endswith("。") and "none" not in chinese
    # the frontier table names them too, in words, not by their fields
    for lang in (language("en"), language("zh")):
        for row in sweep_context(doc, defaults(), lang)["frontier"]:
            assert "_" not in row["binding"] and ("+" in row["row"]["binding"]) == (
                " + " in row["binding"]
            )


def test_the_laws_are_named_in_each_language(doc: dict) -> None:
    """A sweep names the law its points were planned under as its reports name it, not by id."""
    law = get_law(doc["laws"][0]).describe()
    named = {**doc, "law_names": [law]}
    zh = language("zh")
    assert sweep_context(named, defaults())["laws"] == law["name"] != law["id"]
    assert sweep_context(named, defaults(), zh)["laws"] == zh.law_text(law, "name") != law["name"]
