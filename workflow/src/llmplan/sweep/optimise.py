"""The one-dimensional searches of :mod:`llmplan.plan.decide`, run for many problems at once.

A plan minimises a smooth function of ln N per budget (:func:`llmplan.core.optimise.
argmin_on_interval`: a grid of 2,001 points, then the bounded Brent search of scipy's
``minimize_scalar(method="bounded")``, Brent 1973, *Algorithms for Minimization without
Derivatives*, ch. 5, as in Forsythe, Malcolm and Moler's ``fmin``), or finds the smallest ln N whose
loss is within a target (a grid, then 60 bisection steps). Here every problem of a sweep runs the
*same* arithmetic in lock step: the grid is one ``(problems, 2001)`` array, and Brent's method keeps
one state per problem and stops each where scipy would. Every branch of scipy's loop is repeated
as a mask, in the same order of operations, so each problem gets the answer the scalar search
gives (``tests/sweep/test_vector.py`` checks it against :func:`llmplan.plan.build.plan_budget`).

An objective is ``func(x, rows)``: ``x`` of shape ``(k, m)`` holds m values of ln N for each of the
k problems ``rows`` (indices into the caller's per-problem arrays), and it returns the ``(k, m)``
values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Final

import numpy as np

from llmplan.core.optimise import GRID_POINTS

Objective = Callable[[np.ndarray, np.ndarray], np.ndarray]

#: scipy's constants in ``_minimize_scalar_bounded`` (scipy/optimize/_optimize.py).
_SQRT_EPS: Final = math.sqrt(2.2e-16)
_GOLDEN_MEAN: Final = 0.5 * (3.0 - math.sqrt(5.0))
#: ``options={"xatol": 1e-10}`` of :func:`llmplan.core.optimise.argmin_on_interval`; scipy's
#: default ``maxiter``.
XATOL: Final = 1e-10
MAXFUN: Final = 500
#: Problems evaluated on one grid at a time (bounds the memory of a (rows, 2001) array).
CHUNK: Final = 1024
#: Bisection steps of :func:`llmplan.plan.decide._smallest_within`.
BISECTION_STEPS: Final = 60
#: Every COARSE-th grid point is evaluated first (126 of 2,001), then the points around the best.
COARSE: Final = 16


def _rows(n: int) -> list[np.ndarray]:
    return [np.arange(i, min(i + CHUNK, n)) for i in range(0, n, CHUNK)]


def grid_at(low: np.ndarray, high: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Points ``j`` (integers, broadcast against the rows) of ``np.linspace(low, high, 2001)``.

    numpy computes point j < 2000 as ``j * ((high - low) / 2000) + low`` and sets the last to
    ``high``; this is that arithmetic for any subset of points (``np.linspace`` on arrays of
    bounds would switch every row to another formula if one row had ``low == high``).
    """
    step = (high - low) / (GRID_POINTS - 1)
    j = np.asarray(j)
    values = j.astype(float) * step[:, None] + low[:, None]
    return np.where(j == GRID_POINTS - 1, high[:, None], values)


