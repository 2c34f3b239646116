"""IsoFLOP parabolas (approach 2): the weighted fit, and where its vertex is biased.

The fit. In one IsoFLOP group, L = c2 t^2 + c1 t + c0 with t = log10 N - mean(log10 N), fitted by
(weighted) least squares; the vertex -c1 / (2 c2) estimates log10 N_opt (Hoffmann et al. 2022,
arXiv:2203.15556, s3.2). Normal equations from the moments sum_i w_i t_i^k (k <= 4) and
sum_i w_i t_i^k L_i (k <= 2), one matrix product for many weight rows (bootstrap resamples).

The bias. An IsoFLOP profile of L = E + A/N^alpha + B/D^beta with D = C / (6N) is
A e^{-alpha x} + B' e^{beta x} in x = ln N: not a parabola, and asymmetric unless alpha = beta.
A least-squares parabola's vertex then moves away from the true minimum when the sampled sizes
are not centred on it, when they span a wide range, or when the profile is asymmetric, even
without noise (Czech et al. 2026, "Problems with Chinchilla Approach 2: Systematic Biases in
IsoFLOP Parabola Fits", arXiv:2603.22339, who name these three sources). Two checks use the data
alone (:func:`profile_notes`): the vertex's position within the sampled sizes, and how far the
minimum of a cubic moves from the parabola's. :func:`implied_bias` measures the bias exactly for a
given law: the parabola fitted to the law's own noiseless losses at the runs' (N, D).
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from scipy.stats import t as student_t

from llmplan.core.messages import message
from llmplan.core.regression import fit_lines
from llmplan.laws.base import ParametricLaw

FloatArray = NDArray[np.float64]

#: A vertex further from the middle of the sampled log-sizes than this fraction of their
#: half-range (the outer quarter on either side) is flagged as off-centre.
OFF_CENTRE: Final = 0.5

#: A cubic's minimum this many decades (about 12% in N) from the parabola's flags asymmetry.
ASYMMETRY_DEX: Final = 0.05

#: Distinct sizes a cubic needs before its minimum is compared (4 coefficients, one spare).
CUBIC_SIZES: Final = 5

#: The cubic term must differ from zero at this two-sided significance level (t test on its
#: least-squares estimate) before asymmetry is claimed: with noisy losses a cubic's minimum
#: wanders anyway.
CUBIC_P: Final = 0.01

#: A law-implied vertex bias above this many decades (about 5% in N) is reported as a warning.
IMPLIED_BIAS_DEX: Final = 0.02


def parabola_vertex(
    logn: FloatArray, loss: FloatArray, weights: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted parabola fits for rows of weights (K, n): vertex log10 N, loss there, c2."""
    w = np.ones((1, logn.size)) if weights is None else weights
    t = logn - float(logn.mean())  # centring keeps the normal equations well conditioned
    one = np.ones_like(t)
    features = np.stack([t**4, t**3, t**2, t, one, t**2 * loss, t * loss, loss], axis=1)
    moments = np.einsum("kn,nj->kj", w, features)  # numpy's loops: no BLAS threads
    s4, s3, s2, s1, s0, y2, y1, y0 = moments.T
    xtwx = np.stack(
        [np.stack([s4, s3, s2], -1), np.stack([s3, s2, s1], -1), np.stack([s2, s1, s0], -1)], 1
    )
    xtwy = np.stack([y2, y1, y0], axis=1)
    det = np.linalg.det(xtwx)
    good = np.abs(det) > 1e-12 * np.abs(xtwx).max(axis=(1, 2)) ** 3
    coef = np.full((w.shape[0], 3), np.nan)
    if good.any():
        coef[good] = np.linalg.solve(xtwx[good], xtwy[good][:, :, None])[:, :, 0]
    c2, c1, c0 = coef.T
    with np.errstate(invalid="ignore", divide="ignore"):
        vertex = np.where(c2 > 0, -c1 / (2 * c2), np.nan)
        return vertex + float(logn.mean()), c0 - c1**2 / (4 * c2), c2


