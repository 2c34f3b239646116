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
    assert not result.supported and result.reason["code"] == "fit.approach2.few_groups"
    assert "distinct sizes" in result.reason["text"]
    with pytest.raises(InputError, match="approach 2 is not possible"):
        result.require_supported()
    one = runs.assign(N=1e8)
    assert "same model size" in fit_isoflop(one, n_bootstrap=0).reason["text"]


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
    assert not result.supported and "checkpoints" in result.reason["text"]
    runs = runs.assign(run=pd.NA)
    assert "run ids" in fit_envelope(runs, n_bootstrap=0).reason["text"]


# --------------------------------------------------------------------------------------------
# Where approach 2 is biased (Czech et al. 2026, arXiv:2603.22339)

ASYMMETRIC = dict(E=1.7, A=1000.0, B=300.0, alpha=0.5, beta=0.25)
SYMMETRIC = dict(E=1.69, A=406.4, B=410.7, alpha=0.3, beta=0.3)


def _design(law, budgets, offsets_dex, noise_sd=0.0, seed=0):
    """Runs at each budget with sizes N_opt(C) * 10^offset (N_opt of the law, eq. 4)."""
    from llmplan.fit.synthetic import _as_law

    parametric = _as_law(law)
    rng = np.random.default_rng(seed)
    rows = []
    for i, c in enumerate(budgets):
        n_opt, _ = parametric.optimal(c)
        for j, off in enumerate(offsets_dex):
            n = float(n_opt) * 10.0**off
            d = c / (6 * n)
            loss = float(parametric.loss(n, d)) * np.exp(noise_sd * rng.standard_normal())
            rows.append({"N": n, "D": d, "C": c, "loss": loss, "run": f"{i}-{j}", "step": np.nan})
    out = pd.DataFrame(rows)
    out["run"] = out["run"].astype("string")
    return out, parametric


def _groups(runs, result):
    n, d = runs["N"].to_numpy(), runs["D"].to_numpy()
    return [(c, n[idx], d[idx]) for c, idx in zip(result.flops, result.members, strict=True)]


def test_centred_symmetric_profiles_are_not_flagged_and_unbiased():
    from llmplan.fit.parabola import implied_bias

    runs, law = _design(SYMMETRIC, [1e19, 1e20, 1e21, 1e22], np.linspace(-0.5, 0.5, 7))
    result = fit_isoflop(runs, n_bootstrap=0)
    assert all(g.notes == () and g.note == "" for g in result.groups)
    bias = implied_bias(law, _groups(runs, result))
    # alpha = beta: the profile is cosh-shaped about N_opt, a centred parabola is unbiased
    assert bias["max_abs_bias_dex"] < 1e-9 and not bias["biased"]
    assert bias["a_parabola"] == pytest.approx(0.5, abs=1e-9) == result.a


def test_off_centre_sizes_are_flagged_and_their_bias_measured():
    from llmplan.fit.parabola import implied_bias

    runs, law = _design(SYMMETRIC, [1e19, 1e20, 1e21, 1e22], np.linspace(-0.1, 1.3, 7))
    result = fit_isoflop(runs, n_bootstrap=0)
    assert all("off-centre" in g.note for g in result.groups)
    # which end the minimum is nearest: the sizes run from -0.1 to +1.3 decades around N_opt
    assert {w["code"] for w in result.warnings} == {"fit.isoflop.off_centre_small"}
    assert all(f"C = {g.flops:.3g} FLOPs" in g.note for g in result.groups)
    bias = implied_bias(law, _groups(runs, result))
    assert bias["biased"] and bias["max_abs_bias_dex"] > 0.02
    # the same offset at every budget moves k_N, not the exponent
    assert bias["a_parabola"] == pytest.approx(0.5, abs=1e-9)
    # noiseless runs: the bias the law implies is exactly the error approach 2 makes
    truth = np.log10([law.optimal(c)[0] for c in result.flops])
    np.testing.assert_allclose(
        np.log10(result.params_opt) - truth, [g["bias_dex"] for g in bias["groups"]], atol=1e-9
    )


def test_asymmetric_profiles_are_flagged_and_bias_the_exponent():
    from llmplan.fit.parabola import implied_bias

    runs, law = _design(ASYMMETRIC, [1e19, 1e20, 1e21, 1e22], np.linspace(-1.0, 1.0, 9))
    result = fit_isoflop(runs, n_bootstrap=0)
    assert all("asymmetric" in g.note for g in result.groups)
    bias = implied_bias(law, _groups(runs, result))
    assert bias["biased"] and bias["max_abs_bias_dex"] > 0.05
    assert result.a == pytest.approx(bias["a_parabola"], abs=1e-9)
    assert law.a == pytest.approx(1 / 3)


def test_noisy_symmetric_profiles_raise_no_false_asymmetry():
    runs = synthetic_isoflop(SYMMETRIC, np.logspace(18, 22, 9).tolist(), 9, noise_sd=0.01, seed=7)
    result = fit_isoflop(runs, n_bootstrap=0)
    assert not any("asymmetric" in g.note for g in result.groups)


def test_bootstrap_of_a_large_group_is_bounded():
    """A group of 8,000 runs: resample weights are drawn and used a block at a time."""
    import tracemalloc

    from llmplan.fit.isoflop import _bootstrap_vertices

    rng = np.random.default_rng(0)
    logn = rng.uniform(8, 10, 8_000)
    loss = 2 + (logn - 9) ** 2 + 0.01 * rng.standard_normal(logn.size)

    def peak(resamples: int) -> int:
        tracemalloc.start()
        vertices = _bootstrap_vertices(np.random.default_rng(1), logn, loss, resamples)
        out = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert np.all(np.abs(vertices - 9) < 0.01)
        return out

    some, many = peak(300), peak(1_200)  # blocks of 131 resamples
    assert many < 1.1 * some + 1_200 * 8 * 4  # 1,200 x 8,000 weights would be 77 MB
