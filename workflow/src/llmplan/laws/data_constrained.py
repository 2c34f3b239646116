"""Muennighoff et al. 2023, Scaling Data-Constrained Language Models (arXiv:2305.16264), eq. 5.

Repeated data is worth less than fresh data, and parameters beyond what the unique data supports
are worth less than the first ones. With U_D unique tokens:

    R_D = D / U_D - 1 (repetitions beyond the first epoch), U_N = min(N, N_opt(U_D)), R_N = N / U_N - 1
    D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*)),   N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*))
    L = E + A / N'^alpha + B / D'^beta

with R_D* = 15.387756, R_N* = 5.309743 and the authors' C4 fit of E, A, B, alpha, beta
(huggingface/datablations README @13701315, "Parametric Fit"; laws.csv, VERIFIED), where N_opt(U_D)
is the Chinchilla-frontier model size for D = U_D (eq. 4 solved for N). The authors find the
optimum by a grid search over N at fixed C (README); :func:`data_constrained_optimum` minimises the
same L over ln N at fixed C = 6 N D (grid over six decades around the fresh-data optimum, then
Brent) and reports epochs D / U_D and the effective data D'.
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np

from llmplan.core.compute import tokens_for_flops
from llmplan.core.optimise import argmin_on_interval
from llmplan.laws.base import ParametricLaw, eq4_coefficient, parametric_loss

#: Muennighoff et al. 2023 fitted constants: A = exp(6.255414), B = exp(7.3049974),
#: E = exp(0.6254804), alpha = beta = 0.3526596.
MUENNIGHOFF_2023: Final = {
    "E": math.exp(0.6254804),
    "A": math.exp(6.255414),
    "B": math.exp(7.3049974),
    "alpha": 0.3526596,
    "beta": 0.3526596,
}
#: Decay constants of the value of repeated data and of excess parameters (same source).
R_D_STAR: Final = 15.387756
R_N_STAR: Final = 5.309743
MUENNIGHOFF_CITATION: Final = (
    "Muennighoff et al. 2023, Scaling Data-Constrained Language Models, arXiv:2305.16264, eq. 5; "
    "constants from huggingface/datablations README (C4, GPT-2 tokeniser)"
)
#: Beyond this many epochs (4 R_D*) further repetition adds almost nothing.
SATURATION_EPOCHS: Final = 4 * R_D_STAR

FRESH_DATA_LAW: Final = ParametricLaw(
    id="muennighoff-2023",
    name="Muennighoff et al. 2023 (fresh data)",
    citation="Muennighoff et al. 2023, arXiv:2305.16264",
    counts_embeddings=True,
    flops_range=(0.0, math.inf),
    **MUENNIGHOFF_2023,
)

#: Search window around the fresh-data optimum, in factors of N.
_SEARCH_BELOW: Final = 1e4
_SEARCH_ABOVE: Final = 1e2


def data_constrained_loss(
    params: Any, tokens: Any, unique_tokens: Any, *, law: ParametricLaw | None = None
) -> dict[str, np.ndarray]:
    """Eq. 5 (vectorised): the loss with repeated data and excess parameters.

    ``law`` gives E, A, B, alpha, beta (default: the authors' own C4 fit, :data:`FRESH_DATA_LAW`);
    the decay constants R_D*, R_N* are always the authors'. Returns ``loss``, ``effective_tokens``
    D', ``effective_params`` N' and ``epochs`` D / U_D. Unique tokens above D are capped at D (one
    epoch of part of the data), so with ample data the loss is the law's own L(N, D).
    """
    c = law or FRESH_DATA_LAW
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    u = np.minimum(np.asarray(unique_tokens, dtype=float), d)
    g = eq4_coefficient(c.A, c.B, c.alpha, c.beta)
    r_d = np.maximum(d / u - 1.0, 0.0)
    # U_N: the compute-optimal size for D = U_D, eq. 4 solved for N (N = G (D / G^-1)^(a / b))
    u_n = np.minimum(n, (u * g) ** (c.beta / c.alpha) * g)
    r_n = np.maximum(n / u_n - 1.0, 0.0)
    d_eff = u + u * R_D_STAR * (1.0 - np.exp(-r_d / R_D_STAR))
    n_eff = u_n + u_n * R_N_STAR * (1.0 - np.exp(-r_n / R_N_STAR))
    loss = parametric_loss(n_eff, d_eff, c.E, c.A, c.B, c.alpha, c.beta)
    return {
        "loss": loss,
        "effective_tokens": d_eff,
        "effective_params": n_eff,
        "epochs": d / np.asarray(unique_tokens, dtype=float),
    }


def data_constrained_optimum(
    flops: float,
    unique_tokens: float,
    *,
    law: ParametricLaw | None = None,
    max_params: float | None = None,
) -> dict[str, float]:
    """The (N, D) minimising :func:`data_constrained_loss` at fixed C = 6 N D (and N <= max_params)."""
    law = law or FRESH_DATA_LAW
    n0 = float(law.optimal(flops)[0])  # the search starts at the fresh-data optimum
    high = math.log(n0 * _SEARCH_ABOVE)
    if max_params is not None:
        high = min(high, math.log(max_params))
    low = min(math.log(n0 / _SEARCH_BELOW), high)

    def loss_at(x: np.ndarray) -> np.ndarray:
        n = np.exp(x)
        return data_constrained_loss(n, tokens_for_flops(flops, n), unique_tokens, law=law)["loss"]

    x = argmin_on_interval(loss_at, low, high) if high > low else high
    params = math.exp(x)
    tokens = float(tokens_for_flops(flops, params))
    parts = data_constrained_loss(params, tokens, unique_tokens, law=law)
    return {
        "params": params,
        "tokens": tokens,
        "loss": float(parts["loss"]),
        "effective_tokens": float(parts["effective_tokens"]),
        "effective_params": float(parts["effective_params"]),
        "epochs": float(parts["epochs"]),
    }
