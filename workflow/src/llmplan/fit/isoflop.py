"""Approach 2 of Hoffmann et al. 2022 (and the frontier type approach 1 shares): IsoFLOP profiles.

Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models", arXiv:2203.15556:

Approach 2 (IsoFLOP profiles, s3.2). Runs are grouped by training compute C (within a tolerance
in log10 C, around given budgets or by gaps in the sorted log C). In each group a parabola

    L = c2 (log10 N)^2 + c1 log10 N + c0,   c2 > 0,

is fitted by least squares; its vertex gives N_opt = 10^(-c1 / (2 c2)) and D_opt = C / (6 N_opt).

Approach 1 (training-curve envelope, s3.1). Each run's checkpoints trace loss against FLOPs
C = 6 N D; on a log-spaced grid of C the envelope is the lowest loss over runs (linear
interpolation in log C inside each run's span) and N_opt(C) the size of the run achieving it.

Both then fit the power laws by least squares in log10 space,

    log10 N_opt = log10 k_N + a log10 C,     log10 D_opt = log10 k_D + b log10 C,

(with D_opt = C / (6 N_opt), b = 1 - a and k_D = 1 / (6 k_N)). Uncertainty is a bootstrap:
runs resampled with replacement within each group (approach 2) or whole runs (approach 1),
everything refitted, percentile intervals at the house level (Hoffmann Table 2 used the 10th and
90th percentiles, :mod:`llmplan.core.intervals`). Lines are :mod:`llmplan.core.regression`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN
from llmplan.core.errors import InputError, Where
from llmplan.core.intervals import INTERVAL_LEVEL, percentile_interval
from llmplan.core.regression import fit_lines, r_squared

FloatArray = NDArray[np.float64]

#: Runs whose log10 C differ by at most this belong to the same IsoFLOP group (about 12%).
DEFAULT_TOL_DEX: Final = 0.05
#: A parabola needs at least this many distinct model sizes.
MIN_SIZES: Final = 3
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
    note: str = ""

    @property
    def usable(self) -> bool:
        return self.params_opt is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "C": self.flops,
            "n_runs": self.n_runs,
            "n_sizes": self.n_sizes,
            "coefficients": list(self.coefficients) if self.coefficients else None,
            "N_opt": self.params_opt,
            "D_opt": self.tokens_opt,
            "loss_min": self.loss_min,
            "note": self.note,
        }


@dataclass(frozen=True)
class FrontierFit:
    """Power-law frontier N_opt = k_N C^a, D_opt = k_D C^b from approach 1 or 2."""

    approach: int
    supported: bool
    reason: str = ""
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
    warnings: tuple[str, ...] = ()

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
            raise InputError(where, f"approach {self.approach} is not possible: {self.reason}")
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

    with np.errstate(over="ignore"):  # a degenerate resample may give a huge intercept
        k_n = 10.0**intercepts
    return {
        "a": pct(slopes),
        "b": pct(1.0 - slopes),
        "k_N": pct(k_n),
        "k_D": pct(1.0 / (FLOPS_PER_PARAM_TOKEN * k_n)),
    }


# --------------------------------------------------------------------------------------------
# Approach 2


def _parabola_vertex(
    logn: FloatArray, loss: FloatArray, weights: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted parabola fits for rows of weights (K, n); vertex log10 N, loss at it, c2."""
    w = np.ones((1, logn.size)) if weights is None else weights
    shift = float(logn.mean())  # centring keeps the normal equations well conditioned
    centred = logn - shift
    basis = np.stack([centred**2, centred, np.ones_like(centred)], axis=1)  # (n, 3)
    xtwx = np.einsum("ki,ij,il->kjl", w, basis, basis)
    xtwy = np.einsum("ki,ij,i->kj", w, basis, loss)
    det = np.linalg.det(xtwx)
    good = np.abs(det) > 1e-12 * np.abs(xtwx).max(axis=(1, 2)) ** 3
    coef = np.full((w.shape[0], 3), np.nan)
    if good.any():
        coef[good] = np.linalg.solve(xtwx[good], xtwy[good][:, :, None])[:, :, 0]
    c2, c1, c0 = coef.T
    with np.errstate(invalid="ignore", divide="ignore"):
        vertex = np.where(c2 > 0, -c1 / (2 * c2), np.nan)
        return vertex + shift, c0 - c1**2 / (4 * c2), c2


