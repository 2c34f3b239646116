"""Rule ``index``: ``reports/index.html`` (and ``index.<lang>.html`` per further language), every
scenario's recommendation and every sweep's, with links to their reports in that language."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, git
from llmplan.report.context import index_context
from llmplan.report.i18n import language, locale_dir
from llmplan.report.render import render_html

TEMPLATE = "index.html.j2"


def write_index(
    plan_jsons: Sequence[Path | str],
    fit_jsons: Sequence[Path | str],
    catalog_json: Path | str,
    out_html: Sequence[Path | str] | Path | str,
    *,
    config: Mapping[str, Any],
    template_dir: Path | str = TEMPLATE_DIR,
    sweep_jsons: Sequence[Path | str] = (),
) -> None:
    """Write the index in every report language; ``config`` holds the ``report`` section."""
    settings = Settings.from_config(config)
    plans = sorted((read_json(p) for p in plan_jsons), key=lambda p: p["scenario"]["name"])
    fits = sorted((read_json(p) for p in fit_jsons), key=lambda f: f["dataset"])
    catalog = read_json(catalog_json)
    sweeps = sorted((read_json(p) for p in sweep_jsons), key=lambda d: d["sweep"]["name"])
    outputs = [out_html] if isinstance(out_html, str | Path) else list(out_html)
    for code, path in zip(settings.languages, outputs, strict=True):
        lang = language(code, locale_dir(template_dir))
        context = index_context(plans, fits, catalog, settings, lang, sweeps=sweeps)
        context["git_commit"] = git("rev-parse", "HEAD")
        write_atomic(path, render_html(TEMPLATE, context, template_dir=template_dir, lang=lang))
