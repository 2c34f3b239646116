"""Rule ``catalog_report``: the HTML and PDF report of the catalog, from catalog.json, in every
language of ``report.languages``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, build_epoch
from llmplan.laws.registry import all_laws
from llmplan.report.charts.catalog import compute_chart_svg, params_tokens_svg
from llmplan.report.context import catalog_context
from llmplan.report.fonts import chart_fonts
from llmplan.report.i18n import language, locale_dir
from llmplan.report.render import html_to_pdf, render_html, safe_svg

TEMPLATE = "catalog.html.j2"


def write_catalog_report(
    catalog_json: Path | str,
    out_html: Sequence[Path | str] | Path | str,
    out_pdf: Sequence[Path | str] | Path | str,
    *,
    config: Mapping[str, Any],
    template_dir: Path | str = TEMPLATE_DIR,
) -> None:
    """Compute per model, N against D with each law's frontier, tables; ``config`` holds the
    ``report``, ``tokens_per_param`` and ``assumptions`` sections."""
    settings = Settings.from_config(config)
    data = read_json(catalog_json)
    table = pd.DataFrame(data["models"])
    laws = all_laws(tokens_per_param=settings.tokens_per_param)
    htmls = [out_html] if isinstance(out_html, str | Path) else list(out_html)
    pdfs = [out_pdf] if isinstance(out_pdf, str | Path) else list(out_pdf)
    outputs: list[tuple[Path | str, str | bytes]] = []
    for code, html_path, pdf_path in zip(settings.languages, htmls, pdfs, strict=True):
        lang = language(code, locale_dir(template_dir))
        context = catalog_context(data, settings, lang)
        with chart_fonts(code):
            context["charts"] = {
                "compute": safe_svg(compute_chart_svg(table, lang)),
                "params_tokens": safe_svg(
                    params_tokens_svg(
                        table, laws, tokens_per_param=settings.tokens_per_param, lang=lang
                    )
                ),
            }
        html = render_html(TEMPLATE, context, template_dir=template_dir, lang=lang)
        outputs += [(html_path, html), (pdf_path, html_to_pdf(html, epoch=build_epoch() or 0))]
    for path, content in outputs:  # every report made before any is written
        write_atomic(path, content)
