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


#: Cells (parameter vectors x points) evaluated per block: every temporary array of
#: :func:`evaluate` holds at most this many numbers (64 KiB), whatever the number of points or
#: parameter vectors, so memory does not grow with their product and a block's temporaries stay
#: in a core's cache (twice as fast as 8x larger blocks on this machine). Below 9,216 cells
#: OpenBLAS runs a matrix-vector product on one thread (its gemv threshold, 2304 x 4): threads
#: only add overhead at this size, and on a shared machine they made the fit 4x slower.
MAX_CELLS: Final = 1 << 13


@dataclass(frozen=True)
class HuberData:
    """The points of a fit in log space, with the products the derivative sums need."""

    x: FloatArray  # log N
    y: FloatArray  # log D
    logl: FloatArray  # log L
    delta: float
    one: FloatArray = field(init=False)
    x2: FloatArray = field(init=False)
    y2: FloatArray = field(init=False)
    xy: FloatArray = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "one", np.ones_like(self.x))
        object.__setattr__(self, "x2", self.x * self.x)
        object.__setattr__(self, "y2", self.y * self.y)
        object.__setattr__(self, "xy", self.x * self.y)

    @property
    def size(self) -> int:
        return int(self.x.size)

    def subset(self, index: NDArray[np.intp] | slice) -> HuberData:
        """The same data restricted to the points ``index``."""
        return HuberData(self.x[index], self.y[index], self.logl[index], self.delta)


#: Number of accumulated sums per parameter vector (see :func:`_block`).
_N_SUMS: Final = 22


