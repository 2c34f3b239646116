"""Approach 3 of Hoffmann et al. 2022: fit L(N, D) = E + A/N^alpha + B/D^beta, with a bootstrap.

The objective and its derivatives are in :mod:`.objective`, the multi-start search in
:mod:`.search` (starts from :mod:`.profile`) and the bootstrap refits in :mod:`.bootstrap`.
Intervals are the house convention (:mod:`llmplan.core.intervals`). The compute-optimal
allocation of a fitted law is the closed form of Hoffmann et al. 2022, eq. 4.

Two loss intervals. The bootstrap gives the uncertainty of the parameters, hence of the
*expected* loss at (N, D). A single training run scatters around it (seed, data order,
evaluation noise): its *prediction* interval adds that noise, represented by the quantiles of the
fit's log-residuals r_i = log L_i - log L(N_i, D_i; theta*), leverage-adjusted by
sqrt(n / (n - 5)); every bootstrap prediction is combined with every residual quantile
(:func:`llmplan.core.intervals.predictive_interval`). The robust residual scale
1.4826 MAD(r) (the normal-consistent median absolute deviation) is reported beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike

from llmplan.core.errors import InputError, Where
from llmplan.core.intervals import (
    INTERVAL_LEVEL,
    percentile_interval,
    residual_quantiles,
)
from llmplan.core.messages import message
from llmplan.fit.allocation import FitAllocation, Interval, allocation_table, natural_params
from llmplan.fit.bootstrap import EXACT_CELLS, bootstrap_fits
from llmplan.fit.objective import HUBER_DELTA, FloatArray, predict_log_loss
from llmplan.fit.search import DEFAULT_FOLLOW, fit_grid
from llmplan.laws.base import ParametricLaw

#: Default number of bootstrap resamples and confidence level of the percentile intervals.
DEFAULT_BOOTSTRAP: Final = 1000

#: Default budgets (FLOPs) at which the allocation N_opt, D_opt gets intervals.
DEFAULT_BUDGETS: Final = (1e21, 1e22, 1e23, 1e24, 1e25)

#: Consistency factor of the median absolute deviation for normal errors (1 / Phi^-1(3/4)).
MAD_TO_SD: Final = 1.4826

#: Parameters of the approach-3 law (for the leverage adjustment of the residuals).
N_PARAMS: Final = 5


@dataclass(frozen=True)
class ParametricFit:
    """The approach-3 fit: best parameters, diagnostics and bootstrap.

    Attributes
    ----------
    theta
        Best (a, b, e, alpha, beta); E, A, B = exp(e), exp(a), exp(b).
    objective
        Summed Huber loss at the optimum.
    n_starts, n_reached_best
        Starts tried, and how many ended within ``REACHED_RTOL`` of the best objective.
    hessian_condition
        Condition number of the Hessian of f at the optimum (inf when singular).
    bootstrap
        Rows (E, A, B, alpha, beta), one per bootstrap resample (empty without bootstrap).
    intervals
        Percentile intervals at ``interval_level`` for E, A, B, alpha, beta, a, b.
    """

    theta: FloatArray
    objective: float
    n_points: int
    n_starts: int
    n_followed: int
    n_reached_best: int
    hessian_condition: float
    warnings: tuple[dict[str, Any], ...]  # messages (llmplan.core.messages_fit)
    bootstrap: FloatArray
    intervals: dict[str, Interval]
    interval_level: float
    allocation: tuple[FitAllocation, ...]
    delta: float = HUBER_DELTA
    n_bootstrap_converged: int = 0
    seed: int | None = None
    search: str = "profile"
    bootstrap_method: str | None = None
    residual_scale: float = float("nan")
    residual_quantiles: FloatArray | None = None

    @property
    def E(self) -> float:
        return float(np.exp(self.theta[2]))

    @property
    def A(self) -> float:
        return float(np.exp(self.theta[0]))

    @property
    def B(self) -> float:
        return float(np.exp(self.theta[1]))

    @property
    def alpha(self) -> float:
        return float(self.theta[3])

    @property
    def beta(self) -> float:
        return float(self.theta[4])

    @property
    def a(self) -> float:
        """Exponent of N_opt in C (Hoffmann et al. 2022, eq. 4)."""
        return self.law().a

    @property
    def b(self) -> float:
        """Exponent of D_opt in C."""
        return self.law().b

    def law(self, *, law_id: str = "fit", name: str = "Fitted approach-3 law") -> ParametricLaw:
        """The fitted law as a :class:`~llmplan.laws.ParametricLaw` with its bootstrap samples
        and residual quantiles (for the loss prediction interval)."""
        return _law(
            self.E,
            self.A,
            self.B,
            self.alpha,
            self.beta,
            law_id=law_id,
            name=name,
            samples=self.bootstrap if len(self.bootstrap) > 1 else None,
            residuals=self.residual_quantiles,
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: E, A, B, alpha, beta, a, b, objective, n_starts, n_reached_best,
        warnings (messages: code, args, English text), intervals {name: [lo, hi]}, bootstrap [[E, A, B, alpha, beta], ...],
        n_points, and the allocation at the requested budgets."""
        return {
            "E": self.E,
            "A": self.A,
            "B": self.B,
            "alpha": self.alpha,
            "beta": self.beta,
            "a": self.a,
            "b": self.b,
            "objective": self.objective,
            "n_points": self.n_points,
            "n_starts": self.n_starts,
            "n_followed": self.n_followed,
            "n_reached_best": self.n_reached_best,
            "huber_delta": self.delta,
            "hessian_condition": self.hessian_condition
            if np.isfinite(self.hessian_condition)
            else None,
            "warnings": list(self.warnings),
            "interval_level": self.interval_level,
            "intervals": {k: v.to_list() for k, v in self.intervals.items()},
            "allocation": [al.to_dict() for al in self.allocation],
            "n_bootstrap": len(self.bootstrap),
            "n_bootstrap_converged": self.n_bootstrap_converged,
            "bootstrap_method": self.bootstrap_method,
            "seed": self.seed,
            "search": self.search,
            "residual_scale": self.residual_scale,
            "residual_quantiles": None
            if self.residual_quantiles is None
            else [float(v) for v in self.residual_quantiles],
            "bootstrap": [[float(v) for v in row] for row in self.bootstrap],
        }


