"""What changed since the previous committed version of a scenario: ``history.json``, written
with ``plan.json`` by rule ``plan`` for the "changed since" section of the plan report.

The previous version is the newest commit that touched the scenario file and holds a different
text (:func:`llmplan.io.git.previous_version`, read by the step, which passes it here: this module
reads no file and runs no git); it is planned with the same catalog, settings and
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
from typing import Any

from llmplan.core.errors import LlmplanError
from llmplan.inputs.catalog import Catalog
from llmplan.inputs.scenario import parse_scenario
from llmplan.inputs.settings import Settings, known_law_ids
from llmplan.io.git import Commit
from llmplan.io.jsonio import dumps
from llmplan.io.yamldoc import parse_yaml
from llmplan.laws.base import Law
from llmplan.laws.registry import KNOWN_IDS
from llmplan.plan.build import build_plan
from llmplan.plan.compare import compare, diff_inputs


def _empty(status: str) -> dict[str, Any]:
    return {"status": status, "previous": None, "inputs": [], "recommendation": [], "error": None}


def outside_git() -> dict[str, Any]:
    """``history.json`` of a scenario that is not in a git repository."""
    return _empty("no_git")


def scenario_history(
    file: str,
    text: str,
    previous: tuple[Commit, str] | None,
    plan: Mapping[str, Any],
    catalog: Catalog,
    *,
    config: Mapping[str, Any],
    fitted: Mapping[str, Law] | None = None,
) -> dict[str, Any]:
    """The content of ``history.json``: ``status``, ``previous`` commit, ``inputs`` and
    ``recommendation`` changes (each ``{field, a, b, ...}``, A the previous version), ``error``.

    ``text`` is the scenario file ``file`` as planned into ``plan`` (plan.json's content),
    ``previous`` its previous version (:func:`llmplan.io.git.previous_version`: the commit and
    its text) or None, ``fitted`` the fitted laws the plan used."""
    if previous is None:
        return _empty("no_previous")
    commit, old_text = previous
    now = parse_yaml(text, file).data
    settings = Settings.from_config(config)
    try:
        scenario = parse_scenario(
            old_text,
            file,
            hardware=catalog.hardware,
            settings=settings,
            known_laws=known_law_ids(config, KNOWN_IDS),
        )
        old_plan = build_plan(
            scenario,
            catalog,
            provenance={},
            fitted=fitted,
            inference_loss_tolerance=settings.inference_loss_tolerance,
        )
    except LlmplanError as err:
        try:
            old = parse_yaml(old_text, file).data
        except LlmplanError:
            old = None
        inputs = diff_inputs(old if isinstance(old, dict) else None, now)
        return {
            **_empty("unplannable"),
            "previous": commit.to_dict(),
            "inputs": [c.to_dict() for c in inputs],
            "error": str(err),
        }
    comparison = compare(scenario.doc.data, now, json.loads(dumps(old_plan)), plan)
    return {**_empty("changed"), "previous": commit.to_dict(), **comparison.to_dict()}
