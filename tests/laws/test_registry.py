"""Scaling laws: published optima, 6ND = C, intervals, fitted laws, registry errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SHARED
from llmplan.core.compute import FLOPS_PER_PF_DAY
from llmplan.core.errors import InputError
from llmplan.laws.base import ParametricLaw
from llmplan.laws.published import HOFFMANN_TABLE3_APPROACH1, HOFFMANN_TABLEA3_APPROACH2
from llmplan.laws.registry import (
    LAW_IDS,
    LOSS_COMPARABILITY_NOTE,
    all_laws,
    get_law,
    law_from_fit,
)

GOPHER_FLOPS = 5.76e23  # Hoffmann et al. 2022 Fig. 2 caption / App. F

ISSUE_IDS = {
    "chinchilla-approach1",
    "chinchilla-approach2",
    "chinchilla-approach3",
    "chinchilla-approach3-rounded",
    "epoch-2024",
    "kaplan-2020",
    "tokens-per-param",
}

SHARED_DATA = SHARED / "data" / "chinchilla_fig4_epoch.csv"


def test_registry_has_exactly_the_contract_ids():
    assert set(LAW_IDS) == ISSUE_IDS


@pytest.mark.parametrize("law_id", sorted(ISSUE_IDS))
def test_every_law_is_documented(law_id):
    law = get_law(law_id)
    assert law.citation and law.loss_note
    low, high = law.flops_range
    assert 0 <= low < high
    assert law.has_loss == (
        law_id not in {"chinchilla-approach1", "chinchilla-approach2", "tokens-per-param"}
    )


def test_approach3_rounded_at_gopher_budget():
    """~93 tokens per parameter, N ~ 32.2B (reference README pitfall 4): not the paper's 40B."""
    n, d = get_law("chinchilla-approach3-rounded").optimal(GOPHER_FLOPS)
    assert float(n) == pytest.approx(32.2e9, rel=0.005)
    assert float(d / n) == pytest.approx(92.6, abs=0.5)


def test_default_approach3_reproduces_figure_4():
    """Hoffmann et al. 2022, Figure 4 caption: "We project the optimal model size given the Gopher
    FLOP budget to be 40B parameters"; the default id uses the unrounded constants."""
    n, d = get_law("chinchilla-approach3").optimal(GOPHER_FLOPS)
    assert float(n) == pytest.approx(40e9, rel=0.02)
    assert float(d / n) == pytest.approx(59, abs=1)
    # the old id keeps working and means the same law
    assert get_law("chinchilla-approach3-unrounded") == get_law("chinchilla-approach3")


#: Hoffmann et al. 2022, Table A3, approach-3 columns (parameters, FLOPs, tokens), the rows that
#: are internally consistent (6 N D = C within 0.4%): the 67B and 280B rows are not, and the 175B
#: row prints 1.26e24 FLOPs for 1.26e25 (a typo; /work/notes/decision-facts.md, item 2).
TABLE_A3_APPROACH3 = (
    (400e6, 2.21e19, 9.2e9),
    (1e9, 1.62e20, 27.1e9),
    (10e9, 2.46e22, 410.1e9),
    (520e9, 1.36e26, 43.5e12),
    (1e12, 5.65e26, 94.1e12),
    (10e12, 8.55e28, 1425.5e12),
)


@pytest.mark.parametrize(("params", "flops", "tokens"), TABLE_A3_APPROACH3)
def test_default_approach3_is_close_to_table_a3_and_the_rounded_one_is_not(params, flops, tokens):
    n, d = get_law("chinchilla-approach3").optimal(flops)
    assert float(n) == pytest.approx(params, rel=0.08)
    assert float(d) == pytest.approx(tokens, rel=0.08)
    rounded, _ = get_law("chinchilla-approach3-rounded").optimal(flops)
    assert float(rounded) < 0.85 * params


def test_epoch_refit_at_gopher_budget():
    n, d = get_law("epoch-2024").optimal(GOPHER_FLOPS)
    assert 18 <= float(d / n) <= 20


def test_approach3_closed_form_frontier_minimises_loss():
    law = get_law("chinchilla-approach3")
    c = 1e22
    n, _d = law.optimal(c)
    grid = np.float64(n) * np.exp(np.linspace(-0.5, 0.5, 2001))
    losses = law.loss(grid, c / (6 * grid))
    assert grid[np.argmin(losses)] == pytest.approx(float(n), rel=1e-3)


