"""A decoder-only transformer's shape: the contract between the architecture and run stages.

Every concrete model llmplan reasons about (a proposed shape for a target N, a Hugging Face
``config.json``, a catalog model with a published shape) is a :class:`ModelShape`. Parameter and
FLOP counts are functions of it (:mod:`llmplan.arch.counts`, :mod:`llmplan.arch.flops`); the run
stage (:mod:`llmplan.run`) sizes memory and layouts from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

MLP = Literal["swiglu", "gelu"]
Positions = Literal["rope", "learned", "relative"]
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
        "rope" (no parameters), "learned" (seq_len x d_model parameters, GPT-3) or "relative"
        (Transformer-XL style, Dai et al. 2019: one d_model x d_model projection per layer, as
        in Gopher and Chinchilla; see :mod:`llmplan.arch.counts`).
    norm
        "rms" (RMSNorm: d weights) or "layer" (LayerNorm: d weights and d biases).
    biases
        Whether the linear layers have biases (GPT-3: yes; Llama: no).
    experts, active_experts
        MoE: experts per layer and experts each token is routed to (1 and 1 for a dense model).
    name
        Where the shape comes from, for reports.
    head_dim_override
        Width of one attention head when it is not ``d_model // n_heads`` (a Hugging Face config
        with an explicit ``head_dim``); ``None`` otherwise.
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
    head_dim_override: int | None = None

    @property
    def head_dim(self) -> int:
        if self.head_dim_override is not None:
            return self.head_dim_override
        return self.d_model // self.n_heads

    @property
    def is_moe(self) -> bool:
        return self.experts > 1

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "head_dim": self.head_dim}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelShape:
        """Rebuild from :meth:`to_dict` output or a catalog ``shape:`` mapping.

        A ``head_dim`` other than ``d_model // n_heads`` becomes ``head_dim_override``; keys that
        are not fields (``source``) are ignored.
        """
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        head_dim = data.get("head_dim")
        if head_dim is not None and values.get("head_dim_override") is None:
            d_model, n_heads = values.get("d_model"), values.get("n_heads")
            if not (isinstance(d_model, int) and isinstance(n_heads, int) and n_heads > 0):
                values["head_dim_override"] = head_dim
            elif head_dim * n_heads != d_model:
                values["head_dim_override"] = head_dim
        return cls(**values)


def shape_problems(shape: ModelShape) -> list[tuple[str, str]]:
    """What makes a shape impossible to build, as (field, expected) pairs; empty when it is fine."""
    problems: list[tuple[str, str]] = []
    for field in ("n_layers", "d_model", "n_heads", "n_kv_heads", "d_ff", "vocab", "seq_len"):
        value = getattr(shape, field)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.append((field, "a positive whole number"))
    if problems:
        return problems
    if shape.head_dim_override is None and shape.d_model % shape.n_heads:
        problems.append(("n_heads", f"a divisor of d_model = {shape.d_model}"))
    if shape.n_heads % shape.n_kv_heads:
        problems.append(("n_kv_heads", f"a divisor of n_heads = {shape.n_heads}"))
    if not 1 <= shape.active_experts <= shape.experts:
        problems.append(("active_experts", f"between 1 and experts = {shape.experts}"))
    return problems
