"""The compute-optimal allocation of an approach-3 fit at given budgets, with its intervals.

N_opt and D_opt are the closed form of Hoffmann et al. 2022 (arXiv:2203.15556), eq. 4
(:func:`llmplan.laws.base.eq4_optimum`), for the fit and for every bootstrap sample; the loss
at the optimum gets two intervals (:mod:`llmplan.fit.parametric` explains them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from llmplan.core.intervals import percentile_interval, predictive_interval
from llmplan.fit.objective import FloatArray
from llmplan.laws.base import eq4_optimum, parametric_loss


@dataclass(frozen=True)
class Interval:
    """A percentile interval from the bootstrap."""

    low: float
    high: float

    def to_list(self) -> list[float]:
        return [self.low, self.high]


@dataclass(frozen=True)
class FitAllocation:
    """Compute-optimal allocation at one budget (Hoffmann et al. 2022, eq. 4) with intervals."""

    flops: float
    params: float
    tokens: float
    params_interval: Interval | None
    tokens_interval: Interval | None
    loss: float = float("nan")
    loss_interval: Interval | None = None  # expected loss: parameter uncertainty only
    loss_prediction_interval: Interval | None = None  # one run's loss: parameters and noise

    def to_dict(self) -> dict[str, Any]:
        def listed(iv: Interval | None) -> list[float] | None:
            return iv.to_list() if iv else None

        return {
            "C": self.flops,
            "N_opt": self.params,
            "D_opt": self.tokens,
            "N_opt_interval": listed(self.params_interval),
            "D_opt_interval": listed(self.tokens_interval),
            "loss": self.loss,
            "loss_interval": listed(self.loss_interval),
            "loss_prediction_interval": listed(self.loss_prediction_interval),
        }


def allocation_table(
    theta: FloatArray, rows: FloatArray, residuals: FloatArray, c: FloatArray
) -> tuple[FitAllocation, ...]:
    """Eq. 4 allocation and loss at each budget, with bootstrap intervals when there are rows.

    The loss intervals are over every sample's own optimum: the expected loss (parameters only)
    and one run's loss (each sample plus every residual quantile).
    """
    e0, a0, b0, al0, be0 = natural_params(theta[None, :])[0]
    n_opt, d_opt = eq4_optimum(c, a0, b0, al0, be0)
    loss = parametric_loss(n_opt, d_opt, e0, a0, b0, al0, be0)
    if len(rows) == 0:
        low, high = predictive_interval(np.log(loss)[None, :], residuals)
        return tuple(
            FitAllocation(
                flops=float(cj),
                params=float(n_opt[j]),
                tokens=float(d_opt[j]),
                params_interval=None,
                tokens_interval=None,
                loss=float(loss[j]),
                loss_prediction_interval=Interval(float(low[j]), float(high[j])),
            )
            for j, cj in enumerate(c)
        )
    e_, a_, b_, alpha, beta = (rows[:, k : k + 1] for k in range(5))
    boot_n, boot_d = eq4_optimum(c[None, :], a_, b_, alpha, beta)
    boot_loss = parametric_loss(boot_n, boot_d, e_, a_, b_, alpha, beta)
    bands = [percentile_interval(v) for v in (boot_n, boot_d, boot_loss)]
    bands.append(predictive_interval(np.log(boot_loss), residuals))
    return tuple(
        FitAllocation(
            flops=float(cj),
            params=float(n_opt[j]),
            tokens=float(d_opt[j]),
            params_interval=Interval(float(bands[0][0][j]), float(bands[0][1][j])),
            tokens_interval=Interval(float(bands[1][0][j]), float(bands[1][1][j])),
            loss=float(loss[j]),
            loss_interval=Interval(float(bands[2][0][j]), float(bands[2][1][j])),
            loss_prediction_interval=Interval(float(bands[3][0][j]), float(bands[3][1][j])),
        )
        for j, cj in enumerate(c)
    )


def natural_params(thetas: FloatArray) -> FloatArray:
    """Rows (E, A, B, alpha, beta) of rows theta = (a, b, e, alpha, beta)."""
    return np.column_stack(
        [np.exp(thetas[:, 2]), np.exp(thetas[:, 0]), np.exp(thetas[:, 1]), thetas[:, 3:]]
    )
