"""Approach 1 of Hoffmann et al. 2022 (arXiv:2203.15556, s3.1): the training-curve envelope.

Each run's checkpoints trace loss against FLOPs C = 6 N D; on a log-spaced grid of C the envelope
is the lowest loss over runs (linear interpolation in log C inside each run's span) and N_opt(C)
the size of the run achieving it. The power law log10 N_opt = log10 k_N + a log10 C is then fitted
as in approach 2 (:func:`llmplan.fit.frontier.loglog_frontier`); uncertainty is a bootstrap over
whole runs.

Computation. Each run's curve is interpolated on the grid once; the envelope of a resample of runs
is the point-wise minimum over the runs it drew (a run drawn twice counts once), so a resample
costs a masked minimum instead of rebuilding a table. Curves are processed in blocks of at most
:data:`CURVE_CELLS` (run, grid point) cells, so memory does not grow with runs x resamples. Every
resample uses the grid of the full data (points no drawn run covers are left out).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from llmplan.core.compute import tokens_for_flops
from llmplan.core.errors import InputError, Where
from llmplan.core.messages import message
from llmplan.fit.frontier import (
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


#: (run, grid point) cells of interpolated curves held at once (8 MiB).
CURVE_CELLS: Final = 1 << 20


def _curve_blocks(
    runs: pd.DataFrame, ids: pd.Series, grid: FloatArray
) -> Iterator[tuple[NDArray[np.intp], FloatArray, FloatArray]]:
    """Blocks of (run numbers, curves (k, grid) with inf outside each run's span, run sizes N).

    Runs with at least 2 rows, numbered in sorted id order.
    """
    groups = [(name, rows) for name, rows in runs.groupby(ids.to_numpy(), sort=True)]
    step = max(1, CURVE_CELLS // grid.size)
    for lo in range(0, len(groups), step):
        part = groups[lo : lo + step]
        curves = np.full((len(part), grid.size), np.inf)
        sizes = np.full(len(part), np.nan)
        for k, (_, rows) in enumerate(part):
            if len(rows) < 2:
                continue
            order = np.argsort(rows["C"].to_numpy(float))
            lc = np.log10(rows["C"].to_numpy(float)[order])
            inside = (grid >= lc[0]) & (grid <= lc[-1])
            curves[k, inside] = np.interp(grid[inside], lc, rows["loss"].to_numpy(float)[order])
            sizes[k] = float(rows["N"].iloc[0])
        yield np.arange(lo, lo + len(part)), curves, sizes


def _min_update(
    best: FloatArray, best_n: FloatArray, curves: FloatArray, sizes: FloatArray
) -> None:
    """Lower ``best`` (grid,) in place to the curves' minimum; ``best_n`` to the size there."""
    if curves.shape[0] == 0:
        return
    arg = np.argmin(curves, axis=0)
    low = curves[arg, np.arange(curves.shape[1])]
    better = low < best
    best[better] = low[better]
    best_n[better] = sizes[arg[better]]


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
    for _, curves, sizes in _curve_blocks(runs, ids, grid):
        _min_update(best, best_n, curves, sizes)
    best[~np.isfinite(best)] = np.nan
    return 10.0**grid, best, best_n


def _bootstrap_envelopes(
    runs: pd.DataFrame, ids: pd.Series, grid: FloatArray, picks: NDArray[np.bool_]
) -> FloatArray:
    """N of the best run at each grid point for each resample: picks (resamples, runs) marks
    the runs (sorted id order) each resample drew."""
    best = np.full((picks.shape[0], grid.size), np.inf)
    best_n = np.full((picks.shape[0], grid.size), np.nan)
    for numbers, curves, sizes in _curve_blocks(runs, ids, grid):
        for b in range(picks.shape[0]):
            drawn = picks[b, numbers]
            _min_update(best[b], best_n[b], curves[drawn], sizes[drawn])
    return best_n


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
        return FrontierFit(1, False, message("fit.approach1.no_run_ids"))
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
        return FrontierFit(1, False, message("fit.approach1.no_checkpoints"))
    curve_runs = ids.isin(with_curves.index.tolist()).to_numpy()
    if runs.loc[curve_runs, "N"].nunique() < 2:
        return FrontierFit(1, False, message("fit.approach1.one_size"))
    flops, loss, n_best = envelope(runs, n_points=n_points, run_ids=ids)
    ok = np.isfinite(n_best)
    if np.unique(n_best[ok]).size < 2:
        return FrontierFit(1, False, message("fit.approach1.one_best_size"))
    slope, intercept, r2 = loglog_frontier(flops[ok], n_best[ok])
    warnings: list[dict[str, Any]] = []
    intervals: dict[str, tuple[float, float]] = {}
    if n_bootstrap:
        rng = np.random.default_rng(seed)
        curve_ids = ids[curve_runs].reset_index(drop=True)
        curve_rows = runs[curve_runs].reset_index(drop=True)
        n_runs = len(with_curves)  # sorted id order, as _curve_blocks numbers them
        grid = np.log10(flops)
        slopes, intercepts = [], []
        block = max(1, CURVE_CELLS // (grid.size + n_runs))
        for lo in range(0, n_bootstrap, block):
            picks = np.zeros((min(block, n_bootstrap - lo), n_runs), dtype=bool)
            for b in range(picks.shape[0]):
                picks[b, rng.integers(0, n_runs, n_runs)] = True
            for nb in _bootstrap_envelopes(curve_rows, curve_ids, grid, picks):
                good = np.isfinite(nb)
                if np.unique(nb[good]).size < 2:
                    continue
                s, i, _ = loglog_frontier(10.0 ** grid[good], nb[good])
                slopes.append(s)
                intercepts.append(i)
        if len(slopes) < n_bootstrap:
            warnings.append(
                message("fit.approach1.bootstrap_dropped", dropped=n_bootstrap - len(slopes))
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
