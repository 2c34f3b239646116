"""Rule ``index``: ``reports/index.html``, every scenario's headline numbers with links."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, build_date, git
from llmplan.report.render import render_html

TEMPLATE = "index.html.j2"


def write_index(
    plan_jsons: Sequence[Path | str],
    fit_jsons: Sequence[Path | str],
    catalog_json: Path | str,
    out_html: Path | str,
    *,
    config: Mapping[str, Any],
    template_dir: Path | str = TEMPLATE_DIR,
) -> None:
    """Write the index; ``config`` holds the ``report`` section."""
    settings = Settings.from_config(config)
    plans = sorted((read_json(p) for p in plan_jsons), key=lambda p: p["scenario"]["name"])
    fits = sorted((read_json(p) for p in fit_jsons), key=lambda f: f["dataset"])
    catalog = read_json(catalog_json)
    html = render_html(
        TEMPLATE,
        {
            "plans": plans,
            "fits": fits,
            "catalog": catalog,
            "settings": settings,
            "build_date": build_date(),
            "git_commit": git("rev-parse", "HEAD"),
        },
        template_dir=template_dir,
    )
    write_atomic(out_html, html)
