"""FLOPs per token against the papers' own numbers: PaLM's MFU, Llama 3's compute."""

from __future__ import annotations

import pytest
from hf_configs import LLAMA3_8B, LLAMA31_405B, MIXTRAL_8X7B

from llmplan.arch.counts import param_counts
from llmplan.arch.flops import (
    flops_per_token,
    flops_summary,
    kaplan_table1,
    palm_appendix_b,
)
from llmplan.arch.hf import shape_from_hf_config
from llmplan.arch.shape import ModelShape

#: PaLM 540B (Chowdhery et al. 2022, Table 1 and s2): 118 layers, d_model 18,432, 48 heads of
#: 256, multi-query attention, SwiGLU of 4 d_model, tied 256k vocabulary, 2,048-token sequences.
PALM_540B = ModelShape(
    family="palm",
    n_layers=118,
    d_model=18432,
    n_heads=48,
    n_kv_heads=1,
    d_ff=4 * 18432,
    vocab=256000,
    seq_len=2048,
    tied_embeddings=True,
    head_dim_override=256,
)


def test_palm_540b_model_flops_per_token_from_appendix_b():
    """App. B: 6N + 12 L H Q T with L 118, H 48, Q 256, T 2048 and N = 540.35B."""
    attention = 12 * 118 * 48 * 256 * 2048
    assert attention == 35_634_806_784
    n = param_counts(PALM_540B).total
    assert n == pytest.approx(540.35e9, rel=1e-4)
    assert palm_appendix_b(PALM_540B) == 6 * n + attention
    assert palm_appendix_b(PALM_540B) == pytest.approx(3.2777e12, rel=1e-4)


def test_palm_540b_mfu_reproduces_46_2_percent():
    """App. B: 238.3K tokens/s on 6144 TPU v4 (275 TFLOP/s each) is 45.7% MFU without
    self-attention ((238.3 x 6 x 540) / (275 x 6144)) and 46.2% with it."""
    peak = 275e12 * 6144
    assert round(238.3e3 * 6 * 540e9 / peak, 3) == 0.457
    assert round(238.3e3 * palm_appendix_b(PALM_540B) / peak, 3) == 0.462


def test_llama31_405b_training_compute_from_its_shape():
    """Llama 3 paper s1: 3.8e25 FLOPs for 405B parameters on 15.6T tokens. Meta's figure is
    6 N D with all parameters (no attention term): within 0.1%; even with the causal attention
    term at 8,192 tokens it stays within 5%."""
    shape = shape_from_hf_config(LLAMA31_405B, seq_len=8192)
    tokens = 15.6e12
    assert flops_per_token(shape, "6n") * tokens == pytest.approx(3.8e25, rel=0.001)
    assert flops_per_token(shape, "palm-causal") * tokens == pytest.approx(3.8e25, rel=0.05)
    # the full T x T attention term of PaLM adds 2 L T d / N = 8.3% at 8,192 tokens
    full = flops_per_token(shape, "palm") / flops_per_token(shape, "6n")
    assert full == pytest.approx(1 + 2 * 126 * 8192 * 16384 / 405_853_388_800, rel=1e-12)


def test_kaplan_mask_term_is_palm_causal():
    """Kaplan Table 1's 2 n_layer n_ctx d_attn (forward) is half the full QK^T + AV cost, so
    Kaplan minus 6 N_non-embedding equals PaLM-causal minus 6 N_total."""
    shape = shape_from_hf_config(LLAMA3_8B)
    counts = param_counts(shape)
    kaplan_attention = kaplan_table1(shape) - 6 * counts.non_embedding
    palm_attention = palm_appendix_b(shape, causal=True) - 6 * counts.total
    assert kaplan_attention == pytest.approx(palm_attention, rel=1e-12)
    assert kaplan_attention == 6 * 32 * 8192 * 4096


def test_llama3_8b_attention_share_at_8k():
    """12 L H Q T = 12 x 32 x 32 x 128 x 8192 = 1.29e10, 26.7% on top of 6N = 4.82e10."""
    summary = flops_summary(shape_from_hf_config(LLAMA3_8B))
    assert summary.attention_full == 12 * 32 * 32 * 128 * 8192
    assert summary.to_dict()["ratio_to_6n"]["palm"] == pytest.approx(1.267, abs=5e-4)


def test_moe_flops_follow_active_parameters():
    shape = shape_from_hf_config(MIXTRAL_8X7B, seq_len=4096)
    assert flops_per_token(shape, "6n") == 6 * 12_879_925_248
    assert palm_appendix_b(shape) == 6 * 12_879_925_248 + 12 * 32 * 32 * 128 * 4096