def block_shape(m: int, n: int) -> tuple[int, int]:
    """Parameter vectors and points per block for m vectors and n points (<= MAX_CELLS cells)."""
    bn = max(1, min(n, max(MAX_CELLS // max(m, 1), 1024)))
    return max(1, min(m, MAX_CELLS // bn)), bn


def evaluate(
    theta: FloatArray, data: HuberData, weights: FloatArray | None, *, derivatives: bool = True
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """Objective, gradient and Hessian for a batch of parameter vectors theta (M, 5).

    ``weights`` is None (all ones) or (M, n). Returns f (M,), g (M, 5), H (M, 5, 5). The work is
    done in blocks of at most :data:`MAX_CELLS` (vector, point) cells whose sums are accumulated.
    Non-finite values (a step that overflowed) give f = inf or NaN, which callers reject.
    """
    theta = np.asarray(theta, dtype=float)
    m, n = theta.shape[0], data.size
    f = np.zeros(m)
    sums = np.zeros((m, _N_SUMS)) if derivatives else None
    bm, bn = block_shape(m, n)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        for i0 in range(0, m, bm):
            rows = slice(i0, min(i0 + bm, m))
            for j0 in range(0, n, bn):
                cols = slice(j0, min(j0 + bn, n))
                w = None if weights is None else weights[rows, cols]
                _block(theta[rows], data, cols, w, f[rows], None if sums is None else sums[rows])
        if sums is None:
            return f, None, None
        g, hess = _assemble(sums)
    return f, g, hess


def _block(
    theta: FloatArray,
    data: HuberData,
    cols: slice,
    w: FloatArray | None,
    f: FloatArray,
    sums: FloatArray | None,
) -> None:
    """Add one block's objective to f and its 22 weighted sums to ``sums`` (in place).

    Model terms t1 = exp(a - alpha x), t2 = exp(b - beta y), t3 = E = exp(e); s = t1 + t2 + t3,
    r = log s - log L, psi = clip(r, -delta, delta), Huber(r) = psi (r - psi / 2). Softmax
    weights p_k = t_k / s with p3 = 1 - p1 - p2, c = w psi, q = w (psi' - psi).
    """
    a, b, e, alpha, beta = (theta[:, k : k + 1] for k in range(5))
    x, y = data.x[cols], data.y[cols]
    t1 = alpha * x
    np.subtract(a, t1, out=t1)
    np.exp(t1, out=t1)
    t2 = beta * y
    np.subtract(b, t2, out=t2)
    np.exp(t2, out=t2)
    s = t1 + t2
    s += np.exp(e)
    r = np.log(s)
    r -= data.logl[cols]
    psi = np.clip(r, -data.delta, data.delta)
    c = psi if w is None else psi * w
    # sum w Huber(r) = sum w psi (r - psi / 2)
    f += np.einsum("ij,ij->i", c, r) - 0.5 * np.einsum("ij,ij->i", c, psi)
    if sums is None:
        return
    quad = psi == r  # psi'(r) = 1 inside the quadratic branch
    np.divide(1.0, s, out=s)
    p1 = np.multiply(t1, s, out=t1)
    p2 = np.multiply(t2, s, out=t2)
    q = np.subtract(quad, psi, out=r)
    if w is not None:
        q *= w
    # each sum is a matrix-vector product (several times faster here than one product with a
    # 3-column basis); buffers are reused once their contents are no longer needed
    one, x2, y2, xy = data.one[cols], data.x2[cols], data.y2[cols], data.xy[cols]
    tmp = s
    sums[:, 0] += c @ one
    np.multiply(c, p1, out=tmp)
    sums[:, 1] += tmp @ one
    sums[:, 2] += tmp @ x
    sums[:, 3] += tmp @ x2
    np.multiply(c, p2, out=tmp)
    sums[:, 4] += tmp @ one
    sums[:, 5] += tmp @ y
    sums[:, 6] += tmp @ y2
    sums[:, 7] += q @ one
    qp1 = np.multiply(q, p1, out=psi)
    sums[:, 8] += qp1 @ one
    sums[:, 9] += qp1 @ x
    qp2 = np.multiply(q, p2, out=q)
    sums[:, 10] += qp2 @ one
    sums[:, 11] += qp2 @ y
    np.multiply(qp1, p2, out=tmp)
    sums[:, 12] += tmp @ one
    sums[:, 13] += tmp @ x
    sums[:, 14] += tmp @ y
    sums[:, 15] += tmp @ xy
    qp1 *= p1
    sums[:, 16] += qp1 @ one
    sums[:, 17] += qp1 @ x
    sums[:, 18] += qp1 @ x2
    qp2 *= p2
    sums[:, 19] += qp2 @ one
    sums[:, 20] += qp2 @ y
    sums[:, 21] += qp2 @ y2


def point_huber(theta: ArrayLike, data: HuberData) -> FloatArray:
    """Huber(r_i) of every point at one theta (the summands of f)."""
    a, b, e, alpha, beta = np.asarray(theta, dtype=float)
    m = np.logaddexp(np.logaddexp(a - alpha * data.x, b - beta * data.y), e)
    return huber(m - data.logl, data.delta)


def point_sums(theta: ArrayLike, data: HuberData) -> FloatArray:
    """The 22 summands of :func:`_block` for each point at one theta: (n, 22).

    Their weighted sums over points, w @ point_sums, give through :func:`assemble` the gradient
    and Hessian of the weighted objective at theta for any weights w (the one-step bootstrap).
    """
    a, b, e, alpha, beta = np.asarray(theta, dtype=float)
    with np.errstate(over="ignore", under="ignore"):
        t1 = np.exp(a - alpha * data.x)
        t2 = np.exp(b - beta * data.y)
        s = t1 + t2 + np.exp(e)
    r = np.log(s) - data.logl
    psi = np.clip(r, -data.delta, data.delta)
    p1, p2 = t1 / s, t2 / s
    c, q = psi, (psi == r) - psi
    qp1, qp2 = q * p1, q * p2
    one, x, y = data.one, data.x, data.y
    cols = [c, c * p1, c * p1 * x, c * p1 * data.x2, c * p2, c * p2 * y, c * p2 * data.y2, q]
    cols += [qp1, qp1 * x, qp2, qp2 * y]
    qp12 = qp1 * p2
    cols += [qp12 * one, qp12 * x, qp12 * y, qp12 * data.xy]
    cols += [qp1 * p1, qp1 * p1 * x, qp1 * p1 * data.x2]
    cols += [qp2 * p2, qp2 * p2 * y, qp2 * p2 * data.y2]
    return np.stack(cols, axis=1)


def assemble(sums: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Gradient (M, 5) and Hessian (M, 5, 5) from (M, 22) sums of :func:`point_sums` terms."""
    with np.errstate(invalid="ignore", over="ignore"):
        return _assemble(sums)


def _assemble(sums: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Gradient (M, 5) and Hessian (M, 5, 5) from the accumulated sums of :func:`_block`.

    With J = (p1, p2, p3, -x p1, -y p2): grad = sum c J; hess = sum q J J^T + sum c sum_k p_k
    U_k U_k^T, every p3 eliminated through p3 = 1 - p1 - p2.
    """
    c0, c1, cx, cxx, c2, cy, cyy = sums[:, :7].T
    q0, q1, q1x, q2, q2y = sums[:, 7:12].T
    s12, s12x, s12y, s12xy = sums[:, 12:16].T  # q p1 p2 {1, x, y, xy}
    s11, s11x, s11xx = sums[:, 16:19].T  # q p1^2 {1, x, x^2}
    s22, s22y, s22yy = sums[:, 19:22].T  # q p2^2 {1, y, y^2}
    c3 = c0 - c1 - c2
    g = np.stack([c1, c2, c3, -cx, -cy], axis=1)
    s13, s13x = q1 - s11 - s12, q1x - s11x - s12x  # q p1 p3 {1, x}
    s23, s23y = q2 - s22 - s12, q2y - s22y - s12y  # q p2 p3 {1, y}
    s33 = q0 - 2.0 * q1 - 2.0 * q2 + s11 + 2.0 * s12 + s22  # q p3^2
    hess = np.empty((sums.shape[0], 5, 5))
    hess[:, 0, 0] = s11 + c1
    hess[:, 0, 1] = s12
    hess[:, 0, 2] = s13
    hess[:, 0, 3] = -s11x - cx
    hess[:, 0, 4] = -s12y
    hess[:, 1, 1] = s22 + c2
    hess[:, 1, 2] = s23
    hess[:, 1, 3] = -s12x
    hess[:, 1, 4] = -s22y - cy
    hess[:, 2, 2] = s33 + c3
    hess[:, 2, 3] = -s13x
    hess[:, 2, 4] = -s23y
    hess[:, 3, 3] = s11xx + cxx
    hess[:, 3, 4] = s12xy
    hess[:, 4, 4] = s22yy + cyy
    hess[:, _UPPER[1], _UPPER[0]] = hess[:, _UPPER[0], _UPPER[1]]
    return g, hess


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
