"""Straight lines fitted by least squares: the one line fit behind every trend and frontier.

y = intercept + slope x by ordinary least squares. Uses: log10 N_opt against log10 C (Hoffmann et
al. 2022, arXiv:2203.15556, approaches 1 and 2), log10 tokens against log10 parameters and log10
compute against year in the catalog (Sevilla et al. 2022, arXiv:2202.05924, fit compute trends the
same way). Intervals on the coefficients are Student-t intervals with n - 2 degrees of freedom at
the house level (:data:`llmplan.core.intervals.INTERVAL_LEVEL`). :func:`fit_lines` fits many lines
at once (bootstrap resamples), each on its own subset of points.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from llmplan.core.errors import InputError, Where
from llmplan.core.intervals import INTERVAL_LEVEL


def fit_lines(x: ArrayLike, y: ArrayLike, mask: ArrayLike | None = None) -> NDArray[np.float64]:
    """Slopes and intercepts (K, 2) of K lines, row k fitted to the points where ``mask[k]``.

    ``x`` and ``y`` are (K, n) or broadcast to it; rows with fewer than two distinct x give NaN.
    """
    y = np.atleast_2d(np.asarray(y, dtype=float))
    x = np.broadcast_to(np.asarray(x, dtype=float), y.shape)
    m = np.ones(y.shape, dtype=bool) if mask is None else np.broadcast_to(mask, y.shape)
    w = m.astype(float)
    n = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mx = np.where(m, x, 0.0).sum(axis=1) / n
        my = np.where(m, y, 0.0).sum(axis=1) / n
        dx = np.where(m, x - mx[:, None], 0.0)
        sxx = (dx * dx).sum(axis=1)
        sxy = (dx * np.where(m, y - my[:, None], 0.0)).sum(axis=1)
        slope = np.where(sxx > 0, sxy / sxx, np.nan)
    return np.column_stack([slope, my - slope * mx])


def r_squared(x: ArrayLike, y: ArrayLike, slope: float, intercept: float) -> float:
    """Share of the variance of y explained by the line (NaN when y is constant)."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    total = float(((ys - ys.mean()) ** 2).sum())
    resid = float(((ys - intercept - slope * xs) ** 2).sum())
    return 1.0 - resid / total if total > 0 else float("nan")


@dataclass(frozen=True)
class LineFit:
    """y = intercept + slope x by OLS, with Student-t intervals at ``level``."""

    x_name: str
    y_name: str
    n: int
    slope: float
    intercept: float
    slope_interval: tuple[float, float]
    intercept_interval: tuple[float, float]
    r2: float
    level: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "x": self.x_name,
            "y": self.y_name,
            "n": self.n,
            "slope": self.slope,
            "intercept": self.intercept,
            "slope_interval": list(self.slope_interval),
            "intercept_interval": list(self.intercept_interval),
            "r2": self.r2,
            "level": self.level,
        }


def fit_line(
    x: ArrayLike,
    y: ArrayLike,
    *,
    x_name: str = "x",
    y_name: str = "y",
    level: float = INTERVAL_LEVEL,
) -> LineFit:
    """One OLS line with t-intervals and R^2; needs at least 3 points with 2 distinct x.

    Raises
    ------
    InputError
        Too few points (named by ``y_name ~ x_name``).
    """
    xs = np.asarray(x, dtype=float).ravel()
    ys = np.asarray(y, dtype=float).ravel()
    n = xs.size
    if n < 3 or np.unique(xs).size < 2:
        raise InputError(
            Where("trends", field=f"{y_name} ~ {x_name}"),
            f"{n} points ({np.unique(xs).size} distinct {x_name})",
            expected="at least 3 points with 2 distinct x values",
        )
    slope, intercept = (float(v) for v in fit_lines(xs, ys)[0])
    ss_res = float(((ys - (intercept + slope * xs)) ** 2).sum())
    sxx = float(((xs - xs.mean()) ** 2).sum())
    sigma2 = ss_res / (n - 2)
    se_slope = (sigma2 / sxx) ** 0.5
    se_intercept = (sigma2 * (1.0 / n + xs.mean() ** 2 / sxx)) ** 0.5
    from scipy import stats  # imported here: it costs half a second, and few steps need it

    t = float(stats.t.ppf(0.5 + level / 2.0, n - 2))
    return LineFit(
        x_name=x_name,
        y_name=y_name,
        n=n,
        slope=slope,
        intercept=intercept,
        slope_interval=(slope - t * se_slope, slope + t * se_slope),
        intercept_interval=(intercept - t * se_intercept, intercept + t * se_intercept),
        r2=r_squared(xs, ys, slope, intercept),
        level=level,
    )
