"""The recommendation: one plan a lead can act on, within the budget and every constraint.

The rules, in order (each one is tested):

1. **A hard budget is hard.** The plan trains on the budget's IsoFLOP line, C = F(N) D with C the
   budget's compute and F(N) the exact training FLOPs per token of the model it builds (attention
   included; ``per_token``, :func:`llmplan.plan.architecture.family_per_token`; C = 6 N D, the
   laws' own convention, only where no model is given), so its FLOPs, accelerator-hours, days and
   dollars are the budget's, never more. Only a scenario that says ``budget: {soft: true}`` may
   train past it (rule 5).
2. **max_params** caps N; it binds when the law's optimum on that line lies above it.
3. **unique_tokens** U: repeated data is worth less than fresh data. The loss of a plan is the
   primary law's L evaluated at the effective data D' and effective parameters N' of Muennighoff
   et al. 2023 (arXiv:2305.16264, eq. 5), with their decay constants R_D*, R_N*
   (:mod:`llmplan.laws.data_constrained`); the plan is the N minimising it on the IsoFLOP line.
   The decay constants were fitted with the authors' own E, A, B; carrying them over to the
   primary law is an assumption, chosen so that with ample data the plan is the primary law's own
   optimum. N, D, the loss and the epochs all come from this one model.
4. **inference_tokens** D_inf: on the IsoFLOP line training costs the same for every N and serving
   costs 2 N FLOPs per token, so a smaller model is cheaper over its life. The plan is

       N = max(N_Sardana, N_tolerance),

   where N_Sardana is the inference-aware size of Sardana et al. 2023 (arXiv:2401.00448, s2: the
   same loss as the compute-optimal model at the least lifetime FLOPs 6 N D_tr + 2 N D_inf; it
   shrinks as demand grows and equals the compute-optimal size without demand), and N_tolerance is
   the smallest N within the budget whose predicted loss stays inside the primary law's own 10-90%
   interval of the best feasible loss (``inference_loss_tolerance`` of the config, relative, for
   laws without intervals). So the plan follows the demand, stays within budget, and never gives up
   more quality than the law can tell apart.
5. **Soft budget**: Sardana's plan, trained past the budget to reach the compute-optimal model's
   loss, is the headline only when the budget is soft; otherwise it is kept as an alternative with
   its extra days and dollars.

A primary law without a loss (approaches 1 and 2, the tokens-per-parameter rule), or whose
allocation is not the minimum of its own loss (Kaplan et al. 2020), cannot weigh repeated data or
serving cost: for those constraints the loss model is Muennighoff et al.'s own fit
(:data:`llmplan.laws.data_constrained.FRESH_DATA_LAW`), and the plan says so.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from llmplan.core.compute import INFERENCE_FLOPS_PER_PARAM_TOKEN, tokens_for_flops
from llmplan.core.errors import InputError, Where
from llmplan.core.messages import message
from llmplan.inputs.budget import Budget
from llmplan.inputs.constraints import Constraints
from llmplan.laws.base import EXTRAPOLATION_FACTOR, Law, ParametricLaw
from llmplan.laws.data_constrained import FRESH_DATA_LAW, data_constrained_loss
from llmplan.plan.inference import inference_optimum

#: Search window on the IsoFLOP line around the law's optimum, in factors of N.
_SEARCH_BELOW: Final = 1e4
_SEARCH_ABOVE: Final = 1e2
#: A change of model size smaller than this (in ln N, 1%) is not worth a different plan.
_MATERIAL: Final = math.log(1.01)
#: Bisection steps in ln N for the tolerance rule (2^-60 of the window: machine precision).
_BISECTION_STEPS: Final = 60


def loss_model(law: Law) -> ParametricLaw:
    """The law whose loss weighs constraints: the primary law itself when its allocation is the
    minimum of its own parametric loss, else Muennighoff et al.'s fit (see the module docstring)."""
    if isinstance(law, ParametricLaw) and law.allocation_minimises_loss:
        return law
    return FRESH_DATA_LAW


PerToken = Callable[[np.ndarray], np.ndarray]


