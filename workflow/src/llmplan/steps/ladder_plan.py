"""Rule ``ladder_plan``: the plan a ladder's fitted law gives for the ladder's target.

The target is the ladder's scenario (``target.scenario``) or, for ``target.flops``, a scenario
made of that compute budget, the ladder's vocabulary and sequence length, and the config's laws. The law ``fit:<ladder>`` fitted to the
ladder's runs becomes the primary law; the scenario's built-in laws stay beside it for
comparison (another dataset's ``fit:`` law is left out: its fit is not an input here).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from llmplan.inputs.catalog import Catalog
from llmplan.inputs.scenario import load_scenario, parse_scenario
from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import dumps, read_json, write_atomic
from llmplan.io.provenance import provenance, sha256_file
from llmplan.ladder.spec import ladder_spec, read_ladder
from llmplan.laws.fitted import read_fitted_laws
from llmplan.plan.build import build_plan


def write_ladder_plan(
    ladder_yaml: Path | str,
    catalog_json: Path | str,
    fit_json: Path | str,
    out_json: Path | str,
    *,
    name: str,
    config: Mapping[str, Any],
    scenario_path: Path | str | None = None,
) -> None:
    """Write ``plan.json`` of ladder ``name``'s target under ``fit:<name>``; ``config`` holds the
    sections the plan reads."""
    settings = Settings.from_config(config)
    catalog_data = read_json(catalog_json)
    catalog = Catalog.from_dict(catalog_data["normalised"])
    law_id = f"fit:{name}"
    if scenario_path is not None:
        scenario = load_scenario(scenario_path, hardware=catalog.hardware, settings=settings)
    else:
        spec = ladder_spec(read_ladder(ladder_yaml), settings=settings, name=name)
        text = yaml.safe_dump(
            {
                "title": spec.title,
                "description": spec.description or f"The target of ladder {name}.",
                "budget": {"flops": spec.target_flops},
                "model": {"seq_len": spec.seq_len, "vocab": spec.vocab},
            },
            sort_keys=False,
        )
        scenario = parse_scenario(
            text, f"{name}.yaml", hardware=catalog.hardware, settings=settings
        )
    others = tuple(law for law in scenario.laws if not law.startswith("fit:"))
    scenario = dataclasses.replace(scenario, laws=(law_id, *others), primary_law=law_id)
    inputs = {
        "ladder": sha256_file(ladder_yaml),
        "scenario": scenario.sha256,
        "catalog": catalog_data.get("provenance", {}).get("inputs_sha256", {}).get("catalog"),
        law_id: sha256_file(fit_json),
    }
    plan = build_plan(
        scenario,
        catalog,
        provenance=provenance(inputs),
        fitted=read_fitted_laws([fit_json]),
        inference_loss_tolerance=settings.inference_loss_tolerance,
    )
    plan["ladder"] = {"name": name, "law": law_id, "file": str(ladder_yaml)}
    write_atomic(out_json, dumps(plan))
