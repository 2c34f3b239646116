"""What changed since the previous committed version of a scenario: ``history.json``, written
with ``plan.json`` by rule ``plan`` for the "changed since" section of the plan report.

The previous version is the newest commit that touched the scenario file and holds a different
text (:func:`llmplan.io.git.previous_version`); it is planned with the same catalog, settings and
fits as the current plan (:func:`llmplan.plan.build.build_plan`) and compared with the current
plan (:func:`llmplan.plan.compare.compare`).

Deterministic: the file depends on the scenario's text and the repository's history, never on the
clock. Committing the current text does not change it (the previous version stays the one before),
and neither does a commit that does not touch the file, so the plan needs to rerun only when the
scenario file changes; after rewriting history (rebase, amend), force it with
``snakemake --forcerun plan``.

Nothing here fails the build for want of history: outside git (a copy of the repository without
``.git``) the status is ``no_git``; with no earlier different version it is ``no_previous``; an
earlier version that today's catalog or code refuses is ``unplannable``, with the inputs that
changed and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.core.errors import LlmplanError
from llmplan.inputs.catalog import Catalog
from llmplan.inputs.scenario import parse_scenario
from llmplan.inputs.settings import Settings, known_law_ids
from llmplan.io.git import NotInRepository, previous_version
from llmplan.io.jsonio import dumps
from llmplan.io.yamldoc import parse_yaml
from llmplan.laws.fitted import read_fitted_laws
from llmplan.laws.registry import KNOWN_IDS
from llmplan.plan.build import build_plan
from llmplan.plan.compare import compare, diff_inputs


def scenario_history(
    scenario_path: Path | str,
    plan: Mapping[str, Any],
    catalog: Catalog,
    *,
    config: Mapping[str, Any],
    fit_jsons: Mapping[str, Path | str] | None = None,
) -> dict[str, Any]:
    """The content of ``history.json``: ``status``, ``previous`` commit, ``inputs`` and
    ``recommendation`` changes (each ``{field, a, b, ...}``, A the previous version), ``error``."""
    path = Path(scenario_path)
    text = path.read_text(encoding="utf-8")
    empty: dict[str, Any] = {"previous": None, "inputs": [], "recommendation": [], "error": None}
    try:
        found = previous_version(path, text)
    except NotInRepository:
        return {"status": "no_git", **empty}
    if found is None:
        return {"status": "no_previous", **empty}
    commit, old_text = found
    now = parse_yaml(text, str(path)).data
    settings = Settings.from_config(config)
    try:
        scenario = parse_scenario(
            old_text,
            str(path),
            hardware=catalog.hardware,
            settings=settings,
            known_laws=known_law_ids(config, KNOWN_IDS),
        )
        old_plan = build_plan(
            scenario,
            catalog,
            provenance={},
            fitted=read_fitted_laws((fit_jsons or {}).values()),
            inference_loss_tolerance=settings.inference_loss_tolerance,
        )
    except LlmplanError as err:
        try:
            old = parse_yaml(old_text, str(path)).data
        except LlmplanError:
            old = None
        inputs = diff_inputs(old if isinstance(old, dict) else None, now)
        return {
            "status": "unplannable",
            **empty,
            "previous": commit.to_dict(),
            "inputs": [c.to_dict() for c in inputs],
            "error": str(err),
        }
    comparison = compare(scenario.doc.data, now, json.loads(dumps(old_plan)), plan)
    return {"status": "changed", **empty, "previous": commit.to_dict(), **comparison.to_dict()}
