"""The top risks of a plan, in plain words a lead can act on, and the loss made concrete.

Each risk is a message (:func:`llmplan.core.messages.risk`: kind, level, title, code, args and
English text), most serious first: the primary law used far
beyond the compute it was fitted on (more than :data:`llmplan.laws.base.EXTRAPOLATION_FACTOR`x),
repeated data (Muennighoff et al. 2023: up to about 4 epochs cost little), laws that disagree,
training state that does not fit the accelerators, a training run whose calendar passes the time
or money the budget pays for, and assumed (not measured) utilisation.
:func:`comparable_model` translates a predicted loss into the catalog model the same law predicts
at the closest loss.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

from llmplan.core.messages import message, risk
from llmplan.inputs.budget import Budget
from llmplan.inputs.catalog import Catalog
from llmplan.laws.base import Law

#: Repetitions Muennighoff et al. 2023 find nearly as good as fresh data ("up to 4 epochs").
HARMLESS_EPOCHS: Final = 4.0
#: Laws that differ by more than this factor in N "disagree".
DISAGREEMENT_FACTOR: Final = 2.0
#: A training run within this fraction of a budget's days (7 hours of 30 days) is on time: the
#: calendar's own range (calibrated MFU, interruptions) is about twenty times as wide.
CALENDAR_TOLERANCE: Final = 0.01
#: Risk levels, most serious first.
LEVELS: Final = ("high", "medium", "low")


def risks(
    recommendation: dict[str, Any],
    allocations: Sequence[dict[str, Any]],
    laws_range: dict[str, Any],
    budget: Budget,
    memory: dict[str, Any] | None,
    run: Mapping[str, Any] | None = None,
) -> list[dict[str, Any]]:
    """The plan's risks, most serious first (messages of :mod:`.messages`); ``run`` is the
    recommendation's training run (:func:`llmplan.run.training.plan_training_run`)."""
    out: list[dict[str, Any]] = []
    ext = recommendation["extrapolation"]
    interval = recommendation.get("params_interval")
    if ext["flagged"]:
        law = recommendation["law_name"]
        if interval:
            out.append(
                risk(
                    "extrapolation",
                    "high",
                    "risk.extrapolation.band",
                    factor=ext["factor"],
                    law=law,
                    low=interval[0],
                    high=interval[1],
                )
            )
        else:
            out.append(
                risk("extrapolation", "high", "risk.extrapolation", factor=ext["factor"], law=law)
            )
    epochs = recommendation.get("epochs")
    if epochs is not None and epochs > 1:
        heavy = epochs > HARMLESS_EPOCHS
        out.append(
            risk(
                "data",
                "high" if heavy else "medium",
                "risk.data.heavy" if heavy else "risk.data.light",
                unique=recommendation["unique_tokens"],
                epochs=epochs,
            )
        )
    if memory is not None and memory.get("fits") is False:
        out.append(
            risk(
                "memory",
                "high",
                "risk.memory",
                params=memory["params"],
                needed=memory["min_devices"],
                hardware=memory["hardware"],
                count=memory["count"],
            )
        )
    if (late := calendar_risk(run, budget)) is not None:
        out.append(late)
    if laws_range.get("ratio") and laws_range["ratio"] > DISAGREEMENT_FACTOR:
        low, high = laws_range["params"]
        out.append(
            risk("laws", "medium", "risk.laws", ratio=laws_range["ratio"], low=low, high=high)
        )
    if any(note["code"] == "budget.mfu_assumed" for note in budget.notes):
        out.append(risk("mfu", "low", "risk.mfu", mfu=budget.mfu))
    return sorted(out, key=lambda r: LEVELS.index(r["level"]))  # stable: kinds keep their order


def calendar_risk(run: Mapping[str, Any] | None, budget: Budget) -> dict[str, Any] | None:
    """A risk when the training run's calendar (:func:`llmplan.run.calendar.calendar`: its
    calibrated MFU and the interruptions expected on its accelerators) passes the days a hard
    budget pays for, by more than :data:`CALENDAR_TOLERANCE`; budgets of accelerator time or of
    money on a stated number of accelerators have such days.

    - high: the expected run is late because the budget states more MFU than the layout is
      calibrated to reach;
    - medium: the expected run is late by the interruptions alone (the budget counts none);
    - medium: only the slow end of its range is late, for a stated MFU (under ``mfu: auto`` the
      plan already runs at the calibrated MFU, whose band the training-run section gives).
    """
    if run is None or budget.soft or budget.fixed_compute or budget.days is None:
        return None
    calendar = run.get("calendar")
    if not calendar or budget.hardware is None or budget.mfu is None:
        return None
    allowed = budget.days * (1 + CALENDAR_TOLERANCE)
    late, slow = calendar["days"] > allowed, calendar["days_high"] > allowed
    if not late and (not slow or budget.mfu_auto):
        return None
    hw = budget.hardware  # the run's MFU is of the bf16 peak; page one's, of the budget's peak
    to_budget_peak = hw.peak_flops / hw.peak_flops_at(budget.precision)
    args = {
        "stated": budget.mfu,
        "mfu": run["mfu"] * to_budget_peak,
        "mfu_low": run["mfu_low"] * to_budget_peak,
        "mfu_high": run["mfu_high"] * to_budget_peak,
        "peak": (budget.precision or hw.training_precision).upper(),
        "count": budget.count,
        "days": calendar["days"],
        "low": calendar["days_low"],
        "high": calendar["days_high"],
        "limit": _budget_days(budget),
        "slack": _about(calendar["days_high"] - budget.days),
    }
    if late and not budget.mfu_auto and budget.mfu > args["mfu"]:
        return risk("calendar", "high", "risk.calendar.mfu", **args)
    code = "risk.calendar.interruptions" if late else "risk.calendar.band"
    return risk("calendar", "medium", code, **args)


def _about(days: float) -> float:
    """``days`` as a schedule states them: to 0.1 day (as the days beside them are printed), or
    two digits below 0.1 day."""
    return round(days, 1) if days >= 0.1 else float(f"{days:.2g}")


def _budget_days(budget: Budget) -> dict[str, Any]:
    """The days a budget pays for, as its own form states them (a message)."""
    if budget.form == "usd":
        return message("risk.calendar.usd", days=budget.days, usd=budget.usd, count=budget.count)
    if budget.form == "gpu_hours":
        return message(
            "risk.calendar.gpu_hours", days=budget.days, hours=budget.gpu_hours, count=budget.count
        )
    return message("risk.calendar.days", days=budget.days)


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
