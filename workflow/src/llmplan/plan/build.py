"""A scenario's plan: its budget in every unit, the recommendation, and every law's allocation.

Pure: takes a validated :class:`~llmplan.inputs.scenario.Scenario` and the catalog and returns the
JSON-ready content of ``reports/scenarios/<name>/plan.json``. Everything a report shows is in that
dict, including the sampled curves its charts draw, so rendering needs nothing else.

The recommendation (:mod:`.decide`) uses one law, the scenario's ``primary_law`` (default: Epoch
AI's 2024 refit of Chinchilla approach 3, Besiroglu et al. 2024, arXiv:2404.10102), within the
budget and every constraint. ``llmplan allocate`` calls :func:`plan_budget` too, so the command
line and the reports give the same answer to the same question. Beside it: every law's own
allocation, the range across the laws used within their fitted compute, the risks, and what-ifs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

import numpy as np

from llmplan.arch.shape import ModelShape
from llmplan.core.compute import tokens_for_flops
from llmplan.core.intervals import INTERVAL_TEXT
from llmplan.inputs.budget import Assumptions, Budget
from llmplan.inputs.catalog import Catalog
from llmplan.inputs.constraints import Constraints
from llmplan.inputs.model import ModelSpec
from llmplan.inputs.scenario import Scenario
from llmplan.laws.base import Law
from llmplan.laws.registry import LOSS_COMPARABILITY_NOTE, alias_note, canonical_id, get_law
from llmplan.plan.allocate import allocate_all
from llmplan.plan.architecture import (
    exact_optimal,
    exact_per_token,
    model_spec,
    plan_architecture,
)
from llmplan.plan.decide import PerToken, decide, shorten_for_model
from llmplan.plan.memory import memory_plan
from llmplan.plan.risks import comparable_model, laws_range, risks
from llmplan.plan.whatif import what_if
from llmplan.run.training import auto_mfu_budget, plan_training_run

#: Range of compute over which frontiers are drawn, FLOPs.
FRONTIER_FLOPS: Final = (1e18, 1e27)


def similar_models(catalog: Catalog, flops: float, *, factor: float = 4.0) -> list[dict[str, Any]]:
    """Catalog models whose training compute is within ``factor`` of ``flops``, nearest first."""
    rows = []
    for model in catalog.models:
        ratio = model.train_flops / flops
        if 1 / factor <= ratio <= factor:
            rows.append(
                {
                    "id": model.id,
                    "name": model.name,
                    "year": model.year,
                    "params": model.params,
                    "tokens": model.tokens,
                    "tokens_lower_bound": model.tokens_lower_bound,
                    "train_flops": model.train_flops,
                    "tokens_per_param": model.tokens_per_param,
                    "compute_ratio": ratio,
                }
            )
    return sorted(rows, key=lambda r: (abs(math.log(r["compute_ratio"])), r["id"]))


def plan_budget(
    budget: Budget,
    laws: Sequence[Law],
    primary: Law,
    constraints: Constraints,
    *,
    inference_loss_tolerance: float,
    catalog: Catalog | None = None,
    per_token: PerToken | None = None,
) -> dict[str, Any]:
    """The recommendation under ``primary`` and every law's allocation, for one budget.

    Returns ``recommendation`` (:func:`llmplan.plan.decide.decide`, plus the memory check for the
    recommended N and the catalog model of comparable loss), ``allocations`` (each law's own
    answer), ``laws_range`` (across the laws used within 10x of their fitted compute) and
    ``risks``.
    """
    rec = decide(
        budget,
        primary,
        constraints,
        inference_loss_tolerance=inference_loss_tolerance,
        per_token=per_token,
    )
    allocations = [
        a.to_dict()
        for a in allocate_all(
            budget.flops,
            laws,
            constraints=constraints,
            hardware=budget.hardware,
            count=budget.count,
        )
    ]
    memory = (
        memory_plan(rec["params"], budget.hardware, budget.count)
        if budget.hardware is not None
        else None
    )
    rec["memory"] = memory
    rec["comparable"] = _comparable(rec, primary, catalog)
    spread = laws_range(allocations)
    rec["risks"] = risks(rec, allocations, spread, budget, memory)
    return {"recommendation": rec, "allocations": allocations, "laws_range": spread}


def _comparable(rec: Mapping[str, Any], law: Law, catalog: Catalog | None) -> Any:
    """The catalog model whose loss under ``law`` is nearest the recommendation's, if any."""
    if catalog is None or rec["loss_law"] != law.id:
        return None
    return comparable_model(law, rec["loss"], catalog)


def settle(
    decided: dict[str, Any],
    architecture: Mapping[str, Any],
    budget: Budget,
    law: Law,
    catalog: Catalog | None = None,
) -> dict[str, Any]:
    """The recommendation of ``decided`` (:func:`plan_budget`) for the model ``architecture``
    builds: its tokens within the budget in that model's exact FLOPs per token
    (:func:`llmplan.plan.decide.shorten_for_model`), and its memory check sized for every
    parameter of it (an MoE's inactive experts too), the count its architecture and training-run
    sections use, not the law's N (an MoE's active parameters). Returns the training run of that
    model on the budget's accelerators; the risks follow from all of it (a calendar that passes
    the budget's days among them)."""
    rec = decided["recommendation"]
    if shorten_for_model(rec, law, architecture["flops_per_token"]):
        rec["comparable"] = _comparable(rec, law, catalog)
    if budget.hardware is not None:
        rec["memory"] = memory_plan(architecture["counts"]["total"], budget.hardware, budget.count)
    run = plan_training_run(
        budget, rec["params"], rec["tokens"], shape=ModelShape.from_dict(architecture["shape"])
    )
    rec["risks"] = risks(
        rec, decided["allocations"], decided["laws_range"], budget, rec["memory"], run
    )
    return run


