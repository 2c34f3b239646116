"""The recommendation of :func:`llmplan.plan.decide.decide` for many budgets under one law at once.

Every rule of :mod:`llmplan.plan.decide` is repeated over arrays, one element per problem (a
budget's compute C with its ``max_params`` cap, ``unique_tokens`` U and ``inference_tokens``
demand; NaN where a constraint is absent): the hard budget on the IsoFLOP line C = 6 N D (or
C = F(N) D with the model's exact FLOPs per token), the cap on N, repeated data through
Muennighoff et al. 2023 (arXiv:2305.16264, eq. 5), inference demand through Sardana et al. 2023
(arXiv:2401.00448, s2) within the law's own 10-90% loss interval (or the configured tolerance), and
a soft budget's switch to Sardana's plan. The searches are those of :mod:`.optimise`, which repeat
scipy's arithmetic problem by problem; scalar logarithms and exponentials go through :mod:`math`
as in ``decide``, so each element is the number ``decide`` gives for that budget.

The law, the stated model and ``soft`` are the same for all problems of one call (a sweep groups
its points by them, :mod:`llmplan.sweep.plan`).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN, INFERENCE_FLOPS_PER_PARAM_TOKEN
from llmplan.core.intervals import INTERVAL_PERCENTILES, percentile_interval
from llmplan.laws.base import Law, ParametricLaw
from llmplan.laws.data_constrained import data_constrained_loss
from llmplan.plan.decide import PerToken, loss_model
from llmplan.sweep.optimise import CHUNK, Objective, argmin_many, smallest_within

#: decide's search window and materiality (llmplan.plan.decide, same values).
_SEARCH_BELOW: Final = 1e4
_SEARCH_ABOVE: Final = 1e2
_MATERIAL: Final = math.log(1.01)


def _log(values: np.ndarray) -> np.ndarray:
    """math.log of each element (``decide`` takes scalar logarithms with :mod:`math`)."""
    return np.fromiter(map(math.log, values.tolist()), dtype=float, count=values.size)


def _exp(values: np.ndarray) -> np.ndarray:
    return np.fromiter(map(math.exp, values.tolist()), dtype=float, count=values.size)


def _tokens(flops: np.ndarray, params: np.ndarray, per_token: PerToken | None) -> np.ndarray:
    """D = C / 6N, or C / F(N) with a model's exact FLOPs per token (broadcasting)."""
    if per_token is None:
        return flops / (FLOPS_PER_PARAM_TOKEN * params)
    return flops / np.asarray(per_token(np.atleast_1d(params)), dtype=float).reshape(params.shape)


def _restricted(func: Objective, index: np.ndarray) -> Objective:
    """The objective of the problems ``index`` only (rows of the sub-problem map to them)."""
    return lambda x, rows: func(x, index[rows])


