"""Rule ``fit_report``: the HTML and PDF report of one fit, from fit.json and the runs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, build_epoch
from llmplan.io.runs_csv import read_dataset_runs
from llmplan.laws.registry import law_from_fit
from llmplan.report.charts.fit import extrapolation_svg, iso_loss_svg, isoflop_svg, residuals_svg
from llmplan.report.context import fit_context
from llmplan.report.render import html_to_pdf, render_html, safe_svg

TEMPLATE = "fit.html.j2"


def write_fit_report(
    fit_json: Path | str,
    runs_csv: Path | str,
    out_html: Path | str,
    out_pdf: Path | str,
    *,
    dataset: str,
    spec: Mapping[str, Any],
    config: Mapping[str, Any],
    template_dir: Path | str = TEMPLATE_DIR,
) -> None:
    """``fit.html`` and ``fit.pdf``; ``spec`` is the dataset's config entry, ``config`` the
    ``report`` section."""
    settings = Settings.from_config(config)
    doc = read_json(fit_json)
    runs = read_dataset_runs(runs_csv, dataset=dataset, spec=spec)
    law = law_from_fit(dataset, doc)
    charts: dict[str, Any] = {
        "contours": safe_svg(iso_loss_svg(law, runs)),
        "residuals": safe_svg(residuals_svg(law, runs, delta=doc["huber_delta"])),
    }
    approach2 = doc.get("approach2") or {}
    if approach2.get("supported"):
        charts["isoflop"] = safe_svg(isoflop_svg(runs, approach2["groups"]))
    if doc["extrapolation"]["supported"]:
        charts["extrapolation"] = safe_svg(extrapolation_svg(doc["extrapolation"]))
    html = render_html(TEMPLATE, fit_context(doc, settings, charts), template_dir=template_dir)
    write_atomic(out_html, html)
    write_atomic(out_pdf, html_to_pdf(html, epoch=build_epoch() or 0))
