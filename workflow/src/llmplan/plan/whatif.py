"""What if the assumptions are off: the plan under another MFU, GPU count, price or budget.

For each what-if the scenario's budget is varied the way it would really move
(:meth:`llmplan.inputs.budget.Budget.varied`: a compute budget keeps its FLOPs and takes longer or
shorter; a budget of GPUs for some days keeps the days and buys more or less compute; a budget of
dollars keeps the dollars), and two answers are given: what the recommended plan would then take in
days and dollars, and what the varied budget would buy instead (the recommendation rules of
:mod:`.decide` applied to it).
"""

from __future__ import annotations

from typing import Any, Final

from llmplan.core.messages import message
from llmplan.inputs.budget import Budget
from llmplan.inputs.constraints import Constraints
from llmplan.laws.base import Law
from llmplan.plan.decide import PerToken, decide

#: MFU values every hardware plan is tried at (absolute; the stated MFU is marked as planned).
MFU_CASES: Final = (0.30, 0.40, 0.50)
#: GPU-count and price factors.
COUNT_FACTORS: Final = (0.5, 2.0)
PRICE_FACTORS: Final = (0.8, 1.2)
#: Budget factors of a compute budget without hardware.
BUDGET_FACTORS: Final = (0.5, 2.0)


def _cases(budget: Budget) -> list[tuple[dict[str, Any], dict[str, float], Budget]]:
    if budget.hardware is None:
        return [
            (message("whatif.budget", factor=f), {"budget_factor": f}, _scaled_compute(budget, f))
            for f in BUDGET_FACTORS
        ]
    cases = []
    for mfu in MFU_CASES:
        if budget.mfu is not None and abs(mfu - budget.mfu) > 1e-9:
            cases.append((message("whatif.mfu", mfu=mfu), {"mfu": mfu}, budget.varied(mfu=mfu)))
    if budget.count:
        for f in COUNT_FACTORS:
            label = message("whatif.count", count=budget.count * f, factor=f)
            cases.append((label, {"count_factor": f}, budget.varied(count_factor=f)))
    if budget.price_per_hour is not None:
        for f in PRICE_FACTORS:
            label = message("whatif.price", price=budget.price_per_hour * f, change=f - 1)
            cases.append((label, {"price_factor": f}, budget.varied(price_factor=f)))
    return cases


def _scaled_compute(budget: Budget, factor: float) -> Budget:
    import dataclasses

    return dataclasses.replace(budget, flops=budget.flops * factor)


def what_if(
    budget: Budget,
    law: Law,
    constraints: Constraints,
    recommendation: dict[str, Any],
    *,
    inference_loss_tolerance: float,
    per_token: PerToken | None = None,
) -> list[dict[str, Any]]:
    """Rows of the what-if table: the plan as recommended first, then each variation."""
    rows = [
        {
            "label": message("whatif.as_planned"),
            "change": {},
            "same_plan_days": recommendation["days"],
            "same_plan_usd": recommendation["usd"],
            "over_budget": False,
            **{k: recommendation[k] for k in ("params", "tokens", "loss", "days", "usd")},
            "train_flops": recommendation["train_flops"],
        }
    ]
    for label, change, varied in _cases(budget):
        same = varied.spend(recommendation["train_flops"])
        if varied.flops == budget.flops:  # the same compute (a price of time): the same model
            plan = {**recommendation, "days": same["days"], "usd": same["usd"]}
        else:
            plan = decide(
                varied,
                law,
                constraints,
                inference_loss_tolerance=inference_loss_tolerance,
                per_token=per_token,
            )
        over = _over(same, budget)
        rows.append(
            {
                "label": label,
                "change": change,
                "same_plan_days": same["days"],
                "same_plan_usd": same["usd"],
                "over_budget": over,
                "params": plan["params"],
                "tokens": plan["tokens"],
                "loss": plan["loss"],
                "days": plan["days"],
                "usd": plan["usd"],
                "train_flops": plan["train_flops"],
            }
        )
    return rows


def _over(spend: dict[str, float | None], budget: Budget) -> bool:
    """Whether the recommended plan would exceed what the scenario fixed (its days or dollars)."""
    tolerance = 1 + 1e-9
    if budget.form == "days" and spend["days"] is not None and budget.days is not None:
        return spend["days"] > budget.days * tolerance
    if budget.form == "usd" and spend["usd"] is not None and budget.usd is not None:
        return spend["usd"] > budget.usd * tolerance
    if budget.form == "gpu_hours" and spend["gpu_hours"] is not None:
        return spend["gpu_hours"] > (budget.gpu_hours or 0) * tolerance
    return False
