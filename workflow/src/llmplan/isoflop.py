"""Approaches 1 and 2 of Hoffmann et al. 2022: compute-optimal frontiers read off the runs.

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
everything refitted, percentile intervals (Hoffmann Table 2 used 10th/90th percentiles).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from llmplan.errors import InputError, Where
from llmplan.laws import FLOPS_PER_PARAM_TOKEN

FloatArray = NDArray[np.float64]

#: Runs whose log10 C differ by at most this belong to the same IsoFLOP group (about 12%).
DEFAULT_TOL_DEX: Final = 0.05
#: A parabola needs at least this many distinct model sizes.
MIN_SIZES: Final = 3
#: Default bootstrap resamples and interval level for approaches 1 and 2.
DEFAULT_BOOTSTRAP: Final = 1000
DEFAULT_INTERVAL: Final = 0.8
#: Points of the log-spaced FLOP grid of approach 1 (Hoffmann et al. used 1,500).
DEFAULT_ENVELOPE_POINTS: Final = 1500


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
    interval_level: float = DEFAULT_INTERVAL
    flops: FloatArray = field(default_factory=lambda: np.empty(0))
    params_opt: FloatArray = field(default_factory=lambda: np.empty(0))
    tokens_opt: FloatArray = field(default_factory=lambda: np.empty(0))
    loss_opt: FloatArray = field(default_factory=lambda: np.empty(0))
    groups: tuple[IsoflopGroup, ...] = ()
    n_bootstrap: int = 0
    warnings: tuple[str, ...] = ()

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


def _loglog_fit(logc: FloatArray, logy: FloatArray) -> tuple[float, float, float]:
    """Slope, intercept and R^2 of the least-squares line logy = intercept + slope logc."""
    slope, intercept = np.polyfit(logc, logy, 1)
    resid = logy - (intercept + slope * logc)
    total = ((logy - logy.mean()) ** 2).sum()
    r2 = 1.0 - (resid**2).sum() / total if total > 0 else float("nan")
    return float(slope), float(intercept), float(r2)


def _batch_lines(logc: FloatArray, logy: FloatArray, mask: NDArray[np.bool_]) -> FloatArray:
    """Slopes and intercepts of rows of logy (K, G) on rows of logc, using masked points."""
    w = mask.astype(float)
    n = w.sum(axis=1)
    x = np.where(mask, logc, 0.0)
    y = np.where(mask, logy, 0.0)
    mx = x.sum(axis=1) / n
    my = y.sum(axis=1) / n
    sxx = (w * (logc - mx[:, None]) ** 2).sum(axis=1)
    sxy = (w * (logc - mx[:, None]) * (np.where(mask, logy, 0.0) - my[:, None])).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = sxy / sxx
    return np.column_stack([slope, my - slope * mx])


def _intervals(
    slopes: FloatArray, intercepts: FloatArray, level: float
) -> dict[str, tuple[float, float]]:
    ok = np.isfinite(slopes) & np.isfinite(intercepts)
    qs = [50.0 * (1.0 - level), 50.0 * (1.0 + level)]

    def pct(values: FloatArray) -> tuple[float, float]:
        lo, hi = np.percentile(values[ok], qs)
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
    interval: float = DEFAULT_INTERVAL,
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
    slope, intercept, r2 = _loglog_fit(np.log10(flops), np.log10(n_opt))

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
        lines = _batch_lines(logc[enough], np.where(mask, vertices, 0.0)[enough], mask[enough])
        intervals = _intervals(lines[:, 0], lines[:, 1], interval)
        dropped = n_bootstrap - int(enough.sum())
        if dropped:
            warnings.append(f"{dropped} bootstrap resamples had < 2 usable groups and were dropped")
    return FrontierFit(
        approach=2,
        supported=True,
        a=slope,
        b=1.0 - slope,
        k_N=10.0**intercept,
        k_D=1.0 / (FLOPS_PER_PARAM_TOKEN * 10.0**intercept),
        r2_N=r2,
        intervals=intervals,
        interval_level=interval,
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


# --------------------------------------------------------------------------------------------
# Approach 1


def _run_ids(runs: pd.DataFrame) -> pd.Series | None:
    if "run" not in runs or runs["run"].isna().all():
        return None
    return runs["run"].astype("string")


def envelope(
    runs: pd.DataFrame, *, n_points: int = DEFAULT_ENVELOPE_POINTS, run_ids: pd.Series | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """FLOP grid, lowest loss on it and the N of the run achieving it (NaN where no run)."""
    ids = run_ids if run_ids is not None else _run_ids(runs)
    if ids is None:
        raise InputError(Where(runs.attrs.get("source", "runs"), field="run"), "no run ids")
    logc = np.log10(runs["C"].to_numpy(float))
    grid = np.linspace(logc.min(), logc.max(), n_points)
    best = np.full(n_points, np.inf)
    best_n = np.full(n_points, np.nan)
    for _, rows in runs.groupby(ids.to_numpy(), sort=True):
        if len(rows) < 2:
            continue
        order = np.argsort(rows["C"].to_numpy(float))
        lc = np.log10(rows["C"].to_numpy(float)[order])
        lo = rows["loss"].to_numpy(float)[order]
        inside = (grid >= lc[0]) & (grid <= lc[-1])
        curve = np.interp(grid[inside], lc, lo)
        better = curve < best[inside]
        pos = np.flatnonzero(inside)[better]
        best[pos] = curve[better]
        best_n[pos] = float(rows["N"].iloc[0])
    best[~np.isfinite(best)] = np.nan
    return 10.0**grid, best, best_n


def fit_envelope(
    runs: pd.DataFrame,
    *,
    n_points: int = DEFAULT_ENVELOPE_POINTS,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    interval: float = DEFAULT_INTERVAL,
) -> FrontierFit:
    """Approach 1 on a validated runs table with checkpoints (several rows per run id)."""
    ids = _run_ids(runs)
    if ids is None:
        return FrontierFit(
            1,
            False,
            "the runs have no run ids, so checkpoints of one run "
            "cannot be told from separate runs (map a 'run' column)",
        )
    sizes = runs.groupby(ids.to_numpy())["N"].agg(["count", "nunique"])
    if (sizes["nunique"] > 1).any():
        bad = sizes.index[sizes["nunique"] > 1][0]
        raise InputError(
            Where(runs.attrs.get("source", "runs"), entry=f"run {bad}", field="N"),
            "one run id has several model sizes",
            expected="the same N on every checkpoint of a run",
        )
    with_curves = sizes[sizes["count"] >= 2]
    if with_curves.empty:
        return FrontierFit(1, False, "no run has intermediate checkpoints (one row per run id)")
    curve_runs = ids.isin(with_curves.index.tolist()).to_numpy()
    if runs.loc[curve_runs, "N"].nunique() < 2:
        return FrontierFit(1, False, "all runs with checkpoints have the same model size")
    flops, loss, n_best = envelope(runs, n_points=n_points, run_ids=ids)
    ok = np.isfinite(n_best)
    if np.unique(n_best[ok]).size < 2:
        return FrontierFit(
            1, False, "one model size is best at every FLOP count; the envelope cannot give a trend"
        )
    slope, intercept, r2 = _loglog_fit(np.log10(flops[ok]), np.log10(n_best[ok]))
    warnings: list[str] = []
    intervals: dict[str, tuple[float, float]] = {}
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        names = with_curves.index.to_numpy()
        slopes, intercepts = [], []
        for _ in range(n_bootstrap):
            pick = names[rng.integers(0, names.size, names.size)]
            parts = [runs[ids.to_numpy() == name] for name in pick]
            sample = pd.concat(parts, ignore_index=True)
            sample_ids = pd.Series(
                np.repeat([f"{k}" for k in range(len(parts))], [len(p) for p in parts]),
                dtype="string",
            )
            fl, _, nb = envelope(sample, n_points=n_points, run_ids=sample_ids)
            good = np.isfinite(nb)
            if np.unique(nb[good]).size < 2:
                continue
            s, i, _ = _loglog_fit(np.log10(fl[good]), np.log10(nb[good]))
            slopes.append(s)
            intercepts.append(i)
        if len(slopes) < n_bootstrap:
            warnings.append(
                f"{n_bootstrap - len(slopes)} bootstrap resamples had one best size only "
                "and were dropped"
            )
        if slopes:
            intervals = _intervals(np.array(slopes), np.array(intercepts), interval)
    n_ok = n_best[ok]
    return FrontierFit(
        approach=1,
        supported=True,
        a=slope,
        b=1.0 - slope,
        k_N=10.0**intercept,
        k_D=1.0 / (FLOPS_PER_PARAM_TOKEN * 10.0**intercept),
        r2_N=r2,
        intervals=intervals,
        interval_level=interval,
        flops=flops[ok],
        params_opt=n_ok,
        tokens_opt=flops[ok] / (FLOPS_PER_PARAM_TOKEN * n_ok),
        loss_opt=loss[ok],
        n_bootstrap=n_bootstrap,
        warnings=tuple(warnings),
    )
