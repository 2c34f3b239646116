"""Approaches 1 and 2: recovery of known exponents; unsupported datasets say why."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llmplan.core.errors import InputError
from llmplan.fit.envelope import fit_envelope
from llmplan.fit.isoflop import fit_isoflop, group_by_compute
from llmplan.fit.synthetic import synthetic_isoflop

LAW = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
A_TRUE = 0.28 / 0.62


def test_grouping_by_gaps_and_by_budgets():
    c = np.array([1e19, 1.05e19, 1e20, 0.97e20, 3e21])
    labels, _ = group_by_compute(c)
    assert labels.tolist() == [0, 0, 1, 1, 2]
    labels, _ = group_by_compute(c, budgets=[1e19, 1e20])
    assert labels.tolist() == [0, 0, 1, 1, -1]


def test_approach2_recovers_exponent_noiseless():
    runs = synthetic_isoflop(LAW, [1e18, 1e19, 1e20, 1e21, 1e22], 9, noise_sd=0.0, seed=0)
    result = fit_isoflop(runs, n_bootstrap=0)
    assert result.supported
    assert result.a == pytest.approx(A_TRUE, abs=1e-6)
    assert result.b == pytest.approx(1 - A_TRUE, abs=1e-6)


def test_approach2_noisy_interval_covers_truth():
    runs = synthetic_isoflop(LAW, [1e18, 1e19, 1e20, 1e21, 1e22], 9, noise_sd=0.003, seed=2)
    result = fit_isoflop(runs, n_bootstrap=300, seed=1)
    lo, hi = result.intervals["a"]
    assert lo < A_TRUE < hi
    assert result.a == pytest.approx(A_TRUE, abs=0.03)
    assert result.to_dict()["intervals"]["b"][0] < 1 - A_TRUE


def test_approach2_unsupported():
    runs = synthetic_isoflop(LAW, [1e19, 1e20], 2, noise_sd=0.0, seed=0)
    result = fit_isoflop(runs, n_bootstrap=0)
    assert not result.supported and "distinct sizes" in result.reason
    with pytest.raises(InputError, match="approach 2 is not possible"):
        result.require_supported()
    one = runs.assign(N=1e8)
    assert "same model size" in fit_isoflop(one, n_bootstrap=0).reason


def _curves(sizes, seed=0):
    """Training curves: each size trained to a long horizon, checkpoints every so often."""
    rows = []
    for k, n in enumerate(sizes):
        for d in np.logspace(8.5, 12, 40):
            loss = LAW["E"] + LAW["A"] / n ** LAW["alpha"] + LAW["B"] / d ** LAW["beta"]
            rows.append({"N": n, "D": d, "C": 6 * n * d, "loss": loss, "run": f"r{k}", "step": d})
    out = pd.DataFrame(rows)
    out["run"] = out["run"].astype("string")
    return out


def test_approach1_envelope_recovers_exponent():
    runs = _curves(np.logspace(7, 10, 25))
    result = fit_envelope(runs, n_bootstrap=20, n_points=300)
    assert result.supported
    assert result.a == pytest.approx(A_TRUE, abs=0.03)


def test_approach1_unsupported_without_checkpoints():
    runs = synthetic_isoflop(LAW, [1e19, 1e20], 5, noise_sd=0.0, seed=0)
    result = fit_envelope(runs, n_bootstrap=0)
    assert not result.supported and "checkpoints" in result.reason
    runs = runs.assign(run=pd.NA)
    assert "run ids" in fit_envelope(runs, n_bootstrap=0).reason