@pytest.mark.parametrize(
    ("law_id", "table", "tol"),
    [
        ("chinchilla-approach1", HOFFMANN_TABLE3_APPROACH1, 0.025),
        ("chinchilla-approach2", HOFFMANN_TABLEA3_APPROACH2, 0.035),
    ],
)
def test_hoffmann_projection_tables(law_id, table, tol):
    """Hoffmann et al. 2022 Table 3 (approach 1) and Table A3 (approach 2), every row."""
    law = get_law(law_id)
    for params, flops, tokens in table:
        n, d = law.optimal(flops)
        assert float(n) == pytest.approx(params, rel=tol), (params, flops)
        # tokens in the tables are printed to 2-4 significant digits
        assert float(d) == pytest.approx(tokens, rel=tol + 0.05), (params, flops)


def test_approach1_at_gopher_budget_is_about_67b_on_1_5t():
    n, d = get_law("chinchilla-approach1").optimal(GOPHER_FLOPS)
    assert float(n) == pytest.approx(67e9, rel=0.02)
    assert float(d) == pytest.approx(1.5e12, rel=0.06)


def test_kaplan_frontier_and_loss():
    law = get_law("kaplan-2020")
    assert law.counts_embeddings is False
    # C = 2 C_min at the critical batch size (eq. 6.7): 2 PF/s-days give C_min = 1, N_e = 1.3e9
    n, _ = law.optimal(2 * FLOPS_PER_PF_DAY)
    assert float(n) == pytest.approx(1.3e9, rel=1e-12)
    # eq. 1.5 with D -> inf reduces to (N_c / N)^alpha_N
    assert float(law.loss(1e9, 1e300)) == pytest.approx((6.4e13 / 1e9) ** 0.076, rel=1e-9)
    n2, _ = law.optimal(20 * FLOPS_PER_PF_DAY)
    assert float(n2 / n) == pytest.approx(10**0.73, rel=1e-12)


