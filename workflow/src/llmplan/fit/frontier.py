"""What approaches 1 and 2 of Hoffmann et al. 2022 share: IsoFLOP groups and the frontier fit.

Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models", arXiv:2203.15556, s3.1 and
s3.2. Runs are grouped by training compute C (within a tolerance in log10 C, around given budgets
or by gaps in the sorted log C). Both approaches end with power laws fitted by least squares in
log10 space,

    log10 N_opt = log10 k_N + a log10 C,     log10 D_opt = log10 k_D + b log10 C,

(with D_opt = C / (6 N_opt), b = 1 - a and k_D = 1 / (6 k_N)), and percentile intervals at the
house level over bootstrap lines (Hoffmann Table 2 used the 10th and 90th percentiles,
:mod:`llmplan.core.intervals`). Lines are :mod:`llmplan.core.regression`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN
from llmplan.core.errors import InputError, Where
from llmplan.core.intervals import INTERVAL_LEVEL, percentile_interval
from llmplan.core.regression import fit_lines, r_squared

FloatArray = NDArray[np.float64]

#: Runs whose log10 C differ by at most this belong to the same IsoFLOP group (about 12%).
DEFAULT_TOL_DEX: Final = 0.05
#: Default bootstrap resamples for approaches 1 and 2.
DEFAULT_BOOTSTRAP: Final = 1000


@dataclass(frozen=True)
class IsoflopGroup:
    """One IsoFLOP profile: the runs at one budget and its fitted parabola."""

    flops: float
    n_runs: int
    n_sizes: int
    coefficients: tuple[float, float, float] | None  # c2, c1, c0 of L in log10 N
    params_opt: float | None
    tokens_opt: float | None
    loss_min: float | None
    notes: tuple[dict[str, Any], ...] = ()  # messages (llmplan.core.messages_fit)

    @property
    def usable(self) -> bool:
        return self.params_opt is not None

    @property
    def note(self) -> str:
        """The notes in English, separated by semicolons ("" when there are none)."""
        return "; ".join(n["text"] for n in self.notes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "C": self.flops,
            "n_runs": self.n_runs,
            "n_sizes": self.n_sizes,
            "coefficients": list(self.coefficients) if self.coefficients else None,
            "N_opt": self.params_opt,
            "D_opt": self.tokens_opt,
            "loss_min": self.loss_min,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class FrontierFit:
    """Power-law frontier N_opt = k_N C^a, D_opt = k_D C^b from approach 1 or 2."""

    approach: int
    supported: bool
    reason: dict[str, Any] | None = None  # why not supported: a message
    a: float = float("nan")
    b: float = float("nan")
    k_N: float = float("nan")
    k_D: float = float("nan")
    r2_N: float = float("nan")
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    interval_level: float = INTERVAL_LEVEL
    flops: FloatArray = field(default_factory=lambda: np.empty(0))
    params_opt: FloatArray = field(default_factory=lambda: np.empty(0))
    tokens_opt: FloatArray = field(default_factory=lambda: np.empty(0))
    loss_opt: FloatArray = field(default_factory=lambda: np.empty(0))
    groups: tuple[IsoflopGroup, ...] = ()
    n_bootstrap: int = 0
    warnings: tuple[dict[str, Any], ...] = ()  # messages
    #: Row numbers (in the runs table) of each usable group, in the order of ``flops``.
    members: tuple[NDArray[np.int64], ...] = field(default=(), compare=False, repr=False)

    @classmethod
    def from_line(
        cls, approach: int, slope: float, intercept: float, r2: float, **rest: Any
    ) -> FrontierFit:
        """The frontier log10 N_opt = intercept + slope log10 C: a = slope, b = 1 - a,
        k_N = 10^intercept, k_D = 1 / (6 k_N) (so that 6 N_opt D_opt = C)."""
        k_n = 10.0**intercept
        return cls(
            approach=approach,
            supported=True,
            a=slope,
            b=1.0 - slope,
            k_N=k_n,
            k_D=1.0 / (FLOPS_PER_PARAM_TOKEN * k_n),
            r2_N=r2,
            **rest,
        )

    def require_supported(self, where: Where | str = "runs") -> FrontierFit:
        """Self, or an :class:`InputError` saying why the data cannot support the approach."""
        if not self.supported:
            why = self.reason["text"] if self.reason else "unknown"
            raise InputError(where, f"approach {self.approach} is not possible: {why}")
        return self

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"approach": self.approach, "supported": self.supported}
        if not self.supported:
            out["reason"] = self.reason
            out["groups"] = [g.to_dict() for g in self.groups]
            return out
        out.update(
            {
                "a": self.a,
                "b": self.b,
                "k_N": self.k_N,
                "k_D": self.k_D,
                "r2_N": self.r2_N,
                "interval_level": self.interval_level,
                "intervals": {k: list(v) for k, v in self.intervals.items()},
                "n_bootstrap": self.n_bootstrap,
                "frontier": [
                    {"C": float(c), "N_opt": float(n), "D_opt": float(d), "loss": float(lo)}
                    for c, n, d, lo in zip(
                        self.flops, self.params_opt, self.tokens_opt, self.loss_opt, strict=True
                    )
                ]
                if self.approach == 2
                else [],
                "groups": [g.to_dict() for g in self.groups],
                "warnings": list(self.warnings),
            }
        )
        return out


# --------------------------------------------------------------------------------------------
# Grouping


def group_by_compute(
    flops: Sequence[float] | FloatArray,
    *,
    budgets: Sequence[float] | None = None,
    tol_dex: float = DEFAULT_TOL_DEX,
) -> tuple[NDArray[np.int64], FloatArray]:
    """Group labels (-1 for none) and group budgets for training computes ``flops``.

    With ``budgets``, each run joins the nearest budget within ``tol_dex`` decades. Without,
    sorted log10 C is split wherever two neighbours differ by more than ``tol_dex``; a group's
    budget is the geometric mean of its C.
    """
    logc = np.log10(np.asarray(flops, dtype=float))
    labels = np.full(logc.size, -1, dtype=np.int64)
    if budgets is not None:
        centres = np.log10(np.asarray(list(budgets), dtype=float))
        if centres.size == 0:
            raise InputError(Where("budgets"), "no budgets given")
        dist = np.abs(logc[:, None] - centres[None, :])
        nearest = dist.argmin(axis=1)
        ok = dist[np.arange(logc.size), nearest] <= tol_dex
        labels[ok] = nearest[ok]
        return labels, 10.0**centres
    order = np.argsort(logc, kind="stable")
    gaps = np.diff(logc[order]) > tol_dex
    group_of_sorted = np.concatenate([[0], np.cumsum(gaps)])
    labels[order] = group_of_sorted
    k = int(group_of_sorted[-1]) + 1 if logc.size else 0
    centres = np.array([logc[labels == g].mean() for g in range(k)])
    return labels, 10.0**centres


# --------------------------------------------------------------------------------------------
# Regressions


def loglog_frontier(flops: FloatArray, params: FloatArray) -> tuple[float, float, float]:
    """Slope a, intercept log10 k_N and R^2 of log10 N_opt = log10 k_N + a log10 C."""
    x, y = np.log10(flops), np.log10(params)
    slope, intercept = (float(v) for v in fit_lines(x, y)[0])
    return slope, intercept, r_squared(x, y, slope, intercept)


def frontier_intervals(
    slopes: FloatArray, intercepts: FloatArray
) -> dict[str, tuple[float, float]]:
    """House intervals of a, b = 1 - a, k_N and k_D = 1 / (6 k_N) over bootstrap lines."""
    ok = np.isfinite(slopes) & np.isfinite(intercepts)

    def pct(values: FloatArray) -> tuple[float, float]:
        lo, hi = percentile_interval(values[ok])
        return float(lo), float(hi)

    # a degenerate resample may give a huge or tiny intercept
    with np.errstate(over="ignore", under="ignore", divide="ignore"):
        k_n = 10.0**intercepts
        k_d = 1.0 / (FLOPS_PER_PARAM_TOKEN * k_n)
    return {"a": pct(slopes), "b": pct(1.0 - slopes), "k_N": pct(k_n), "k_D": pct(k_d)}