def _tokens(flops: float, params: Any, per_token: PerToken | None) -> Any:
    """D the budget buys for N: C / 6N, or C / F(N) with a model's exact FLOPs per token."""
    if per_token is None:
        return tokens_for_flops(flops, params)
    n = np.asarray(params, dtype=float)
    value = flops / np.asarray(per_token(np.atleast_1d(n)), dtype=float)
    return value.reshape(n.shape) if n.shape else float(value[0])


def _isoflop_loss(
    model: ParametricLaw, flops: float, unique_tokens: float | None, per_token: PerToken | None
) -> Any:
    """Loss along the IsoFLOP line as a function of ln N (vectorised), repeated data included."""

    def loss(x: np.ndarray) -> np.ndarray:
        n = np.exp(x)
        d = _tokens(flops, n, per_token)
        if unique_tokens is None:
            return model.loss(n, d)
        return data_constrained_loss(n, d, unique_tokens, law=model)["loss"]

    return loss


def _best_on_line(loss: Any, low: float, high: float) -> float:
    """ln N minimising ``loss`` on [low, high] (a dense grid, then golden-section polish)."""
    from llmplan.core.optimise import argmin_on_interval

    return argmin_on_interval(loss, low, high) if high > low else high


def _smallest_within(loss: Any, low: float, best: float, target: float) -> float:
    """Smallest ln N in [low, best] with loss <= target: a grid finds the first point inside,
    bisection against its outside neighbour refines it."""
    grid = np.linspace(low, best, 2001)
    inside = np.flatnonzero(loss(grid) <= target)
    if inside.size == 0:
        return best
    k = int(inside[0])
    if k == 0:
        return low
    lo, hi = float(grid[k - 1]), float(grid[k])
    for _ in range(_BISECTION_STEPS):
        mid = 0.5 * (lo + hi)
        if float(loss(np.array([mid]))[0]) <= target:
            hi = mid
        else:
            lo = mid
    return hi


