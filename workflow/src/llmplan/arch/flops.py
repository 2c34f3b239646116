"""Training FLOPs per token of a shape, under each published convention.

A multiply-add is 2 FLOPs and the backward pass costs twice the forward pass, so training costs 3x
the forward FLOPs (Kaplan et al. 2020, arXiv:2001.08361, s2.1). For an MoE model every N below is
the number of parameters a token passes through (:attr:`~.counts.ParamCounts.active`): experts a
token is not routed to cost no FLOPs (they cost memory; :mod:`llmplan.arch.counts`).

- :func:`six_n`: C = 6 N per token (Kaplan et al. 2020, eq. 2.1), the convention every scaling law
  in :mod:`llmplan.laws` was fitted with, and the one behind Meta's 3.8e25 FLOPs for Llama 3.1
  405B (6 x 405.85e9 x 15.6e12 = 3.80e25; Llama Team 2024, arXiv:2407.21783, s1).
- :func:`kaplan_table1`: Kaplan et al. 2020, Table 1: C_forward = 2 N + 2 n_layer n_ctx d_attn with
  N the non-embedding parameters, so 6 N + 6 n_layer n_ctx d_attn for training. The de-embedding
  (2 d_model n_vocab) is listed in the table but left out of C_forward, as here. The 'Mask' row is
  half the cost of the two attention matmuls (QK^T and AV, 2 n_ctx d_attn each): it equals the
  causal-halved count below.
- :func:`palm_appendix_b`: Chowdhery et al. 2022 (PaLM, arXiv:2204.02311), App. B: "the matmuls in
  dense self-attention add 6LH(2QT) FLOPs per token", so 6 N + 12 L H Q T with N all parameters
  (embeddings included), L layers, H query heads, Q head dimension, T sequence length. This is
  the model-FLOPs count of PaLM's MFU (46.2% for PaLM 540B; reproduced in tests/arch/test_flops.py).
  With grouped-query attention the score and value matmuls still run over every query head, so H
  is the number of query heads; GQA's saving is in N (smaller key/value projections).
  ``causal=True`` halves the attention term: with a causal mask a token attends on average to
  half the sequence, and kernels that skip masked blocks (FlashAttention) do half the work. PaLM
  counts the full T x T, so the default is ``causal=False``.

Hoffmann et al. 2022 App. F count more (softmax, embeddings as a matmul, logits); their Table A4
ratios cannot be reproduced from their printed formula (/work/notes/arch-facts.md s4c), so that
convention is not offered.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final, Literal

from llmplan.arch.counts import param_counts
from llmplan.arch.shape import ModelShape
from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN
from llmplan.core.messages import MESSAGES

Convention = Literal["6n", "kaplan", "palm", "palm-causal"]
#: The conventions :func:`flops_per_token` knows, in the order reports list them.
CONVENTIONS: Final = ("6n", "kaplan", "palm", "palm-causal")
#: What each convention counts, for reports (the messages ``arch.convention.<convention>``).
CONVENTION_TEXT: Final = {c: MESSAGES[f"arch.convention.{c}"] for c in CONVENTIONS}


def six_n(params: Any) -> Any:
    """6 N FLOPs per training token (Kaplan et al. 2020, eq. 2.1)."""
    return FLOPS_PER_PARAM_TOKEN * params


def attention_flops(n_layers: Any, q_width: Any, seq_len: Any, *, causal: bool = False) -> Any:
    """12 L (H Q) T training FLOPs per token of the attention matmuls (PaLM App. B); /2 if causal."""
    full = 12 * n_layers * q_width * seq_len
    return full / 2 if causal else full


def kaplan_table1(shape: ModelShape) -> float:
    """3 x (2 N + 2 n_layer n_ctx d_attn), N non-embedding (active), Kaplan et al. 2020 Table 1."""
    counts = param_counts(shape)
    q_width = shape.n_heads * shape.head_dim
    forward = 2 * counts.active_non_embedding + 2 * shape.n_layers * shape.seq_len * q_width
    return 3.0 * forward


def palm_appendix_b(shape: ModelShape, *, causal: bool = False) -> float:
    """6 N + 12 L H Q T, N all (active) parameters (PaLM App. B); the attention term /2 if causal."""
    counts = param_counts(shape)
    attention = attention_flops(
        shape.n_layers, shape.n_heads * shape.head_dim, shape.seq_len, causal=causal
    )
    return float(six_n(counts.active) + attention)


def flops_per_token(shape: ModelShape, convention: Convention = "palm") -> float:
    """Training FLOPs per token of ``shape`` under ``convention`` (see :data:`CONVENTION_TEXT`)."""
    if convention == "6n":
        return float(six_n(param_counts(shape).active))
    if convention == "kaplan":
        return kaplan_table1(shape)
    if convention == "palm":
        return palm_appendix_b(shape)
    if convention == "palm-causal":
        return palm_appendix_b(shape, causal=True)
    raise ValueError(f"unknown FLOPs convention '{convention}'")


@dataclass(frozen=True)
class FlopsSummary:
    """FLOPs per training token of one shape under every convention, and ratios to 6N."""

    seq_len: int
    six_n: float
    kaplan: float
    palm: float
    palm_causal: float
    attention_full: float

    def value(self, convention: Convention) -> float:
        return {
            "6n": self.six_n,
            "kaplan": self.kaplan,
            "palm": self.palm,
            "palm-causal": self.palm_causal,
        }[convention]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = asdict(self)
        out["ratio_to_6n"] = {c: self.value(c) / self.six_n for c in CONVENTIONS}
        return out


def flops_summary(shape: ModelShape) -> FlopsSummary:
    """:class:`FlopsSummary` of ``shape`` at its own ``seq_len``."""
    return FlopsSummary(
        seq_len=shape.seq_len,
        six_n=flops_per_token(shape, "6n"),
        kaplan=flops_per_token(shape, "kaplan"),
        palm=flops_per_token(shape, "palm"),
        palm_causal=flops_per_token(shape, "palm-causal"),
        attention_full=float(
            attention_flops(shape.n_layers, shape.n_heads * shape.head_dim, shape.seq_len)
        ),
    )
