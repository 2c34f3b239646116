"""The exact-FLOPs allocation: its 6ND baseline is each law's own optimum, and it is optimal."""

from __future__ import annotations

import numpy as np
import pytest

from llmplan.arch.allocation import exact_allocation
from llmplan.arch.families import smooth_model, template
from llmplan.laws.registry import get_law

LLAMA = template("llama", vocab=128256, seq_len=8192)


@pytest.mark.parametrize("law_id", ["epoch-2024", "chinchilla-approach3-unrounded"])
def test_6nd_baseline_is_eq4(law_id):
    """With D = C / 6N and N all parameters, the minimum is Hoffmann's eq. 4 optimum."""
    law = get_law(law_id)
    a = exact_allocation(law, 5.76e23, LLAMA)
    n4, d4 = (float(x) for x in law.optimal(5.76e23))
    assert a.params_law_6nd == pytest.approx(n4, rel=1e-4)
    assert a.tokens_6nd == pytest.approx(d4, rel=1e-4)


def test_with_6n_flops_nothing_moves():
    """Counting F(N) = 6N, the exact allocation of a law fitted on all parameters is its 6ND one."""
    a = exact_allocation(get_law("epoch-2024"), 1e24, LLAMA, convention="6n")
    assert a.params_change == pytest.approx(1.0, abs=1e-4)
    assert a.tokens_change == pytest.approx(1.0, abs=1e-4)
    assert a.ratio_to_6n == pytest.approx(1.0)


def test_exact_optimum_is_a_minimum_on_the_budget():
    """N* minimises L(N, C / F(N)): 5% either way along the budget costs loss."""
    law = get_law("epoch-2024")
    flops = 3.8e25
    a = exact_allocation(law, flops, LLAMA)
    assert a.ratio_to_6n > 1.0 and a.tokens_change < 1.0
    assert a.flops_per_token * a.tokens == pytest.approx(flops, rel=1e-9)
    for factor in (0.95, 1.05):
        model = smooth_model(a.params * factor, LLAMA)
        n = float(model.counts["total"][0])
        d = flops / float(model.flops_per_token("palm")[0])
        assert float(law.loss(n, d)) > a.loss


def test_kaplan_is_fed_non_embedding_parameters():
    law = get_law("kaplan-2020")
    a = exact_allocation(law, 1e23, LLAMA)
    assert a.law_counts == "non_embedding"
    model = smooth_model(a.params, LLAMA)
    assert a.params_law == pytest.approx(float(model.counts["non_embedding"][0]), rel=1e-9)
    assert a.params_law < a.params
    # its 6ND baseline spends 6 N_non-embedding per token
    assert 6 * a.params_law_6nd * a.tokens_6nd == pytest.approx(1e23, rel=1e-9)


def test_laws_without_loss_keep_n_and_lose_tokens():
    law = get_law("tokens-per-param")
    a = exact_allocation(law, 1e24, LLAMA)
    n0, d0 = (float(x) for x in law.optimal(1e24))
    assert a.method == "fixed-n"
    assert a.params == pytest.approx(n0) and a.params_law_6nd == pytest.approx(n0)
    assert a.tokens_6nd == pytest.approx(d0)
    assert a.tokens == pytest.approx(1e24 / a.flops_per_token)
    assert a.loss is None


def test_longer_sequences_move_more():
    """Attention grows with T, so the exact allocation moves further from 6ND at 32k than at 2k."""
    law = get_law("epoch-2024")
    short = exact_allocation(law, 1e23, template("llama", vocab=128256, seq_len=2048))
    long = exact_allocation(law, 1e23, template("llama", vocab=128256, seq_len=32768))
    assert long.ratio_to_6n > short.ratio_to_6n > 1.0
    assert long.tokens_change < short.tokens_change < 1.0
    assert np.isfinite([long.loss, short.loss]).all()


def test_moe_basis_is_active():
    t = template("moe", vocab=32000, seq_len=4096)
    a = exact_allocation(get_law("epoch-2024"), 1e23, t, basis="active")
    assert a.law_counts == "active"
    assert a.flops_per_token > 6 * a.params
