"""A decoder-only transformer's shape: the contract between the architecture and run stages.

Every concrete model llmplan reasons about (a proposed shape for a target N, a Hugging Face
``config.json``, a catalog model with a published shape) is a :class:`ModelShape`. Parameter and
FLOP counts are functions of it (:mod:`llmplan.arch.counts`, :mod:`llmplan.arch.flops`); the run
stage (:mod:`llmplan.run`) sizes memory and layouts from it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

MLP = Literal["swiglu", "gelu"]
Positions = Literal["rope", "learned"]
Norm = Literal["rms", "layer"]


@dataclass(frozen=True, kw_only=True)
class ModelShape:
    """Shape of a decoder-only transformer (dense, or MoE when ``experts > 1``).

    Attributes
    ----------
    family
        The template it follows ("llama", "gpt3", "moe", or "hf" for a config read as is).
    n_layers, d_model, n_heads, n_kv_heads
        Depth, width, query heads and key/value heads (``n_kv_heads < n_heads``: grouped-query
        attention, Ainslie et al. 2023; equal: multi-head attention).
    d_ff
        Hidden width of one MLP (of one expert in an MoE layer).
    vocab, seq_len
        Vocabulary size and training sequence length in tokens.
    mlp
        "swiglu" (three d x d_ff matrices, Shazeer 2020; Llama) or "gelu" (two; GPT-3).
    tied_embeddings
        Whether the output projection reuses the input embedding matrix.
    positions
        "rope" (no parameters) or "learned" (seq_len x d_model parameters, GPT-3).
    norm
        "rms" (RMSNorm: d weights) or "layer" (LayerNorm: d weights and d biases).
    biases
        Whether the linear layers have biases (GPT-3: yes; Llama: no).
    experts, active_experts
        MoE: experts per layer and experts each token is routed to (1 and 1 for a dense model).
    name
        Where the shape comes from, for reports.
    """

    family: str
    n_layers: int
    d_model: int
    n_heads: int
    n_kv_heads: int
    d_ff: int
    vocab: int
    seq_len: int
    mlp: MLP = "swiglu"
    tied_embeddings: bool = False
    positions: Positions = "rope"
    norm: Norm = "rms"
    biases: bool = False
    experts: int = 1
    active_experts: int = 1
    name: str = ""

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    @property
    def is_moe(self) -> bool:
        return self.experts > 1

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "head_dim": self.head_dim}
