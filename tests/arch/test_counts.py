"""Exact parameter counts against published numbers (issue 13, "Done when")."""

from __future__ import annotations

import pytest
from hf_configs import GPT2_SMALL, LLAMA2_7B, LLAMA3_8B, LLAMA3_70B, LLAMA31_405B, MIXTRAL_8X7B

from llmplan.arch.counts import param_counts
from llmplan.arch.hf import shape_from_hf_config
from llmplan.arch.shape import ModelShape


def gpt3(n_layers: int, d_model: int, n_heads: int) -> ModelShape:
    """A GPT-3 shape from Brown et al. 2020 Table 2.1 (GPT-2 layout, vocabulary 50,257)."""
    return ModelShape(
        family="gpt3",
        n_layers=n_layers,
        d_model=d_model,
        n_heads=n_heads,
        n_kv_heads=n_heads,
        d_ff=4 * d_model,
        vocab=50257,
        seq_len=2048,
        mlp="gelu",
        tied_embeddings=True,
        positions="learned",
        norm="layer",
        biases=True,
    )


@pytest.mark.parametrize(
    ("config", "published"),
    [
        (LLAMA2_7B, 6_738_415_616),
        (LLAMA3_8B, 8_030_261_248),
        (LLAMA3_70B, 70_553_706_496),
    ],
    ids=["llama2-7b", "llama3-8b", "llama3-70b"],
)
def test_llama_counts_from_their_configs_are_exact(config, published):
    """The trainable parameter counts of the released checkpoints, to the parameter."""
    counts = param_counts(shape_from_hf_config(config))
    assert counts.total == published
    assert counts.active == counts.total  # dense


def test_llama31_405b_count():
    """405,853,388,800: 'a flagship model with 405B trainable parameters' (Llama 3 paper, s1)."""
    assert param_counts(shape_from_hf_config(LLAMA31_405B)).total == 405_853_388_800


def test_llama3_8b_embedding_split():
    """Untied: token embedding and output projection, V d each; the rest is non-embedding."""
    counts = param_counts(shape_from_hf_config(LLAMA3_8B))
    assert counts.embedding == 2 * 128256 * 4096 == 1_050_673_152
    assert counts.non_embedding == 8_030_261_248 - 1_050_673_152
    # per layer by hand: q and o 4096^2 each, k and v 4096 x 1024 each, SwiGLU 3 x 4096 x 14336,
    # two RMSNorms
    assert counts.per_layer == 2 * 4096**2 + 2 * 4096 * 1024 + 3 * 4096 * 14336 + 2 * 4096


def test_mixtral_total_and_active_match_mistral_ai():
    """Mistral AI: 'Mixtral has 46.7B total parameters but only uses 12.9B parameters per token'."""
    counts = param_counts(shape_from_hf_config(MIXTRAL_8X7B))
    assert counts.total == 46_702_792_704
    assert counts.active == 12_879_925_248
    assert round(counts.total / 1e9, 1) == 46.7
    assert round(counts.active / 1e9, 1) == 12.9
    # the router: 4096 x 8 per layer, no bias
    assert counts.router_per_layer == 4096 * 8


def test_gpt3_175b_from_table_2_1_within_one_percent():
    """Brown et al. 2020 Table 2.1: 96 layers, d_model 12,288, 96 heads: nparams 175.0B."""
    total = param_counts(gpt3(96, 12288, 96)).total
    assert total == pytest.approx(175.0e9, rel=0.01)
    assert total == pytest.approx(174_600e6, rel=1e-4)  # Table D.1: 174,600M
    # by hand: 12 L d^2 + 13 L d (biases, LayerNorms) + V d + n_ctx d + 2 d (final LayerNorm)
    d, layers = 12288, 96
    assert total == 12 * layers * d**2 + 13 * layers * d + 50257 * d + 2048 * d + 2 * d


@pytest.mark.parametrize(
    ("n_layers", "d_model", "n_heads", "table_d1"),
    [
        (12, 768, 12, 125e6),
        (24, 1024, 16, 356e6),
        (24, 1536, 16, 760e6),
        (24, 2048, 16, 1320e6),
        (32, 2560, 32, 2650e6),
        (32, 4096, 32, 6660e6),
        (40, 5120, 40, 12850e6),  # Table 2.1 prints 5,140: a typo (40 x 128 = 5,120)
    ],
)
def test_gpt3_family_matches_table_d1(n_layers, d_model, n_heads, table_d1):
    assert param_counts(gpt3(n_layers, d_model, n_heads)).total == pytest.approx(
        table_d1, rel=0.005
    )


def test_gpt2_small_count_by_hand():
    """GPT-2 small (the 124M model): tied, learned positions over 1,024 tokens, biases."""
    counts = param_counts(shape_from_hf_config(GPT2_SMALL))
    per_layer = (4 * 768**2 + 4 * 768) + (2 * 768 * 3072 + 3072 + 768) + 2 * 2 * 768
    assert counts.total == 12 * per_layer + 50257 * 768 + 1024 * 768 + 2 * 768 == 124_439_808
    assert counts.embedding == 50257 * 768 + 1024 * 768


@pytest.mark.parametrize(
    ("d_model", "n_heads", "published"), [(8192, 64, 70e9), (16384, 128, 280e9)]
)
def test_chinchilla_and_gopher_with_relative_positions(d_model, n_heads, published):
    """Hoffmann et al. 2022 Table 4: 80 layers, FFN 4 d_model, vocabulary 32,000. With one
    relative-position projection per layer, 13 L d^2 + V d gives the published sizes."""
    shape = ModelShape(
        family="gopher",
        n_layers=80,
        d_model=d_model,
        n_heads=n_heads,
        n_kv_heads=n_heads,
        d_ff=4 * d_model,
        vocab=32000,
        seq_len=2048,
        mlp="gelu",
        tied_embeddings=True,
        positions="relative",
        norm="rms",
    )
    total = param_counts(shape).total
    assert total == 13 * 80 * d_model**2 + 32000 * d_model + (2 * 80 + 1) * d_model
    assert total == pytest.approx(published, rel=0.002)


def test_tying_removes_one_embedding_matrix():
    untied = shape_from_hf_config(LLAMA3_8B)
    tied = shape_from_hf_config({**LLAMA3_8B, "tie_word_embeddings": True})
    assert param_counts(untied).total - param_counts(tied).total == 128256 * 4096
