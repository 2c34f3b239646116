"""Approach 3 of Hoffmann et al. 2022: fit L(N, D) = E + A/N^alpha + B/D^beta, with a bootstrap.

The objective and its derivatives are in :mod:`.objective`; the multi-start search from
Hoffmann's 4,500-point grid and the batched bootstrap refits in :mod:`.search`. Intervals are the
house convention (:mod:`llmplan.core.intervals`). The compute-optimal allocation of a fitted law is the closed form of Hoffmann et al. 2022, eq. 4,
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike

from llmplan.core.errors import InputError, Where
from llmplan.core.intervals import INTERVAL_LEVEL, percentile_interval
from llmplan.fit.objective import HUBER_DELTA, FloatArray
from llmplan.fit.search import DEFAULT_FOLLOW, DEFAULT_REFINE, bootstrap_fits, fit_grid
from llmplan.laws.base import ParametricLaw, eq4_optimum

#: Default number of bootstrap resamples and confidence level of the percentile intervals.
DEFAULT_BOOTSTRAP: Final = 1000

#: Default budgets (FLOPs) at which the allocation N_opt, D_opt gets intervals.
DEFAULT_BUDGETS: Final = (1e21, 1e22, 1e23, 1e24, 1e25)


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "C": self.flops,
            "N_opt": self.params,
            "D_opt": self.tokens,
            "N_opt_interval": self.params_interval.to_list() if self.params_interval else None,
            "D_opt_interval": self.tokens_interval.to_list() if self.tokens_interval else None,
        }


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
    warnings: tuple[str, ...]
    bootstrap: FloatArray
    intervals: dict[str, Interval]
    interval_level: float
    allocation: tuple[FitAllocation, ...]
    delta: float = HUBER_DELTA
    n_bootstrap_converged: int = 0
    seed: int | None = None

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
        """The fitted law as a :class:`~llmplan.laws.ParametricLaw`."""
        return _law(self.E, self.A, self.B, self.alpha, self.beta, law_id=law_id, name=name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: E, A, B, alpha, beta, a, b, objective, n_starts, n_reached_best,
        warnings, intervals {name: [lo, hi]}, bootstrap [[E, A, B, alpha, beta], ...],
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
            "seed": self.seed,
            "bootstrap": [[float(v) for v in row] for row in self.bootstrap],
        }


def _law(
    E: float, A: float, B: float, alpha: float, beta: float, *, law_id: str, name: str
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
    starts: ArrayLike | None = None,
    n_follow: int | None = DEFAULT_FOLLOW,
    n_refine: int = DEFAULT_REFINE,
) -> ParametricFit:
    """Approach 3: the grid fit, then ``n_bootstrap`` seeded bootstrap refits with intervals.

    Parameters
    ----------
    params, tokens, losses
        N, D and final loss (nats) of each run; positive and finite.
    n_bootstrap
        Resamples; 0 skips the bootstrap (then no intervals).
    budgets
        Training budgets (FLOPs) at which to report N_opt and D_opt with intervals.
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
        params, tokens, losses, delta=delta, starts=starts, n_follow=n_follow, n_refine=n_refine
    )
    warnings = list(grid.warnings)
    rows = np.empty((0, 5))
    n_conv = 0
    intervals: dict[str, Interval] = {}
    c = np.asarray(list(budgets), dtype=float)
    best = _law(*_params(grid.theta[None, :])[0], law_id="fit", name="fit")
    n_opt, d_opt = best.optimal(c)
    n_band = d_band = None
    if n_bootstrap:
        thetas, conv = bootstrap_fits(
            params, tokens, losses, grid.theta, n_resamples=n_bootstrap, seed=seed, delta=delta
        )
        n_conv = int(conv.sum())
        if n_conv < n_bootstrap:
            warnings.append(
                f"{n_bootstrap - n_conv} of {n_bootstrap} bootstrap refits did not converge; "
                "they are kept at their last iterate"
            )
        rows = _params(thetas)
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
        boot_n, boot_d = eq4_optimum(
            c[None, :], a_[:, None], b_[:, None], alpha[:, None], beta[:, None]
        )
        n_band = percentile_interval(boot_n)
        d_band = percentile_interval(boot_d)
    allocation = [
        FitAllocation(
            flops=float(cj),
            params=float(n_opt[j]),
            tokens=float(d_opt[j]),
            params_interval=None
            if n_band is None
            else Interval(float(n_band[0][j]), float(n_band[1][j])),
            tokens_interval=None
            if d_band is None
            else Interval(float(d_band[0][j]), float(d_band[1][j])),
        )
        for j, cj in enumerate(c)
    ]
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
        allocation=tuple(allocation),
        delta=delta,
        n_bootstrap_converged=n_conv,
        seed=seed if n_bootstrap else None,
    )


def _params(thetas: FloatArray) -> FloatArray:
    """Rows (E, A, B, alpha, beta) of rows theta = (a, b, e, alpha, beta)."""
    return np.column_stack(
        [np.exp(thetas[:, 2]), np.exp(thetas[:, 0]), np.exp(thetas[:, 1]), thetas[:, 3:]]
    )
