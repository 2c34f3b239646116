"""The one interval convention of llmplan: the central 80%, the 10th to 90th percentiles.

Hoffmann et al. 2022 (arXiv:2203.15556) report the uncertainty of their frontier exponents as
10th and 90th percentiles of a bootstrap (Table 2); every interval llmplan prints (plans, fits,
trends, the command line) uses the same level, so numbers from different pages can be compared.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike

#: The percentiles that bound every interval.
INTERVAL_PERCENTILES: Final = (10.0, 90.0)
#: The central probability mass between them.
INTERVAL_LEVEL: Final = (INTERVAL_PERCENTILES[1] - INTERVAL_PERCENTILES[0]) / 100.0
#: How reports and the command line name it.
INTERVAL_TEXT: Final = "10th–90th percentile (80%) interval"
INTERVAL_SHORT: Final = "10–90%"


def percentile_interval(values: ArrayLike, *, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) percentiles of ``values`` along ``axis``, ignoring NaN."""
    low, high = np.nanpercentile(np.asarray(values, dtype=float), INTERVAL_PERCENTILES, axis=axis)
    return low, high


#: Residual quantiles a law carries to stand for the noise of single runs (equal-weight levels
#: (j + 0.5) / RESIDUAL_QUANTILES).
RESIDUAL_QUANTILES: Final = 100

#: Cells (samples x residuals x points) combined at once by :func:`predictive_interval`.
_PREDICTIVE_CELLS: Final = 1 << 20


def residual_quantiles(residuals: ArrayLike, *, n_params: int = 0) -> np.ndarray:
    """:data:`RESIDUAL_QUANTILES` equal-weight quantiles of the residuals, leverage-adjusted.

    Fitted residuals are smaller than the errors by about sqrt(1 - p / n) for p fitted parameters
    and n points; they are scaled by sqrt(n / (n - p)), the average-leverage form of the modified
    residuals of Davison and Hinkley 1997 ("Bootstrap Methods and their Application", ch. 6).
    """
    r = np.asarray(residuals, dtype=float).ravel()
    r = r[np.isfinite(r)]
    inflate = np.sqrt(r.size / (r.size - n_params)) if r.size > n_params else 1.0
    levels = (np.arange(RESIDUAL_QUANTILES) + 0.5) / RESIDUAL_QUANTILES
    return np.quantile(r, levels) * inflate


def predictive_interval(
    log_values: ArrayLike, residuals: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """House interval of exp(v + e) with v a sample (rows of ``log_values``) and e a residual.

    ``log_values`` (samples, points) are predictions on the log scale, one row per parameter
    sample (bootstrap); ``residuals`` (log scale) stand for the noise of a single run. Every
    (sample, residual) pair counts equally: the prediction distribution of a new observation
    (a bootstrap prediction plus a resampled residual, as for regression prediction in Davison
    and Hinkley 1997, ch. 6).
    Returns (low, high) per point.
    """
    v = np.atleast_2d(np.asarray(log_values, dtype=float))
    e = np.asarray(residuals, dtype=float).ravel()
    v = v[np.isfinite(v).all(axis=1)] if v.shape[0] > 1 else v
    low = np.empty(v.shape[1])
    high = np.empty(v.shape[1])
    step = max(1, _PREDICTIVE_CELLS // max(1, v.shape[0] * e.size))
    for j0 in range(0, v.shape[1], step):
        part = v[:, j0 : j0 + step]
        combined = (part[:, None, :] + e[None, :, None]).reshape(-1, part.shape[1])
        lo, hi = np.percentile(combined, INTERVAL_PERCENTILES, axis=0)
        low[j0 : j0 + step], high[j0 : j0 + step] = np.exp(lo), np.exp(hi)
    return low, high
