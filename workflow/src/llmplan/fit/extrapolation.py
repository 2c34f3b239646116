"""The backtest of a fit: approach 3 fitted without the largest compute budget, predicting it.

Hoffmann et al. 2022 (arXiv:2203.15556) extrapolated about 44x beyond their largest run and could
not check it; a fit whose smaller budgets predict the largest one well has earned some trust for
the next step up. The runs at the largest compute budget (an IsoFLOP group,
:func:`llmplan.fit.frontier.group_by_compute`) are held out, approach 3 is fitted to the rest
with a bootstrap, and each held-out loss is compared with its prediction: relative error
L_pred / L - 1, and whether it falls inside the 10-90% prediction interval of one run (parameter
uncertainty plus the residual noise, :mod:`llmplan.fit.parametric`) and inside the interval of
the expected loss (parameters only). About 80% of held-out losses should fall inside the first if
the fit extrapolates as well as it interpolates. Errors use every held-out run; intervals and
their coverage at most :data:`POINTS_LISTED` of them, evenly spaced.

Training curves have no separate largest budget (their compute is continuous), and points read
off a figure scatter around their nominal budgets; when the largest group has fewer than
:data:`MIN_TEST` runs or more than half of them, the rows with the most compute, the top
:data:`HOLDOUT_FRACTION`, are held out instead, and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from llmplan.core.errors import InputError, Where
from llmplan.core.messages import message
from llmplan.fit.frontier import DEFAULT_TOL_DEX, group_by_compute
from llmplan.fit.objective import predict_log_loss
from llmplan.fit.parametric import ParametricFit, fit_parametric

#: Bootstrap resamples of the backtest fit (its intervals only need to be roughly right).
BACKTEST_BOOTSTRAP: Final = 200

#: Without a separate largest budget, the fraction of rows (by compute) held out.
HOLDOUT_FRACTION: Final = 0.1

#: Fewest training points left for the backtest fit (5 parameters and one spare).
MIN_TRAIN: Final = 6

#: Fewest held-out runs a largest budget needs to be the test set (else the top fraction).
MIN_TEST: Final = 3

#: Held-out runs that get intervals and are listed in the document (evenly spaced among them
#: when there are more); the errors use all of them.
POINTS_LISTED: Final = 500


@dataclass(frozen=True)
class ExtrapolationCheck:
    """Approach 3 fitted without the largest compute, predicting the held-out runs."""

    held_out_flops: float
    held_out: dict[str, Any]  # which runs are held out: a message
    n_train: int
    n_test: int
    fit: ParametricFit
    params: np.ndarray
    tokens: np.ndarray
    observed: np.ndarray
    predicted: np.ndarray
    listed: np.ndarray  # indices of the held-out runs with intervals (all, up to POINTS_LISTED)
    prediction_interval: tuple[np.ndarray, np.ndarray]  # of the listed runs
    expected_interval: tuple[np.ndarray, np.ndarray]

    @property
    def relative_errors(self) -> np.ndarray:
        return self.predicted / self.observed - 1.0

    def coverage(self, *, noise: bool = True) -> float:
        """Fraction of (listed) held-out losses inside the prediction or expected-loss interval."""
        low, high = self.prediction_interval if noise else self.expected_interval
        observed = self.observed[self.listed]
        return float(np.mean((observed >= low) & (observed <= high)))

    def to_dict(self) -> dict[str, Any]:
        rel = self.relative_errors
        pred_lo, pred_hi = self.prediction_interval
        exp_lo, exp_hi = self.expected_interval
        return {
            "held_out_C": self.held_out_flops,
            "held_out": self.held_out,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "mean_abs_relative_error": float(np.abs(rel).mean()),
            "max_abs_relative_error": float(np.abs(rel).max()),
            "mean_relative_error": float(rel.mean()),
            "coverage_prediction": self.coverage(noise=True),
            "coverage_expected": self.coverage(noise=False),
            "interval_level": self.fit.interval_level,
            "n_bootstrap": len(self.fit.bootstrap),
            "n_listed": int(self.listed.size),
            "fit": {k: self.fit.to_dict()[k] for k in ("E", "A", "B", "alpha", "beta")},
            "points": [
                {
                    "N": float(self.params[k]),
                    "D": float(self.tokens[k]),
                    "observed": float(self.observed[k]),
                    "predicted": float(self.predicted[k]),
                    "prediction_interval": [float(pred_lo[j]), float(pred_hi[j])],
                    "expected_interval": [float(exp_lo[j]), float(exp_hi[j])],
                }
                for j, k in enumerate(self.listed)
            ],
        }


class NoBacktest(InputError):
    """The runs cannot be split for a backtest; ``reason`` says why as a message."""

    def __init__(
        self, where: Where, reason: dict[str, Any], *, expected: str | None = None
    ) -> None:
        super().__init__(where, reason["text"], expected=expected)
        self.reason = reason


def held_out_rows(
    runs: pd.DataFrame, *, tol_dex: float = DEFAULT_TOL_DEX
) -> tuple[np.ndarray, dict[str, Any], float]:
    """Mask of the rows to hold out, a message saying which they are, and their compute.

    Raises
    ------
    NoBacktest
        When the runs cannot be split (one compute budget, too few runs below the largest).
    """
    where = Where(runs.attrs.get("source", "runs"), field="C")
    flops = runs["C"].to_numpy(float)
    labels, centres = group_by_compute(flops, tol_dex=tol_dex)
    if centres.size >= 2:
        top = int(np.argmax(centres))
        test = labels == top
        if MIN_TEST <= test.sum() <= 0.5 * len(runs) and (~test).sum() >= MIN_TRAIN:
            text = message("fit.backtest.largest_budget", C=float(centres[top]))
            return test, text, float(centres[top])
    cut = float(np.quantile(flops, 1.0 - HOLDOUT_FRACTION))
    test = flops >= cut
    if test.all():
        raise NoBacktest(where, message("fit.backtest.one_budget"))
    if (~test).sum() < MIN_TRAIN:
        raise NoBacktest(
            where,
            message("fit.backtest.too_few", runs=int((~test).sum()), needed=MIN_TRAIN),
            expected=f">= {MIN_TRAIN}",
        )
    text = message(
        "fit.backtest.top_fraction", fraction=float(test.mean()), cut=cut, min_test=MIN_TEST
    )
    return test, text, float(np.exp(np.log(flops[test]).mean()))


def extrapolation_check(
    runs: pd.DataFrame,
    *,
    tol_dex: float = DEFAULT_TOL_DEX,
    n_bootstrap: int = BACKTEST_BOOTSTRAP,
    seed: int = 0,
) -> ExtrapolationCheck:
    """Fit approach 3 without the largest compute; predict the held-out losses with intervals.

    Raises
    ------
    NoBacktest
        When the runs cannot be split (one compute budget, too few runs below the largest).
    """
    test, text, held_flops = held_out_rows(runs, tol_dex=tol_dex)
    train = runs[~test]
    result = fit_parametric(
        train["N"], train["D"], train["loss"], n_bootstrap=n_bootstrap, seed=seed
    )
    held = runs[test]
    params = held["N"].to_numpy(float)
    tokens = held["D"].to_numpy(float)
    listed = np.unique(np.linspace(0, params.size - 1, min(params.size, POINTS_LISTED)).astype(int))
    law = result.law()
    return ExtrapolationCheck(
        held_out_flops=held_flops,
        held_out=text,
        n_train=int((~test).sum()),
        n_test=int(test.sum()),
        fit=result,
        params=params,
        tokens=tokens,
        observed=held["loss"].to_numpy(float),
        predicted=np.exp(predict_log_loss(result.theta, params, tokens)),
        listed=listed,
        prediction_interval=law.loss_bands(params[listed], tokens[listed], noise=True),
        expected_interval=law.loss_bands(params[listed], tokens[listed], noise=False),
    )
