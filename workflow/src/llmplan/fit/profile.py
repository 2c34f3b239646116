"""Starts for approach 3 from the linear part of the model (variable projection).

For fixed exponents (alpha, beta) the model L(N, D) = E + A N^-alpha + B D^-beta is linear in
(E, A, B) (a separable problem: Golub and Pereyra 1973, "The differentiation of pseudo-inverses and
nonlinear least squares problems whose variables separate", SIAM J. Numer. Anal. 10(2); applied to
the Chinchilla form by Czech et al. 2026, arXiv:2603.22339). Since log(pred / L) ~ pred / L - 1
for a good fit, the best (E, A, B) >= 0 at each (alpha, beta) is close to the non-negative least
squares solution of

    min_{E, A, B >= 0}  sum_i ((E + A u_i + B v_i) / L_i - 1)^2,   u_i = N_i^-alpha, v_i = D_i^-beta,

a 3-variable NNLS solved exactly: the optimum is the unconstrained least-squares solution on its
support, so it is the best of the 7 subset solutions whose coefficients are all positive (Lawson
and Hanson 1974, "Solving Least Squares Problems", ch. 23). The normal equations need only
sums over points of products of 1 / L, u(alpha) and v(beta), so a whole (alpha, beta) grid costs
one small matrix product per block of points.

Each grid point (alpha, beta, E, A, B) is then scored with the exact Huber objective, and the
search follows the local minima of this profile over the (alpha, beta) grid (one start per
basin of the profile), its best points and the best point on each edge of the grid (towards
minima where an exponent leaves the grid): the 180 (a, b, e) starts Hoffmann's grid pairs with
each (alpha, beta) collapse to the one (E, A, B) that fits best there.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import NDArray

from llmplan.fit.objective import MAX_CELLS, FloatArray, HuberData, evaluate

#: The exponent axes of the profile: Hoffmann's {0, 0.5, ..., 2} refined to steps of 0.1.
PROFILE_AXIS: Final = tuple(round(0.1 * k, 10) for k in range(21))

#: Starts followed: up to this many local minima of the profile, and its best this many points.
N_BASINS: Final = 16
N_BEST: Final = 8

_SUBSETS: Final = ((0,), (1,), (2,), (0, 1), (0, 2), (1, 2), (0, 1, 2))
_SINGULAR: Final = 1e-12  # relative determinant below which a subset's system is singular
_FLOOR: Final = 1e-6  # a zero coefficient becomes this fraction of the loss (its log is finite)


def profile_starts(
    data: HuberData,
    *,
    alphas: tuple[float, ...] = PROFILE_AXIS,
    betas: tuple[float, ...] = PROFILE_AXIS,
) -> tuple[FloatArray, FloatArray]:
    """Rows theta = (a, b, e, alpha, beta) for every grid pair and the Huber objective at each.

    Returns theta (len(alphas) * len(betas), 5), alpha varying slowest, and f at each row.
    """
    al = np.asarray(alphas, dtype=float)
    be = np.asarray(betas, dtype=float)
    n = data.size
    # sums over points of products of the columns z = 1 / L, u(alpha) z and v(beta) z
    zz = z1 = 0.0
    uz = np.zeros(al.size)
    vz = np.zeros(be.size)
    uu = np.zeros(al.size)
    vv = np.zeros(be.size)
    u1 = np.zeros(al.size)
    v1 = np.zeros(be.size)
    uv = np.zeros((al.size, be.size))
    step = max(1, MAX_CELLS // max(al.size, be.size))
    for j0 in range(0, n, step):
        cols = slice(j0, min(j0 + step, n))
        z = np.exp(-data.logl[cols])
        u = np.exp(-np.outer(data.x[cols], al)) * z[:, None]
        v = np.exp(-np.outer(data.y[cols], be)) * z[:, None]
        zz += float(z @ z)
        z1 += float(z.sum())
        uz += z @ u
        vz += z @ v
        uu += np.einsum("ij,ij->j", u, u)
        vv += np.einsum("ij,ij->j", v, v)
        u1 += u.sum(axis=0)
        v1 += v.sum(axis=0)
        uv += u.T @ v
    # normalised columns: unit norms, so every subset system is well scaled
    s0 = np.sqrt(zz)
    s1 = np.sqrt(uu)[:, None] * np.ones((1, be.size))
    s2 = np.ones((al.size, 1)) * np.sqrt(vv)[None, :]
    gram = np.empty((al.size, be.size, 3, 3))
    gram[..., 0, 0] = gram[..., 1, 1] = gram[..., 2, 2] = 1.0
    gram[..., 0, 1] = gram[..., 1, 0] = (uz[:, None] / s0) / s1
    gram[..., 0, 2] = gram[..., 2, 0] = (vz[None, :] / s0) / s2
    gram[..., 1, 2] = gram[..., 2, 1] = uv / (s1 * s2)
    rhs = np.stack(
        np.broadcast_arrays(z1 / s0, (u1[:, None] / s1), (v1[None, :] / s2)), axis=-1
    ).astype(float)
    coef = _nnls3(gram.reshape(-1, 3, 3), rhs.reshape(-1, 3))
    coef = np.maximum(coef, _FLOOR * np.sqrt(n))
    e_, a_, b_ = (coef[:, k] for k in range(3))
    scale = np.stack([np.full(s1.size, s0), s1.ravel(), s2.ravel()], axis=1)
    e_, a_, b_ = (np.log(v) - np.log(scale[:, k]) for k, v in enumerate((e_, a_, b_)))
    alpha = np.repeat(al, be.size)
    beta = np.tile(be, al.size)
    theta = np.column_stack([a_, b_, e_, alpha, beta])
    f, _, _ = evaluate(theta, data, None, derivatives=False)
    f[~np.isfinite(f)] = np.inf
    return theta, f


def _nnls3(gram: FloatArray, rhs: FloatArray) -> FloatArray:
    """Exact NNLS min ||X c - 1||^2, c >= 0, for 3 unit-norm columns, from X^T X and X^T 1.

    Every subset's least-squares solution is computed; the best one with all coefficients
    positive is the NNLS optimum. The residual of a subset solution c_S is n - c_S . b_S.
    """
    p = gram.shape[0]
    best = np.full(p, -np.inf)  # c_S . b_S, to be maximised
    out = np.zeros((p, 3))
    for subset in _SUBSETS:
        idx = np.array(subset)
        g = gram[:, idx[:, None], idx[None, :]]
        b = rhs[:, idx]
        det = np.linalg.det(g)
        ok = np.abs(det) > _SINGULAR
        c = np.zeros((p, idx.size))
        if ok.any():
            c[ok] = np.linalg.solve(g[ok], b[ok][:, :, None])[:, :, 0]
        gain = np.einsum("pk,pk->p", c, b)
        better = ok & (c > 0).all(axis=1) & (gain > best)
        best[better] = gain[better]
        out[better] = 0.0
        out[np.ix_(np.flatnonzero(better), idx)] = c[better]
    return out


def basin_starts(
    f: FloatArray,
    shape: tuple[int, int],
    *,
    n_basins: int = N_BASINS,
    n_best: int = N_BEST,
) -> NDArray[np.intp]:
    """Indices of the profile's local minima over the (alpha, beta) grid, of its best points and
    of the best point on each edge of the grid.

    A grid point is a local minimum when no neighbour (8-neighbourhood) has a lower f; plateaus
    keep their first point. At most ``n_basins`` minima and the ``n_best`` best points. The edge
    points lead Newton to minima beyond the grid, where an exponent tends to 0 (the term becomes
    a constant, traded against E), turns negative or grows past the grid: fits that the data do
    not identify, but that an exhaustive search reports when they are lowest. Deduplicated.
    """
    grid = f.reshape(shape)
    padded = np.pad(grid, 1, constant_values=np.inf)
    minimum = np.isfinite(grid)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                near = padded[1 + di : 1 + di + shape[0], 1 + dj : 1 + dj + shape[1]]
                # strictly lower neighbours exclude; equal ones exclude only if earlier
                earlier = (di, dj) < (0, 0)
                minimum &= (grid < near) | ((grid == near) & (not earlier))
    order = np.argsort(f, kind="stable")
    local = [int(k) for k in order if minimum.ravel()[k]][:n_basins]
    top = [int(k) for k in order[:n_best] if np.isfinite(f[k])]
    index = np.arange(f.size).reshape(shape)
    edges = []
    for line in (index[0], index[-1], index[:, 0], index[:, -1]):
        finite = line[np.isfinite(f[line])]
        if finite.size:
            edges.append(int(finite[np.argmin(f[finite])]))
    return np.array(list(dict.fromkeys(local + top + edges)), dtype=np.intp)
