"""``reports/sweeps/<name>/sweep.json``: what a sweep report shows, from the table of its points.

The table itself (every point, every column) goes to ``points.csv``; the JSON holds the sweep's
description, the efficient frontier (:mod:`.frontier`) and the point it recommends, a summary of
each quantity, one row per accelerator count, and an evenly spaced sample of at most
:data:`CHART_POINTS` points (all frontier points included) for the charts, so that a report of a
million points draws a readable chart and a PDF of a few pages.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from llmplan.sweep.frontier import COSTS, cost_column, near_best, pareto_front, pareto_within
from llmplan.sweep.grid import digits
from llmplan.sweep.spec import Sweep

#: Most points the charts draw (a sample, evenly spaced in point order, plus the frontier).
CHART_POINTS: Final = 4000
#: Most frontier rows the report's table lists (evenly spaced along the frontier, both ends in).
TABLE_ROWS: Final = 25
#: Most cells (combinations of the values held fixed) whose recommendation the report lists.
CELL_ROWS: Final = 30
#: Quantities summarised (min, median, max) on the report.
SUMMARY: Final = ("params", "tokens", "loss", "days", "usd", "gpu_hours", "energy_kwh")
#: Columns of a frontier row and of the chart sample.
ROW_COLUMNS: Final = (
    "point",
    "hardware",
    "count",
    "mfu",
    "flops",
    "params",
    "tokens",
    "tokens_per_param",
    "loss",
    "loss_law",
    "days",
    "usd",
    "gpu_hours",
    "energy_kwh",
    "inference_tokens",
    "unique_tokens",
    "max_params",
    "binding",
)


def _clean(value: Any) -> Any:
    """A JSON value: NaN and infinities as null, numpy scalars as Python ones."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _row(table: pd.DataFrame, i: int, keys: list[str]) -> dict[str, Any]:
    record = table.iloc[i]
    row = {c: _clean(record[c]) for c in ROW_COLUMNS}
    row["grid"] = {k: _clean(record[k]) for k in keys}
    return row


def evenly(indices: np.ndarray, most: int) -> np.ndarray:
    """At most ``most`` of ``indices``, evenly spaced, first and last included."""
    if indices.size <= most:
        return indices
    pick = np.unique(np.round(np.linspace(0, indices.size - 1, most)).astype(int))
    return indices[pick]


def cells_of(sweep: Sweep, table: pd.DataFrame) -> np.ndarray:
    """The cell (combination of the values held fixed) of every point of the table."""
    return sweep.cell_of(digits(sweep.factors, table["point"].to_numpy(dtype=np.int64)))


def on_frontier(sweep: Sweep, table: pd.DataFrame) -> np.ndarray:
    """Whether each point is on the efficient frontier of loss against cost within its cell."""
    cost = table[cost_column(table)].to_numpy(dtype=float)
    loss = table["loss"].to_numpy(dtype=float)
    days = table["days"].to_numpy(dtype=float)
    return pareto_within(cost, loss, cells_of(sweep, table), days)


def _by_count(table: pd.DataFrame, rows: np.ndarray, front: np.ndarray, keys: list[str]) -> list:
    loss = table["loss"].to_numpy(dtype=float)
    counts = table["count"].to_numpy(dtype=float)
    out = []
    for value in np.unique(counts[rows][np.isfinite(counts[rows])]):
        mine = rows[counts[rows] == value]
        finite = np.isfinite(loss[mine])
        best = mine[np.nanargmin(loss[mine])] if finite.any() else mine[0]
        out.append(
            {
                "count": float(value),
                "points": int(mine.size),
                "on_frontier": int(np.intersect1d(mine, front).size),
                "days": [
                    _clean(table["days"].iloc[mine].min()),
                    _clean(table["days"].iloc[mine].max()),
                ],
                "usd": [
                    _clean(table["usd"].iloc[mine].min()),
                    _clean(table["usd"].iloc[mine].max()),
                ],
                "best": _row(table, int(best), keys),
            }
        )
    return out


def _cell_summary(
    sweep: Sweep, table: pd.DataFrame, rows: np.ndarray, column: str, tolerance: float
) -> tuple[np.ndarray, int, int]:
    """A cell's frontier (cheapest first), its recommended point and its lowest-loss point."""
    cost = table[column].to_numpy(dtype=float)[rows]
    loss = table["loss"].to_numpy(dtype=float)[rows]
    local = pareto_front(cost, loss, table["days"].to_numpy(dtype=float)[rows])
    pick = near_best(cost, loss, local, tolerance)
    lowest = int(local[np.argmin(loss[local])]) if local.size else -1
    front = rows[local]
    return front, int(rows[pick]) if pick >= 0 else -1, int(rows[lowest]) if lowest >= 0 else -1


