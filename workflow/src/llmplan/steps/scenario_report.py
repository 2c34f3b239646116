"""Rule ``scenario_report``: the HTML and PDF planning report of one scenario, from plan.json."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, build_epoch
from llmplan.report.charts.plan import frontier_chart, isoflop_chart, sensitivity_chart
from llmplan.report.context import plan_context
from llmplan.report.render import html_to_pdf, render_html, safe_svg

TEMPLATE = "plan.html.j2"


def write_scenario_report(
    plan_json: Path | str,
    out_html: Path | str,
    out_pdf: Path | str,
    *,
    config: Mapping[str, Any],
    template_dir: Path | str = TEMPLATE_DIR,
) -> None:
    """``plan.html`` and ``plan.pdf``; ``config`` holds the ``report`` section."""
    settings = Settings.from_config(config)
    plan = read_json(plan_json)
    context = plan_context(plan, settings)
    context["charts"] = {
        "isoflop": safe_svg(isoflop_chart(plan)),
        "frontier": safe_svg(frontier_chart(plan)),
        "sensitivity": safe_svg(sensitivity_chart(plan)),
    }
    html = render_html(TEMPLATE, context, template_dir=template_dir)
    pdf = html_to_pdf(html, epoch=build_epoch() or 0)  # both made before either is written
    write_atomic(out_html, html)
    write_atomic(out_pdf, pdf)
