"""Parameter counts and FLOPs of the decoder against closed forms."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from llmplan.train.config import ModelShape  # noqa: E402
from llmplan.train.model import (  # noqa: E402
    Decoder,
    forward_flops_per_token,
    non_embedding_param_count,
    param_count,
    train_flops_per_token,
)

SHAPES = [
    ModelShape(n_layers=4, d_model=128, n_heads=4, d_ff=344, seq_len=128),
    ModelShape(n_layers=1, d_model=32, n_heads=2, d_ff=64, seq_len=16),
    ModelShape(n_layers=3, d_model=48, n_heads=6, d_ff=128, seq_len=8, tie_embeddings=True),
    ModelShape(n_layers=2, d_model=64, n_heads=1, d_ff=100, vocab_size=97, seq_len=8),
]


@pytest.mark.parametrize("shape", SHAPES)
def test_param_count_is_the_model_numel(shape: ModelShape) -> None:
    model = Decoder(shape)
    assert param_count(shape) == sum(p.numel() for p in model.parameters())
    embeddings = shape.vocab_size * shape.d_model * (1 if shape.tie_embeddings else 2)
    assert non_embedding_param_count(shape) == param_count(shape) - embeddings


def test_param_count_closed_form() -> None:
    # V = 256, d = 128, d_ff = 344, L = 4, untied:
    # 2 V d = 65,536; per layer 4 d^2 + 3 d d_ff + 2 d = 65,536 + 132,096 + 256 = 197,888;
    # N = 65,536 + 4 * 197,888 + 128 = 857,216
    assert param_count(SHAPES[0]) == 857_216
    assert non_embedding_param_count(SHAPES[0]) == 791_680


def test_flops_closed_form() -> None:
    # L = 1, d = 32, h = 2, d_ff = 64, T = 16, V = 256 (Hoffmann et al. 2022, Appendix F):
    # embed 2 V d = 16,384; layer 8 d^2 = 8,192 + 4 T d = 2,048 + 3 h T = 96 + 6 d d_ff = 12,288
    # head 2 d V = 16,384; forward = 55,392; training = 3 x forward
    assert forward_flops_per_token(SHAPES[1]) == 55_392
    assert train_flops_per_token(SHAPES[1]) == 3 * 55_392


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
