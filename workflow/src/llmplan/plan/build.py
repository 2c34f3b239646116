"""A scenario's plan: its budget in every unit and the compute-optimal allocation under each law.

Pure: takes a validated :class:`~llmplan.inputs.scenario.Scenario` and the catalog and returns the
JSON-ready content of ``reports/scenarios/<name>/plan.json``. Everything a report shows is in that
dict, including the sampled curves its charts draw, so rendering needs nothing else.

The recommendation uses one law, the scenario's ``primary_law`` (default: Epoch AI's 2024 refit of
Chinchilla approach 3, Besiroglu et al. 2024, arXiv:2404.10102, which corrects the approach-3 fit
of Hoffmann et al. 2022), capped at ``constraints.max_params`` when that binds; the report shows the
range across every law beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Final

import numpy as np

from llmplan.arch.shape import ModelShape
from llmplan.core.compute import tokens_for_flops
from llmplan.core.units import format_si
from llmplan.inputs.budget import Budget
from llmplan.inputs.catalog import Catalog
from llmplan.inputs.constraints import Constraints
from llmplan.inputs.scenario import Scenario
from llmplan.laws.base import Law
from llmplan.laws.registry import LOSS_COMPARABILITY_NOTE, get_law
from llmplan.plan.allocate import allocate_all
from llmplan.plan.architecture import plan_architecture
from llmplan.plan.memory import memory_plan
from llmplan.run.training import auto_mfu_budget, plan_training_run

#: Budget multipliers of the sensitivity table ("halving or doubling the budget").
BUDGET_FACTORS: Final = (0.5, 1.0, 2.0)
#: MFU shifts of the sensitivity table (absolute, in fractions of peak).
MFU_SHIFTS: Final = (-0.10, +0.10)
#: Range of compute over which frontiers are drawn, FLOPs.
FRONTIER_FLOPS: Final = (1e18, 1e27)


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


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


def recommendation(
    budget: Budget,
    allocations: Sequence[dict[str, Any]],
    primary: Law,
    constraints: Constraints,
) -> dict[str, Any]:
    """The headline plan: the primary law's allocation with every constraint applied.

    The compute-optimal (N, D); with ``inference_tokens``, the inference-aware model of Sardana
    et al. 2023 (same loss, lowest lifetime FLOPs, trained beyond the budget); with
    ``max_params`` below the chosen N, N capped at the budget's compute (D = C / 6N, which also
    caps an inference-aware plan: training a capped model to the target loss could cost without
    bound); with ``unique_tokens``, the epochs over the unique data that the plan implies (the
    data-constrained optimum of Muennighoff et al. 2023 is in the report's data section). The
    memory check is for the recommended N.
    """
    chosen = next(a for a in allocations if a["law"] == primary.id)
    params, tokens, loss = chosen["params"], chosen["tokens"], chosen["loss"]
    train_flops = budget.flops
    basis = [f"compute-optimal under {chosen['law_name']}"]
    inference = chosen.get("inference") if constraints.inference_tokens else None
    if inference:
        params, tokens, loss = (
            inference["params"],
            inference["train_tokens"],
            inference["target_loss"],
        )
        train_flops = inference["train_flops"]
        basis = [
            f"inference-aware under {chosen['law_name']} for "
            f"{format_si(inference['inference_tokens'])} lifetime inference tokens "
            "(Sardana et al. 2023)"
        ]
    capped_applied = constraints.max_params is not None and params > constraints.max_params
    if capped_applied:
        capped = chosen["max_params"]
        params, tokens, loss = capped["params"], capped["tokens"], capped["loss"]
        train_flops = budget.flops
        basis = [
            f"compute-optimal under {chosen['law_name']}, capped at max_params = "
            f"{format_si(constraints.max_params)}"
        ]
        if inference:
            basis.append(
                f"the inference-aware model ({format_si(inference['params'])}) is above the cap too"
            )
    scale = train_flops / budget.flops
    epochs = tokens / constraints.unique_tokens if constraints.unique_tokens else None
    memory = (
        memory_plan(params, budget.hardware, budget.count) if budget.hardware is not None else None
    )
    by_params = [a["params"] for a in allocations]
    by_tokens = [a["tokens"] for a in allocations]
    return {
        "law": chosen["law"],
        "law_name": chosen["law_name"],
        "basis": basis,
        "params": params,
        "tokens": tokens,
        "tokens_per_param": tokens / params,
        "loss": loss,
        "intervals": None if inference or capped_applied else chosen["intervals"],
        "train_flops": train_flops,
        "days": None if budget.days is None else budget.days * scale,
        "usd": None if budget.usd is None else budget.usd * scale,
        "capped": capped_applied,
        "unique_tokens": constraints.unique_tokens,
        "epochs": epochs,
        "memory": memory,
        "range": {
            "params": [min(by_params), max(by_params)],
            "tokens": [min(by_tokens), max(by_tokens)],
            "tokens_per_param": [
                min(a["tokens_per_param"] for a in allocations),
                max(a["tokens_per_param"] for a in allocations),
            ],
        },
    }


def sensitivity(scenario: Scenario, law: Law) -> list[dict[str, Any]]:
    """The primary law's plan when the budget halves or doubles, and when MFU shifts."""
    budget = scenario.budget
    rows = []
    for factor in BUDGET_FACTORS:
        flops = budget.flops * factor
        label = (
            "as planned" if factor == 1 else ("budget halved" if factor < 1 else "budget doubled")
        )
        rows.append(_sensitivity_row(label, flops, law, budget, days=_scaled(budget.days, factor)))
    if budget.hardware is not None and budget.mfu:
        fixed_compute = budget.form in ("flops", "pf_days")
        for shift in MFU_SHIFTS:
            mfu = budget.mfu + shift
            if not 0 < mfu <= 1:
                continue
            label = f"MFU {mfu:.0%} instead of {budget.mfu:.0%}"
            if fixed_compute:
                # a budget of FLOPs: the same model, done sooner or later
                days = _scaled(budget.days, budget.mfu / mfu)
                rows.append(_sensitivity_row(label, budget.flops, law, budget, days=days))
            else:
                # the same hardware for the same time: compute scales with MFU
                flops = budget.flops * mfu / budget.mfu
                rows.append(_sensitivity_row(label, flops, law, budget, days=budget.days))
    return rows


def _scaled(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def _sensitivity_row(
    label: str, flops: float, law: Law, budget: Budget, *, days: float | None
) -> dict[str, Any]:
    n_opt, d_opt = law.optimal(flops)
    params, tokens = float(n_opt), float(d_opt)
    return {
        "label": label,
        "flops": flops,
        "params": params,
        "tokens": tokens,
        "tokens_per_param": tokens / params,
        "loss": _finite(law.loss(params, tokens)) if law.has_loss else None,
        "days": days,
    }


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
        if law.has_loss:
            n = np.geomspace(float(n_opt) / 30, float(n_opt) * 30, 121)
            d = tokens_for_flops(flops, n)
            entry["isoflop_params"] = n.tolist()
            entry["isoflop_loss"] = law.loss(n, d).tolist()
        out["laws"].append(entry)
    return out


def build_plan(
    scenario: Scenario,
    catalog: Catalog,
    *,
    provenance: dict[str, Any],
    fitted: Mapping[str, Law] | None = None,
) -> dict[str, Any]:
    """The plan of a scenario as a JSON-ready dict (the content of ``plan.json``)."""
    laws = [
        get_law(law_id, tokens_per_param=scenario.tokens_per_param, fitted=fitted)
        for law_id in scenario.laws
    ]
    primary = scenario.primary_law if scenario.primary_law in scenario.laws else scenario.laws[0]
    primary_law = laws[list(scenario.laws).index(primary)]
    if scenario.budget.mfu_auto:  # the calibrated MFU of the layout for the primary law's model
        resolved = auto_mfu_budget(
            scenario.budget,
            lambda c: tuple(float(x) for x in primary_law.optimal(c)),  # type: ignore[return-value]
            assumptions=scenario.assumptions,
            spec=scenario.model,
        )
        scenario = replace(scenario, budget=resolved)
    budget = scenario.budget
    allocations = [
        a.to_dict()
        for a in allocate_all(
            budget.flops,
            laws,
            constraints=scenario.constraints,
            hardware=budget.hardware,
            count=budget.count,
        )
    ]
    constraints = {
        key: value for key, value in vars(scenario.constraints).items() if value is not None
    }
    rec = recommendation(budget, allocations, primary_law, scenario.constraints)
    plan = {
        "scenario": {
            "name": scenario.name,
            "title": scenario.title,
            "description": scenario.description,
            "file": scenario.file,
            "sha256": scenario.sha256,
        },
        "budget": budget.to_dict(),
        "constraints": constraints,
        "laws": [law.describe() for law in laws],
        "primary_law": primary,
        "recommendation": rec,
        "allocations": allocations,
        "loss_caveat": LOSS_COMPARABILITY_NOTE,
        "sensitivity": sensitivity(scenario, primary_law),
        "curves": curves(budget.flops, laws),
        "similar_models": similar_models(catalog, budget.flops),
        "catalog_points": [
            {"name": m.name, "params": m.params, "train_flops": m.train_flops, "year": m.year}
            for m in catalog.models
            if m.architecture == "decoder"
        ],
        "provenance": provenance,
    }
    plan["architecture"] = plan_architecture(
        scenario, catalog, laws=laws, params=plan["recommendation"]["params"]
    )
    plan["training_run"] = plan_training_run(
        budget,
        rec["params"],
        rec["tokens"],
        shape=ModelShape.from_dict(plan["architecture"]["shape"]),
    )
    return plan
