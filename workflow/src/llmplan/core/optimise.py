"""One-dimensional minimisation over log N: a dense grid, then bounded Brent search.

Every constrained allocation (data-constrained, inference-aware, capped) minimises a smooth
function of ln N at fixed compute. The grid finds the basin even where the objective is flat or
infinite far away; Brent's method (scipy's bounded ``minimize_scalar``) polishes the best cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
from scipy.optimize import minimize_scalar

#: Points of the grid.
GRID_POINTS: Final = 2001


def argmin_on_interval(
    func: Callable[[np.ndarray], np.ndarray], x_low: float, x_high: float
) -> float:
    """argmin of a unimodal-ish ``func`` (vectorised in x) on [x_low, x_high]: grid, then Brent."""
    grid = np.linspace(x_low, x_high, GRID_POINTS)
    values = func(grid)
    values = np.where(np.isfinite(values), values, np.inf)
    i = int(np.argmin(values))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    # Far outside a law's range the objective can be infinite next to the grid's best point;
    # Brent's parabola through such points is NaN, which the check below rejects, so the
    # floating-point warnings are silenced rather than shown to the user.
    with np.errstate(invalid="ignore", over="ignore"):
        result = minimize_scalar(
            lambda x: float(func(np.array([x]))[0]),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-10},
        )
    best = float(result.x)
    return best if float(func(np.array([best]))[0]) <= values[i] else float(grid[i])