def fit_isoflop(
    runs: pd.DataFrame,
    *,
    budgets: Sequence[float] | None = None,
    tol_dex: float = DEFAULT_TOL_DEX,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
) -> FrontierFit:
    """Approach 2 on a validated runs table (columns N, D, C, loss).

    Returns ``supported=False`` with a reason when fewer than two groups have a usable
    parabola (at least ``MIN_SIZES`` distinct sizes and positive curvature).
    """
    if runs["N"].nunique() < 2:
        return FrontierFit(
            2,
            False,
            "every run has the same model size N; IsoFLOP profiles "
            "need several sizes at each budget",
        )
    c = runs["C"].to_numpy(float)
    labels, centres = group_by_compute(c, budgets=budgets, tol_dex=tol_dex)
    logn_all = np.log10(runs["N"].to_numpy(float))
    loss_all = runs["loss"].to_numpy(float)
    groups: list[IsoflopGroup] = []
    members: list[NDArray[np.int64]] = []
    warnings: list[str] = []
    for g, centre in enumerate(centres):
        idx = np.flatnonzero(labels == g)
        n_sizes = int(np.unique(np.round(logn_all[idx], 9)).size)
        if n_sizes < MIN_SIZES:
            groups.append(
                IsoflopGroup(
                    float(centre),
                    idx.size,
                    n_sizes,
                    None,
                    None,
                    None,
                    None,
                    note=f"only {n_sizes} distinct model sizes; a parabola needs {MIN_SIZES}",
                )
            )
            continue
        vertex, lmin, _ = _parabola_vertex(logn_all[idx], loss_all[idx])
        coef = np.polyfit(logn_all[idx], loss_all[idx], 2)
        if not np.isfinite(vertex[0]):
            groups.append(
                IsoflopGroup(
                    float(centre),
                    idx.size,
                    n_sizes,
                    tuple(map(float, coef)),
                    None,
                    None,
                    None,
                    note="the parabola opens downwards: no minimum",
                )
            )
            continue
        n_opt = 10.0 ** vertex[0]
        note = ""
        if not logn_all[idx].min() <= vertex[0] <= logn_all[idx].max():
            note = "minimum outside the sampled sizes (extrapolated)"
            warnings.append(f"IsoFLOP group at C = {centre:.3g}: {note}")
        groups.append(
            IsoflopGroup(
                flops=float(centre),
                n_runs=idx.size,
                n_sizes=n_sizes,
                coefficients=(float(coef[0]), float(coef[1]), float(coef[2])),
                params_opt=float(n_opt),
                tokens_opt=float(centre / (FLOPS_PER_PARAM_TOKEN * n_opt)),
                loss_min=float(lmin[0]),
                note=note,
            )
        )
        members.append(idx)
    usable = [g for g in groups if g.usable]
    unassigned = int((labels < 0).sum())
    if unassigned:
        warnings.append(f"{unassigned} runs are within no budget's tolerance and are ignored")
    if len(usable) < 2:
        return FrontierFit(
            2,
            False,
            f"{len(usable)} of {len(groups)} compute groups have a usable IsoFLOP parabola "
            f"(each needs >= {MIN_SIZES} distinct sizes and a minimum); at least 2 are needed",
            groups=tuple(groups),
        )
    flops = np.array([g.flops for g in usable])
    n_opt = np.array([g.params_opt for g in usable], dtype=float)
    d_opt = np.array([g.tokens_opt for g in usable], dtype=float)
    l_opt = np.array([g.loss_min for g in usable], dtype=float)
    slope, intercept, r2 = loglog_frontier(flops, n_opt)

    intervals: dict[str, tuple[float, float]] = {}
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        vertices = np.empty((n_bootstrap, len(members)))
        for j, idx in enumerate(members):
            counts = rng.multinomial(idx.size, np.full(idx.size, 1.0 / idx.size), n_bootstrap)
            logn = logn_all[idx]
            distinct = (counts > 0) @ _size_indicator(logn)
            vertex, _, _ = _parabola_vertex(logn, loss_all[idx], counts.astype(float))
            vertex[(distinct > 0).sum(axis=1) < MIN_SIZES] = np.nan
            vertices[:, j] = vertex
        logc = np.broadcast_to(np.log10(flops), vertices.shape)
        mask = np.isfinite(vertices)
        enough = mask.sum(axis=1) >= 2
        lines = fit_lines(logc[enough], np.where(mask, vertices, 0.0)[enough], mask[enough])
        intervals = frontier_intervals(lines[:, 0], lines[:, 1])
        dropped = n_bootstrap - int(enough.sum())
        if dropped:
            warnings.append(f"{dropped} bootstrap resamples had < 2 usable groups and were dropped")
    return FrontierFit.from_line(
        2,
        slope,
        intercept,
        r2,
        intervals=intervals,
        flops=flops,
        params_opt=n_opt,
        tokens_opt=d_opt,
        loss_opt=l_opt,
        groups=tuple(groups),
        n_bootstrap=n_bootstrap,
        warnings=tuple(warnings),
    )


def _size_indicator(logn: FloatArray) -> FloatArray:
    """(n, sizes) indicator of which distinct size each run has."""
    _, inverse = np.unique(np.round(logn, 9), return_inverse=True)
    return np.eye(int(inverse.max()) + 1)[inverse]