def decide(
    budget: Budget,
    law: Law,
    constraints: Constraints,
    *,
    inference_loss_tolerance: float,
    per_token: PerToken | None = None,
) -> dict[str, Any]:
    """The recommended plan for ``budget`` under the primary ``law`` and ``constraints``.

    ``per_token`` is the model's exact training FLOPs per token as a function of N (a scenario
    that states its model, :mod:`llmplan.plan.architecture`); then the plan lies on C = F(N) D
    instead of C = 6 N D, so the budget holds in the model's real arithmetic, and a law with a
    loss is minimised along that line.

    Returns a JSON-ready dict: ``params``, ``tokens``, ``tokens_per_param``, ``train_flops``,
    ``pf_days``, ``gpu_hours``, ``days``, ``usd``, ``loss`` (under ``loss_law``) and its
    ``loss_interval``, the law's ``params_interval``/``tokens_interval`` of N_opt and D_opt at the
    budget, ``epochs``, ``binding`` (the constraints that shaped it), ``basis`` (why, in words),
    ``unconstrained`` (the law's own optimum on the plan's line, before constraints),
    ``lifetime`` (with inference demand), ``alternatives`` (Sardana's plan past the budget),
    ``extrapolation`` and ``within_budget``.
    """
    flops = budget.flops
    n_law = float(law.optimal(flops)[0])
    if not (math.isfinite(n_law) and n_law > 0):
        raise InputError(
            Where("budget"), f"law '{law.id}' cannot evaluate a budget of {flops:.3g} FLOPs"
        )
    model = loss_model(law)
    own = model is law
    cap = constraints.max_params
    unique = constraints.unique_tokens
    demand = constraints.inference_tokens or None
    basis = [message("basis.compute_optimal", law=law.name)]
    binding: list[str] = []
    high = math.log(n_law * _SEARCH_ABOVE)
    if cap is not None:
        high = min(high, math.log(cap))
    low = min(math.log(n_law / _SEARCH_BELOW), high)
    loss = _isoflop_loss(model, flops, unique, per_token)
    used_model = False  # whether a constraint was weighed with Muennighoff's fit

    # rules 2 and 3: the best plan on the IsoFLOP line within max_params and the unique data
    # the law's own optimum on the plan's line, before any constraint: with exact FLOPs a law
    # with its own loss is minimised along C = F(N) D; any other keeps its N
    n_free = n_law
    if per_token is not None and own:
        free = _isoflop_loss(model, flops, None, per_token)
        n_free = math.exp(_best_on_line(free, low, math.log(n_law * _SEARCH_ABOVE)))
    x_best = math.log(min(n_free, cap)) if cap is not None else math.log(n_free)
    if per_token is not None and own and (cap is not None or unique is not None):
        x_best = _best_on_line(loss, low, high)  # the optimum on the exact line, within the cap
    if per_token is not None:
        n_here = math.exp(x_best)
        ratio = float(np.asarray(per_token(np.array([n_here])))[0]) / (6.0 * n_here)
        basis.append(message("basis.exact_flops", ratio=ratio))
    if cap is not None and n_free > cap:
        binding.append("max_params")
        basis.append(message("basis.capped", cap=cap))
    if unique is not None:
        data_binding = float(_tokens(flops, math.exp(x_best), per_token)) > unique
        if own or data_binding:
            x_best = _best_on_line(loss, low, high)
        if data_binding:
            used_model = not own
            binding.append("unique_tokens")
            basis.append(
                message("basis.repeating" if own else "basis.repeating_fallback", unique=unique)
            )

    # rule 4: inference demand picks a smaller model within the budget
    x_rec = x_best
    lifetime = None
    sardana = inference_optimum(flops, model, demand) if demand else None
    if sardana is not None and per_token is not None:
        # Sardana's plan in the same arithmetic: its N on its D, at F(N) FLOPs per token
        n_s = sardana["params"]
        exact_flops = float(np.asarray(per_token(np.array([n_s])))[0]) * sardana["train_tokens"]
        sardana = {**sardana, "train_flops": exact_flops}
    if demand and sardana is not None:
        used_model = used_model or not own
        loss_best = float(loss(np.array([x_best]))[0])
        d_best = float(_tokens(flops, math.exp(x_best), per_token))
        interval = law.loss_interval(math.exp(x_best), d_best) if own else None
        if interval is not None:
            slack = interval[1] - loss_best
            why = message("basis.inference_interval", demand=demand)
        else:
            slack = inference_loss_tolerance * loss_best
            why = message(
                "basis.inference_tolerance", demand=demand, tolerance=inference_loss_tolerance
            )
        x_tol = _smallest_within(loss, low, x_best, loss_best + slack)
        x_rec = min(max(x_tol, math.log(sardana["params"])), x_best)
        if x_best - x_rec < _MATERIAL:  # demand too small to move the size by 1%
            x_rec = x_best
        if x_rec < x_best:
            binding.append("inference_tokens")
            basis.append(why)
        serve = INFERENCE_FLOPS_PER_PARAM_TOKEN * demand
        best_params = math.exp(x_best)
        lifetime = {
            "inference_tokens": demand,
            "inference_flops": serve * math.exp(x_rec),
            "lifetime_flops": flops + serve * math.exp(x_rec),
            "compute_optimal_lifetime_flops": flops + serve * best_params,
            "saving_fraction": serve
            * (best_params - math.exp(x_rec))
            / (flops + serve * best_params),
            "loss_slack": slack,
        }

    # exact values where no search moved the point (exp(log(x)) is not always x)
    exact = {
        math.log(n_law): n_law,
        math.log(n_free): n_free,
        **({math.log(cap): cap} if cap is not None else {}),
    }
    params = exact.get(x_rec, math.exp(x_rec))
    tokens = float(_tokens(flops, params, per_token))
    train_flops = flops
    loss_value = plan_loss(law, params, tokens, unique, fallback=used_model)
    alternatives = []
    if sardana is not None:
        extra = sardana["train_flops"] / flops - 1.0
        spend_alt = budget.spend(sardana["train_flops"])
        alternatives.append(
            {
                "kind": "sardana",
                "params": sardana["params"],
                "tokens": sardana["train_tokens"],
                "train_flops": sardana["train_flops"],
                "extra_fraction": extra,
                "days": spend_alt["days"],
                "usd": spend_alt["usd"],
                "loss": sardana["target_loss"],
                "lifetime_saving_fraction": sardana["saving_fraction"],
            }
        )
        if budget.soft and extra > 0 and unique is None and cap is None:
            params, tokens = sardana["params"], sardana["train_tokens"]
            train_flops, loss_value = sardana["train_flops"], sardana["target_loss"]
            basis = [message("basis.soft", law=model.name, demand=demand)]

    spend = budget.spend(train_flops)
    factor = float(law.extrapolation(flops))
    intervals = law.intervals(flops) or {}
    return {
        "law": law.id,
        "law_name": law.name,
        "loss_law": model.id if used_model else law.id,
        "basis": basis,
        "binding": binding,
        "params": params,
        "tokens": tokens,
        "tokens_per_param": tokens / params,
        "train_flops": train_flops,
        "pf_days": budget.pf_days * train_flops / flops,
        "gpu_hours": spend["gpu_hours"],
        "days": spend["days"],
        "usd": spend["usd"],
        "energy_kwh": spend["energy_kwh"],
        "loss": loss_value,
        "loss_interval": law.loss_interval(params, tokens) if own and unique is None else None,
        "params_interval": intervals.get("params"),
        "tokens_interval": intervals.get("tokens"),
        "epochs": tokens / unique if unique else None,
        "unique_tokens": unique,
        "capped": "max_params" in binding,
        "unconstrained": {
            "params": n_free,
            "tokens": float(_tokens(flops, n_free, per_token)),
            "loss": float(law.loss(n_free, _tokens(flops, n_free, per_token)))
            if law.has_loss
            else None,
        },
        "lifetime": lifetime,
        "alternatives": alternatives,
        "extrapolation": {
            "factor": factor,
            "flagged": factor > EXTRAPOLATION_FACTOR,
            "threshold": EXTRAPOLATION_FACTOR,
        },
        "within_budget": train_flops <= flops * (1 + 1e-12),
        "soft_budget": budget.soft,
    }


