"""Inference-aware model size (Sardana et al. 2023, Beyond Chinchilla-Optimal, arXiv:2401.00448, s2).

Keep the loss l = L(N_opt, D_opt) that the budget's compute-optimal model reaches and minimise
lifetime FLOPs

    6 N D_tr(N) + 2 N D_inf   subject to   L(N, D_tr) = l,

where D_tr(N) solves the law's L(N, D) = l (``law.tokens_for_loss``). Sardana et al. use Newton
root-finding; we minimise over ln N by grid and bounded Brent search, which needs no derivatives.
With D_inf = 0 the answer is the compute-optimal point itself (for parametric laws). The smaller
model trains on more tokens than the budget pays for; the saving is in lifetime FLOPs.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN, INFERENCE_FLOPS_PER_PARAM_TOKEN
from llmplan.core.optimise import argmin_on_interval
from llmplan.laws.base import Law

SARDANA_CITATION: Final = (
    "Sardana et al. 2023, Beyond Chinchilla-Optimal: Accounting for Inference in Language Model "
    "Scaling Laws, arXiv:2401.00448, s2"
)

#: Search window around the compute-optimal N, in factors of N.
_SEARCH_BELOW: Final = 1e4
_SEARCH_ABOVE: Final = 1e2


def inference_optimum(flops: float, law: Law, inference_tokens: float) -> dict[str, float] | None:
    """Sardana et al. 2023: same loss as the compute-optimal model, least lifetime FLOPs.

    Returns ``None`` for a law without a loss.
    """
    if not law.has_loss:
        return None
    n_opt, d_opt = (float(v) for v in law.optimal(flops))
    target = float(law.loss(n_opt, d_opt))

    def lifetime(x: np.ndarray) -> np.ndarray:
        n = np.exp(x)
        with np.errstate(over="ignore", invalid="ignore"):
            d_train = law.tokens_for_loss(n, target)
            return FLOPS_PER_PARAM_TOKEN * n * d_train + (
                INFERENCE_FLOPS_PER_PARAM_TOKEN * n * inference_tokens
            )

    x = argmin_on_interval(
        lifetime,
        math.log(n_opt / _SEARCH_BELOW),
        math.log(n_opt * _SEARCH_ABOVE),
    )
    params = math.exp(x)
    train_tokens = float(law.tokens_for_loss(params, target))
    train_flops = FLOPS_PER_PARAM_TOKEN * params * train_tokens
    total = train_flops + INFERENCE_FLOPS_PER_PARAM_TOKEN * params * inference_tokens
    baseline = flops + INFERENCE_FLOPS_PER_PARAM_TOKEN * n_opt * inference_tokens
    return {
        "inference_tokens": inference_tokens,
        "target_loss": target,
        "params": params,
        "train_tokens": train_tokens,
        "tokens_per_param": train_tokens / params,
        "train_flops": train_flops,
        "lifetime_flops": total,
        "compute_optimal_params": n_opt,
        "compute_optimal_lifetime_flops": baseline,
        "saving_flops": baseline - total,
        "saving_fraction": (baseline - total) / baseline,
    }