def grid(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The whole grid of every row: ``np.linspace(low[i], high[i], 2001)`` row by row."""
    return grid_at(low, high, np.arange(GRID_POINTS)[None, :])


def _coarse_argmin(func: Objective, low: np.ndarray, high: np.ndarray, rows: np.ndarray) -> Any:
    """First argmin of ``func`` on the 2,001-point grid, from every 16th point and the 33 points
    around the best of them. Returns (index, value, exact): ``exact`` is False for a row whose
    coarse values are not unimodal, tie with their minimum, or whose minimum lands on the edge of
    the fine window; those rows are searched on the whole grid."""
    at = np.arange(rows.size)
    coarse_j = np.arange(0, GRID_POINTS, COARSE)[None, :]
    values = func(grid_at(low, high, coarse_j), rows)
    values = np.where(np.isfinite(values), values, np.inf)
    c = np.argmin(values, axis=1)
    best = values[at, c]
    before = np.arange(values.shape[1])[None, :] < c[:, None]
    falling = np.where(before[:, 1:], values[:, 1:] <= values[:, :-1], True)
    rising = np.where(~before[:, :-1], values[:, 1:] >= values[:, :-1], True)
    ties = (values == best[:, None]).sum(axis=1) > 1
    exact = falling.all(axis=1) & rising.all(axis=1) & ~ties & np.isfinite(best)
    first = np.clip(c * COARSE - COARSE, 0, GRID_POINTS - 1 - 2 * COARSE)
    fine_j = first[:, None] + np.arange(2 * COARSE + 1)[None, :]
    fine = func(grid_at(low, high, fine_j), rows)
    fine = np.where(np.isfinite(fine), fine, np.inf)
    k = np.argmin(fine, axis=1)
    j = fine_j[at, k]
    inner = ((k > 0) | (j == 0)) & ((k < 2 * COARSE) | (j == GRID_POINTS - 1))
    return j, fine[at, k], exact & inner


def brent_bounded(func: Objective, lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """scipy's bounded Brent search on [lo[i], hi[i]] for every problem i; returns (x, f(x)).

    A line-by-line transcription of ``scipy.optimize._optimize._minimize_scalar_bounded``
    (scipy 1.11 to 1.17) with ``xatol=1e-10``, each ``if`` turned into a mask over the problems
    still searching.
    """
    n = lo.shape[0]
    rows = np.arange(n)
    a, b = lo.astype(float), hi.astype(float)
    fulc = a + _GOLDEN_MEAN * (b - a)
    nfc, xf = fulc.copy(), fulc.copy()
    rat = np.zeros(n)
    e = np.zeros(n)
    fx = func(xf[:, None], rows)[:, 0]
    num = np.ones(n, dtype=int)
    fu = np.full(n, np.inf)
    ffulc, fnfc = fx.copy(), fx.copy()
    xm = 0.5 * (a + b)
    tol1 = _SQRT_EPS * np.abs(xf) + XATOL / 3.0
    tol2 = 2.0 * tol1
    active = np.abs(xf - xm) > (tol2 - 0.5 * (b - a))
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        while active.any():
            i = np.flatnonzero(active)
            A, B, XF, XM, T1, T2 = a[i], b[i], xf[i], xm[i], tol1[i], tol2[i]
            E, RAT, FX = e[i], rat[i], fx[i]
            NFC, FULC, FNFC, FFULC = nfc[i], fulc[i], fnfc[i], ffulc[i]
            golden = np.ones(i.size, dtype=bool)
            para = np.abs(E) > T1
            # parabolic fit (on every row; kept only where `para`)
            r = (XF - NFC) * (FX - FFULC)
            q = (XF - FULC) * (FX - FNFC)
            p = (XF - FULC) * q - (XF - NFC) * r
            q = 2.0 * (q - r)
            p = np.where(q > 0.0, -p, p)
            q = np.abs(q)
            r = E
            e_new = np.where(para, RAT, E)
            accept = (
                para & (np.abs(p) < np.abs(0.5 * q * r)) & (p > q * (A - XF)) & (p < q * (B - XF))
            )
            rat_new = np.where(accept, (p + 0.0) / q, RAT)
            x = XF + rat_new
            near = accept & (((x - A) < T2) | ((B - x) < T2))
            si = np.sign(XM - XF) + ((XM - XF) == 0)
            rat_new = np.where(near, T1 * si, rat_new)
            golden = ~accept
            e_golden = np.where(XF >= XM, A - XF, B - XF)
            e_new = np.where(golden, e_golden, e_new)
            rat_new = np.where(golden, _GOLDEN_MEAN * e_golden, rat_new)
            si = np.sign(rat_new) + (rat_new == 0)
            x = XF + si * np.maximum(np.abs(rat_new), T1)
            FU = func(x[:, None], i)[:, 0]
            num[i] += 1
            better = FU <= FX
            # fu <= fx: the new point is the best so far
            A2 = np.where(better, np.where(x >= XF, XF, A), np.where(x < XF, x, A))
            B2 = np.where(better, np.where(x >= XF, B, XF), np.where(x < XF, B, x))
            second = ~better & ((FU <= FNFC) | (NFC == XF))
            third = ~better & ~second & ((FU <= FFULC) | (FULC == XF) | (FULC == NFC))
            fulc[i] = np.where(better | second, NFC, np.where(third, x, FULC))
            ffulc[i] = np.where(better | second, FNFC, np.where(third, FU, FFULC))
            nfc[i] = np.where(better, XF, np.where(second, x, NFC))
            fnfc[i] = np.where(better, FX, np.where(second, FU, FNFC))
            xf[i] = np.where(better, x, XF)
            fx[i] = np.where(better, FU, FX)
            fu[i] = FU
            a[i], b[i], e[i], rat[i] = A2, B2, e_new, rat_new
            xm[i] = 0.5 * (A2 + B2)
            tol1[i] = _SQRT_EPS * np.abs(xf[i]) + XATOL / 3.0
            tol2[i] = 2.0 * tol1[i]
            active[i] = (np.abs(xf[i] - xm[i]) > (tol2[i] - 0.5 * (B2 - A2))) & (num[i] < MAXFUN)
    return xf, fx


def argmin_many(func: Objective, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """:func:`llmplan.core.optimise.argmin_on_interval` for every problem: ln N minimising
    ``func`` on [low[i], high[i]] (grid, Brent on the best cell, the grid point if Brent is worse).

    The grid's argmin is found from a coarse pass where that is certain to give the first minimum
    of the whole grid (:func:`_coarse_argmin`), else from all 2,001 points.
    """
    n = low.shape[0]
    k = np.empty(n, dtype=np.int64)
    best_value = np.empty(n)
    for rows in _rows(n):
        j, value, exact = _coarse_argmin(func, low[rows], high[rows], rows)
        k[rows], best_value[rows] = j, value
        full = rows[~exact]
        if full.size:
            values = func(grid(low[full], high[full]), full)
            values = np.where(np.isfinite(values), values, np.inf)
            k[full] = np.argmin(values, axis=1)
            best_value[full] = values[np.arange(full.size), k[full]]
    best_grid = grid_at(low, high, k[:, None])[:, 0]
    lo = grid_at(low, high, np.maximum(k - 1, 0)[:, None])[:, 0]
    hi = grid_at(low, high, np.minimum(k + 1, GRID_POINTS - 1)[:, None])[:, 0]
    x, _ = brent_bounded(func, lo, hi)
    # argmin_on_interval evaluates the function at Brent's answer once more
    again = func(x[:, None], np.arange(n))[:, 0]
    return np.where(again <= best_value, x, best_grid)


def smallest_within(
    func: Objective, low: np.ndarray, best: np.ndarray, target: np.ndarray
) -> np.ndarray:
    """:func:`llmplan.plan.decide._smallest_within` for every problem: the smallest ln N in
    [low, best] with ``func <= target`` (grid, then bisection against the outside neighbour).

    The loss falls towards ``best`` (the minimum), so "inside" is False then True along the grid;
    where every 16th point shows exactly that, the first point inside is found among the 16
    before the first coarse one inside, else on the whole grid.
    """
    n = low.shape[0]
    first = np.full(n, -1, dtype=np.int64)  # -1: no grid point inside
    for rows in _rows(n):
        at = np.arange(rows.size)
        coarse_j = np.arange(0, GRID_POINTS, COARSE)[None, :]
        inside = func(grid_at(low[rows], best[rows], coarse_j), rows) <= target[rows, None]
        c = np.argmax(inside, axis=1)
        has = inside.any(axis=1)
        after = np.arange(inside.shape[1])[None, :] >= c[:, None]
        monotone = np.all(inside == after, axis=1) & has
        fine_j = np.maximum(c * COARSE - COARSE + 1, 0)[:, None] + np.arange(COARSE)[None, :]
        fine_j = np.minimum(fine_j, c[:, None] * COARSE)
        fine = func(grid_at(low[rows], best[rows], fine_j), rows) <= target[rows, None]
        fine_first = fine_j[at, np.argmax(fine, axis=1)]
        first[rows] = np.where(monotone, np.where(c == 0, 0, fine_first), -1)
        full = rows[~monotone]
        if full.size:
            inside = func(grid(low[full], best[full]), full) <= target[full, None]
            any_in = inside.any(axis=1)
            first[full] = np.where(any_in, np.argmax(inside, axis=1), -1)
    out = best.copy()
    out = np.where(first == 0, low, out)
    i = np.flatnonzero(first > 0)
    if i.size:
        a = grid_at(low[i], best[i], (first[i] - 1)[:, None])[:, 0]
        b = grid_at(low[i], best[i], first[i][:, None])[:, 0]
        for _ in range(BISECTION_STEPS):
            mid = 0.5 * (a + b)
            ok = func(mid[:, None], i)[:, 0] <= target[i]
            b = np.where(ok, mid, b)
            a = np.where(ok, a, mid)
        out[i] = b
    return out