def plan_loss(
    law: Law, params: float, tokens: float, unique: float | None, *, fallback: bool
) -> float | None:
    """The loss of a plan of ``params`` on ``tokens`` as :func:`decide` predicts it: under the
    law's own loss, or Muennighoff et al.'s fit where the law cannot weigh a constraint
    (``fallback``, or a law whose allocation is not its loss's minimum), repeated data through
    their eq. 5 when ``unique`` is given; None for a law without a loss."""
    model = loss_model(law)
    if model is law or fallback:
        if unique is None:
            return float(model.loss(params, tokens))
        return float(data_constrained_loss(params, tokens, unique, law=model)["loss"])
    return float(law.loss(params, tokens)) if law.has_loss else None


def shorten_for_model(rec: dict[str, Any], law: Law, flops_per_token: float) -> bool:
    """Train the built model on no more tokens than the plan's FLOPs buy it.

    :func:`decide` prices N on its family's smooth F(N); the model the architecture section
    builds rounds the shape (whole layers and heads), so its exact ``flops_per_token`` can be a
    little higher (an MoE at 32k tokens: 1.6%). When it is, D becomes train_flops / F and every
    figure that follows from D (tokens per parameter, epochs, loss) with it, so the recommendation
    stays within the budget in the arithmetic of the model it trains. A plan whose recommendation
    trains past the budget on purpose (a soft budget's inference-aware plan) is left as it is.
    Returns whether it shortened the plan.
    """
    tokens = rec["train_flops"] / flops_per_token
    if not rec["within_budget"] or tokens >= rec["tokens"]:
        return False
    params, unique = rec["params"], rec["unique_tokens"]
    if rec["loss"] is not None:
        rec["loss"] = plan_loss(law, params, tokens, unique, fallback=rec["loss_law"] != law.id)
    if rec["loss_interval"] is not None:
        rec["loss_interval"] = law.loss_interval(params, tokens)
    rec["tokens"] = tokens
    rec["tokens_per_param"] = tokens / params
    rec["epochs"] = tokens / unique if unique else None
    if unique and tokens <= unique and "unique_tokens" in rec["binding"]:
        # shortened within the unique data: nothing repeats, so the data no longer binds
        rec["binding"] = [b for b in rec["binding"] if b != "unique_tokens"]
        rec["basis"] = [m for m in rec["basis"] if not m["code"].startswith("basis.repeating")]
    return True
