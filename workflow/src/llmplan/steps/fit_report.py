"""Rule ``fit_report``: the HTML and PDF report of one fit, from fit.json and the runs, in every
language of ``report.languages`` (one job: the imports, the runs and the law are read once)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, build_epoch
from llmplan.io.runs_csv import read_dataset_runs
from llmplan.laws.base import ParametricLaw
from llmplan.laws.registry import law_from_fit
from llmplan.report.charts.fit import extrapolation_svg, iso_loss_svg, isoflop_svg, residuals_svg
from llmplan.report.context import fit_context
from llmplan.report.fonts import chart_fonts
from llmplan.report.i18n import Language, language, locale_dir
from llmplan.report.render import html_to_pdf, render_html, safe_svg

TEMPLATE = "fit.html.j2"


def fit_charts(
    doc: Mapping[str, Any], runs: Any, law: ParametricLaw, lang: Language
) -> dict[str, Any]:
    """The report's charts in ``lang`` (call inside :func:`chart_fonts`)."""
    charts: dict[str, Any] = {
        "contours": safe_svg(iso_loss_svg(law, runs, lang=lang)),
        "residuals": safe_svg(residuals_svg(law, runs, delta=doc["huber_delta"], lang=lang)),
    }
    approach2 = doc.get("approach2") or {}
    if approach2.get("supported"):
        charts["isoflop"] = safe_svg(isoflop_svg(runs, approach2["groups"], lang=lang))
    if doc["extrapolation"]["supported"]:
        charts["extrapolation"] = safe_svg(extrapolation_svg(doc["extrapolation"], lang=lang))
    return charts


def write_fit_report(
    fit_json: Path | str,
    runs_csv: Path | str,
    out_html: Sequence[Path | str] | Path | str,
    out_pdf: Sequence[Path | str] | Path | str,
    *,
    dataset: str,
    spec: Mapping[str, Any],
    config: Mapping[str, Any],
    template_dir: Path | str = TEMPLATE_DIR,
) -> None:
    """``fit.html``/``fit.pdf`` and, per further language, ``fit.<lang>.html``/``.pdf``; ``spec``
    is the dataset's config entry, ``config`` the ``report`` section. Outputs are in the order of
    ``report.languages``."""
    settings = Settings.from_config(config)
    doc = read_json(fit_json)
    runs = read_dataset_runs(runs_csv, dataset=dataset, spec=spec)
    law = law_from_fit(dataset, doc)
    htmls = [out_html] if isinstance(out_html, str | Path) else list(out_html)
    pdfs = [out_pdf] if isinstance(out_pdf, str | Path) else list(out_pdf)
    outputs: list[tuple[Path | str, str | bytes]] = []  # every language made before any is written
    for code, html_path, pdf_path in zip(settings.languages, htmls, pdfs, strict=True):
        lang = language(code, locale_dir(template_dir))
        with chart_fonts(code):
            charts = fit_charts(doc, runs, law, lang)
        html = render_html(
            TEMPLATE, fit_context(doc, settings, charts, lang), template_dir=template_dir, lang=lang
        )
        outputs += [(html_path, html), (pdf_path, html_to_pdf(html, epoch=build_epoch() or 0))]
    for path, content in outputs:
        write_atomic(path, content)
