"""Rule ``plan``: a scenario validated against the normalised catalog, planned into ``plan.json``,
and what changed since its previous commit into ``history.json`` (:mod:`llmplan.plan.history`)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.inputs.catalog import Catalog
from llmplan.inputs.scenario import parse_scenario
from llmplan.inputs.settings import Settings, known_law_ids
from llmplan.io.git import NotInRepository, previous_version
from llmplan.io.jsonio import dumps, read_json, write_atomic
from llmplan.io.provenance import provenance, sha256_file
from llmplan.io.yamldoc import read_text
from llmplan.laws.fitted import read_fitted_laws
from llmplan.laws.registry import KNOWN_IDS
from llmplan.plan.build import build_plan
from llmplan.plan.history import outside_git, scenario_history


def write_plan(
    scenario_path: Path | str,
    catalog_json: Path | str,
    out_json: Path | str,
    *,
    config: Mapping[str, Any],
    fit_jsons: Mapping[str, Path | str] | None = None,
    history_json: Path | str | None = None,
) -> None:
    """Write ``plan.json`` and, when ``history_json`` is given, the scenario's ``history.json``.
    ``fit_jsons`` maps dataset names to the fit.json of every ``fit:<name>`` law the scenario
    uses; ``config`` holds the sections the plan reads."""
    settings = Settings.from_config(config)
    catalog_data = read_json(catalog_json)
    catalog = Catalog.from_dict(catalog_data["normalised"])
    text = read_text(scenario_path, str(scenario_path))  # once: the plan and its history agree
    scenario = parse_scenario(
        text,
        str(scenario_path),
        hardware=catalog.hardware,
        settings=settings,
        known_laws=known_law_ids(config, KNOWN_IDS),
    )
    inputs = {
        "scenario": scenario.sha256,
        "catalog": catalog_data.get("provenance", {}).get("inputs_sha256", {}).get("catalog"),
    }
    for name, path in sorted((fit_jsons or {}).items()):
        inputs[f"fit:{name}"] = sha256_file(path)
    fitted = read_fitted_laws((fit_jsons or {}).values())
    plan = build_plan(
        scenario,
        catalog,
        provenance=provenance(inputs),
        fitted=fitted,
        inference_loss_tolerance=settings.inference_loss_tolerance,
    )
    outputs = [(out_json, dumps(plan))]
    if history_json is not None:  # compared with the plan as plan.json holds it
        try:
            previous = previous_version(Path(scenario_path), text)
        except NotInRepository:
            history = outside_git()
        else:
            history = scenario_history(
                str(scenario_path),
                text,
                previous,
                json.loads(outputs[0][1]),
                catalog,
                config=config,
                fitted=fitted,
            )
        outputs.append((history_json, dumps(history)))
    for path, content in outputs:  # both made before either is written
        write_atomic(path, content)
