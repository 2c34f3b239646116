"""Loss intervals: the prediction interval of one run covers fresh noisy runs at its level; the
parameter-only interval, kept beside it, does not; both survive fit.json -> law_from_fit."""

from __future__ import annotations

import json

import numpy as np
import pytest

from llmplan.core.intervals import (
    INTERVAL_LEVEL,
    RESIDUAL_QUANTILES,
    predictive_interval,
    residual_quantiles,
)
from llmplan.fit.parametric import fit_parametric
from llmplan.fit.synthetic import synthetic_isoflop
from llmplan.io.jsonio import dumps
from llmplan.laws.registry import law_from_fit

LAW = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)  # Besiroglu et al. 2024
BUDGETS = [1e18, 1e19, 1e20, 1e21, 1e22]
NOISE = 0.02  # lognormal sd of a run's loss


@pytest.fixture(scope="module")
def noisy_fit():
    runs = synthetic_isoflop(LAW, BUDGETS, 9, noise_sd=NOISE, seed=11)
    return runs, fit_parametric(runs["N"], runs["D"], runs["loss"], n_bootstrap=200, seed=2)


def test_predictive_interval_of_a_point_mass_is_the_residual_quantiles():
    # one sample, residuals uniform on a symmetric grid: the interval is exp(v + q10), exp(v + q90)
    residuals = np.linspace(-1.0, 1.0, 101)
    low, high = predictive_interval(np.array([[0.5]]), residuals)
    assert low[0] == pytest.approx(np.exp(0.5 - 0.8)) and high[0] == pytest.approx(np.exp(1.3))


def test_residual_quantiles_are_leverage_adjusted():
    r = np.random.default_rng(0).standard_normal(20_000) * 0.01
    q = residual_quantiles(r, n_params=0)
    assert q.size == RESIDUAL_QUANTILES
    assert np.std(q) == pytest.approx(0.01, rel=0.05)
    assert residual_quantiles(r[:10], n_params=5) == pytest.approx(
        residual_quantiles(r[:10]) * np.sqrt(2.0)
    )


def test_prediction_interval_covers_fresh_runs_at_its_level(noisy_fit):
    """Fresh runs at the same (N, D), new noise: ~80% inside the prediction interval."""
    runs, fit = noisy_fit
    law = fit.law()
    n, d = runs["N"].to_numpy(), runs["D"].to_numpy()
    rng = np.random.default_rng(99)
    truth = LAW["E"] + LAW["A"] / n ** LAW["alpha"] + LAW["B"] / d ** LAW["beta"]
    fresh = truth[None, :] * np.exp(NOISE * rng.standard_normal((20, n.size)))  # 900 runs
    low, high = law.loss_bands(n, d, noise=True)
    inside = (fresh >= low) & (fresh <= high)
    assert inside.mean() == pytest.approx(INTERVAL_LEVEL, abs=0.06)
    # the expected-loss interval ignores the noise and covers far fewer single runs
    low_p, high_p = law.loss_bands(n, d, noise=False)
    assert ((fresh >= low_p) & (fresh <= high_p)).mean() < 0.5
    # and the residual scale estimates the noise
    assert fit.residual_scale == pytest.approx(NOISE, rel=0.25)


def test_both_loss_intervals_reach_the_fit_document_and_the_law(noisy_fit):
    _, fit = noisy_fit
    doc = json.loads(dumps(fit.to_dict()))
    row = doc["allocation"][-1]
    lo_p, hi_p = row["loss_interval"]
    lo_n, hi_n = row["loss_prediction_interval"]
    assert lo_n < lo_p < row["loss"] < hi_p < hi_n  # noise widens the interval
    assert len(doc["residual_quantiles"]) == RESIDUAL_QUANTILES
    law = law_from_fit("synthetic", doc)
    iv = law.intervals(row["C"])
    assert iv is not None
    assert iv["loss"] == pytest.approx([lo_p, hi_p], rel=1e-9)
    assert iv["loss_prediction"] == pytest.approx([lo_n, hi_n], rel=1e-9)
    # a fit.json without residuals still gives the parameter-only interval, and no other
    del doc["residual_quantiles"]
    iv = law_from_fit("synthetic", doc).intervals(row["C"])
    assert iv is not None and "loss" in iv and "loss_prediction" not in iv


def test_bad_residual_quantiles_name_the_field():
    from llmplan.core.errors import InputError

    doc = dict(E=1.8, A=400.0, B=400.0, alpha=0.3, beta=0.3, residual_quantiles=["x"])
    with pytest.raises(InputError, match="residual_quantiles"):
        law_from_fit("d", doc)
