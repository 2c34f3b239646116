"""The tiny-shape rule: closed-form counts, the shapes measured in docs/train.md, even heads."""

from __future__ import annotations

import math

import pytest

from llmplan.arch.counts import param_counts
from llmplan.arch.small import propose_small_shape, small_heads


def test_count_of_a_two_layer_shape_closed_form() -> None:
    # L 2, d 32, SwiGLU 88 (8/3 x 32 = 85.3 rounded up to 8), V 256 untied:
    # 2 V d = 16,384; per layer 4 d^2 + 3 d d_ff + 2 d = 4,096 + 8,448 + 64; final norm 32
    shape = propose_small_shape(40_000, vocab=256, seq_len=64)
    assert (shape.n_layers, shape.d_model, shape.n_heads, shape.d_ff) == (2, 32, 4, 88)
    assert param_counts(shape).total == 16_384 + 2 * (4_096 + 8_448 + 64) + 32 == 41_632


def test_proposes_the_shapes_the_smoke_ladders_trained() -> None:
    # docs/train.md: shapes 2:32:4 (41,632) and 3:40:5 (80,280) in the 1e11-1e12 ladders
    shape = propose_small_shape(80_000, vocab=256, seq_len=128)
    assert (shape.n_layers, shape.d_model, shape.n_heads) == (3, 40, 5)
    assert param_counts(shape).total == 80_280


@pytest.mark.parametrize("target", [8e3, 2e4, 5e4, 1.2e5, 3e5, 1e6, 3e6, 1e7])
def test_near_the_target_with_even_heads_near_eight(target: float) -> None:
    shape = propose_small_shape(target, vocab=256, seq_len=64)
    assert abs(math.log(param_counts(shape).total / target)) < math.log(1.2)
    width = shape.d_model // shape.n_heads
    assert shape.d_model % shape.n_heads == 0 and width % 2 == 0
    assert 8 / math.sqrt(2) <= width <= 8 * math.sqrt(2)
    assert shape.n_kv_heads == shape.n_heads and shape.family == "llama"


def test_head_counts() -> None:
    assert [small_heads(d) for d in (8, 12, 20, 28, 32, 40, 44, 48)] == [
        1, 2, 2, None, 4, 5, None, 6,
    ]  # fmt: skip