def isoflop_objective(
    model: ParametricLaw, flops: np.ndarray, unique: np.ndarray | None, per_token: PerToken | None
) -> Objective:
    """Loss along each problem's IsoFLOP line as a function of ln N (repeated data included)."""

    def loss(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        n = np.exp(x)
        d = _tokens(flops[rows, None], n, per_token)
        if unique is None:
            return model.loss(n, d)
        return data_constrained_loss(n, d, unique[rows, None], law=model)["loss"]

    return loss


def inference_many(
    flops: np.ndarray, law: ParametricLaw, demand: np.ndarray
) -> dict[str, np.ndarray]:
    """:func:`llmplan.plan.inference.inference_optimum` for each (C, D_inf)."""
    n_opt, d_opt = (np.asarray(v, dtype=float) for v in law.optimal(flops))
    target = np.asarray(law.loss(n_opt, d_opt), dtype=float)

    def lifetime(x: np.ndarray, rows: np.ndarray) -> np.ndarray:
        n = np.exp(x)
        with np.errstate(over="ignore", invalid="ignore"):
            d_train = law.tokens_for_loss(n, target[rows, None])
            return FLOPS_PER_PARAM_TOKEN * n * d_train + (
                INFERENCE_FLOPS_PER_PARAM_TOKEN * n * demand[rows, None]
            )

    x = argmin_many(lifetime, _log(n_opt / _SEARCH_BELOW), _log(n_opt * _SEARCH_ABOVE))
    params = _exp(x)
    train_tokens = np.asarray(law.tokens_for_loss(params, target), dtype=float)
    train_flops = FLOPS_PER_PARAM_TOKEN * params * train_tokens
    return {
        "params": params,
        "train_tokens": train_tokens,
        "train_flops": train_flops,
        "target_loss": target,
    }


def loss_interval_high(law: ParametricLaw, params: np.ndarray, tokens: np.ndarray) -> np.ndarray:
    """Upper end of ``law.loss_interval(N, D)`` (10-90% over the law's samples) per problem.

    Each sample's loss E + A exp(-alpha ln N) + B exp(-beta ln D) is eq. 2 written with
    exponentials, which numpy evaluates ten times faster than a power per sample; the two differ
    by a few units in the last place, and the interval only sets the loss a smaller model may
    reach (a target crossed on the IsoFLOP line), so the plan moves by far less than 1e-12.
    """
    assert law.samples is not None
    e, a_, b_, al, be = (law.samples[:, i] for i in range(5))
    out = np.empty(params.size)
    for start in range(0, params.size, CHUNK):
        part = slice(start, start + CHUNK)
        ln_n = np.log(params[part])[:, None]
        ln_d = np.log(tokens[part])[:, None]
        values = e + a_ * np.exp(-al * ln_n) + b_ * np.exp(-be * ln_d)
        if np.isnan(values).any():
            out[part] = percentile_interval(values, axis=1)[1]
        else:  # nanpercentile row by row is percentile along the axis when nothing is NaN
            out[part] = np.percentile(values, INTERVAL_PERCENTILES[1], axis=1)
    return out


def _best_on_line(func: Objective, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """decide._best_on_line: the argmin where the window is open, else its upper end."""
    out = high.copy()
    open_ = np.flatnonzero(high > low)
    if open_.size:
        out[open_] = argmin_many(_restricted(func, open_), low[open_], high[open_])
    return out


def decide_many(
    flops: np.ndarray,
    *,
    law: Law,
    max_params: np.ndarray,
    unique_tokens: np.ndarray | None,
    inference_tokens: np.ndarray,
    per_token: PerToken | None = None,
    soft: bool = False,
    inference_loss_tolerance: float,
) -> dict[str, Any]:
    """The recommended N, D, loss and compute of every budget ``flops`` (see the module docstring).

    ``max_params`` and ``inference_tokens`` are NaN where absent (a demand of 0 is none);
    ``unique_tokens`` is None when no problem has it, else an array with a value for each.

    Returns arrays: ``params``, ``tokens``, ``train_flops``, ``loss`` (NaN without one),
    ``loss_law_fallback`` (the loss is Muennighoff et al.'s fit, not the law's), ``capped``,
    ``data_binding``, ``inference_binding``, ``lifetime_flops`` (NaN without demand),
    ``sardana_params``/``sardana_extra`` (Sardana's plan and its compute beyond the budget),
    ``extrapolation`` (the law's factor beyond its fitted compute) and ``law_optimum`` (N_opt).
    """
    k = flops.size
    n_law = np.asarray(law.optimal(flops)[0], dtype=float).reshape(k)
    model = loss_model(law)
    own = model is law
    has_cap = ~np.isnan(max_params)
    cap = np.where(has_cap, max_params, 1.0)
    high = _log(n_law * _SEARCH_ABOVE)
    high = np.where(has_cap, np.minimum(high, _log(cap)), high)
    low = np.minimum(_log(n_law / _SEARCH_BELOW), high)
    loss = isoflop_objective(model, flops, unique_tokens, per_token)
    # the law's own optimum on the plan's line (decide's n_free): the cap binds above it
    n_free = n_law.copy()
    capped_rows = np.flatnonzero(has_cap)
    if per_token is not None and own and capped_rows.size:  # only a cap needs it
        free = _restricted(isoflop_objective(model, flops, None, per_token), capped_rows)
        n_free[capped_rows] = _exp(
            _best_on_line(free, low[capped_rows], _log(n_law[capped_rows] * _SEARCH_ABOVE))
        )
    x_best = np.where(has_cap, _log(np.minimum(n_free, cap)), _log(n_free))
    if per_token is not None and own:
        x_best = _best_on_line(loss, low, high)
    capped = has_cap & (n_free > cap)
    data_binding = np.zeros(k, dtype=bool)
    used_model = np.zeros(k, dtype=bool)
    if unique_tokens is not None:
        data_binding = _tokens(flops, _exp(x_best), per_token) > unique_tokens
        redo = np.flatnonzero(data_binding) if not own else np.arange(k)
        if not (per_token is not None and own) and redo.size:  # else: already this argmin
            x_best[redo] = _best_on_line(_restricted(loss, redo), low[redo], high[redo])
        used_model = data_binding & (not own)

    # rule 4: inference demand
    x_rec = x_best.copy()
    has_demand = ~np.isnan(inference_tokens) & (inference_tokens != 0)
    inference_binding = np.zeros(k, dtype=bool)
    lifetime_flops = np.full(k, np.nan)
    sardana_params = np.full(k, np.nan)
    sardana_extra = np.full(k, np.nan)
    sardana: dict[str, np.ndarray] | None = None
    i = np.flatnonzero(has_demand)
    if i.size:
        sardana = inference_many(flops[i], model, inference_tokens[i])
        if per_token is not None:  # Sardana's plan at its model's exact FLOPs per token
            per = np.asarray(per_token(np.atleast_1d(sardana["params"])), dtype=float)
            sardana = {**sardana, "train_flops": per * sardana["train_tokens"]}
        used_model[i] |= not own
        xb = x_best[i]
        # the loss the smaller model may reach depends on the line, not on the demand: once per
        # distinct line (a grid repeats each budget for every demand)
        line = np.column_stack(
            [flops[i], xb, low[i], unique_tokens[i] if unique_tokens is not None else xb]
        )
        _, first, back = np.unique(line, axis=0, return_index=True, return_inverse=True)
        j = i[first]
        loss_best = loss(x_best[j][:, None], j)[:, 0]
        d_best = _tokens(flops[j], _exp(x_best[j]), per_token)
        if own and law.has_samples:
            assert isinstance(law, ParametricLaw)
            slack = loss_interval_high(law, _exp(x_best[j]), d_best) - loss_best
        else:
            slack = inference_loss_tolerance * loss_best
        x_tol = smallest_within(_restricted(loss, j), low[j], x_best[j], loss_best + slack)
        x_tol = x_tol[back.reshape(-1)]
        xr = np.minimum(np.maximum(x_tol, _log(sardana["params"])), xb)
        xr = np.where(xb - xr < _MATERIAL, xb, xr)
        inference_binding[i] = xr < xb
        x_rec[i] = xr
        lifetime_flops[i] = flops[i] + INFERENCE_FLOPS_PER_PARAM_TOKEN * inference_tokens[i] * (
            _exp(xr)
        )
        sardana_params[i] = sardana["params"]
        sardana_extra[i] = sardana["train_flops"] / flops[i] - 1.0

    # exact values where no search moved the point (decide's `exact` mapping)
    params = _exp(x_rec)
    params = np.where(x_rec == _log(n_law), n_law, params)
    params = np.where(has_cap & (x_rec == _log(cap)), cap, params)
    tokens = _tokens(flops, params, per_token)
    train_flops = flops.copy()
    loss_value = np.full(k, np.nan)
    with_model = np.flatnonzero(used_model | own)
    if with_model.size:
        n, d = params[with_model], tokens[with_model]
        loss_value[with_model] = (
            model.loss(n, d)
            if unique_tokens is None
            else data_constrained_loss(n, d, unique_tokens[with_model], law=model)["loss"]
        )
    rest = np.flatnonzero(~(used_model | own))
    if rest.size and law.has_loss:
        loss_value[rest] = law.loss(params[rest], tokens[rest])
    if soft and sardana is not None and unique_tokens is None:
        j = np.flatnonzero((sardana_extra[i] > 0) & ~has_cap[i])
        take = i[j]
        params[take] = sardana["params"][j]
        tokens[take] = sardana["train_tokens"][j]
        train_flops[take] = sardana["train_flops"][j]
        loss_value[take] = sardana["target_loss"][j]
    return {
        "params": params,
        "tokens": tokens,
        "train_flops": train_flops,
        "loss": loss_value,
        "loss_law_fallback": used_model,
        "loss_law": np.where(used_model, model.id, law.id),
        "capped": capped,
        "data_binding": data_binding,
        "inference_binding": inference_binding,
        "lifetime_flops": lifetime_flops,
        "sardana_params": sardana_params,
        "sardana_extra": sardana_extra,
        "extrapolation": np.asarray(law.extrapolation(flops), dtype=float).reshape(k),
        "law_optimum": n_law,
    }


def finite_optimum(law: Law, flops: np.ndarray) -> np.ndarray:
    """Where ``law`` can evaluate each budget (decide refuses a non-finite or non-positive N)."""
    n = np.asarray(law.optimal(flops)[0], dtype=float).reshape(flops.size)
    return np.isfinite(n) & (n > 0)


Progress = Callable[[int], None]
