"""Parameter counts and FLOPs of the decoder against closed forms."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from llmplan.arch.shape import ModelShape  # noqa: E402
from llmplan.train.model import (  # noqa: E402
    Decoder,
    non_embedding_param_count,
    param_count,
    train_flops_per_token_attn,
)
from train_shapes import shape as make_shape  # noqa: E402

SHAPES = [
    make_shape(n_layers=4, d_model=128, n_heads=4, d_ff=344, seq_len=128),
    make_shape(n_layers=1, d_model=32, n_heads=2, d_ff=64, seq_len=16),
    make_shape(n_layers=3, d_model=48, n_heads=6, d_ff=128, seq_len=8, tied_embeddings=True),
    make_shape(n_layers=2, d_model=64, n_heads=1, d_ff=100, vocab=97, seq_len=8),
    make_shape(n_layers=2, d_model=64, n_heads=8, n_kv_heads=2, d_ff=96, seq_len=8),
]


@pytest.mark.parametrize("shape", SHAPES)
def test_param_count_is_the_model_numel(shape: ModelShape) -> None:
    # the architecture stage's count (llmplan.arch.counts) is what the trainer builds
    model = Decoder(shape)
    assert param_count(shape) == sum(p.numel() for p in model.parameters())
    embeddings = shape.vocab * shape.d_model * (1 if shape.tied_embeddings else 2)
    assert non_embedding_param_count(shape) == param_count(shape) - embeddings


def test_param_count_closed_form() -> None:
    # V = 256, d = 128, d_ff = 344, L = 4, untied:
    # 2 V d = 65,536; per layer 4 d^2 + 3 d d_ff + 2 d = 65,536 + 132,096 + 256 = 197,888;
    # N = 65,536 + 4 * 197,888 + 128 = 857,216
    assert param_count(SHAPES[0]) == 857_216
    assert non_embedding_param_count(SHAPES[0]) == 791_680


def test_gqa_parameter_count_closed_form() -> None:
    # L = 2, d = 64, 8 query heads of 8, 2 key/value heads: q 64 x 64 + k, v 2 x 64 x 16 + out
    # 64 x 64 = 10,240; SwiGLU 3 x 64 x 96 = 18,432; norms 128 -> 28,800 per layer;
    # 2 V d = 32,768; final norm 64: N = 32,768 + 57,600 + 64 = 90,432
    assert param_count(SHAPES[4]) == 90_432


def test_flops_with_attention_closed_form() -> None:
    # L = 1, d = 32, h = 2 heads of 16, T = 16: 6 N + 12 L H Q T (PaLM, App. B)
    # N = 2 x 256 x 32 + (4 x 32^2 + 3 x 32 x 64 + 64) + 32 = 16,384 + 10,304 + 32 = 26,720
    assert param_count(SHAPES[1]) == 26_720
    assert train_flops_per_token_attn(SHAPES[1]) == 6 * 26_720 + 12 * 1 * 2 * 16 * 16


def test_logits_are_causal() -> None:
    torch.manual_seed(0)
    model = Decoder(SHAPES[1]).eval()
    tokens = torch.randint(0, 256, (2, 16))
    changed = tokens.clone()
    changed[:, 10:] = (changed[:, 10:] + 1) % 256
    with torch.no_grad():
        a, b = model(tokens), model(changed)
    assert a.shape == (2, 16, 256)
    torch.testing.assert_close(a[:, :10], b[:, :10])
    assert not torch.allclose(a[:, 10:], b[:, 10:])


def test_initial_loss_is_near_uniform() -> None:
    torch.manual_seed(0)
    model = Decoder(SHAPES[1])
    tokens = torch.randint(0, 256, (4, 17))
    loss = model.loss(tokens[:, :-1], tokens[:, 1:]).item()
    assert loss == pytest.approx(torch.log(torch.tensor(256.0)).item(), abs=0.1)
