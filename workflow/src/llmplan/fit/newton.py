"""Batched damped Newton: many starts (or bootstrap resamples) of the approach-3 fit at once.

Each row theta_k takes Levenberg-Marquardt steps on the exact Hessian of :mod:`.objective`,

    step = -(H + mu s I)^-1 g      (H positive definite; s = the largest diagonal entry of H),
    step = -V (|Lambda| + mu s)^-1 V^T g      (otherwise, H = V Lambda V^T),

mu shrinking after a step that lowers f and growing after one that does not (Levenberg 1944;
Marquardt 1963; Nocedal and Wright 2006, "Numerical Optimization", s4.3 and s10.3). The 5x5
factorisations are done for all rows at once: a Cholesky factorisation written out over the rows
(LAPACK called per 5x5 matrix costs microseconds each), with an eigen-decomposition only for the
rows whose Hessian is not positive definite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from llmplan.fit.objective import FloatArray, HuberData, evaluate

#: Batched Newton: iteration cap, stopping tolerance on the relative decrease of f.
NEWTON_MAX_ITER: Final = 300
NEWTON_FTOL: Final = 1e-13
#: ... or when every gradient component is below this times delta times the number of points
#: (f and its gradient scale as delta n): a plateau where the start cannot move, as L-BFGS-B's
#: own gradient test would declare, or a converged minimum.
NEWTON_GTOL: Final = 1e-10
_MU_START: Final = 1e-3  # damping relative to the largest |eigenvalue|
_MU_FLOOR: Final = 1e-15  # absolute damping floor (objective units), guards a zero Hessian
_MU_CEIL: Final = 1e12  # above this, a start has stalled
_MU_UP: Final = 8.0
_MU_DOWN: Final = 0.25
_PD_RTOL: Final = 1e-14  # a pivot below this times the largest diagonal: not positive definite
_FEW: Final = 32  # up to this many rows, eigen-decompositions; beyond, batched Cholesky


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
    mu_start: float = _MU_START,
    initial: tuple[FloatArray, FloatArray, FloatArray] | None = None,
    merge_tol: float | None = None,
) -> BatchResult:
    """Damped Newton (Levenberg-Marquardt) on every row of theta0 at once.

    A row stops when the Hessian is positive definite and the full Newton step's predicted
    decrease g^T H^-1 g / 2 is at most ftol * f (converged; no further evaluation is needed),
    when an accepted step lowers f by less than ftol * f, or when its damping exceeds _MU_CEIL
    times the Hessian's scale (no step lowers f: a stall, flagged unconverged unless its
    gradient is negligible). ``mu_start`` is the first damping relative to the Hessian's
    scale (small when the starts are already near a minimum). ``initial`` is
    (f, g, H) at theta0 when the caller has them.

    With ``merge_tol``, a row that comes within ``merge_tol`` (largest coordinate difference) of a
    converged row without being below it has collapsed into the same basin: it takes that row's
    minimum and stops (many starts, one basin, one descent to finish).
    """
    theta = np.array(theta0, dtype=float)
    m = theta.shape[0]
    if initial is None:
        f, g, h = evaluate(theta, data, weights)
    else:
        f, g, h = (np.array(v, dtype=float) for v in initial)
    assert g is not None and h is not None
    mu = np.full(m, mu_start)
    size = data.size if weights is None else weights.sum(axis=1)
    gtol = NEWTON_GTOL * data.delta * np.broadcast_to(size, (m,))
    converged = np.abs(g).max(axis=1) <= gtol
    active = ~converged & np.isfinite(f)
    iteration = 0
    for iteration in range(1, max_iter + 1):  # noqa: B007 - reported
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        step, done = _steps(h[idx], g[idx], mu[idx], ftol * np.abs(f[idx]))
        converged[idx[done]] = True
        active[idx[done]] = False
        idx, step = idx[~done], step[~done]
        if idx.size == 0:
            break
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
        if merge_tol is not None:
            _merge(theta, f, g, converged, active, merge_tol)
    # a stalled row is converged when no direction could lower f: its gradient is negligible
    converged |= ~active & (np.abs(g).max(axis=1) <= 1e3 * gtol)
    return BatchResult(theta, f, g, converged, iteration)


def _steps(
    h: FloatArray, g: FloatArray, mu: FloatArray, tol: FloatArray
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Levenberg-Marquardt steps, and which rows are converged: H positive definite and the
    full Newton step's predicted decrease g^T H^-1 g / 2 at most ``tol``.

    Up to :data:`_FEW` rows, one eigen-decomposition each serves both; beyond, the factorisations
    over all rows are cheaper.
    """
    if h.shape[0] > _FEW:
        chol, pd = cholesky(h)
        with np.errstate(over="ignore", invalid="ignore"):
            predicted = 0.5 * np.sum(forward(chol, g) ** 2, axis=1)
        done = pd & (predicted <= tol)
        return lm_steps(h, g, mu), done
    lam, vec = np.linalg.eigh(h)
    gv = np.einsum("mij,mi->mj", vec, g)
    scale = np.abs(np.diagonal(h, axis1=1, axis2=2)).max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        predicted = 0.5 * np.sum(gv * gv / lam, axis=1)
        damp = np.maximum(mu * scale, _MU_FLOOR)
        step = -np.einsum("mij,mj->mi", vec, gv / (np.abs(lam) + damp[:, None]))
    pd = lam[:, 0] > _PD_RTOL * scale
    return step, pd & (predicted <= tol)