def curves(flops: float, laws: Sequence[Law]) -> dict[str, Any]:
    """Sampled curves of the charts: loss along the IsoFLOP line and each law's frontier."""
    frontier_c = np.geomspace(*FRONTIER_FLOPS, 61)
    out: dict[str, Any] = {"frontier_flops": frontier_c.tolist(), "laws": []}
    for law in laws:
        n_opt, _ = law.optimal(flops)
        entry: dict[str, Any] = {
            "law": law.id,
            "name": law.name,
            "frontier_params": law.optimal(frontier_c)[0].tolist(),
            "isoflop_params": None,
            "isoflop_loss": None,
        }
        # a law whose allocation is not the minimum of its own loss (Kaplan) is not drawn:
        # its marker would not sit at its curve's minimum
        if law.allocation_minimises_loss:
            n = np.geomspace(float(n_opt) / 30, float(n_opt) * 30, 121)
            d = tokens_for_flops(flops, n)
            entry["isoflop_params"] = n.tolist()
            entry["isoflop_loss"] = law.loss(n, d).tolist()
        out["laws"].append(entry)
    return out


def resolve_mfu(scenario: Scenario, primary: Law) -> Scenario:
    """The scenario with ``mfu: auto`` resolved (:func:`auto_budget`); unchanged otherwise."""
    if not scenario.budget.mfu_auto:
        return scenario
    budget = auto_budget(scenario.budget, model_spec(scenario), primary, scenario.assumptions)
    return replace(scenario, budget=budget)


def auto_budget(budget: Budget, spec: ModelSpec, primary: Law, assumptions: Assumptions) -> Budget:
    """``budget`` with ``mfu: auto`` resolved to the calibrated MFU of the layout that trains the
    primary law's model of family ``spec`` (:func:`llmplan.run.training.auto_mfu_budget`), for a
    scenario and for ``llmplan allocate --mfu auto`` alike; unchanged otherwise."""
    if not budget.mfu_auto:
        return budget
    optimal = exact_optimal(spec, primary)
    return auto_mfu_budget(budget, optimal, assumptions=assumptions, spec=spec)


def build_plan(
    scenario: Scenario,
    catalog: Catalog,
    *,
    provenance: dict[str, Any],
    fitted: Mapping[str, Law] | None = None,
    inference_loss_tolerance: float,
) -> dict[str, Any]:
    """The plan of a scenario as a JSON-ready dict (the content of ``plan.json``)."""
    law_ids = list(dict.fromkeys(canonical_id(law_id) for law_id in scenario.laws))
    laws = [
        get_law(law_id, tokens_per_param=scenario.tokens_per_param, fitted=fitted)
        for law_id in law_ids
    ]
    primary_id = canonical_id(scenario.primary_law)
    primary = laws[law_ids.index(primary_id)]
    scenario = resolve_mfu(scenario, primary)
    budget = scenario.budget
    per_token = exact_per_token(scenario)
    decided = plan_budget(
        budget,
        laws,
        primary,
        scenario.constraints,
        inference_loss_tolerance=inference_loss_tolerance,
        catalog=catalog,
        per_token=per_token,
    )
    architecture = plan_architecture(
        model_spec(scenario), budget, catalog, laws=laws, params=decided["recommendation"]["params"]
    )
    run = settle(decided, architecture, budget, primary, catalog)
    constraints = {
        key: value for key, value in vars(scenario.constraints).items() if value is not None
    }
    notes = [
        note for law_id in (*scenario.laws, scenario.primary_law) if (note := alias_note(law_id))
    ]
    plan = {
        "scenario": {
            "name": scenario.name,
            "title": scenario.title,
            "description": scenario.description,
            "translations": scenario.translations,
            "file": scenario.file,
            "sha256": scenario.sha256,
        },
        "budget": budget.to_dict(),
        "constraints": constraints,
        "laws": [law.describe() for law in laws],
        "law_notes": list(dict.fromkeys(notes)),
        "primary_law": primary.id,
        "interval_text": INTERVAL_TEXT,
        **decided,
        "loss_caveat": LOSS_COMPARABILITY_NOTE,
        "what_if": what_if(
            budget,
            primary,
            scenario.constraints,
            decided["recommendation"],
            inference_loss_tolerance=inference_loss_tolerance,
            per_token=per_token,
        ),
        "curves": curves(budget.flops, laws),
        "similar_models": similar_models(catalog, budget.flops),
        "catalog_points": [
            {"name": m.name, "params": m.params, "train_flops": m.train_flops, "year": m.year}
            for m in catalog.models
            if m.architecture == "decoder"
        ],
        "provenance": provenance,
    }
    plan["architecture"] = architecture
    plan["training_run"] = run
    return plan
