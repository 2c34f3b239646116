"""Approach 1 of Hoffmann et al. 2022 (arXiv:2203.15556, s3.1): the training-curve envelope.

Each run's checkpoints trace loss against FLOPs C = 6 N D; on a log-spaced grid of C the envelope
is the lowest loss over runs (linear interpolation in log C inside each run's span) and N_opt(C)
the size of the run achieving it. The power law log10 N_opt = log10 k_N + a log10 C is then fitted
as in approach 2 (:func:`llmplan.fit.isoflop.loglog_frontier`); uncertainty is a bootstrap over
whole runs.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

from llmplan.core.compute import tokens_for_flops
from llmplan.core.errors import InputError, Where
from llmplan.fit.isoflop import (
    DEFAULT_BOOTSTRAP,
    FloatArray,
    FrontierFit,
    frontier_intervals,
    loglog_frontier,
)

#: Points of the log-spaced FLOP grid of approach 1 (Hoffmann et al. used 1,500).
DEFAULT_ENVELOPE_POINTS: Final = 1500


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
    slope, intercept, r2 = loglog_frontier(flops[ok], n_best[ok])
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
            s, i, _ = loglog_frontier(fl[good], nb[good])
            slopes.append(s)
            intercepts.append(i)
        if len(slopes) < n_bootstrap:
            warnings.append(
                f"{n_bootstrap - len(slopes)} bootstrap resamples had one best size only "
                "and were dropped"
            )
        if slopes:
            intervals = frontier_intervals(np.array(slopes), np.array(intercepts))
    n_ok = n_best[ok]
    return FrontierFit.from_line(
        1,
        slope,
        intercept,
        r2,
        intervals=intervals,
        flops=flops[ok],
        params_opt=n_ok,
        tokens_opt=tokens_for_flops(flops[ok], n_ok),
        loss_opt=loss[ok],
        n_bootstrap=n_bootstrap,
        warnings=tuple(warnings),
    )
