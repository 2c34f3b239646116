"""plan.json of the shipped scenarios (config/scenarios), built once per test session.

A plan takes seconds to build (the MoE scenario's layout search most of all); the report, run and
architecture tests read the same few, so they share this cache instead of building their own.
"""

from __future__ import annotations

import functools
import json

from conftest import REPO
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.scenario import load_scenario
from llmplan.inputs.settings import defaults
from llmplan.io.jsonio import dumps
from llmplan.plan.build import build_plan


@functools.cache
def catalog():
    return load_catalog(REPO / "data" / "catalog")


@functools.cache
def plan_json(name: str) -> str:
    """``plan.json`` of ``config/scenarios/<name>.yaml`` as the plan step writes it."""
    scenario = load_scenario(REPO / f"config/scenarios/{name}.yaml", hardware=catalog().hardware)
    plan = build_plan(
        scenario,
        catalog(),
        provenance={},
        inference_loss_tolerance=defaults().inference_loss_tolerance,
    )
    return dumps(plan)


def plan_of(name: str) -> dict:
    """A fresh copy of the scenario's plan (tests may change it)."""
    return json.loads(plan_json(name))
