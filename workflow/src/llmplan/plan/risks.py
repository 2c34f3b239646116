"""The top risks of a plan, in plain words a lead can act on, and the loss made concrete.

Each risk is a ``{"kind", "level", "text"}`` mapping, most serious first: the primary law used far
beyond the compute it was fitted on (more than :data:`llmplan.laws.base.EXTRAPOLATION_FACTOR`x),
repeated data (Muennighoff et al. 2023: up to about 4 epochs cost little), laws that disagree,
training state that does not fit the accelerators, and assumed (not measured) utilisation.
:func:`comparable_model` translates a predicted loss into the catalog model the same law predicts
at the closest loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

from llmplan.core.units import format_si
from llmplan.inputs.budget import Budget
from llmplan.inputs.catalog import Catalog
from llmplan.laws.base import Law

#: Repetitions Muennighoff et al. 2023 find nearly as good as fresh data ("up to 4 epochs").
HARMLESS_EPOCHS: Final = 4.0
#: Laws that differ by more than this factor in N "disagree".
DISAGREEMENT_FACTOR: Final = 2.0


def risks(
    recommendation: dict[str, Any],
    allocations: Sequence[dict[str, Any]],
    laws_range: dict[str, Any],
    budget: Budget,
    memory: dict[str, Any] | None,
) -> list[dict[str, str]]:
    """The plan's risks, most serious first."""
    out: list[dict[str, str]] = []
    ext = recommendation["extrapolation"]
    interval = recommendation.get("params_interval")
    if ext["flagged"]:
        band = (
            f" Its stated range ({format_si(interval[0])} to {format_si(interval[1])}) covers the "
            "uncertainty of its fit, not the error of extrapolating that far."
            if interval
            else ""
        )
        out.append(
            {
                "kind": "extrapolation",
                "title": "Extrapolation",
                "level": "high",
                "text": (
                    f"The budget is {ext['factor']:.0f}x beyond the largest training runs behind "
                    f"{recommendation['law_name']}: the recommended size is an extrapolation.{band} "
                    "Run a small scaling ladder of your own before committing."
                ),
            }
        )
    epochs = recommendation.get("epochs")
    if epochs is not None and epochs > 1:
        level = "high" if epochs > HARMLESS_EPOCHS else "medium"
        out.append(
            {
                "kind": "data",
                "title": "Repeated data",
                "level": level,
                "text": (
                    f"The plan reads your {format_si(recommendation['unique_tokens'])} unique tokens "
                    f"{epochs:.1f} times. Up to about {HARMLESS_EPOCHS:.0f} passes cost little "
                    "(Muennighoff et al. 2023); "
                    + (
                        "beyond that each pass is worth much less: more data would help more than "
                        "more compute."
                        if epochs > HARMLESS_EPOCHS
                        else "the plan already prices that in."
                    )
                ),
            }
        )
    if memory is not None and memory.get("fits") is False:
        out.append(
            {
                "kind": "memory",
                "title": "Memory",
                "level": "high",
                "text": (
                    f"Training {format_si(recommendation['params'])} parameters needs at least "
                    f"{memory['min_devices']} x {memory['hardware']} to hold the weights, gradients "
                    f"and optimizer state; the budget has {memory['count']:,.0f}."
                ),
            }
        )
    if laws_range.get("ratio") and laws_range["ratio"] > DISAGREEMENT_FACTOR:
        out.append(
            {
                "kind": "laws",
                "title": "Laws disagree",
                "level": "medium",
                "text": (
                    f"The published laws used within their range disagree by {laws_range['ratio']:.1f}x "
                    f"on the best size ({format_si(laws_range['params'][0])} to "
                    f"{format_si(laws_range['params'][1])}): the choice of law matters as much as the "
                    "budget."
                ),
            }
        )
    if any("MFU not stated" in note for note in budget.notes):
        out.append(
            {
                "kind": "mfu",
                "title": "Utilisation assumed",
                "level": "low",
                "text": (
                    f"Days and dollars assume {budget.mfu:.0%} MFU, not a measurement of your stack; "
                    "see the what-if table."
                ),
            }
        )
    return out


def laws_range(allocations: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Range of N, D and D/N across the laws used within their fitted compute (10x rule)."""
    kept = [a for a in allocations if a["in_range"]]
    left_out = [a["law"] for a in allocations if not a["in_range"]]
    if not kept:
        return {
            "params": None,
            "tokens": None,
            "tokens_per_param": None,
            "ratio": None,
            "laws": [],
            "left_out": left_out,
        }
    params = [a["params"] for a in kept]
    return {
        "params": [min(params), max(params)],
        "tokens": [min(a["tokens"] for a in kept), max(a["tokens"] for a in kept)],
        "tokens_per_param": [
            min(a["tokens_per_param"] for a in kept),
            max(a["tokens_per_param"] for a in kept),
        ],
        "ratio": max(params) / min(params),
        "laws": [a["law"] for a in kept],
        "left_out": left_out,
    }


def comparable_model(law: Law, loss: float | None, catalog: Catalog) -> dict[str, Any] | None:
    """The catalog decoder whose loss under the same ``law`` is closest to ``loss``.

    Only for laws that predict a loss and count all parameters (catalog sizes are totals); the
    comparison is within one law, on that law's scale, never across laws.
    """
    if loss is None or not law.has_loss or not law.counts_embeddings:
        return None
    best = None
    for model in catalog.models:
        if model.architecture != "decoder":
            continue
        value = float(law.loss(model.params, model.tokens))
        if not math.isfinite(value):
            continue
        gap = abs(value - loss)
        if best is None or gap < best[0]:
            best = (gap, model, value)
    if best is None:
        return None
    _, model, value = best
    return {
        "id": model.id,
        "name": model.name,
        "year": model.year,
        "params": model.params,
        "tokens": model.tokens,
        "tokens_lower_bound": model.tokens_lower_bound,
        "loss": value,
        "difference": loss - value,
        "law": law.id,
    }