def test_tokens_per_param_is_configurable():
    law = get_law("tokens-per-param", tokens_per_param=100)
    n, d = law.optimal(6e22)
    assert float(d / n) == pytest.approx(100, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(log_c=st.floats(min_value=10, max_value=32), factor=st.floats(min_value=1.01, max_value=1e3))
def test_6nd_equals_c_and_monotone_for_every_law(log_c, factor):
    c = 10.0**log_c
    for law in all_laws():
        n, d = law.optimal(np.array([c, c * factor]))
        assert np.all(np.isfinite(n)) and np.all(np.isfinite(d))
        np.testing.assert_allclose(6 * n * d, [c, c * factor], rtol=1e-9)
        assert n[1] > n[0] and d[1] > d[0], law.id


def test_loss_is_nan_for_laws_without_loss():
    assert np.isnan(get_law("chinchilla-approach1").loss(1e9, 2e10))


def test_tokens_for_loss_inverts_loss():
    for law_id in ("chinchilla-approach3", "epoch-2024", "kaplan-2020"):
        law = get_law(law_id)
        d = law.tokens_for_loss(1e10, law.loss(1e10, 3e11))
        assert float(d) == pytest.approx(3e11, rel=1e-9)
        assert np.isinf(law.tokens_for_loss(1e6, 0.5))


def test_epoch_intervals_are_seeded_and_contain_the_centre():
    law = get_law("epoch-2024")
    a, b = law.intervals(GOPHER_FLOPS), get_law("epoch-2024").intervals(GOPHER_FLOPS)
    assert a == b
    n, d = law.optimal(GOPHER_FLOPS)
    assert a["params"][0] < float(n) < a["params"][1]
    assert a["tokens"][0] < float(d) < a["tokens"][1]
    assert a["loss"][0] < float(law.loss(n, d)) < a["loss"][1]


def test_epoch_samples_have_the_published_standard_errors_and_the_correlations():
    from llmplan.laws.published import EPOCH_2024_CORRELATION, EPOCH_2024_SE, epoch_samples

    s = epoch_samples(count=20_000)
    z = np.column_stack([np.log(s[:, 0]), np.log(s[:, 1]), np.log(s[:, 2]), s[:, 3], s[:, 4]])
    published = [EPOCH_2024_SE[k] for k in ("log_E", "log_A", "log_B", "alpha", "beta")]
    np.testing.assert_allclose(z.std(axis=0), published, rtol=0.03)
    np.testing.assert_allclose(np.corrcoef(z.T), EPOCH_2024_CORRELATION, atol=0.02)


def test_epoch_intervals_respect_the_correlations():
    """Independent draws give N_opt an order-of-magnitude spread; the correlated ones do not.

    The 10-90% interval at 1e24 FLOPs must sit within the 95% bootstrap interval of N_opt that
    llmplan's fitter finds on Epoch's data ([71B, 150B], tests/test_fit.py) widened by 10%.
    """
    law = get_law("epoch-2024")
    low, high = law.intervals(1e24)["params"]
    n_opt = float(law.optimal(1e24)[0])
    assert 0.6 * n_opt < low < n_opt < high < 1.6 * n_opt
    assert low > 0.9 * 71e9 and high < 1.1 * 150e9


@pytest.mark.skipif(not SHARED_DATA.is_file(), reason="../shared/data is not present")
def test_shipped_epoch_correlations_match_a_bootstrap_of_epochs_data():
    from llmplan.fit.parametric import fit_parametric
    from llmplan.io.runs_csv import read_runs
    from llmplan.laws.published import EPOCH_2024_CORRELATION

    runs = read_runs(SHARED_DATA, columns={"N": "Model Size", "C": "Training FLOP"}, drop_highest=5)
    result = fit_parametric(runs["N"], runs["D"], runs["loss"], n_bootstrap=1000, seed=42)
    s = np.asarray(result.to_dict()["bootstrap"])
    z = np.column_stack([np.log(s[:, 0]), np.log(s[:, 1]), np.log(s[:, 2]), s[:, 3], s[:, 4]])
    np.testing.assert_allclose(np.corrcoef(z.T), EPOCH_2024_CORRELATION, atol=0.05)


def test_fitted_law_recovers_its_own_constants_and_bootstrap_percentiles():
    """A bootstrap of identical rows gives a zero-width interval at the central answer."""
    rng = np.random.default_rng(4)
    central = {"E": 1.8, "A": 500.0, "B": 2000.0, "alpha": 0.35, "beta": 0.37}
    rows = np.tile(list(central.values()), (50, 1))
    law = law_from_fit("toy", {**central, "bootstrap": rows.tolist()})
    assert law.id == "fit:toy" and isinstance(law, ParametricLaw)
    n, _d = law.optimal(1e21)
    iv = law.intervals(1e21)
    assert iv["params"] == pytest.approx([float(n)] * 2, rel=1e-12)
    # jittered rows: the interval widens and stays ordered
    jitter = rows * np.exp(rng.normal(0, 0.01, rows.shape))
    iv2 = law_from_fit("toy", {**central, "bootstrap": jitter.tolist()}).intervals(1e21)
    assert iv2["params"][0] < iv2["params"][1]
    assert get_law("fit:toy", fitted={"fit:toy": law}) is law
    assert get_law("fit:toy", fitted={"toy": law}) is law


def test_fitted_law_without_bootstrap_has_no_intervals():
    law = law_from_fit("x", {"E": 1, "A": 2, "B": 3, "alpha": 0.3, "beta": 0.3})
    assert law.intervals(1e20) is None


@pytest.mark.parametrize(
    "fit",
    [
        {"E": 1, "A": 2, "B": 3, "alpha": 0.3},
        {"E": 1, "A": -2, "B": 3, "alpha": 0.3, "beta": 0.3},
        {"E": 1, "A": 2, "B": 3, "alpha": 0.3, "beta": math.nan},
        {"E": 1, "A": 2, "B": 3, "alpha": 0.3, "beta": 0.3, "bootstrap": [[1, 2, 3]]},
    ],
)
def test_bad_fit_dicts_raise_input_errors(fit):
    with pytest.raises(InputError, match="fit:runs"):
        law_from_fit("runs", fit)


def test_unknown_law_suggests_nearest():
    with pytest.raises(InputError, match="Did you mean 'chinchilla-approach3'"):
        get_law("chinchila-approach3")
    with pytest.raises(InputError, match="fit:mine"):
        get_law(
            "fit:mien",
            fitted={
                "fit:mine": law_from_fit(
                    "mine", {"E": 1, "A": 2, "B": 3, "alpha": 0.3, "beta": 0.3}
                )
            },
        )


def test_comparability_note_names_the_datasets():
    assert "MassiveText" in LOSS_COMPARABILITY_NOTE and "WebText2" in LOSS_COMPARABILITY_NOTE


def test_kaplan_as_hoffmann_et_al_converted_it():
    """Hoffmann et al. 2022, App. D.4: "From Kaplan et al. (2020), we find that the optimal model
    size should be 4.68 billion parameters" at 1e21 FLOPs; feeding C as C_min gives 7.77B."""
    n, _ = get_law("kaplan-2020").optimal(1e21)
    assert float(n) == pytest.approx(4.68e9, rel=0.02)
    assert get_law("kaplan-2020").allocation_minimises_loss is False
