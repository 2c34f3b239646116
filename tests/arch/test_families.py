"""The shape rule against published shapes, and the smooth form the allocation uses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmplan.arch.counts import param_counts
from llmplan.arch.families import (
    aspect_ratio,
    llama_ffn,
    propose_shape,
    smooth_model,
    template,
)
from llmplan.arch.flops import flops_per_token
from llmplan.arch.shape import ModelShape, shape_problems


@pytest.mark.parametrize(
    ("d_model", "multiplier", "multiple_of", "d_ff"),
    [
        (4096, 1.0, 256, 11008),  # LLaMA 7B / Llama 2 7B (no ffn_dim_multiplier)
        (5120, 1.0, 256, 13824),  # 13B
        (6656, 1.0, 256, 17920),  # LLaMA 33B
        (8192, 1.0, 256, 22016),  # LLaMA 65B
        (4096, 1.3, 1024, 14336),  # Llama 3 8B
        (8192, 1.3, 4096, 28672),  # Llama 3 70B, Llama 2 70B
        (16384, 1.2, 4096, 53248),  # Llama 3.1 405B
    ],
)
def test_llama_ffn_rule_reproduces_meta_widths(d_model, multiplier, multiple_of, d_ff):
    """Meta's FeedForward: int(2/3 4d), x ffn_dim_multiplier, rounded up to multiple_of."""
    assert llama_ffn(d_model, multiplier=multiplier, multiple_of=multiple_of) == d_ff


def test_aspect_ratio_rule():
    assert aspect_ratio(5e8) == pytest.approx(64)
    assert aspect_ratio(1e9) == pytest.approx(64)
    assert aspect_ratio(math.sqrt(1e19)) == pytest.approx(64 * math.sqrt(2))
    assert aspect_ratio(1e10) == pytest.approx(128)
    assert aspect_ratio(1e12) == pytest.approx(128)


@pytest.mark.parametrize(
    ("family", "vocab", "seq_len", "params", "shape"),
    [
        ("llama", 128256, 8192, 8_030_261_248, (32, 4096, 32, 8, 14336)),  # Llama 3 8B
        ("llama", 128256, 8192, 70_553_706_496, (80, 8192, 64, 8, 28672)),  # Llama 3 70B
        ("gpt3", 50257, 2048, 174.6e9, (96, 12288, 96, 96, 49152)),  # GPT-3 175B
        ("gpt3", 50257, 2048, 12.85e9, (40, 5120, 40, 40, 20480)),  # GPT-3 13B
        ("gpt3", 50257, 2048, 760e6, (24, 1536, 24, 24, 6144)),  # GPT-3 Large, 16 heads of 96
        ("moe", 32000, 32768, 46.7e9, (32, 4096, 32, 8, 14336)),  # Mixtral 8x7B
    ],
)
def test_rule_lands_on_published_shapes(family, vocab, seq_len, params, shape):
    """Given a published model's size, the rule proposes that model's own shape (GPT-3 Large
    with 24 heads of 64 instead of its 16 of 96: head dimension is rule 1's 64 below 2,048)."""
    proposed = propose_shape(params, template(family, vocab=vocab, seq_len=seq_len))
    got = (
        proposed.n_layers,
        proposed.d_model,
        proposed.n_heads,
        proposed.n_kv_heads,
        proposed.d_ff,
    )
    assert got == shape


def _catalog_shapes(catalog):
    for model in catalog.models:
        if model.shape and model.shape.get("family") in ("llama", "gpt3", "gopher"):
            yield model, ModelShape.from_dict(model.shape)


def test_rule_lands_near_every_published_shape(catalog):
    """For each catalog model with a published shape, the rule's depth and width at its size,
    vocabulary and layout are within a factor 1.4 of the published ones (the farthest: LLaMA 65B,
    aspect ratio 102, 1.36 times deeper than the rule's 59 x 9216), except Gopher 280B, whose
    aspect ratio of 205 is 1.6 times the rule's: the rule makes it 41% deeper and 12% narrower.
    Half of the shapes are hit exactly, and the proposed N is within 1% of the published one."""
    seen = exact = 0
    for model, published in _catalog_shapes(catalog):
        family = "gpt3" if published.mlp == "gelu" else "llama"
        t = template(family, vocab=published.vocab, seq_len=published.seq_len)
        if published.positions == "relative":  # Chinchilla and Gopher: a relative layout
            t = type(t)(**{**vars(t), "positions": "relative", "norm": "rms", "biases": False})
        target = param_counts(published).total
        proposed = propose_shape(target, t)
        assert param_counts(proposed).total == pytest.approx(target, rel=0.01)
        exact += (proposed.n_layers, proposed.d_model) == (published.n_layers, published.d_model)
        depth = proposed.n_layers / published.n_layers
        width = proposed.d_model / published.d_model
        if model.id == "gopher-280b":
            assert 1.3 < depth < 1.5 and 0.8 < width < 0.95
        else:
            assert 1 / 1.4 < depth < 1.4, model.id
            assert 1 / 1.4 < width < 1.4, model.id
        seen += 1
    assert seen >= 20
    assert exact >= seen // 2


@pytest.mark.parametrize("family", ["llama", "gpt3", "moe"])
def test_proposed_shapes_are_buildable_and_near_the_target(family):
    t = template(family, vocab=32000, seq_len=4096)
    for params in np.geomspace(2e8, 2e12, 9):
        shape = propose_shape(float(params), t)
        assert shape_problems(shape) == []
        assert param_counts(shape).total == pytest.approx(params, rel=0.03), params
        assert 64 / 1.5 <= shape.d_model / shape.n_layers <= 128 * 1.5


def test_moe_active_basis():
    """Sized on active parameters, the MoE's active count is the target."""
    t = template("moe", vocab=32000, seq_len=4096, experts=8, active=2)
    shape = propose_shape(13e9, t, basis="active")
    counts = param_counts(shape)
    assert counts.active == pytest.approx(13e9, rel=0.02)
    assert counts.total > 3 * counts.active


def test_granularity_splits_experts():
    """G = 4: 4x the experts, 4x routed, each a quarter as wide: the same active FFN."""
    t = template("moe", vocab=32000, seq_len=4096, experts=8, active=2, granularity=4)
    assert (t.experts, t.active, t.granularity) == (32, 8, 4)
    coarse = propose_shape(47e9, template("moe", vocab=32000, seq_len=4096))
    fine = propose_shape(47e9, t)
    assert fine.d_ff * 4 == pytest.approx(coarse.d_ff, rel=0.05)


@pytest.mark.parametrize("family", ["llama", "gpt3", "moe"])
def test_smooth_model_hits_its_target_and_tracks_the_proposed_shape(family):
    """The continuous shape has exactly the target count, and its FLOPs per token are within
    5% of the buildable shape's (which rounds depth and width)."""
    t = template(family, vocab=50257, seq_len=8192)
    targets = np.geomspace(1e9, 1e12, 7)
    smooth = smooth_model(targets, t)
    np.testing.assert_allclose(smooth.counts["total"], targets, rtol=1e-9)
    for i, params in enumerate(targets):
        shape = propose_shape(float(params), t)
        scale = param_counts(shape).total / params
        exact = flops_per_token(shape, "palm") / scale
        assert smooth.flops_per_token("palm")[i] == pytest.approx(exact, rel=0.05)
