"""Rule ``sweep_points``: the full planning report (plan.json, plan.html, plan.pdf) of the points
a sweep lists in ``sweep.json`` (its frontier, when the sweep file says ``point_reports:
frontier``), each planned on its own as a scenario, exactly as ``rule plan`` plans a scenario."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from llmplan.inputs.settings import Settings, known_law_ids
from llmplan.io.jsonio import dumps, read_json, write_atomic
from llmplan.io.provenance import TEMPLATE_DIR, provenance, sha256_file
from llmplan.laws.fitted import read_fitted_laws
from llmplan.laws.registry import KNOWN_IDS
from llmplan.plan.build import build_plan
from llmplan.report.i18n import language, locale_dir
from llmplan.steps.scenario_report import write_scenario_report
from llmplan.steps.sweep_shard import read_sweep
from llmplan.sweep.spec import POINT_DESCRIPTION, POINT_TITLE, Sweep, point_scenario, point_values


def _translations(
    sweep: Sweep, point: int, settings: Settings, catalogs: Path
) -> dict[str, dict[str, str]]:
    """A point's title and description in each further report language (the message catalog's
    words, the sweep's own translated title)."""
    out = {}
    for code in settings.languages:
        if code == "en":
            continue
        lang = language(code, catalogs)
        title = sweep.translations.get(code, {}).get("title") or sweep.title
        values = lang.comma.join(point_values(sweep, point))
        out[code] = {
            "title": lang.gettext(POINT_TITLE).format(title=title, point=point),
            "description": lang.gettext(POINT_DESCRIPTION).format(
                point=point, file=sweep.file, values=values
            ),
        }
    return out


def write_point_reports(
    sweep_json: Path | str,
    sweep_path: Path | str,
    catalog_json: Path | str,
    out_dir: Path | str,
    *,
    config: Mapping[str, Any],
    fit_jsons: Mapping[str, Path | str] | None = None,
    template_dir: Path | str = TEMPLATE_DIR,
) -> None:
    """``<out_dir>/<point>/plan.{json,html,pdf}`` (and other languages) for each listed point."""
    doc = read_json(sweep_json)
    sweep, catalog = read_sweep(sweep_path, catalog_json, config)
    settings = Settings.from_config(config)
    fitted = read_fitted_laws((fit_jsons or {}).values())
    inputs = {
        "sweep": sweep.sha256,
        "catalog": read_json(catalog_json)
        .get("provenance", {})
        .get("inputs_sha256", {})
        .get("catalog"),
    }
    for name, path in sorted((fit_jsons or {}).items()):
        inputs[f"fit:{name}"] = sha256_file(path)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    suffixes = ["" if code == "en" else f".{code}" for code in settings.languages]
    for point in doc["point_reports"]:
        scenario = point_scenario(
            sweep,
            int(point),
            hardware=catalog.hardware,
            settings=settings,
            known_laws=known_law_ids(config, KNOWN_IDS),
        )
        words = _translations(sweep, int(point), settings, locale_dir(template_dir))
        scenario = replace(scenario, translations=words)
        plan = build_plan(
            scenario,
            catalog,
            provenance=provenance(inputs | {"point": str(point)}),
            fitted=fitted,
            inference_loss_tolerance=settings.inference_loss_tolerance,
        )
        folder = out / str(point)
        write_atomic(folder / "plan.json", dumps(plan))
        write_scenario_report(
            folder / "plan.json",
            [folder / f"plan{s}.html" for s in suffixes],
            [folder / f"plan{s}.pdf" for s in suffixes],
            config=config,
            template_dir=template_dir,
        )
