"""Rule ``scenario_report``: the HTML and PDF planning report of one scenario, from plan.json, in
every language of ``report.languages`` (one job: the imports and the plan are read once)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, build_epoch
from llmplan.report.charts.plan import frontier_chart, isoflop_chart
from llmplan.report.charts.run import memory_chart
from llmplan.report.context import plan_context
from llmplan.report.fonts import chart_fonts
from llmplan.report.i18n import language, locale_dir
from llmplan.report.render import html_to_pdf, render_html, safe_svg

TEMPLATE = "plan.html.j2"


def write_scenario_report(
    plan_json: Path | str,
    out_html: Sequence[Path | str] | Path | str,
    out_pdf: Sequence[Path | str] | Path | str,
    *,
    config: Mapping[str, Any],
    template_dir: Path | str = TEMPLATE_DIR,
    history_json: Path | str | None = None,
) -> None:
    """``plan.html``/``plan.pdf`` and, per further language, ``plan.<lang>.html``/``.pdf``;
    ``config`` holds the ``report`` section. Outputs are in the order of ``report.languages``.
    ``history_json`` (rule ``history``) adds what changed since the previous commit."""
    settings = Settings.from_config(config)
    plan = read_json(plan_json)
    history = read_json(history_json) if history_json is not None else None
    htmls = [out_html] if isinstance(out_html, str | Path) else list(out_html)
    pdfs = [out_pdf] if isinstance(out_pdf, str | Path) else list(out_pdf)
    outputs: list[tuple[Path | str, str | bytes]] = []
    for code, html_path, pdf_path in zip(settings.languages, htmls, pdfs, strict=True):
        lang = language(code, locale_dir(template_dir))
        context = plan_context(plan, settings, lang, history=history)
        with chart_fonts(code):
            context["charts"] = {
                "isoflop": safe_svg(isoflop_chart(plan, lang)),
                "frontier": safe_svg(frontier_chart(plan, lang)),
            }
            if plan.get("training_run"):
                context["charts"]["run_memory"] = safe_svg(memory_chart(plan["training_run"], lang))
        html = render_html(TEMPLATE, context, template_dir=template_dir, lang=lang)
        outputs += [(html_path, html), (pdf_path, html_to_pdf(html, epoch=build_epoch() or 0))]
    for path, content in outputs:  # every report made before any is written
        write_atomic(path, content)