def profile_notes(
    logn: FloatArray, loss: FloatArray, vertex: float, *, flops: float
) -> list[dict[str, Any]]:
    """Notes (messages) on the parabola of the group at compute ``flops``: off-centre vertex,
    asymmetric profile (empty if neither).

    Off-centre: the vertex lies inside the sampled sizes but beyond :data:`OFF_CENTRE` of their
    half-range from the middle. Asymmetric (the curvature differs on the two sides): with >=
    :data:`CUBIC_SIZES` distinct sizes, the cubic term of a least-squares cubic is significant
    (t test at level :data:`CUBIC_P`) and the cubic's minimum inside the sampled range
    is more than :data:`ASYMMETRY_DEX` decades from the vertex.
    """
    lo, hi = float(logn.min()), float(logn.max())
    half = 0.5 * (hi - lo)
    notes: list[dict[str, Any]] = []
    if half <= 0 or not lo <= vertex <= hi:
        return notes
    position = (vertex - 0.5 * (lo + hi)) / half
    if abs(position) > OFF_CENTRE:
        side = "large" if position > 0 else "small"
        notes.append(
            message(f"fit.isoflop.off_centre_{side}", C=float(flops), position=abs(position))
        )
    if np.unique(np.round(logn, 9)).size >= CUBIC_SIZES:
        shift = _cubic_shift(logn, loss, vertex)
        if shift is not None and abs(shift) > ASYMMETRY_DEX:
            notes.append(
                message("fit.isoflop.asymmetric", C=float(flops), shift=shift, factor=10.0**shift)
            )
    return notes


def _cubic_shift(logn: FloatArray, loss: FloatArray, vertex: float) -> float | None:
    """log10 N of the cubic's minimum inside the sampled range minus the vertex; None when
    there is none or the cubic term is not significant."""
    mid = float(logn.mean())
    t = logn - mid
    basis = np.stack([t**3, t**2, t, np.ones_like(t)], axis=1)
    coef, *_ = np.linalg.lstsq(basis, loss, rcond=None)
    dof = t.size - 4
    if dof < 1:
        return None
    sigma2 = float(np.sum((loss - basis @ coef) ** 2)) / dof
    cov = sigma2 * np.linalg.pinv(basis.T @ basis)
    if abs(coef[0]) <= student_t.ppf(1.0 - CUBIC_P / 2, dof) * np.sqrt(max(cov[0, 0], 0.0)):
        return None
    c3, c2, c1, _ = coef
    roots = np.roots([3 * c3, 2 * c2, c1]) if c3 != 0 else np.array([-c1 / (2 * c2)])
    real = roots[np.isreal(roots)].real
    minima = real[(6 * c3 * real + 2 * c2 > 0)] + mid
    inside = minima[(minima >= logn.min()) & (minima <= logn.max())]
    return float(inside[0] - vertex) if inside.size else None


def implied_bias(
    law: ParametricLaw, groups: list[tuple[float, FloatArray, FloatArray]]
) -> dict[str, Any]:
    """The approach-2 bias a law implies for these IsoFLOP groups (no noise involved).

    ``groups`` holds (C, N, D) of each usable group's runs. For each, the parabola is fitted to
    the law's own losses L(N, D) at those runs and its vertex compared with the law's eq. 4
    optimum at C (``bias_dex`` = log10 vertex / N_opt); then the frontier exponent a through
    the vertices is compared with the law's beta / (alpha + beta).
    """
    rows = []
    for flops, params, tokens in groups:
        vertex, _, _ = parabola_vertex(np.log10(params), law.loss(params, tokens))
        n_opt, _ = law.optimal(flops)
        rows.append({"C": float(flops), "bias_dex": float(vertex[0] - np.log10(n_opt))})
    biases = np.array([r["bias_dex"] for r in rows])
    logc = np.log10([r["C"] for r in rows])
    ok = np.isfinite(biases)
    a_parabola = float("nan")
    if ok.sum() >= 2:
        n_true = np.log10(law.optimal(10.0 ** logc[ok])[0])
        slope = fit_lines(logc[ok][None, :], (n_true + biases[ok])[None, :])[0][0]
        a_parabola = float(slope)
    worst = float(np.nanmax(np.abs(biases))) if ok.any() else float("nan")
    return {
        "groups": rows,
        "max_abs_bias_dex": worst,
        "a_law": float(law.a),
        "a_parabola": a_parabola,
        "biased": bool(np.isfinite(worst) and worst > IMPLIED_BIAS_DEX),
    }
