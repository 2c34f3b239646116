"""A scenario's plan: its budget in every unit and the compute-optimal allocation under each law.

Pure: takes a validated :class:`~llmplan.scenario.Scenario` and the catalog, returns a JSON-ready
dict (the content of ``reports/scenarios/<name>/plan.json``) and chart SVGs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from llmplan.allocate import allocate_all
from llmplan.catalog import Catalog
from llmplan.laws import FLOPS_PER_PARAM_TOKEN, LOSS_COMPARABILITY_NOTE, Law, get_law
from llmplan.scenario import Scenario


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
                    "train_flops": model.train_flops,
                    "tokens_per_param": model.tokens_per_param,
                    "compute_ratio": ratio,
                }
            )
    return sorted(rows, key=lambda r: (abs(math.log(r["compute_ratio"])), r["id"]))


def build_plan(
    scenario: Scenario,
    catalog: Catalog,
    *,
    provenance: dict[str, Any],
    fitted: Mapping[str, Law] | None = None,
) -> dict[str, Any]:
    """The plan of a scenario as a JSON-ready dict (the content of ``plan.json``)."""
    budget = scenario.budget
    laws = [
        get_law(law_id, tokens_per_param=scenario.tokens_per_param, fitted=fitted)
        for law_id in scenario.laws
    ]
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
    return {
        "scenario": {
            "name": scenario.name,
            "title": scenario.title,
            "description": scenario.description,
            "file": scenario.file,
            "sha256": scenario.sha256,
        },
        "budget": budget.to_dict(),
        "laws": list(scenario.laws),
        "allocations": allocations,
        "loss_caveat": LOSS_COMPARABILITY_NOTE,
        "similar_models": similar_models(catalog, budget.flops),
        "provenance": provenance,
    }


def isoflop_chart(plan: dict[str, Any]) -> str:
    """SVG: predicted loss against N along this budget's IsoFLOP line, per law, optimum marked."""
    from llmplan.charts import PALETTE, figure_to_svg, new_figure

    flops = plan["budget"]["flops"]
    fig, ax = new_figure(7.0, 3.6)
    drawn = 0
    for i, alloc in enumerate(plan["allocations"]):
        law = get_law(alloc["law"])
        colour = PALETTE[i % len(PALETTE)]
        n_opt = alloc["params"]
        if law.has_loss:
            n = np.geomspace(n_opt / 30, n_opt * 30, 200)
            d = flops / (FLOPS_PER_PARAM_TOKEN * n)
            ax.plot(n, law.loss(n, d), color=colour, lw=1.6, label=alloc["law_name"])
            ax.plot([n_opt], [alloc["loss"]], "o", color=colour, ms=6)
            drawn += 1
        else:
            ax.axvline(n_opt, color=colour, ls="--", lw=1.2, label=f"{alloc['law_name']} (N)")
    ax.set_xscale("log")
    ax.set_xlabel("parameters N (on the IsoFLOP line D = C / 6N)")
    ax.set_ylabel("predicted loss (nats/token)" if drawn else "")
    ax.set_title(f"Loss along the {flops:.3g} FLOPs IsoFLOP line; dots mark each law's optimum")
    ax.legend(loc="best", fontsize=8)
    return figure_to_svg(fig)
