"""Sensible bounds of the numbers a user gives, each with where it comes from.

A number outside them is refused, naming the field (never clipped): ``mfu: 1e-300``,
``count: 1e30`` or ``flops: 5e-324`` otherwise produce reports of 33-parameter models. The bounds
are wide: they catch typos and unit mistakes, not unusual plans. The config and catalog schemas
(``workflow/schemas/``) hold the bounds of the values they type; these are the bounds of
quantities written as text (``"70B"``), which the schemas cannot check, and of the command line.
"""

from __future__ import annotations

from typing import Final

from llmplan.core.errors import InputError, Where

#: Budgets llmplan plans for, in FLOPs. The smallest runs of any law's data are Kaplan et al.
#: 2020's, from about 1e-9 PF/s-days (Figure 1), i.e. 8.6e10 FLOPs; below 1e11 a plan is a typo's
#: consequence. 1e32 is over 100,000 times the largest training run published to date.
FLOPS_RANGE: Final = (1e11, 1e32)
#: Lowest MFU accepted: no real run is under 1% (GPT-3 reached 21.3%, Chowdhery et al. 2022,
#: Table 3), and 1e-300 is a typo.
MFU_MIN: Final = 0.01
#: Most accelerators in one budget (ten million; the largest clusters hold a few hundred
#: thousand).
COUNT_MAX: Final = 1e7
#: Longest training run in days (ten years).
DAYS_MAX: Final = 3653.0
#: Highest price of one accelerator-hour, in US dollars.
PRICE_MAX: Final = 10_000.0
#: Range of the tokens-per-param ratio r (D = r N) of a scenario or the command line (the config's
#: bounds, workflow/schemas/config.schema.yaml); Hoffmann et al. 2022 find about 20.
TOKENS_PER_PARAM_RANGE: Final = (0.1, 10_000.0)
#: Range of each constraint (parameters or tokens). Below a million parameters or tokens no
#: scaling law has data (Hoffmann et al. 2022 start at 70M parameters); above the upper bounds a
#: number is a typo (1e16 parameters is 10,000 times the largest model trained, 1e18 tokens a
#: thousand times all text on the web).
CONSTRAINT_RANGES: Final = {
    "max_params": (1e6, 1e16),
    "unique_tokens": (1e6, 1e18),
    "inference_tokens": (0.0, 1e20),
}
#: Largest sensible values of the catalog's quantities (a larger one is a typo): parameters
#: (1,000 times the largest published model), tokens, accelerators, accelerator-hours, FLOPs.
CATALOG_MAXIMA: Final = {
    "params": 1e15,
    "tokens": 1e17,
    "hardware_count": 1e7,
    "accelerator_hours": 1e10,
    "flops": 1e32,
}


def check_budget_flops(flops: float, where: Where) -> None:
    """Refuse a budget outside :data:`FLOPS_RANGE`, naming the field it was stated in."""
    low, high = FLOPS_RANGE
    if not low <= flops <= high:
        raise InputError(
            where,
            f"the budget comes to {flops:.3g} FLOPs, {'below' if flops < low else 'above'} the "
            "budgets llmplan plans for",
            expected="a budget between 1e11 and 1e32 FLOPs (the smallest runs of any law's data, "
            "Kaplan et al. 2020's, used about 1e11)",
        )
