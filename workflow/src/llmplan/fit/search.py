"""The multi-start search of approach 3 and its bootstrap.


from each of the 4,500 starts of Hoffmann's grid (alpha, beta in {0, 0.5, ..., 2}; e in
{-1, -0.5, ..., 1}; a, b in {0, 5, ..., 25}) and keeps the best local minimum. The weights w_i

Speed. All starts are optimised at once in numpy by a damped Newton method (Levenberg-Marquardt
on the eigen-decomposed exact Hessian, one 5x5 system per start), so the grid costs a few dozen
vectorised passes instead of 4,500 scipy runs. The most promising distinct minima are then
refined with scipy's L-BFGS-B (analytic gradient, tight tolerances), and the best one is
confirmed: gradient near zero, a last Newton polish that cannot improve it, and the Hessian's
eigenvalues (a warning when it is ill-conditioned or not positive definite). Bootstrap refits
(Besiroglu et al. 2024, "Chinchilla Scaling: A replication attempt", arXiv:2404.10102) are the
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize

from llmplan.core.errors import InputError, Where
from llmplan.fit.objective import (
    HUBER_DELTA,
    THETA_NAMES,
    FloatArray,
    HuberData,
    evaluate,
    make_data,
)

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

#: Distinct minima handed to L-BFGS-B after the batched stage.
DEFAULT_REFINE: Final = 8

#: Above this condition number of the Hessian at the optimum, a warning.
ILL_CONDITIONED: Final = 1e12

#: Batched Newton: iteration cap, stopping tolerance on the relative decrease of f.
NEWTON_MAX_ITER: Final = 300
NEWTON_FTOL: Final = 1e-13
#: ... or when every gradient component is below this times delta times the number of points
#: (f and its gradient scale as delta n): a plateau where the start cannot move, as L-BFGS-B's
#: own gradient test would declare, or a converged minimum.
NEWTON_GTOL: Final = 1e-10
_EXP_FLOOR: Final = 150.0
_MU_START: Final = 1e-3  # damping relative to the largest |eigenvalue|
_MU_FLOOR: Final = 1e-15  # absolute damping floor (objective units), guards a zero Hessian
_MU_CEIL: Final = 1e12  # above this, a start has stalled
_MU_UP: Final = 8.0
_MU_DOWN: Final = 0.25


def hoffmann_grid() -> FloatArray:
    """The 4,500 starts of Hoffmann et al. 2022, App. D.2, as rows (a, b, e, alpha, beta)."""
    rows = itertools.product(GRID_A, GRID_B, GRID_E, GRID_ALPHA, GRID_BETA)
    return np.array(list(rows), dtype=float)


@dataclass(frozen=True)
class BatchResult:
    theta: FloatArray
    f: FloatArray
    grad: FloatArray
    converged: NDArray[np.bool_]
    iterations: int


def batched_newton(
    theta0: FloatArray,
    data: HuberData,
    weights: FloatArray | None = None,
    *,
    max_iter: int = NEWTON_MAX_ITER,
    ftol: float = NEWTON_FTOL,
) -> BatchResult:
    """Damped Newton (Levenberg-Marquardt on |eigenvalues|) on every row of theta0 at once.

    A row stops when an accepted step lowers f by less than ftol * f, or when its damping
    exceeds _MU_CEIL times the Hessian's scale (no step lowers f: a stall, flagged unconverged
    unless its gradient is negligible).
    """
    theta = np.array(theta0, dtype=float)
    m = theta.shape[0]
    f, g, h = evaluate(theta, data, weights)
    assert g is not None and h is not None
    mu = np.full(m, _MU_START)
    size = data.x.size if weights is None else weights.sum(axis=1)
    gtol = NEWTON_GTOL * data.delta * np.broadcast_to(size, (m,))
    converged = np.abs(g).max(axis=1) <= gtol
    active = ~converged
    iteration = 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 - reported
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        lam, vec = np.linalg.eigh(h[idx])
        scale = np.abs(lam).max(axis=1)
        damp = np.maximum(mu[idx] * scale, _MU_FLOOR)
        coef = np.einsum("mij,mi->mj", vec, g[idx]) / (np.abs(lam) + damp[:, None])
        step = -np.einsum("mij,mj->mi", vec, coef)
        trial = theta[idx] + step
        w = None if weights is None else weights[idx]
        ok_step = np.isfinite(trial).all(axis=1)
        trial[~ok_step] = theta[idx][~ok_step]
        f_new, g_new, h_new = evaluate(trial, data, w)
        assert g_new is not None and h_new is not None
        accept = ok_step & np.isfinite(f_new) & (f_new < f[idx])
        decrease = f[idx] - f_new
        acc = idx[accept]
        small = accept & (
            (decrease <= ftol * np.abs(f_new)) | (np.abs(g_new).max(axis=1) <= gtol[idx])
        )
        theta[acc] = trial[accept]
        f[acc] = f_new[accept]
        g[acc] = g_new[accept]
        h[acc] = h_new[accept]
        mu[acc] = mu[acc] * _MU_DOWN
        rej = idx[~accept]
        mu[rej] = mu[rej] * _MU_UP
        done_small = idx[small]
        converged[done_small] = True
        active[done_small] = False
        stalled = rej[mu[rej] > _MU_CEIL]
        active[stalled] = False
    # a stalled row is converged when no direction could lower f: its gradient is negligible
    converged |= ~active & (np.abs(g).max(axis=1) <= 1e3 * gtol)
    return BatchResult(theta, f, g, converged, iteration)


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
    """The outcome of the multi-start search (before any bootstrap)."""

    theta: FloatArray
    objective: float
    n_starts: int
    n_followed: int
    n_reached_best: int
    hessian_condition: float
    warnings: tuple[str, ...]
    final_theta: FloatArray  # (n_starts, 5) where each start ended
    final_objective: FloatArray  # (n_starts,)


def fit_grid(
    params: ArrayLike,
    tokens: ArrayLike,
    losses: ArrayLike,
    *,
    delta: float = HUBER_DELTA,
    starts: ArrayLike | None = None,
    n_follow: int | None = DEFAULT_FOLLOW,
    n_refine: int = DEFAULT_REFINE,
    reached_rtol: float = REACHED_RTOL,
) -> GridFit:
    """Minimise f from the starts (default: Hoffmann's grid) and keep the best minimum.

    Steps: f at every start in one vectorised pass; batched Newton to convergence from the
    ``n_follow`` starts with the lowest f (all of them when ``None``); L-BFGS-B (analytic
    gradient) from the ``n_refine`` best distinct end points; confirmation of the best (Newton
    polish, gradient, Hessian). ``n_reached_best`` counts the followed starts that ended within
    ``reached_rtol`` of the best objective.
    """
    data = make_data(params, tokens, losses, delta=delta)
    theta0 = hoffmann_grid() if starts is None else np.atleast_2d(np.asarray(starts, float))
    if theta0.shape[1] != 5:
        raise InputError(
            Where("fit", field="starts"), "each start needs 5 values (a, b, e, alpha, beta)"
        )
    n_starts = theta0.shape[0]
    # screen: the objective at every start, in one vectorised pass; follow the most promising
    f0, _, _ = evaluate(theta0, data, None, derivatives=False)
    follow = np.argsort(f0, kind="stable")
    if n_follow is not None:
        follow = follow[: max(1, min(n_follow, n_starts))]
    batch = batched_newton(theta0[follow], data)
    final_theta = theta0.copy()
    final_f = f0.copy()
    final_theta[follow] = batch.theta
    final_f[follow] = batch.f
    followed = np.zeros(n_starts, dtype=bool)
    followed[follow] = True

    # refine the most promising distinct minima with L-BFGS-B
    order = np.argsort(final_f)
    chosen: list[int] = []
    for k in order:
        if len(chosen) >= n_refine:
            break
        if not np.isfinite(final_f[k]):
            continue
        if any(abs(final_f[k] - final_f[j]) <= 1e-12 * abs(final_f[j]) for j in chosen):
            continue
        chosen.append(int(k))
    for k in chosen:
        theta_k, f_k = _lbfgsb(final_theta[k], data)
        if f_k < final_f[k]:
            final_theta[k], final_f[k] = theta_k, f_k

    # confirm the best: Newton polish from it must not find anything lower
    best = int(np.nanargmin(final_f))
    polish = batched_newton(final_theta[best][None, :], data)
    if polish.f[0] < final_f[best]:
        final_theta[best], final_f[best] = polish.theta[0], polish.f[0]
    theta = final_theta[best]
    f_best = float(final_f[best])
    reached = followed & (final_f <= f_best + reached_rtol * abs(f_best))
    _, g, hess = evaluate(theta[None, :], data, None)
    assert g is not None and hess is not None

    warnings: list[str] = []
    eig = np.linalg.eigvalsh(hess[0])
    cond = float(abs(eig[-1]) / abs(eig[0])) if eig[0] != 0 else float("inf")
    if eig[0] <= 0:
        warnings.append(
            "the Hessian at the optimum is not positive definite (smallest eigenvalue "
            f"{eig[0]:.3g}): the minimum is flat in some direction and the parameters are not "
            "identified by these data"
        )
    elif cond > ILL_CONDITIONED:
        warnings.append(
            f"the Hessian at the optimum is ill-conditioned (condition number {cond:.3g}): "
            "some parameter combinations are poorly determined"
        )
    gnorm = float(np.linalg.norm(g[0]))
    if gnorm > 1e-6 * max(abs(f_best), 1e-12):
        warnings.append(f"the gradient at the optimum is not negligible (|g| = {gnorm:.3g})")
    if starts is None:
        warnings.extend(_edge_warnings(theta, theta0[reached]))
    return GridFit(
        theta=theta,
        objective=f_best,
        n_starts=int(n_starts),
        n_followed=int(followed.sum()),
        n_reached_best=int(reached.sum()),
        hessian_condition=cond,
        warnings=tuple(warnings),
        final_theta=final_theta,
        final_objective=final_f,
    )


def _edge_warnings(theta: FloatArray, reached_starts: FloatArray) -> list[str]:
    """Hoffmann et al. 2022, App. D.2: the optimum and its best starts should be inside the grid."""
    out = []
    axes = (GRID_A, GRID_B, GRID_E, GRID_ALPHA, GRID_BETA)
    for k, (name, axis) in enumerate(zip(THETA_NAMES, axes, strict=True)):
        lo, hi = min(axis), max(axis)
        if not lo < theta[k] < hi:
            out.append(
                f"the optimum {name} = {theta[k]:.4g} lies on or beyond the edge of the "
                f"initialisation grid [{lo:g}, {hi:g}]"
            )
    if reached_starts.size:
        interior = np.ones(len(reached_starts), dtype=bool)
        for k, axis in enumerate(axes):
            interior &= (reached_starts[:, k] > min(axis)) & (reached_starts[:, k] < max(axis))
        if not interior.any():
            out.append(
                "every start that reached the optimum lies on the edge of the initialisation "
                "grid: a wider grid might find a better minimum"
            )
    return out


def bootstrap_fits(
    params: ArrayLike,
    tokens: ArrayLike,
    losses: ArrayLike,
    theta_start: ArrayLike,
    *,
    n_resamples: int,
    seed: int = 0,
    delta: float = HUBER_DELTA,
    chunk: int = 500,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Refit on ``n_resamples`` resamples of the points (with replacement), all at once.

    Each resample is a vector of multinomial counts (weights) over the points; every refit
    starts from ``theta_start`` (the full-data optimum). Returns the fitted theta rows
    (n_resamples, 5) and whether each converged.
    """
    data = make_data(params, tokens, losses, delta=delta)
    n = data.x.size
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_resamples).astype(float)
    start = np.asarray(theta_start, dtype=float)
    thetas = np.empty((n_resamples, 5))
    converged = np.zeros(n_resamples, dtype=bool)
    for lo in range(0, n_resamples, chunk):
        hi = min(lo + chunk, n_resamples)
        theta0 = np.repeat(start[None, :], hi - lo, axis=0)
        res = batched_newton(theta0, data, counts[lo:hi])
        thetas[lo:hi] = res.theta
        converged[lo:hi] = res.converged
    return thetas, converged
