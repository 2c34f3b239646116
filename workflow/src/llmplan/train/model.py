"""A minimal Llama-style decoder-only transformer for a :class:`~llmplan.arch.shape.ModelShape`.

Architecture (Touvron et al. 2023, arXiv:2302.13971, s2.2): token embedding; ``n_layers`` pre-norm
blocks ``x + Attn(RMSNorm(x))`` then ``x + SwiGLU(RMSNorm(x))``; a final RMSNorm; an untied
linear head to the vocabulary (tied to the embedding when ``tied_embeddings``). No biases.

- RMSNorm (Zhang & Sennrich 2019, arXiv:1910.07467): ``x / sqrt(mean(x^2) + eps) * g``, one gain
  vector g of width d per norm.
- Causal self-attention through ``torch.nn.functional.scaled_dot_product_attention`` with rotary
  position embeddings (Su et al. 2021, arXiv:2104.09864) on queries and keys: no position
  parameters. ``n_kv_heads < n_heads`` is grouped-query attention (Ainslie et al. 2023,
  arXiv:2305.13245): each key/value head serves ``n_heads / n_kv_heads`` query heads.
- SwiGLU feed-forward (Shazeer 2020, arXiv:2002.05202): ``W2 (silu(W1 x) * W3 x)`` with hidden
  width ``d_ff``; Llama's choice is about 8/3 d (:func:`~llmplan.train.config.default_ffn_width`).

Counts and FLOPs are the architecture stage's, not restated here: N is
``llmplan.arch.counts.param_counts(shape).total`` (every parameter, embeddings included, as
Hoffmann et al. 2022 count it; tested equal to ``sum(p.numel())``), C = 6 N D
(:func:`llmplan.core.compute.train_flops`), and the count with attention is
:func:`llmplan.arch.flops.flops_per_token` under PaLM's convention (Chowdhery et al. 2022,
App. B: 6 N + 12 L H Q T per token).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

import torch
import torch.nn.functional as F
from torch import nn

from llmplan.arch.counts import param_counts
from llmplan.arch.flops import flops_per_token
from llmplan.arch.shape import ModelShape

#: Standard deviation of the normal initialisation of every weight matrix (Radford et al. 2019,
#: GPT-2; also nanoGPT and OLMo's "normal" init).
INIT_STD: Final = 0.02

#: Epsilon inside RMSNorm's square root (Llama 2 value).
RMSNORM_EPS: Final = 1e-5

#: Base of the rotary frequencies theta_i = base^(-2 i / head_dim) (Su et al. 2021, eq. 15).
ROPE_BASE: Final = 10_000.0


def param_count(shape: ModelShape) -> int:
    """N: every trainable parameter of :class:`Decoder` for ``shape`` (embeddings included).

    Examples
    --------
    >>> from llmplan.train.config import trainer_shape
    >>> from llmplan.core.errors import Where
    >>> param_count(trainer_shape({"n_layers": 4, "d_model": 128, "n_heads": 4}, Where("doc")))
    857216
    """
    return param_counts(shape).total


def non_embedding_param_count(shape: ModelShape) -> int:
    """Parameters outside the embedding and the output head (Kaplan et al. 2020's N)."""
    return param_counts(shape).non_embedding


def train_flops_per_token_attn(shape: ModelShape) -> float:
    """Training FLOPs per token with attention: 6 N + 12 L H Q T (PaLM, App. B; full T x T)."""
    return flops_per_token(shape, "palm")


@dataclass(frozen=True)
class _Rotary:
    cos: torch.Tensor  # (T, head_dim / 2)
    sin: torch.Tensor


def _rotary_tables(seq_len: int, head_dim: int) -> _Rotary:
    """cos and sin of m theta_i for positions m < seq_len (Su et al. 2021, eq. 34)."""
    inv_freq = ROPE_BASE ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    angles = torch.outer(torch.arange(seq_len, dtype=torch.float64), inv_freq)
    return _Rotary(cos=angles.cos().float(), sin=angles.sin().float())


def _apply_rotary(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotate pairs (x_{2i}, x_{2i+1}) of the last axis of ``x`` (B, h, T, hd) by angle m theta_i."""
    x_even, x_odd = x[..., 0::2], x[..., 1::2]
    rotated_even = x_even * cos - x_odd * sin
    rotated_odd = x_even * sin + x_odd * cos
    return torch.stack((rotated_even, rotated_odd), dim=-1).flatten(-2)


class _Attention(nn.Module):
    def __init__(self, shape: ModelShape) -> None:
        super().__init__()
        self.n_heads = shape.n_heads
        self.n_kv_heads = shape.n_kv_heads
        self.head_dim = shape.d_model // shape.n_heads
        width = (shape.n_heads + 2 * shape.n_kv_heads) * self.head_dim  # q, k, v fused
        self.qkv = nn.Linear(shape.d_model, width, bias=False)
        self.out = nn.Linear(shape.d_model, shape.d_model, bias=False)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        heads = self.qkv(x).view(b, t, self.n_heads + 2 * self.n_kv_heads, self.head_dim)
        q, k, v = heads.transpose(1, 2).split(
            [self.n_heads, self.n_kv_heads, self.n_kv_heads], dim=1
        )
        q, k = _apply_rotary(q, cos, sin), _apply_rotary(k, cos, sin)
        if self.n_kv_heads != self.n_heads:  # grouped-query attention
            group = self.n_heads // self.n_kv_heads
            k, v = k.repeat_interleave(group, dim=1), v.repeat_interleave(group, dim=1)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        return self.out(y.transpose(1, 2).reshape(b, t, d))


class _SwiGLU(nn.Module):
    def __init__(self, shape: ModelShape) -> None:
        super().__init__()
        self.gate = nn.Linear(shape.d_model, shape.d_ff, bias=False)  # W1
        self.up = nn.Linear(shape.d_model, shape.d_ff, bias=False)  # W3
        self.down = nn.Linear(shape.d_ff, shape.d_model, bias=False)  # W2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down(F.silu(self.gate(x)) * self.up(x))


class _Block(nn.Module):
    def __init__(self, shape: ModelShape) -> None:
        super().__init__()
        self.attn_norm = nn.RMSNorm(shape.d_model, eps=RMSNORM_EPS)
        self.attn = _Attention(shape)
        self.mlp_norm = nn.RMSNorm(shape.d_model, eps=RMSNORM_EPS)
        self.mlp = _SwiGLU(shape)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.attn_norm(x), cos, sin)
        return x + self.mlp(self.mlp_norm(x))


class Decoder(nn.Module):
    """Llama-style decoder-only language model (see the module docstring).

    Parameters
    ----------
    shape
        Layers, widths, heads, vocabulary and context length.

    Notes
    -----
    Weights are drawn from N(0, 0.02^2); the two projections that write into the residual stream
    (attention output and SwiGLU down) use 0.02 / sqrt(2 L), as GPT-2 does (Radford et al. 2019).
    Seed torch before building the model to make the initialisation reproducible.
    """

    def __init__(self, shape: ModelShape) -> None:
        super().__init__()
        self.shape = shape
        self.embed = nn.Embedding(shape.vocab, shape.d_model)
        self.blocks = nn.ModuleList(_Block(shape) for _ in range(shape.n_layers))
        self.norm = nn.RMSNorm(shape.d_model, eps=RMSNORM_EPS)
        self.head = nn.Linear(shape.d_model, shape.vocab, bias=False)
        if shape.tied_embeddings:
            self.head.weight = self.embed.weight
        rotary = _rotary_tables(shape.seq_len, shape.d_model // shape.n_heads)
        self.register_buffer("rope_cos", rotary.cos, persistent=False)
        self.register_buffer("rope_sin", rotary.sin, persistent=False)
        self._init_weights()

    def _init_weights(self) -> None:
        residual_std = INIT_STD / math.sqrt(2 * self.shape.n_layers)
        for name, p in self.named_parameters():
            if p.dim() < 2:  # RMSNorm gains keep their ones
                continue
            std = (
                residual_std if name.endswith(("attn.out.weight", "mlp.down.weight")) else INIT_STD
            )
            nn.init.normal_(p, mean=0.0, std=std)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """Logits (B, T, V) for token ids (B, T), T <= ``shape.seq_len``."""
        t = tokens.shape[1]
        cos, sin = self.rope_cos[:t], self.rope_sin[:t]
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x, cos, sin)
        return self.head(self.norm(x))

    def loss(self, tokens: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        """Mean next-token cross-entropy in nats per token."""
        logits = self(tokens)
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