def _merge(
    theta: FloatArray,
    f: FloatArray,
    g: FloatArray,
    converged: NDArray[np.bool_],
    active: NDArray[np.bool_],
    tol: float,
) -> None:
    """Stop active rows within ``tol`` of a converged row whose f they do not beat (in place)."""
    act, done = np.flatnonzero(active), np.flatnonzero(converged)
    if act.size == 0 or done.size == 0:
        return
    dist = np.abs(theta[act][:, None, :] - theta[done][None, :, :]).max(axis=2)
    nearest = done[dist.argmin(axis=1)]
    merged = (dist.min(axis=1) <= tol) & (f[act] >= f[nearest])
    rows, into = act[merged], nearest[merged]
    theta[rows], f[rows], g[rows] = theta[into], f[into], g[into]
    converged[rows] = True
    active[rows] = False


def lm_steps(h: FloatArray, g: FloatArray, mu: FloatArray) -> FloatArray:
    """Levenberg-Marquardt steps for rows of H (M, 5, 5) and g (M, 5) with relative damping mu."""
    diag = np.abs(np.diagonal(h, axis1=1, axis2=2))
    damp = np.maximum(mu * diag.max(axis=1), _MU_FLOOR)
    damped = h + damp[:, None, None] * np.eye(h.shape[1])
    chol, pd = cholesky(damped)
    step = np.zeros_like(g)
    if pd.any():
        step[pd] = -backward(chol[pd], forward(chol[pd], g[pd]))
    bad = ~pd
    if bad.any():  # indefinite: damped Newton on |eigenvalues|
        lam, vec = np.linalg.eigh(h[bad])
        gv = np.einsum("mij,mi->mj", vec, g[bad])
        step[bad] = -np.einsum("mij,mj->mi", vec, gv / (np.abs(lam) + damp[bad, None]))
    return step


def cholesky(a: FloatArray) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Lower Cholesky factors of a stack of symmetric matrices (M, k, k) and which are PD.

    Rows that are not positive definite (a pivot <= _PD_RTOL times the largest diagonal entry,
    or not finite) get a placeholder factor and False.
    """
    k = a.shape[1]
    low = np.zeros_like(a)
    ok = np.isfinite(a).all(axis=(1, 2))
    tol = _PD_RTOL * np.abs(np.diagonal(a, axis1=1, axis2=2)).max(axis=1)
    with np.errstate(invalid="ignore", over="ignore"):
        for j in range(k):
            row = low[:, j, :j]
            pivot = a[:, j, j] - np.einsum("mi,mi->m", row, row)
            ok &= pivot > tol
            root = np.sqrt(np.where(ok, pivot, 1.0))
            low[:, j, j] = root
            if j + 1 < k:
                below = a[:, j + 1 :, j] - np.einsum("mik,mk->mi", low[:, j + 1 :, :j], row)
                low[:, j + 1 :, j] = below / root[:, None]
    return low, ok


def forward(low: FloatArray, b: FloatArray) -> FloatArray:
    """Solve L y = b for rows of lower-triangular L (M, k, k) and b (M, k)."""
    y = np.empty_like(b)
    for j in range(b.shape[1]):
        y[:, j] = (b[:, j] - np.einsum("mi,mi->m", low[:, j, :j], y[:, :j])) / low[:, j, j]
    return y


def backward(low: FloatArray, y: FloatArray) -> FloatArray:
    """Solve L^T x = y for rows of lower-triangular L (M, k, k) and y (M, k)."""
    k = y.shape[1]
    x = np.empty_like(y)
    for j in range(k - 1, -1, -1):
        tail = np.einsum("mi,mi->m", low[:, j + 1 :, j], x[:, j + 1 :])
        x[:, j] = (y[:, j] - tail) / low[:, j, j]
    return x
