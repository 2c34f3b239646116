"""The multi-start search of approach 3.

The objective (:mod:`.objective`) is minimised from many starts and the best local minimum kept.
Hoffmann et al. 2022 (arXiv:2203.15556, App. D.2) start L-BFGS from each of the 4,500 points of a
grid (alpha, beta in {0, 0.5, ..., 2}; e in {-1, -0.5, ..., 1}; a, b in {0, 5, ..., 25}).

Two ways to choose the starts:

``profile`` (default)
    For each (alpha, beta) of a finer grid, (E, A, B) solved exactly by non-negative least
    squares (:mod:`.profile`, variable projection); Newton from the local minima of that profile
    and its best points, a few dozen starts instead of 4,500. The 180 (a, b, e) starts that
    Hoffmann's grid pairs with one (alpha, beta) are replaced by the single (E, A, B) that fits
    best there. Tests check that it reaches the optimum of the exhaustive search below.
``grid``
    Hoffmann's 4,500 starts scored in one vectorised pass, the ``n_follow`` best of them followed
    (all of them when ``None``: the exhaustive search), then L-BFGS-B from the ``n_refine`` best
    distinct minima.

All starts are optimised at once by a damped Newton method (Levenberg-Marquardt on the
eigen-decomposed exact Hessian, one 5x5 system per start), so a start costs a few vectorised
passes instead of a scipy run. The best minimum is confirmed: a last Newton polish that cannot
improve it, its gradient, and the Hessian's eigenvalues (a warning when it is ill-conditioned or
not positive definite).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize

from llmplan.core.errors import InputError, Where
from llmplan.core.messages import message
from llmplan.fit.newton import batched_newton, cholesky, forward
from llmplan.fit.objective import (
    HUBER_DELTA,
    THETA_NAMES,
    FloatArray,
    HuberData,
    evaluate,
    make_data,
)
from llmplan.fit.profile import PROFILE_AXIS, basin_starts, profile_starts

#: Hoffmann et al. 2022, App. D.2: the initialisation grid, one axis per parameter.
GRID_A: Final = (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)
GRID_B: Final = GRID_A
GRID_E: Final = (-1.0, -0.5, 0.0, 0.5, 1.0)
GRID_ALPHA: Final = (0.0, 0.5, 1.0, 1.5, 2.0)
GRID_BETA: Final = GRID_ALPHA

#: Two local minima are "the same" when their objectives agree to this relative tolerance.
REACHED_RTOL: Final = 1e-6

#: Starts followed to convergence: those with the lowest objective at the start. On Epoch's
#: 240 Chinchilla points the best 450 already reach the global optimum from over 250 starts.
DEFAULT_FOLLOW: Final = 900

#: Profile starts whose Newton paths come within this distance (largest coordinate of theta) of
#: a converged start's minimum, without being below it, are merged into it.
MERGE_TOL: Final = 1e-3

#: Above this many points, the profile screen (which only chooses starts) uses this many evenly
#: spaced points; the Newton runs use all of them.
SCREEN_POINTS: Final = 16_384

#: ... and the Newton descents run on those points first; the best this many distinct minima
#: found there are then followed on all points.
LARGE_FOLLOW: Final = 3

#: Distinct minima handed to L-BFGS-B after the batched stage.
DEFAULT_REFINE: Final = 8

#: At the optimum, the decrease a full Newton step promises, g^T H^-1 g / 2, must be below this
#: times f (the objective cannot drop further by more than that fraction); else a warning.
DECREMENT_RTOL: Final = 1e-12

#: Above this condition number of the Hessian at the optimum, a warning.
ILL_CONDITIONED: Final = 1e12


def hoffmann_grid() -> FloatArray:
    """The 4,500 starts of Hoffmann et al. 2022, App. D.2, as rows (a, b, e, alpha, beta)."""
    rows = itertools.product(GRID_A, GRID_B, GRID_E, GRID_ALPHA, GRID_BETA)
    return np.array(list(rows), dtype=float)


def _lbfgsb(theta0: FloatArray, data: HuberData) -> tuple[FloatArray, float]:
    """One scipy L-BFGS-B run with the analytic gradient and tight tolerances."""

    def fun(t: FloatArray) -> tuple[float, FloatArray]:
        f, g, _ = evaluate(t[None, :], data, None)
        assert g is not None
        return float(f[0]), g[0]

    res = minimize(
        fun,
        theta0,
        jac=True,
        method="L-BFGS-B",
        options={"ftol": 1e-15, "gtol": 1e-13, "maxiter": 5000, "maxcor": 20},
    )
    return np.asarray(res.x, dtype=float), float(res.fun)


@dataclass(frozen=True)
class GridFit:
    """The outcome of the multi-start search (before any bootstrap).

    ``n_starts`` counts the candidate starts scored (grid points), ``n_followed`` those followed
    by Newton and ``n_reached_best`` the followed ones that ended within ``reached_rtol`` of the
    best objective; ``final_theta`` and ``final_objective`` say where each candidate ended (its
    start and screening objective when it was not followed).
    """

    theta: FloatArray
    objective: float
    method: str
    n_starts: int
    n_followed: int
    n_reached_best: int
    hessian_condition: float
    warnings: tuple[dict[str, Any], ...]  # messages (llmplan.core.messages_fit)
    starts: FloatArray
    final_theta: FloatArray
    final_objective: FloatArray


def fit_grid(
    params: ArrayLike,
    tokens: ArrayLike,
    losses: ArrayLike,
    *,
    delta: float = HUBER_DELTA,
    method: str = "profile",
    starts: ArrayLike | None = None,
    n_follow: int | None = DEFAULT_FOLLOW,
    n_refine: int | None = None,
    reached_rtol: float = REACHED_RTOL,
) -> GridFit:
    """Minimise f from many starts and keep the best minimum.

    ``method`` "profile" (the default: starts from :mod:`.profile`) or "grid" (Hoffmann's grid,
    or ``starts`` when given, scored in one pass; the ``n_follow`` best followed, all when
    ``None``). Then L-BFGS-B (analytic gradient) from the ``n_refine`` best distinct end points
    (default: 0 for "profile", :data:`DEFAULT_REFINE` for "grid") and a confirming Newton polish.
    """
    data = make_data(params, tokens, losses, delta=delta)
    if method not in ("profile", "grid"):
        raise InputError(Where("fit", field="method"), f"'{method}'", expected="profile or grid")
    profile = None
    screen = data
    if method == "profile" and starts is None:
        # the screen only chooses starts; on many points, evenly spaced points of them suffice
        if data.size > SCREEN_POINTS:
            screen = data.subset(np.linspace(0, data.size - 1, SCREEN_POINTS).astype(np.intp))
        profile = profile_starts(screen)
        if not np.isfinite(profile[1]).any():
            profile = None  # no usable profile point (overflow everywhere): Hoffmann's grid
    if profile is not None:
        theta0, f0 = profile
        follow = basin_starts(f0, (len(PROFILE_AXIS), len(PROFILE_AXIS)))
        axes = (None, None, None, PROFILE_AXIS, PROFILE_AXIS)
        refine = 0 if n_refine is None else n_refine
    else:
        theta0 = hoffmann_grid() if starts is None else np.atleast_2d(np.asarray(starts, float))
        if theta0.shape[1] != 5:
            raise InputError(
                Where("fit", field="starts"), "each start needs 5 values (a, b, e, alpha, beta)"
            )
        f0, _, _ = evaluate(theta0, data, None, derivatives=False)
        follow = np.argsort(np.where(np.isfinite(f0), f0, np.inf), kind="stable")
        if n_follow is not None:
            follow = follow[: max(1, min(n_follow, theta0.shape[0]))]
        axes = (GRID_A, GRID_B, GRID_E, GRID_ALPHA, GRID_BETA) if starts is None else None
        refine = DEFAULT_REFINE if n_refine is None else n_refine
    n_starts = theta0.shape[0]
    final_theta = theta0.copy()
    final_f = f0.copy()
    if profile is not None and screen is not data:
        final_theta[follow], final_f[follow] = _descend_large(theta0[follow], screen, data)
    else:
        # profile starts that collapse into one basin finish as one (the exhaustive grid keeps all)
        merge = MERGE_TOL if profile is not None else None
        batch = batched_newton(theta0[follow], data, merge_tol=merge)
        final_theta[follow], final_f[follow] = batch.theta, batch.f
    followed = np.zeros(n_starts, dtype=bool)
    followed[follow] = True
    for k in _distinct_best(final_f, refine):
        theta_k, f_k = _lbfgsb(final_theta[k], data)
        if f_k < final_f[k]:
            final_theta[k], final_f[k] = theta_k, f_k

    # confirm the best: Newton polish from it must not find anything lower
    best = int(np.nanargmin(np.where(followed & np.isfinite(final_f), final_f, np.nan)))
    for attempt in range(2):
        if attempt:  # Newton can stop where a point's Huber loss changes branch: L-BFGS-B
            theta_k, f_k = _lbfgsb(final_theta[best], data)  # moves on, Newton polishes again
            if f_k <= final_f[best]:
                final_theta[best], final_f[best] = theta_k, f_k
        polish = batched_newton(final_theta[best][None, :], data, mu_start=1e-9)
        if polish.f[0] < final_f[best]:
            final_theta[best], final_f[best] = polish.theta[0], polish.f[0]
        if _decrement(final_theta[best], data) <= DECREMENT_RTOL * abs(final_f[best]):
            break
    theta = final_theta[best]
    f_best = float(final_f[best])
    reached = followed & (final_f <= f_best + reached_rtol * abs(f_best))
    cond, warnings = _optimum_checks(theta, f_best, data)
    if axes is not None:
        warnings.extend(_edge_warnings(theta, theta0[reached], axes))
    return GridFit(
        theta=theta,
        objective=f_best,
        method="profile" if profile is not None else ("grid" if starts is None else "starts"),
        n_starts=int(n_starts),
        n_followed=int(followed.sum()),
        n_reached_best=int(reached.sum()),
        hessian_condition=cond,
        warnings=tuple(warnings),
        starts=theta0,
        final_theta=final_theta,
        final_objective=final_f,
    )


def _descend_large(
    starts: FloatArray, screen: HuberData, data: HuberData
) -> tuple[FloatArray, FloatArray]:
    """Newton from every start on the screening points, then on all points from the
    :data:`LARGE_FOLLOW` best distinct minima found there; the others' ends are scored on all
    points. Returns end points and their full-data objectives."""
    pre = batched_newton(starts, screen, merge_tol=MERGE_TOL)
    keep = _distinct_best(np.where(np.isfinite(pre.f), pre.f, np.inf), LARGE_FOLLOW)
    theta = pre.theta.copy()
    f, _, _ = evaluate(theta, data, None, derivatives=False)
    batch = batched_newton(theta[keep], data, merge_tol=MERGE_TOL)
    theta[keep], f[keep] = batch.theta, batch.f
    return theta, f


def _distinct_best(f: FloatArray, count: int) -> list[int]:
    """Indices of the ``count`` lowest finite values of f that differ by more than 1e-12."""
    chosen: list[int] = []
    for k in np.argsort(f):
        if len(chosen) >= count:
            break
        if not np.isfinite(f[k]):
            continue
        if any(abs(f[k] - f[j]) <= 1e-12 * abs(f[j]) for j in chosen):
            continue
        chosen.append(int(k))
    return chosen


def _decrement(theta: FloatArray, data: HuberData) -> float:
    """g^T H^-1 g / 2 at theta (inf where H is not positive definite)."""
    _, g, h = evaluate(theta[None, :], data, None)
    assert g is not None and h is not None
    chol, pd = cholesky(h)
    return float(0.5 * np.sum(forward(chol, g) ** 2)) if pd[0] else float("inf")


def _optimum_checks(
    theta: FloatArray, f_best: float, data: HuberData
) -> tuple[float, list[dict[str, Any]]]:
    """Condition number of the Hessian at the optimum and warnings (messages) about it and the
    gradient."""
    _, g, hess = evaluate(theta[None, :], data, None)
    assert g is not None and hess is not None
    warnings: list[dict[str, Any]] = []
    eig = np.linalg.eigvalsh(hess[0])
    cond = float(abs(eig[-1]) / abs(eig[0])) if eig[0] != 0 else float("inf")
    if eig[0] <= 0:
        warnings.append(message("fit.hessian.not_positive_definite", eigenvalue=float(eig[0])))
    elif cond > ILL_CONDITIONED:
        warnings.append(message("fit.hessian.ill_conditioned", condition=cond))
    decrement = _decrement(theta, data)
    if eig[0] > 0 and decrement > DECREMENT_RTOL * abs(f_best):
        warnings.append(
            message(
                "fit.not_converged",
                fraction=decrement / abs(f_best),
                gradient=float(np.linalg.norm(g[0])),
            )
        )
    return cond, warnings


def _edge_warnings(
    theta: FloatArray,
    reached_starts: FloatArray,
    axes: tuple[tuple[float, ...] | None, ...],
) -> list[dict[str, Any]]:
    """Hoffmann et al. 2022, App. D.2: the optimum and its best starts should be inside the grid
    (warnings as messages).

    ``axes`` are the grid's values per parameter (None: that parameter is not gridded).
    """
    out: list[dict[str, Any]] = []
    for k, (name, axis) in enumerate(zip(THETA_NAMES, axes, strict=True)):
        if axis is None:
            continue
        lo, hi = min(axis), max(axis)
        if not lo < theta[k] < hi:
            out.append(
                message(
                    "fit.grid.optimum_on_edge",
                    name=name,
                    value=float(theta[k]),
                    low=float(lo),
                    high=float(hi),
                )
            )
    if reached_starts.size:
        interior = np.ones(len(reached_starts), dtype=bool)
        for k, axis in enumerate(axes):
            if axis is not None:
                inside = (reached_starts[:, k] > min(axis)) & (reached_starts[:, k] < max(axis))
                interior &= inside
        if not interior.any():
            out.append(message("fit.grid.starts_on_edge"))
    return out
