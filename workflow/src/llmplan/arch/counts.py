"""Exact parameter counts of a decoder-only transformer shape (:class:`~.shape.ModelShape`).

Per layer, with d = d_model, q = n_heads x head_dim, k = n_kv_heads x head_dim, f = d_ff:

- attention: query d q, key and value 2 d k, output q d (grouped-query attention, Ainslie et al.
  2023, shrinks only k); with biases + q + 2 k + d. Relative positions (Transformer-XL, Dai et al.
  2019) add one d x d projection per layer;
- MLP, per expert: SwiGLU 3 d f (gate, up, down; Shazeer 2020, as in Meta's ``FeedForward``,
  meta-llama/llama3 ``llama/model.py``) with biases + 2 f + d; GELU 2 d f with biases + f + d;
- MoE router: d x experts (no bias, as in Mixtral), only when experts > 1;
- two norms per block and one final norm: RMSNorm d weights, LayerNorm d weights and d biases.

Outside the blocks: the token embedding V d, the output projection V d unless tied, and a learned
position table seq_len x d (GPT-2/GPT-3).

Conventions (which N a law is fitted on):

- ``total``: every trainable parameter, embeddings included. Hoffmann et al. 2022 (arXiv:2203.15556,
  App. F: "we also count embeddings matrices in the total parameter count") and Epoch AI's refit
  are fitted on this N; it is also the N of published model sizes (Llama 3 "405B").
- ``embedding``: token embedding + untied output projection + learned position table.
- ``non_embedding`` = total - embedding: Kaplan et al. 2020 (arXiv:2001.08361, s2.1: "we do not
  include these [embedding and positional] when discussing the 'model size' N"). Kaplan's own
  N = 12 n_layer d^2 also drops biases and norms; the count here keeps them (they are < 0.1%).
- ``active``: parameters a token passes through: everything except the experts it is not routed
  to, (experts - active_experts) x MLP per layer. It counts the embedding table and the output
  projection in full (Mistral AI's "12.9B active" for Mixtral 8x7B follows this convention).

Check (tests/arch/test_counts.py): Llama 2 7B 6,738,415,616; Llama 3 8B 8,030,261,248; Llama 3
70B 70,553,706,496; Mixtral 8x7B 46,702,792,704 total and 12,879,925,248 active; GPT-3 175B
174,604,259,328 (Brown et al. 2020 Table D.1: 174,600M). Non-trainable buffers (RoPE ``inv_freq``,
which early Llama 2 checkpoints saved, 64 per layer) are not parameters.

The formulas are written once, on plain numbers or numpy arrays, so the smooth shape of
:mod:`.families` (continuous d_model and n_layers) uses exactly the same arithmetic.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from llmplan.arch.shape import ModelShape


def attention_params(d: Any, q_width: Any, kv_width: Any, *, biases: bool, relative: bool) -> Any:
    """Parameters of one attention block: d q + 2 d k + q d (+ biases, + d^2 if relative)."""
    count = d * q_width + 2 * d * kv_width + q_width * d
    if biases:
        count = count + q_width + 2 * kv_width + d
    if relative:
        count = count + d * d
    return count


def mlp_params(d: Any, d_ff: Any, *, mlp: str, biases: bool) -> Any:
    """Parameters of one MLP (one expert): SwiGLU 3 d f, GELU 2 d f (+ biases)."""
    if mlp == "swiglu":
        return 3 * d * d_ff + (2 * d_ff + d if biases else 0)
    if mlp == "gelu":
        return 2 * d * d_ff + (d_ff + d if biases else 0)
    raise ValueError(f"unknown mlp '{mlp}'")


def norm_params(d: Any, *, norm: str) -> Any:
    """Parameters of one norm: RMSNorm d, LayerNorm 2 d (gain and bias)."""
    if norm == "rms":
        return d
    if norm == "layer":
        return 2 * d
    raise ValueError(f"unknown norm '{norm}'")


def embedding_params(d: Any, vocab: Any, seq_len: Any, *, tied: bool, positions: str) -> Any:
    """Token embedding V d, plus the output projection V d if untied, plus a learned T d table."""
    count = vocab * d * (1 if tied else 2)
    if positions == "learned":
        count = count + seq_len * d
    return count


@dataclass(frozen=True)
class ParamCounts:
    """Exact parameter counts of a shape (see the module docstring for the conventions)."""

    total: int
    embedding: int
    non_embedding: int
    active: int
    active_non_embedding: int
    per_layer: int
    attention_per_layer: int
    mlp_per_expert: int
    router_per_layer: int
    norms: int

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


def dims(shape: ModelShape) -> dict[str, Any]:
    """The widths the formulas take: d, q = n_heads x head_dim, k = n_kv_heads x head_dim, ..."""
    return {
        "d": shape.d_model,
        "q_width": shape.n_heads * shape.head_dim,
        "kv_width": shape.n_kv_heads * shape.head_dim,
        "d_ff": shape.d_ff,
        "n_layers": shape.n_layers,
        "vocab": shape.vocab,
        "seq_len": shape.seq_len,
    }


def count_from_dims(
    *,
    d: Any,
    q_width: Any,
    kv_width: Any,
    d_ff: Any,
    n_layers: Any,
    vocab: Any,
    seq_len: Any,
    mlp: str,
    norm: str,
    positions: str,
    biases: bool,
    tied: bool,
    experts: int = 1,
    active_experts: int = 1,
) -> dict[str, Any]:
    """Every count of :class:`ParamCounts` from widths (ints: exact; numpy arrays: smooth)."""
    attention = attention_params(
        d, q_width, kv_width, biases=biases, relative=positions == "relative"
    )
    expert = mlp_params(d, d_ff, mlp=mlp, biases=biases)
    router = d * experts if experts > 1 else 0
    norms_per_layer = 2 * norm_params(d, norm=norm)
    per_layer = attention + experts * expert + router + norms_per_layer
    embedding = embedding_params(d, vocab, seq_len, tied=tied, positions=positions)
    final_norm = norm_params(d, norm=norm)
    non_embedding = n_layers * per_layer + final_norm
    inactive = n_layers * (experts - active_experts) * expert
    return {
        "total": embedding + non_embedding,
        "embedding": embedding,
        "non_embedding": non_embedding,
        "active": embedding + non_embedding - inactive,
        "active_non_embedding": non_embedding - inactive,
        "per_layer": per_layer,
        "attention_per_layer": attention,
        "mlp_per_expert": expert,
        "router_per_layer": router,
        "norms": n_layers * norms_per_layer + final_norm,
    }


def param_counts(shape: ModelShape) -> ParamCounts:
    """Exact total, embedding, non-embedding and active parameter counts of ``shape``."""
    counts = count_from_dims(
        **dims(shape),
        mlp=shape.mlp,
        norm=shape.norm,
        positions=shape.positions,
        biases=shape.biases,
        tied=shape.tied_embeddings,
        experts=shape.experts,
        active_experts=shape.active_experts,
    )
    return ParamCounts(**{key: int(value) for key, value in counts.items()})
