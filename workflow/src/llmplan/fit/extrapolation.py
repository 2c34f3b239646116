"""The extrapolation check of a fit: approach 3 fitted without the largest compute budget,
predicting that budget's losses (relative error = L_pred / L - 1).

This is the backtest Hoffmann et al. 2022 (arXiv:2203.15556) could not run on Chinchilla itself
(they extrapolated about 44x); a fit whose smaller budgets predict the largest one well has earned
some trust for the next step up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from llmplan.core.errors import InputError, Where
from llmplan.fit.isoflop import DEFAULT_TOL_DEX, group_by_compute
from llmplan.fit.objective import predict_log_loss
from llmplan.fit.parametric import ParametricFit, fit_parametric


@dataclass(frozen=True)
class ExtrapolationCheck:
    """Approach 3 fitted without the largest compute group, predicting that group."""

    held_out_flops: float
    n_train: int
    n_test: int
    fit: ParametricFit
    params: np.ndarray
    observed: np.ndarray
    predicted: np.ndarray

    @property
    def relative_errors(self) -> np.ndarray:
        return self.predicted / self.observed - 1.0

    def to_dict(self) -> dict[str, Any]:
        rel = self.relative_errors
        return {
            "held_out_C": self.held_out_flops,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "mean_abs_relative_error": float(np.abs(rel).mean()),
            "max_abs_relative_error": float(np.abs(rel).max()),
            "mean_relative_error": float(rel.mean()),
            "fit": {k: self.fit.to_dict()[k] for k in ("E", "A", "B", "alpha", "beta")},
            "points": [
                {"N": float(n), "observed": float(o), "predicted": float(p)}
                for n, o, p in zip(self.params, self.observed, self.predicted, strict=True)
            ],
        }


def extrapolation_check(
    runs: pd.DataFrame, *, tol_dex: float = DEFAULT_TOL_DEX, n_follow: int | None = 450
) -> ExtrapolationCheck:
    """Fit approach 3 on all compute groups but the largest; predict the largest's losses."""
    labels, centres = group_by_compute(runs["C"].to_numpy(float), tol_dex=tol_dex)
    if centres.size < 2:
        raise InputError(
            Where(runs.attrs.get("source", "runs"), field="C"),
            "all runs share one compute budget; nothing to extrapolate to",
        )
    top = int(np.argmax(centres))
    test = labels == top
    train = runs[~test]
    result = fit_parametric(train["N"], train["D"], train["loss"], n_bootstrap=0, n_follow=n_follow)
    held = runs[test]
    predicted = np.exp(predict_log_loss(result.theta, held["N"], held["D"]))
    return ExtrapolationCheck(
        held_out_flops=float(centres[top]),
        n_train=int((~test).sum()),
        n_test=int(test.sum()),
        fit=result,
        params=held["N"].to_numpy(float),
        observed=held["loss"].to_numpy(float),
        predicted=predicted,
    )
