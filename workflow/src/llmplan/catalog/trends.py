"""Trends across the catalog: log-log regressions over published models.

Ordinary least squares in log10 space (Sevilla et al. 2022, "Compute Trends Across Three Eras
of Machine Learning", arXiv:2202.05924, fit log compute against year the same way):

    tokens against parameters:   log10 D = k + s log10 N       (before 2022 and from 2022 on,
                                 the year of Hoffmann et al. 2022, arXiv:2203.15556)
    compute against year:        log10 C = k + s year,   growth per year 10^s,
                                 doubling time log10(2) / s years.

The line fit and its intervals are :func:`llmplan.core.regression.fit_line` (Student-t intervals at
the house level); R^2 is the share of variance explained in log space.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from llmplan.core.errors import InputError, Where
from llmplan.core.intervals import INTERVAL_LEVEL
from llmplan.core.regression import LineFit, fit_line

#: Year from which models are counted as post-Chinchilla.
SPLIT_YEAR: Final = 2022
MONTHS_PER_YEAR: Final = 12.0


@dataclass(frozen=True)
class TokensPerParamsTrend:
    """log10 tokens against log10 params: all models, before SPLIT_YEAR, from SPLIT_YEAR on."""

    fits: dict[str, LineFit | None]
    notes: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fits": {k: v.to_dict() if v else None for k, v in self.fits.items()},
            "split_year": SPLIT_YEAR,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class ComputeTrend:
    """log10 training FLOPs against year."""

    fit: LineFit
    growth_per_year: float
    growth_per_year_interval: tuple[float, float]
    doubling_months: float
    doubling_months_interval: tuple[float, float]

    def to_dict(self) -> dict[str, Any]:
        return {
            "fit": self.fit.to_dict(),
            "growth_per_year": self.growth_per_year,
            "growth_per_year_interval": list(self.growth_per_year_interval),
            "doubling_months": _finite(self.doubling_months),
            "doubling_months_interval": [_finite(v) for v in self.doubling_months_interval],
        }


def _finite(value: float) -> float | None:
    """JSON has no infinity: a non-finite value (no growth) becomes null."""
    return float(value) if np.isfinite(value) else None


def _clean(models: pd.DataFrame, columns: tuple[str, ...], where: str) -> pd.DataFrame:
    missing = [c for c in columns if c not in models.columns]
    if missing:
        raise InputError(
            Where(where, field=missing[0]),
            f"column '{missing[0]}' is missing",
            expected=f"columns {', '.join(columns)}",
        )
    frame = models[list(columns)].apply(pd.to_numeric, errors="coerce")
    logs = [c for c in columns if c != "year"]
    ok = frame.notna().all(axis=1) & (frame[logs] > 0).all(axis=1)
    return frame[ok]


def tokens_vs_params(
    models: pd.DataFrame, *, level: float = INTERVAL_LEVEL, split_year: int = SPLIT_YEAR
) -> TokensPerParamsTrend:
    """log-log regression of tokens on params, overall and split at ``split_year``."""
    frame = _clean(models, ("params", "tokens", "year"), "catalog")
    fits: dict[str, LineFit | None] = {}
    notes: list[str] = []
    for key, part in (
        ("all", frame),
        (f"before_{split_year}", frame[frame["year"] < split_year]),
        (f"from_{split_year}", frame[frame["year"] >= split_year]),
    ):
        try:
            fits[key] = fit_line(
                np.log10(part["params"]),
                np.log10(part["tokens"]),
                x_name="log10 params",
                y_name="log10 tokens",
                level=level,
            )
        except InputError as err:
            fits[key] = None
            notes.append(f"{key}: not fitted ({err.problem})")
    return TokensPerParamsTrend(fits, tuple(notes))


def compute_vs_year(models: pd.DataFrame, *, level: float = INTERVAL_LEVEL) -> ComputeTrend:
    """log10 training FLOPs against year: growth factor per year and doubling time."""
    frame = _clean(models, ("train_flops", "year"), "catalog")
    line = fit_line(
        frame["year"],
        np.log10(frame["train_flops"]),
        x_name="year",
        y_name="log10 FLOPs",
        level=level,
    )
    lo, hi = line.slope_interval

    def doubling(slope: float) -> float:
        return MONTHS_PER_YEAR * np.log10(2.0) / slope if slope > 0 else float("inf")

    return ComputeTrend(
        fit=line,
        growth_per_year=10.0**line.slope,
        growth_per_year_interval=(10.0**lo, 10.0**hi),
        doubling_months=doubling(line.slope),
        doubling_months_interval=(doubling(hi), doubling(lo)),
    )
