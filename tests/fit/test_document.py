"""The fit document: every dataset gets a backtest (or says why not), approach 2 its bias note."""

from __future__ import annotations

import numpy as np
import pytest

from llmplan.fit.document import fit_all
from llmplan.fit.synthetic import synthetic_checkpoints, synthetic_isoflop
from llmplan.io.jsonio import dumps

LAW = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)  # Besiroglu et al. 2024


def _fit(runs):
    doc = fit_all(runs, approach="all", n_bootstrap=40, seed=0, budgets=(1e21, 1e23))
    dumps(doc)  # JSON-ready
    return doc


def test_isoflop_sweep_holds_out_its_largest_budget():
    runs = synthetic_isoflop(LAW, [1e18, 1e19, 1e20, 1e21], 7, noise_sd=0.01, seed=3)
    doc = _fit(runs)
    check = doc["extrapolation"]
    assert check["supported"] and check["n_test"] == 7 and check["n_train"] == 21
    assert check["held_out_C"] == pytest.approx(1e21)
    assert check["held_out"]["code"] == "fit.backtest.largest_budget"
    assert check["held_out"]["text"] == "the runs at the largest compute budget, C = 1e+21 FLOPs"
    assert check["mean_abs_relative_error"] < 0.02
    assert 0 <= check["coverage_expected"] <= check["coverage_prediction"] <= 1
    for point in check["points"]:
        lo, hi = point["prediction_interval"]
        lo_e, hi_e = point["expected_interval"]
        assert lo <= lo_e <= point["predicted"] <= hi_e <= hi
    bias = doc["approach2"]["bias"]
    assert bias["max_abs_bias_dex"] < 0.02 and "a = " in bias["note"]["text"]
    # a design that is not biased is not said to be (the note used to call any offset a bias)
    assert bias["biased"] is False and bias["note"]["code"] == "fit.approach2.unbiased"
    assert "no material bias" in bias["note"]["text"]
    assert bias["note"]["args"]["offset"] == pytest.approx(10 ** bias["max_abs_bias_dex"] - 1)
    row = doc["allocation"][0]
    assert row["loss_prediction_interval"][0] < row["loss_interval"][0]


def test_training_curves_hold_out_their_top_compute():
    runs = synthetic_checkpoints(LAW, np.logspace(7, 9, 30), [20.0], 12, noise_sd=0.01, seed=1)
    check = _fit(runs)["extrapolation"]
    assert check["supported"] and "most compute" in check["held_out"]["text"]
    assert check["n_test"] == pytest.approx(0.1 * len(runs), abs=2)


def test_one_budget_says_why_there_is_no_backtest():
    runs = synthetic_isoflop(LAW, [1e20], 8, noise_sd=0.01, seed=0)
    doc = _fit(runs)
    assert doc["extrapolation"] == {
        "supported": False,
        "reason": {
            "code": "fit.backtest.one_budget",
            "args": {},
            "text": "all runs share one compute budget; nothing to extrapolate to",
        },
    }
