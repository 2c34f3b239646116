"""TEMPORARY: parameter counts and a proposed shape, until ``llmplan.arch`` lands (branch arch).

Replace every import of this module by :mod:`llmplan.arch.counts` / :mod:`llmplan.arch.families`
after ``git merge arch``, then delete it. Only what the run stage needs, for a
:class:`~llmplan.arch.shape.ModelShape`:

- per-layer matmul parameters: Q and O projections ``d x (heads x head_dim)`` each, K and V
  ``d x (kv_heads x head_dim)`` each (grouped-query attention, Ainslie et al. 2023), the MLP
  ``3 d f`` (SwiGLU) or ``2 d f`` (GeLU) per expert;
- all parameters: layers (plus norms, biases, router), input embedding, untied output head,
  learned positions.

A proposed shape for N follows the Llama 3 family (Llama Team 2024, arXiv:2407.21783, Table 3:
d / L = 128 for 8B (4096 / 32) and ~130 for 405B (16384 / 126), SwiGLU width 3.5 d, 8 KV heads,
head dim 128).
"""

from __future__ import annotations

import math

from llmplan.arch.shape import ModelShape


def attention_params(shape: ModelShape) -> int:
    """Matmul parameters of one attention block (Q, K, V, O)."""
    q = shape.n_heads * shape.head_dim
    kv = shape.n_kv_heads * shape.head_dim
    return shape.d_model * (2 * q + 2 * kv)


def expert_params(shape: ModelShape) -> int:
    """Matmul parameters of one MLP (one expert)."""
    matrices = 3 if shape.mlp == "swiglu" else 2
    return matrices * shape.d_model * shape.d_ff


def layer_params(shape: ModelShape) -> int:
    """All parameters of one transformer layer (every expert, norms, biases, router)."""
    d = shape.d_model
    norms = 2 * d * (2 if shape.norm == "layer" else 1)
    router = d * shape.experts if shape.is_moe else 0
    biases = 0
    if shape.biases:
        q, kv = shape.n_heads * shape.head_dim, shape.n_kv_heads * shape.head_dim
        biases = q + 2 * kv + d + shape.experts * (shape.d_ff + d)
    return attention_params(shape) + shape.experts * expert_params(shape) + norms + router + biases


def embedding_params(shape: ModelShape) -> int:
    """Input embedding (and learned positions)."""
    positions = shape.seq_len * shape.d_model if shape.positions == "learned" else 0
    return shape.vocab * shape.d_model + positions


def head_params(shape: ModelShape) -> int:
    """Output projection (0 when tied to the input embedding) and the final norm."""
    head = 0 if shape.tied_embeddings else shape.vocab * shape.d_model
    return head + shape.d_model * (2 if shape.norm == "layer" else 1)


def param_count(shape: ModelShape) -> int:
    """All parameters, every expert counted."""
    return shape.n_layers * layer_params(shape) + embedding_params(shape) + head_params(shape)


def active_matmul_params(shape: ModelShape) -> int:
    """Parameters each token multiplies: every layer's attention and active experts, the head."""
    layer = attention_params(shape) + shape.active_experts * expert_params(shape)
    return shape.n_layers * layer + shape.vocab * shape.d_model


def model_flops_per_token(shape: ModelShape) -> float:
    """Training model FLOPs per token, PaLM's convention (Chowdhery et al. 2022, App. B).

    6 x (matmul parameters a token uses) + 12 L (heads x head_dim) s: the non-causal attention
    score and value products, forward and backward, no recomputation.
    """
    attention = 12.0 * shape.n_layers * shape.n_heads * shape.head_dim * shape.seq_len
    return 6.0 * active_matmul_params(shape) + attention


def propose_shape(params: float, *, seq_len: int, vocab: int = 128_256) -> ModelShape:
    """A Llama-3-like dense shape with about ``params`` parameters (see the module docstring)."""
    best: ModelShape | None = None
    for layers in range(2, 200):
        unit = 1024 if layers >= 16 else 128  # heads a multiple of 8 where tensor parallelism helps
        d = max(unit, unit * round(128 * layers / unit))
        heads = d // 128
        shape = ModelShape(
            family="llama",
            n_layers=layers,
            d_model=d,
            n_heads=heads,
            n_kv_heads=min(8, heads),
            d_ff=256 * math.ceil(3.5 * d / 256),
            vocab=vocab,
            seq_len=seq_len,
            name="proposed (Llama 3 proportions)",
        )
        if best is None or abs(math.log(param_count(shape) / params)) < abs(
            math.log(param_count(best) / params)
        ):
            best = shape
    assert best is not None
    return best
