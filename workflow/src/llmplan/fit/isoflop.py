"""Approach 2 of Hoffmann et al. 2022: IsoFLOP profiles.

Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models", arXiv:2203.15556, s3.2.
Runs are grouped by training compute C (:func:`llmplan.fit.frontier.group_by_compute`). In each
group a parabola

    L = c2 (log10 N)^2 + c1 log10 N + c0,   c2 > 0,

is fitted by least squares; its vertex gives N_opt = 10^(-c1 / (2 c2)) and D_opt = C / (6 N_opt),
and the power law log10 N_opt = log10 k_N + a log10 C is fitted through the vertices
(:mod:`llmplan.fit.frontier`). Uncertainty is a bootstrap of the runs within each group,
everything refitted, percentile intervals at the house level.

Where the parabola is biased: the IsoFLOP profile of L = E + A/N^alpha + B/D^beta is not a
parabola in log N, so its vertex is biased when the sizes are not centred on the optimum, when
they span a wide range, or when alpha != beta makes the profile asymmetric (Czech et al. 2026,
"Problems with Chinchilla Approach 2: Systematic Biases in IsoFLOP Parabola Fits",
arXiv:2603.22339; even without noise). :mod:`llmplan.fit.parabola` flags off-centre vertices and
asymmetric profiles in each group and measures the bias the approach-3 law implies.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN
from llmplan.core.messages import message
from llmplan.core.regression import fit_lines
from llmplan.fit.bootstrap import WEIGHT_CELLS, resample_weights
from llmplan.fit.frontier import (
    DEFAULT_BOOTSTRAP,
    DEFAULT_TOL_DEX,
    FloatArray,
    FrontierFit,
    IsoflopGroup,
    frontier_intervals,
    group_by_compute,
    loglog_frontier,
)
from llmplan.fit.parabola import parabola_vertex, profile_notes

#: A parabola needs at least this many distinct model sizes.
MIN_SIZES: Final = 3

__all__ = [
    "DEFAULT_BOOTSTRAP",
    "DEFAULT_TOL_DEX",
    "FrontierFit",
    "fit_isoflop",
    "group_by_compute",
]

# --------------------------------------------------------------------------------------------
# Approach 2


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
        return FrontierFit(2, False, message("fit.approach2.one_size"))
    c = runs["C"].to_numpy(float)
    labels, centres = group_by_compute(c, budgets=budgets, tol_dex=tol_dex)
    logn_all = np.log10(runs["N"].to_numpy(float))
    loss_all = runs["loss"].to_numpy(float)
    groups: list[IsoflopGroup] = []
    members: list[NDArray[np.int64]] = []
    warnings: list[dict[str, Any]] = []
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
                    notes=(
                        message(
                            "fit.isoflop.few_sizes",
                            C=float(centre),
                            sizes=n_sizes,
                            needed=MIN_SIZES,
                        ),
                    ),
                )
            )
            continue
        vertex, lmin, _ = parabola_vertex(logn_all[idx], loss_all[idx])
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
                    notes=(message("fit.isoflop.no_minimum", C=float(centre)),),
                )
            )
            continue
        n_opt = 10.0 ** vertex[0]
        notes = profile_notes(logn_all[idx], loss_all[idx], float(vertex[0]), flops=float(centre))
        if not logn_all[idx].min() <= vertex[0] <= logn_all[idx].max():
            notes.insert(0, message("fit.isoflop.extrapolated", C=float(centre)))
        warnings.extend(notes)
        groups.append(
            IsoflopGroup(
                flops=float(centre),
                n_runs=idx.size,
                n_sizes=n_sizes,
                coefficients=(float(coef[0]), float(coef[1]), float(coef[2])),
                params_opt=float(n_opt),
                tokens_opt=float(centre / (FLOPS_PER_PARAM_TOKEN * n_opt)),
                loss_min=float(lmin[0]),
                notes=tuple(notes),
            )
        )
        members.append(idx)
    usable = [g for g in groups if g.usable]
    unassigned = int((labels < 0).sum())
    if unassigned:
        warnings.append(message("fit.isoflop.unassigned", runs=unassigned))
    if len(usable) < 2:
        return FrontierFit(
            2,
            False,
            message(
                "fit.approach2.few_groups", usable=len(usable), groups=len(groups), sizes=MIN_SIZES
            ),
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
            vertices[:, j] = _bootstrap_vertices(rng, logn_all[idx], loss_all[idx], n_bootstrap)
        logc = np.broadcast_to(np.log10(flops), vertices.shape)
        mask = np.isfinite(vertices)
        enough = mask.sum(axis=1) >= 2
        lines = fit_lines(logc[enough], np.where(mask, vertices, 0.0)[enough], mask[enough])
        intervals = frontier_intervals(lines[:, 0], lines[:, 1])
        dropped = n_bootstrap - int(enough.sum())
        if dropped:
            warnings.append(message("fit.isoflop.bootstrap_dropped", dropped=dropped))
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
        members=tuple(members),
    )


def _bootstrap_vertices(
    rng: np.random.Generator, logn: FloatArray, loss: FloatArray, count: int
) -> FloatArray:
    """Parabola vertices of ``count`` resamples of one group (NaN where < MIN_SIZES sizes).

    Resample weights are drawn and used a block at a time (at most WEIGHT_CELLS cells), so
    memory does not grow with runs x resamples.
    """
    _, size_of = np.unique(np.round(logn, 9), return_inverse=True)
    order = np.argsort(size_of, kind="stable")
    first = np.flatnonzero(np.r_[True, np.diff(size_of[order]) > 0])
    out = np.empty(count)
    block = max(1, WEIGHT_CELLS // logn.size)
    for lo in range(0, count, block):
        hi = min(lo + block, count)
        weights = resample_weights(rng, logn.size, hi - lo)
        per_size = np.add.reduceat(weights[:, order], first, axis=1)
        vertex, _, _ = parabola_vertex(logn, loss, weights)
        vertex[(per_size > 0).sum(axis=1) < MIN_SIZES] = np.nan
        out[lo:hi] = vertex
    return out
