"""Rule ``sweep_report``: the HTML and PDF report of one sweep, from sweep.json, in every language
of ``report.languages`` (one job)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, build_epoch
from llmplan.report.charts.sweep import count_chart, loss_cost_chart
from llmplan.report.fonts import chart_fonts
from llmplan.report.i18n import language, locale_dir
from llmplan.report.render import html_to_pdf, render_html, safe_svg
from llmplan.report.sweep_context import sweep_context

TEMPLATE = "sweep.html.j2"


def write_sweep_report(
    sweep_json: Path | str,
    out_html: Sequence[Path | str] | Path | str,
    out_pdf: Sequence[Path | str] | Path | str,
    *,
    config: Mapping[str, Any],
    template_dir: Path | str = TEMPLATE_DIR,
) -> None:
    """``sweep.html``/``sweep.pdf`` and, per further language, ``sweep.<lang>.html``/``.pdf``;
    ``config`` holds the ``report`` section."""
    settings = Settings.from_config(config)
    doc = read_json(sweep_json)
    htmls = [out_html] if isinstance(out_html, str | Path) else list(out_html)
    pdfs = [out_pdf] if isinstance(out_pdf, str | Path) else list(out_pdf)
    for code, html_path, pdf_path in zip(settings.languages, htmls, pdfs, strict=True):
        lang = language(code, locale_dir(template_dir))
        context = sweep_context(doc, settings, lang, hardware_names=doc.get("hardware_names"))
        with chart_fonts(code):
            count = count_chart(doc, lang)
            context["charts"] = {
                "loss_cost": safe_svg(loss_cost_chart(doc, lang)),
                "count": safe_svg(count) if count else None,
            }
        html = render_html(TEMPLATE, context, template_dir=template_dir, lang=lang)
        write_atomic(html_path, html)
        write_atomic(pdf_path, html_to_pdf(html, epoch=build_epoch() or 0))
