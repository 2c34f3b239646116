"""The efficient frontier of a sweep: the points no other point beats on both cost and loss.

Point q dominates point p when q costs no more and predicts no higher loss, and is better in one
of the two (Pareto efficiency; the "efficient frontier" of Markowitz 1952, Portfolio Selection, J.
Finance 7(1), with risk read as loss). Sorting by cost, then loss, a point is on the frontier when
its loss is below that of every cheaper point: an O(n log n) sweep. Of points with equal cost and
loss only the fastest (fewest days: twice the accelerators for half the time cost the same and
reach the same loss) is kept, then the first in point order.

Cost is dollars where every point has a price, else accelerator-hours, else training FLOPs.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import pandas as pd

#: Cost columns in order of preference, with what they measure.
COSTS: Final = (("usd", "dollars"), ("gpu_hours", "accelerator-hours"), ("train_flops", "FLOPs"))


def cost_column(table: pd.DataFrame) -> str:
    """The cost the frontier is drawn against: the first of :data:`COSTS` every point has."""
    for column, _ in COSTS:
        if table[column].notna().all():
            return column
    return "train_flops"


def pareto_front(cost: np.ndarray, loss: np.ndarray, days: np.ndarray | None = None) -> np.ndarray:
    """Indices of the non-dominated points, cheapest first (NaN cost or loss: never on it);
    ``days`` breaks ties of cost and loss (fewest first)."""
    cost = np.asarray(cost, dtype=float)
    loss = np.asarray(loss, dtype=float)
    ok = np.flatnonzero(np.isfinite(cost) & np.isfinite(loss))
    if not ok.size:
        return ok
    time = np.zeros(cost.size) if days is None else np.nan_to_num(np.asarray(days, float))
    order = ok[np.lexsort((ok, time[ok], loss[ok], cost[ok]))]  # cost, loss, days, point
    sorted_loss = loss[order]
    best_before = np.concatenate([[np.inf], np.minimum.accumulate(sorted_loss)[:-1]])
    return order[sorted_loss < best_before]


def dominated_by(cost: np.ndarray, loss: np.ndarray, i: int, j: int) -> bool:
    """Whether point j dominates point i (for tests and for readers of the definition)."""
    return bool(
        cost[j] <= cost[i] and loss[j] <= loss[i] and (cost[j] < cost[i] or loss[j] < loss[i])
    )


def near_best(cost: np.ndarray, loss: np.ndarray, front: np.ndarray, tolerance: float) -> int:
    """The cheapest frontier point whose loss is within ``tolerance`` (relative) of the lowest
    loss of the sweep; -1 for an empty frontier."""
    if not front.size:
        return -1
    lowest = float(np.min(loss[front]))
    within = front[loss[front] <= lowest * (1.0 + tolerance)]
    return int(within[np.argmin(cost[within])])


def pareto_within(
    cost: np.ndarray, loss: np.ndarray, cells: np.ndarray, days: np.ndarray | None = None
) -> np.ndarray:
    """Whether each point is on the frontier of its own cell (the points that share the values of
    the keys held fixed: one frontier per combination of assumptions)."""
    cells = np.asarray(cells)
    mask = np.zeros(cells.size, dtype=bool)
    order = np.argsort(cells, kind="stable")
    bounds = np.flatnonzero(np.diff(cells[order])) + 1
    for members in np.split(order, bounds):
        if members.size:
            time = None if days is None else days[members]
            mask[members[pareto_front(cost[members], loss[members], time)]] = True
    return mask