def build_document(
    sweep: Sweep,
    table: pd.DataFrame,
    *,
    tolerance: float,
    provenance: Mapping[str, Any],
    max_point_reports: int,
) -> dict[str, Any]:
    """The content of ``sweep.json`` for the planned ``table`` of every point of ``sweep``.

    ``tolerance`` is how far (relative) above the lowest loss the recommended frontier point may
    be (the config's ``inference_loss_tolerance``: a loss difference a plan does not buy). The
    frontier, the recommendation and the per-count table are those of the base cell (the base
    scenario's values of the keys held fixed); every other cell gets its recommendation.
    """
    keys = [a.key for a in sweep.axes]
    column = cost_column(table)
    cells = cells_of(sweep, table)
    base, base_exact = sweep.base_cell()
    rows = np.flatnonzero(cells == base)
    front, pick, lowest = _cell_summary(sweep, table, rows, column, tolerance)
    others = np.flatnonzero(cells != base)
    sample = np.union1d(evenly(rows, CHART_POINTS // 2), evenly(others, CHART_POINTS // 2))
    sample = np.union1d(sample, front)
    per_cell = []
    distinct = np.unique(cells)
    for cell in evenly(distinct, CELL_ROWS):
        mine = np.flatnonzero(cells == cell)
        _, cell_pick, _ = _cell_summary(sweep, table, mine, column, tolerance)
        first = int(table["point"].iloc[mine[0]])
        values = sweep.values_at(first)
        per_cell.append(
            {
                "cell": int(cell),
                "base": bool(cell == base),
                "held": {k: _clean(values[k]) for k in sweep.held_fixed},
                "recommended": _row(table, cell_pick, keys) if cell_pick >= 0 else None,
            }
        )
    reports = evenly(front, max_point_reports) if sweep.point_reports == "frontier" else front[:0]
    base_values = sweep.values_at(int(table["point"].iloc[rows[0]]))
    return {
        "sweep": {
            "name": sweep.name,
            "title": sweep.title,
            "description": sweep.description,
            "translations": sweep.translations,
            "file": sweep.file,
            "sha256": sweep.sha256,
            "n_points": len(table),
            "n_groups": len(sweep.groups),
            "n_cells": int(distinct.size),
            "point_reports": sweep.point_reports,
        },
        "axes": [
            {
                "key": a.key,
                "values": [_clean(v) for v in a.entries],
                "numeric": a.numeric,
                "held_fixed": a.key in sweep.held_fixed,
            }
            for a in sweep.axes
        ],
        "zip": [list(f.keys) for f in sweep.factors if len(f.keys) > 1],
        "held_fixed": list(sweep.held_fixed),
        "base_cell": {k: _clean(base_values[k]) for k in sweep.held_fixed},
        "base_cell_points": int(rows.size),
        "base_cell_is_base": base_exact,
        "laws": sorted({str(v) for v in table["law"]}),
        "hardware": sorted({str(v) for v in table["hardware"] if v}),
        "cost": {"column": column, "unit": dict(COSTS)[column]},
        "tolerance": tolerance,
        "frontier_size": int(front.size),
        "frontier": [_row(table, int(i), keys) for i in evenly(front, TABLE_ROWS)],
        "recommended": _row(table, pick, keys) if pick >= 0 else None,
        "lowest_loss": _row(table, lowest, keys) if lowest >= 0 else None,
        "cells": per_cell,
        "summary": {
            c: [_clean(table[c].min()), _clean(table[c].median()), _clean(table[c].max())]
            for c in SUMMARY
        },
        "binding": {
            str(k or "none"): int(v)
            for k, v in table["binding"].value_counts().sort_index().items()
        },
        "by_count": _by_count(table, rows, front, keys),
        "sample": {
            "size": int(sample.size),
            "on_frontier": np.isin(sample, front).tolist(),
            "base_cell": (cells[sample] == base).tolist(),
            **{
                c: [_clean(v) for v in table[c].iloc[sample]]
                for c in ("point", "count", "days", "usd", "loss", column, "inference_tokens")
            },
        },
        "point_reports": [int(table["point"].iloc[i]) for i in reports],
        "provenance": dict(provenance),
    }