def _law(
    E: float,
    A: float,
    B: float,
    alpha: float,
    beta: float,
    *,
    law_id: str,
    name: str,
    samples: FloatArray | None = None,
    residuals: FloatArray | None = None,
) -> ParametricLaw:
    return ParametricLaw(
        id=law_id,
        name=name,
        citation="fitted with llmplan (Hoffmann et al. 2022, arXiv:2203.15556, approach 3)",
        counts_embeddings=True,
        flops_range=(0.0, float("inf")),
        E=E,
        A=A,
        B=B,
        alpha=alpha,
        beta=beta,
        samples=samples,
        residuals=residuals,
    )


def fit_parametric(
    params: ArrayLike,
    tokens: ArrayLike,
    losses: ArrayLike,
    *,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    delta: float = HUBER_DELTA,
    budgets: Sequence[float] = DEFAULT_BUDGETS,
    method: str = "profile",
    starts: ArrayLike | None = None,
    n_follow: int | None = DEFAULT_FOLLOW,
    n_refine: int | None = None,
    exact_cells: int = EXACT_CELLS,
) -> ParametricFit:
    """Approach 3: the multi-start fit, then ``n_bootstrap`` seeded bootstrap refits.

    Parameters
    ----------
    params, tokens, losses
        N, D and final loss (nats) of each run; positive and finite.
    n_bootstrap
        Resamples; 0 skips the bootstrap (then no intervals).
    budgets
        Training budgets (FLOPs) at which to report N_opt, D_opt and the loss with intervals.
    method, starts, n_follow, n_refine
        The search (:func:`llmplan.fit.search.fit_grid`).
    exact_cells
        Points x resamples up to which bootstrap refits are iterated to convergence
        (:func:`llmplan.fit.bootstrap.bootstrap_fits`).
    """
    if n_bootstrap < 0:
        raise InputError(
            Where("fit", field="bootstrap"), f"{n_bootstrap} resamples", expected=">= 0"
        )
    n = np.asarray(params, dtype=float).size
    if n < 6:
        raise InputError(
            Where("fit"), f"{n} points cannot determine 5 parameters", expected="at least 6 runs"
        )
    grid = fit_grid(
        params,
        tokens,
        losses,
        delta=delta,
        method=method,
        starts=starts,
        n_follow=n_follow,
        n_refine=n_refine,
    )
    warnings = list(grid.warnings)
    residuals = np.log(np.asarray(losses, dtype=float)) - predict_log_loss(
        grid.theta, params, tokens
    )
    quantiles = residual_quantiles(residuals, n_params=N_PARAMS)
    inflate = np.sqrt(n / (n - N_PARAMS))
    scale = MAD_TO_SD * float(np.median(np.abs(residuals - np.median(residuals)))) * inflate
    rows = np.empty((0, 5))
    n_conv = 0
    boot_method = None
    intervals: dict[str, Interval] = {}
    if n_bootstrap:
        boot = bootstrap_fits(
            params,
            tokens,
            losses,
            grid.theta,
            n_resamples=n_bootstrap,
            seed=seed,
            delta=delta,
            exact_cells=exact_cells,
        )
        boot_method = boot.method
        n_conv = int(boot.converged.sum())
        if boot.method == "one-step":
            warnings.append(
                message(
                    "fit.bootstrap.linearised",
                    points=int(n),
                    resamples=int(n_bootstrap),
                    cells=float(exact_cells),
                )
            )
        elif n_conv < n_bootstrap:
            warnings.append(
                message(
                    "fit.bootstrap.not_converged",
                    failed=int(n_bootstrap - n_conv),
                    resamples=int(n_bootstrap),
                )
            )
        rows = natural_params(boot.theta)
        e_, a_, b_, alpha, beta = rows.T
        columns = {
            "E": e_,
            "A": a_,
            "B": b_,
            "alpha": alpha,
            "beta": beta,
            "a": beta / (alpha + beta),
            "b": alpha / (alpha + beta),
        }
        for name, values in columns.items():
            lo, hi = percentile_interval(values)
            intervals[name] = Interval(float(lo), float(hi))
    allocation = allocation_table(grid.theta, rows, quantiles, np.asarray(list(budgets), float))
    return ParametricFit(
        theta=grid.theta,
        objective=grid.objective,
        n_points=int(n),
        n_starts=grid.n_starts,
        n_followed=grid.n_followed,
        n_reached_best=grid.n_reached_best,
        hessian_condition=grid.hessian_condition,
        warnings=tuple(warnings),
        bootstrap=rows,
        intervals=intervals,
        interval_level=INTERVAL_LEVEL,
        allocation=allocation,
        delta=delta,
        n_bootstrap_converged=n_conv,
        seed=seed if n_bootstrap else None,
        search=grid.method,
        bootstrap_method=boot_method,
        residual_scale=scale,
        residual_quantiles=quantiles,
    )
