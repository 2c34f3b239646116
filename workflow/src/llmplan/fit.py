"""Approach 3 of Hoffmann et al. 2022: fit the parametric loss L(N, D) = E + A/N^alpha + B/D^beta.

Maths (Hoffmann et al. 2022, "Training Compute-Optimal Large Language Models", arXiv:2203.15556,
s3.3 and App. D.2). With theta = (a, b, e, alpha, beta) and A, B, E = exp(a), exp(b), exp(e),
the predicted log-loss of a run with N parameters trained on D tokens is

    m_i(theta) = LSE(a - alpha log N_i, b - beta log D_i, e) = log(E + A / N_i^alpha + B / D_i^beta)

and the fit minimises the summed Huber loss of the log-residuals r_i = m_i - log L_i,

    f(theta) = sum_i w_i Huber_delta(r_i),
    Huber_delta(r) = r^2 / 2 if |r| <= delta else delta (|r| - delta / 2),   delta = 1e-3,

from each of the 4,500 starts of Hoffmann's grid (alpha, beta in {0, 0.5, ..., 2}; e in
{-1, -0.5, ..., 1}; a, b in {0, 5, ..., 25}) and keeps the best local minimum. The weights w_i
are 1 for the fit and the multinomial counts of a resample for the bootstrap.

Derivatives used here (exact). With softmax weights p_ik of the three LSE terms and
U_i1 = (1, 0, 0, -log N_i, 0), U_i2 = (0, 1, 0, 0, -log D_i), U_i3 = (0, 0, 1, 0, 0):

    grad m_i = J_i = sum_k p_ik U_ik,      hess m_i = sum_k p_ik U_ik U_ik^T - J_i J_i^T,
    psi(r) = Huber'(r) = clip(r, -delta, delta),   psi'(r) = 1[|r| <= delta],
    grad f = sum_i w_i psi(r_i) J_i,
    hess f = sum_i w_i (psi'(r_i) - psi(r_i)) J_i J_i^T + sum_i w_i psi(r_i) sum_k p_ik U_ik U_ik^T.

Speed. All starts are optimised at once in numpy by a damped Newton method (Levenberg-Marquardt
on the eigen-decomposed exact Hessian, one 5x5 system per start), so the grid costs a few dozen
vectorised passes instead of 4,500 scipy runs. The most promising distinct minima are then
refined with scipy's L-BFGS-B (analytic gradient, tight tolerances), and the best one is
confirmed: gradient near zero, a last Newton polish that cannot improve it, and the Hessian's
eigenvalues (a warning when it is ill-conditioned or not positive definite). Bootstrap refits
(Besiroglu et al. 2024, "Chinchilla Scaling: A replication attempt", arXiv:2404.10102) are the
same batched Newton method over all resamples at once, warm-started from the full-data optimum.

The compute-optimal allocation of a fitted law is the closed form of Hoffmann et al. 2022, eq. 4,
as implemented by :class:`llmplan.laws.ParametricLaw`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize

from llmplan.errors import InputError, Where
from llmplan.laws import ParametricLaw

FloatArray = NDArray[np.float64]

#: Huber threshold on log-loss residuals (Hoffmann et al. 2022, s3.3 and App. D.2).
HUBER_DELTA: Final = 1e-3

#: Hoffmann et al. 2022, App. D.2: the initialisation grid, one axis per parameter.
GRID_A: Final = (0.0, 5.0, 10.0, 15.0, 20.0, 25.0)
GRID_B: Final = GRID_A
GRID_E: Final = (-1.0, -0.5, 0.0, 0.5, 1.0)
GRID_ALPHA: Final = (0.0, 0.5, 1.0, 1.5, 2.0)
GRID_BETA: Final = GRID_ALPHA

#: Parameter order of theta everywhere in this module.
THETA_NAMES: Final = ("a", "b", "e", "alpha", "beta")

#: Default number of bootstrap resamples and confidence level of the percentile intervals.
DEFAULT_BOOTSTRAP: Final = 1000
DEFAULT_INTERVAL: Final = 0.95

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

_UPPER: Final = np.triu_indices(5, 1)

#: Default budgets (FLOPs) at which the allocation N_opt, D_opt gets intervals.
DEFAULT_BUDGETS: Final = (1e21, 1e22, 1e23, 1e24, 1e25)


# --------------------------------------------------------------------------------------------
# The maths


def huber(residuals: ArrayLike, delta: float = HUBER_DELTA) -> FloatArray:
    """Huber loss: r^2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond (Huber 1964)."""
    r = np.asarray(residuals, dtype=float)
    ar = np.abs(r)
    return np.where(ar <= delta, 0.5 * r * r, delta * (ar - 0.5 * delta))


def predict_log_loss(theta: ArrayLike, params: ArrayLike, tokens: ArrayLike) -> FloatArray:
    """log L = LSE(a - alpha log N, b - beta log D, e) for theta = (a, b, e, alpha, beta)."""
    a, b, e, alpha, beta = np.asarray(theta, dtype=float)
    x = np.log(np.asarray(params, dtype=float))
    y = np.log(np.asarray(tokens, dtype=float))
    return np.logaddexp(np.logaddexp(a - alpha * x, b - beta * y), e)


@dataclass(frozen=True)
class _Data:
    x: FloatArray  # log N
    y: FloatArray  # log D
    logl: FloatArray  # log L
    delta: float
    xx: FloatArray = field(init=False)
    yy: FloatArray = field(init=False)
    xy: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "xx", np.stack([np.ones_like(self.x), self.x, self.x**2], 1))
        object.__setattr__(self, "yy", np.stack([np.ones_like(self.y), self.y, self.y**2], 1))
        xy = np.stack([np.ones_like(self.x), self.x, self.y, self.x * self.y], 1)
        object.__setattr__(self, "xy", xy)


def _evaluate(
    theta: FloatArray, data: _Data, weights: FloatArray | None, *, derivatives: bool = True
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """Objective, gradient and Hessian for a batch of parameter vectors theta (M, 5).

    ``weights`` is None (all ones) or (M, n). Returns f (M,), g (M, 5), H (M, 5, 5).
    """
    a, b, e, alpha, beta = (theta[:, k : k + 1] for k in range(5))
    u1 = a - alpha * data.x
    u2 = b - beta * data.y
    top = np.maximum(np.maximum(u1, u2), e)
    # terms below exp(-_EXP_FLOOR) of the largest are negligible; flooring them keeps the
    # arithmetic out of subnormal numbers, which are two orders of magnitude slower
    e1 = np.exp(np.maximum(u1 - top, -_EXP_FLOOR))
    e2 = np.exp(np.maximum(u2 - top, -_EXP_FLOOR))
    e3 = np.exp(np.maximum(e - top, -_EXP_FLOOR))
    total = e1 + e2 + e3
    r = top + np.log(total) - data.logl
    ar = np.abs(r)
    quad = ar <= data.delta
    h = np.where(quad, 0.5 * r * r, data.delta * (ar - 0.5 * data.delta))
    if weights is not None:
        h *= weights
    f = h.sum(axis=1)
    if not derivatives:
        return f, None, None

    p1 = e1 / total
    p2 = e2 / total
    p3 = e3 / total
    psi = np.clip(r, -data.delta, data.delta)
    c = psi if weights is None else psi * weights  # w psi
    q = quad - psi if weights is None else (quad - psi) * weights  # w (psi' - psi)
    cp1 = c * p1
    cp2 = c * p2
    m1 = cp1 @ data.xx  # sum c p1 {1, x, x^2}
    m2 = cp2 @ data.yy
    cp3 = (c * p3).sum(axis=1)
    g = np.stack([m1[:, 0], m2[:, 0], cp3, -m1[:, 1], -m2[:, 1]], axis=1)

    # hess = sum q J J^T + sum c sum_k p_k U_k U_k^T, J = (p1, p2, p3, -x p1, -y p2): the 15
    # distinct entries of J J^T are products p_k p_l times 1, x, y, x^2, y^2 or x y
    qp1 = q * p1
    qp2 = q * p2
    s11 = (qp1 * p1) @ data.xx  # {1, x, x^2} p1^2
    s22 = (qp2 * p2) @ data.yy  # {1, y, y^2} p2^2
    s12 = (qp1 * p2) @ data.xy  # {1, x, y, x y} p1 p2
    qp3p3 = q * p3
    s13 = (qp1 * p3) @ data.xx[:, :2]  # {1, x} p1 p3
    s23 = (qp2 * p3) @ data.yy[:, :2]  # {1, y} p2 p3
    s33 = (qp3p3 * p3).sum(axis=1)
    hess = np.empty((theta.shape[0], 5, 5))
    hess[:, 0, 0] = s11[:, 0] + m1[:, 0]
    hess[:, 0, 3] = -s11[:, 1] - m1[:, 1]
    hess[:, 3, 3] = s11[:, 2] + m1[:, 2]
    hess[:, 1, 1] = s22[:, 0] + m2[:, 0]
    hess[:, 1, 4] = -s22[:, 1] - m2[:, 1]
    hess[:, 4, 4] = s22[:, 2] + m2[:, 2]
    hess[:, 0, 1] = s12[:, 0]
    hess[:, 1, 3] = -s12[:, 1]
    hess[:, 0, 4] = -s12[:, 2]
    hess[:, 3, 4] = s12[:, 3]
    hess[:, 0, 2] = s13[:, 0]
    hess[:, 2, 3] = -s13[:, 1]
    hess[:, 1, 2] = s23[:, 0]
    hess[:, 2, 4] = -s23[:, 1]
    hess[:, 2, 2] = s33 + cp3
    hess[:, _UPPER[1], _UPPER[0]] = hess[:, _UPPER[0], _UPPER[1]]
    return f, g, hess


def objective(
    theta: ArrayLike,
    params: ArrayLike,
    tokens: ArrayLike,
    losses: ArrayLike,
    *,
    delta: float = HUBER_DELTA,
    weights: ArrayLike | None = None,
) -> float:
    """Summed Huber loss f(theta) of the log-residuals (the quantity approach 3 minimises)."""
    data = _make_data(params, tokens, losses, delta=delta)
    w = None if weights is None else np.asarray(weights, dtype=float)[None, :]
    f, _, _ = _evaluate(np.asarray(theta, dtype=float)[None, :], data, w, derivatives=False)
    return float(f[0])


def objective_gradient(
    theta: ArrayLike,
    params: ArrayLike,
    tokens: ArrayLike,
    losses: ArrayLike,
    *,
    delta: float = HUBER_DELTA,
) -> tuple[float, FloatArray, FloatArray]:
    """f(theta), its analytic gradient (5,) and Hessian (5, 5)."""
    data = _make_data(params, tokens, losses, delta=delta)
    f, g, h = _evaluate(np.asarray(theta, dtype=float)[None, :], data, None)
    assert g is not None and h is not None
    return float(f[0]), g[0], h[0]


def _make_data(
    params: ArrayLike, tokens: ArrayLike, losses: ArrayLike, *, delta: float, where: str = "fit"
) -> _Data:
    n = np.asarray(params, dtype=float).ravel()
    d = np.asarray(tokens, dtype=float).ravel()
    loss = np.asarray(losses, dtype=float).ravel()
    if not (n.size == d.size == loss.size):
        raise InputError(
            Where(where),
            f"N, D and loss have different lengths ({n.size}, {d.size}, {loss.size})",
        )
    for name, values in (("N", n), ("D", d), ("loss", loss)):
        bad = ~np.isfinite(values) | (values <= 0)
        if bad.any():
            k = int(np.argmax(bad))
            raise InputError(
                Where(where, entry=f"point {k}", field=name),
                f"value {values[k]!r} is not a positive finite number",
            )
    if delta <= 0:
        raise InputError(Where(where, field="delta"), f"Huber delta {delta} must be positive")
    return _Data(np.log(n), np.log(d), np.log(loss), float(delta))


# --------------------------------------------------------------------------------------------
# Optimisers


def hoffmann_grid() -> FloatArray:
    """The 4,500 starts of Hoffmann et al. 2022, App. D.2, as rows (a, b, e, alpha, beta)."""
    rows = itertools.product(GRID_A, GRID_B, GRID_E, GRID_ALPHA, GRID_BETA)
    return np.array(list(rows), dtype=float)


@dataclass(frozen=True)
class _BatchResult:
    theta: FloatArray
    f: FloatArray
    grad: FloatArray
    converged: NDArray[np.bool_]
    iterations: int


def _batched_newton(
    theta0: FloatArray,
    data: _Data,
    weights: FloatArray | None = None,
    *,
    max_iter: int = NEWTON_MAX_ITER,
    ftol: float = NEWTON_FTOL,
) -> _BatchResult:
    """Damped Newton (Levenberg-Marquardt on |eigenvalues|) on every row of theta0 at once.

    A row stops when an accepted step lowers f by less than ftol * f, or when its damping
    exceeds _MU_CEIL times the Hessian's scale (no step lowers f: a stall, flagged unconverged
    unless its gradient is negligible).
    """
    theta = np.array(theta0, dtype=float)
    m = theta.shape[0]
    f, g, h = _evaluate(theta, data, weights)
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
        f_new, g_new, h_new = _evaluate(trial, data, w)
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
    return _BatchResult(theta, f, g, converged, iteration)


def _lbfgsb(theta0: FloatArray, data: _Data) -> tuple[FloatArray, float]:
    """One scipy L-BFGS-B run with the analytic gradient and tight tolerances."""

    def fun(t: FloatArray) -> tuple[float, FloatArray]:
        f, g, _ = _evaluate(t[None, :], data, None)
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


# --------------------------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Interval:
    """A percentile interval from the bootstrap."""

    low: float
    high: float

    def to_list(self) -> list[float]:
        return [self.low, self.high]


@dataclass(frozen=True)
class Allocation:
    """Compute-optimal allocation at one budget (Hoffmann et al. 2022, eq. 4) with intervals."""

    flops: float
    params: float
    tokens: float
    params_interval: Interval | None
    tokens_interval: Interval | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "C": self.flops,
            "N_opt": self.params,
            "D_opt": self.tokens,
            "N_opt_interval": self.params_interval.to_list() if self.params_interval else None,
            "D_opt_interval": self.tokens_interval.to_list() if self.tokens_interval else None,
        }


@dataclass(frozen=True)
class ParametricFit:
    """The approach-3 fit: best parameters, diagnostics and bootstrap.

    Attributes
    ----------
    theta
        Best (a, b, e, alpha, beta); E, A, B = exp(e), exp(a), exp(b).
    objective
        Summed Huber loss at the optimum.
    n_starts, n_reached_best
        Starts tried, and how many ended within ``REACHED_RTOL`` of the best objective.
    hessian_condition
        Condition number of the Hessian of f at the optimum (inf when singular).
    bootstrap
        Rows (E, A, B, alpha, beta), one per bootstrap resample (empty without bootstrap).
    intervals
        Percentile intervals at ``interval_level`` for E, A, B, alpha, beta, a, b.
    """

    theta: FloatArray
    objective: float
    n_points: int
    n_starts: int
    n_followed: int
    n_reached_best: int
    hessian_condition: float
    warnings: tuple[str, ...]
    bootstrap: FloatArray
    intervals: dict[str, Interval]
    interval_level: float
    allocation: tuple[Allocation, ...]
    delta: float = HUBER_DELTA
    n_bootstrap_converged: int = 0
    seed: int | None = None

    @property
    def E(self) -> float:
        return float(np.exp(self.theta[2]))

    @property
    def A(self) -> float:
        return float(np.exp(self.theta[0]))

    @property
    def B(self) -> float:
        return float(np.exp(self.theta[1]))

    @property
    def alpha(self) -> float:
        return float(self.theta[3])

    @property
    def beta(self) -> float:
        return float(self.theta[4])

    @property
    def a(self) -> float:
        """Exponent of N_opt in C: beta / (alpha + beta) (Hoffmann et al. 2022, eq. 4)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt in C: alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)

    def law(self, *, law_id: str = "fit", name: str = "Fitted approach-3 law") -> ParametricLaw:
        """The fitted law as a :class:`~llmplan.laws.ParametricLaw`."""
        return _law(self.E, self.A, self.B, self.alpha, self.beta, law_id=law_id, name=name)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: E, A, B, alpha, beta, a, b, objective, n_starts, n_reached_best,
        warnings, intervals {name: [lo, hi]}, bootstrap [[E, A, B, alpha, beta], ...],
        n_points, and the allocation at the requested budgets."""
        return {
            "E": self.E,
            "A": self.A,
            "B": self.B,
            "alpha": self.alpha,
            "beta": self.beta,
            "a": self.a,
            "b": self.b,
            "objective": self.objective,
            "n_points": self.n_points,
            "n_starts": self.n_starts,
            "n_followed": self.n_followed,
            "n_reached_best": self.n_reached_best,
            "huber_delta": self.delta,
            "hessian_condition": self.hessian_condition
            if np.isfinite(self.hessian_condition)
            else None,
            "warnings": list(self.warnings),
            "interval_level": self.interval_level,
            "intervals": {k: v.to_list() for k, v in self.intervals.items()},
            "allocation": [al.to_dict() for al in self.allocation],
            "n_bootstrap": len(self.bootstrap),
            "n_bootstrap_converged": self.n_bootstrap_converged,
            "seed": self.seed,
            "bootstrap": [[float(v) for v in row] for row in self.bootstrap],
        }


def _law(
    E: float, A: float, B: float, alpha: float, beta: float, *, law_id: str, name: str
) -> ParametricLaw:
    return ParametricLaw(
        id=law_id,
        name=name,
        citation="fitted with llmplan (Hoffmann et al. 2022, arXiv:2203.15556, approach 3)",
        counts_embeddings=True,
        flops_range=(0.0, float("inf")),
        E=E,
        A=A,
        B=B,
        alpha=alpha,
        beta=beta,
    )


# --------------------------------------------------------------------------------------------
# The fit


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
    data = _make_data(params, tokens, losses, delta=delta)
    theta0 = hoffmann_grid() if starts is None else np.atleast_2d(np.asarray(starts, float))
    if theta0.shape[1] != 5:
        raise InputError(
            Where("fit", field="starts"), "each start needs 5 values (a, b, e, alpha, beta)"
        )
    n_starts = theta0.shape[0]
    # screen: the objective at every start, in one vectorised pass; follow the most promising
    f0, _, _ = _evaluate(theta0, data, None, derivatives=False)
    follow = np.argsort(f0, kind="stable")
    if n_follow is not None:
        follow = follow[: max(1, min(n_follow, n_starts))]
    batch = _batched_newton(theta0[follow], data)
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
    polish = _batched_newton(final_theta[best][None, :], data)
    if polish.f[0] < final_f[best]:
        final_theta[best], final_f[best] = polish.theta[0], polish.f[0]
    theta = final_theta[best]
    f_best = float(final_f[best])
    reached = followed & (final_f <= f_best + reached_rtol * abs(f_best))
    _, g, hess = _evaluate(theta[None, :], data, None)
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
    n_resamples: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    delta: float = HUBER_DELTA,
    chunk: int = 500,
) -> tuple[FloatArray, NDArray[np.bool_]]:
    """Refit on ``n_resamples`` resamples of the points (with replacement), all at once.

    Each resample is a vector of multinomial counts (weights) over the points; every refit
    starts from ``theta_start`` (the full-data optimum). Returns the fitted theta rows
    (n_resamples, 5) and whether each converged.
    """
    data = _make_data(params, tokens, losses, delta=delta)
    n = data.x.size
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, np.full(n, 1.0 / n), size=n_resamples).astype(float)
    start = np.asarray(theta_start, dtype=float)
    thetas = np.empty((n_resamples, 5))
    converged = np.zeros(n_resamples, dtype=bool)
    for lo in range(0, n_resamples, chunk):
        hi = min(lo + chunk, n_resamples)
        theta0 = np.repeat(start[None, :], hi - lo, axis=0)
        res = _batched_newton(theta0, data, counts[lo:hi])
        thetas[lo:hi] = res.theta
        converged[lo:hi] = res.converged
    return thetas, converged


def fit_parametric(
    params: ArrayLike,
    tokens: ArrayLike,
    losses: ArrayLike,
    *,
    n_bootstrap: int = DEFAULT_BOOTSTRAP,
    seed: int = 0,
    delta: float = HUBER_DELTA,
    interval: float = DEFAULT_INTERVAL,
    budgets: Sequence[float] = DEFAULT_BUDGETS,
    starts: ArrayLike | None = None,
    n_follow: int | None = DEFAULT_FOLLOW,
    n_refine: int = DEFAULT_REFINE,
) -> ParametricFit:
    """Approach 3: the grid fit, then ``n_bootstrap`` seeded bootstrap refits with intervals.

    Parameters
    ----------
    params, tokens, losses
        N, D and final loss (nats) of each run; positive and finite.
    n_bootstrap
        Resamples; 0 skips the bootstrap (then no intervals).
    interval
        Confidence level of the percentile intervals (0.95 gives the 2.5th-97.5th percentiles).
    budgets
        Training budgets (FLOPs) at which to report N_opt and D_opt with intervals.
    """
    if not 0.0 < interval < 1.0:
        raise InputError(Where("fit", field="interval"), f"level {interval} is not in (0, 1)")
    if n_bootstrap < 0:
        raise InputError(
            Where("fit", field="bootstrap"), f"{n_bootstrap} resamples", expected=">= 0"
        )
    n = np.asarray(params, dtype=float).size
    if n < 6:
        raise InputError(
            Where("fit"), f"{n} points cannot determine 5 parameters", expected="at least 6 runs"
        )
    grid = fit_grid(
        params, tokens, losses, delta=delta, starts=starts, n_follow=n_follow, n_refine=n_refine
    )
    warnings = list(grid.warnings)
    rows = np.empty((0, 5))
    n_conv = 0
    intervals: dict[str, Interval] = {}
    boot_laws: list[ParametricLaw] = []
    if n_bootstrap:
        thetas, conv = bootstrap_fits(
            params, tokens, losses, grid.theta, n_resamples=n_bootstrap, seed=seed, delta=delta
        )
        n_conv = int(conv.sum())
        if n_conv < n_bootstrap:
            warnings.append(
                f"{n_bootstrap - n_conv} of {n_bootstrap} bootstrap refits did not converge; "
                "they are kept at their last iterate"
            )
        rows = np.column_stack(
            [np.exp(thetas[:, 2]), np.exp(thetas[:, 0]), np.exp(thetas[:, 1]), thetas[:, 3:]]
        )
        lo_q, hi_q = 50.0 * (1.0 - interval), 50.0 * (1.0 + interval)
        alpha, beta = rows[:, 3], rows[:, 4]
        columns = {
            "E": rows[:, 0],
            "A": rows[:, 1],
            "B": rows[:, 2],
            "alpha": alpha,
            "beta": beta,
            "a": beta / (alpha + beta),
            "b": alpha / (alpha + beta),
        }
        for name, values in columns.items():
            lo, hi = np.nanpercentile(values, [lo_q, hi_q])
            intervals[name] = Interval(float(lo), float(hi))
        boot_laws = [_law(*row, law_id="boot", name="bootstrap") for row in rows]

    best = _law(
        float(np.exp(grid.theta[2])),
        float(np.exp(grid.theta[0])),
        float(np.exp(grid.theta[1])),
        float(grid.theta[3]),
        float(grid.theta[4]),
        law_id="fit",
        name="fit",
    )
    allocation = []
    c = np.asarray(list(budgets), dtype=float)
    n_opt, d_opt = best.optimal(c)
    if boot_laws:
        boot = np.array([law.optimal(c) for law in boot_laws])  # (K, 2, budgets)
        lo_q, hi_q = 50.0 * (1.0 - interval), 50.0 * (1.0 + interval)
        qs = np.nanpercentile(boot, [lo_q, hi_q], axis=0)  # (2, 2, budgets)
    for j, cj in enumerate(c):
        allocation.append(
            Allocation(
                flops=float(cj),
                params=float(n_opt[j]),
                tokens=float(d_opt[j]),
                params_interval=Interval(float(qs[0, 0, j]), float(qs[1, 0, j]))
                if boot_laws
                else None,
                tokens_interval=Interval(float(qs[0, 1, j]), float(qs[1, 1, j]))
                if boot_laws
                else None,
            )
        )
    return ParametricFit(
        theta=grid.theta,
        objective=grid.objective,
        n_points=int(n),
        n_starts=grid.n_starts,
        n_followed=grid.n_followed,
        n_reached_best=grid.n_reached_best,
        hessian_condition=grid.hessian_condition,
        warnings=tuple(warnings),
        bootstrap=rows,
        intervals=intervals,
        interval_level=interval,
        allocation=tuple(allocation),
        delta=delta,
        n_bootstrap_converged=n_conv,
        seed=seed if n_bootstrap else None,
    )
