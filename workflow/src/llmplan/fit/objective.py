"""The objective of approach 3 (Hoffmann et al. 2022) with its exact gradient and Hessian.

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

All of it is vectorised over a batch of parameter vectors (starts, or bootstrap resamples given
as weights), which is what makes the multi-start search of :mod:`.search` fast.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from llmplan.core.errors import InputError, Where

FloatArray = NDArray[np.float64]

#: Huber threshold on log-loss residuals (Hoffmann et al. 2022, s3.3 and App. D.2).
HUBER_DELTA: Final = 1e-3

#: Parameter order of theta everywhere in this module.
THETA_NAMES: Final = ("a", "b", "e", "alpha", "beta")

_EXP_FLOOR: Final = 150.0
_UPPER: Final = np.triu_indices(5, 1)


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
class HuberData:
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


def evaluate(
    theta: FloatArray, data: HuberData, weights: FloatArray | None, *, derivatives: bool = True
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
    data = make_data(params, tokens, losses, delta=delta)
    w = None if weights is None else np.asarray(weights, dtype=float)[None, :]
    f, _, _ = evaluate(np.asarray(theta, dtype=float)[None, :], data, w, derivatives=False)
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
    data = make_data(params, tokens, losses, delta=delta)
    f, g, h = evaluate(np.asarray(theta, dtype=float)[None, :], data, None)
    assert g is not None and h is not None
    return float(f[0]), g[0], h[0]


def make_data(
    params: ArrayLike, tokens: ArrayLike, losses: ArrayLike, *, delta: float, where: str = "fit"
) -> HuberData:
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
    return HuberData(np.log(n), np.log(d), np.log(loss), float(delta))
