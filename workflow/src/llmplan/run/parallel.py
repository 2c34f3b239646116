"""A parallel layout and the numerics of a training run: what memory and step time depend on.

A layout splits ``gpus = tp x cp x pp x dp`` accelerators (Narayanan et al. 2021, arXiv:2104.04473,
PTD-P; context parallelism as in the Llama 3 paper, arXiv:2407.21783, s3.3.2, ordered
[TP, CP, PP, DP] from innermost to outermost). Expert parallelism ``ep`` splits an MoE layer's
experts across ``ep`` of the data-parallel ranks (it divides ``dp x cp``). ZeRO stages
(Rajbhandari et al. 2020, arXiv:1910.02054, s5): 0 replicates everything, 1 shards optimizer
states, 2 also gradients, 3 also weights (PyTorch FSDP full sharding). Sharding runs over the
``dp x cp`` ranks that hold the same weights (as Megatron's distributed optimizer does).

Pipeline stages hold whole layers; like Llama 3 ("we reduce one Transformer layer each from the
first and the last stages", s3.3.2) and BLOOM (5 layers on the first and last of 12 stages, 6 on
the others), the first and last stages take what is left after the middle ones take
``ceil(L / pp)`` each.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from llmplan.core.messages import message

Recompute = Literal["none", "selective", "full"]
RECOMPUTE: tuple[Recompute, ...] = ("none", "selective", "full")


@dataclass(frozen=True, kw_only=True)
class Layout:
    """How a run is split across accelerators, and what it keeps or recomputes.

    Attributes
    ----------
    tp, cp, pp, dp, ep
        Tensor, context, pipeline, data and expert parallel degrees.
    microbatch
        Sequences per micro-batch on one pipeline.
    virtual_stages
        Model chunks per pipeline rank in the interleaved schedule (1: plain 1F1B).
    zero
        ZeRO stage 0-3 over the data-parallel ranks (3 = FSDP full sharding).
    recompute
        Activation recomputation: none, selective (the attention core, Korthikanti et al. 2022
        s5) or full (each layer's input kept, the layer recomputed in the backward pass).
    sequence_parallel
        Megatron sequence parallelism in the tensor-parallel group (Korthikanti et al. 2022 s4.2.2).
    flash_attention
        Fused attention that never stores the s x s scores (Dao et al. 2022, s3.1) and skips
        the masked half of causal attention.
    """

    tp: int = 1
    cp: int = 1
    pp: int = 1
    dp: int = 1
    ep: int = 1
    microbatch: int = 1
    virtual_stages: int = 1
    zero: int = 1
    recompute: Recompute = "none"
    sequence_parallel: bool = True
    flash_attention: bool = True

    @property
    def gpus(self) -> int:
        return self.tp * self.cp * self.pp * self.dp

    @property
    def shard_ranks(self) -> int:
        """Ranks that hold the same dense weights and shard their state (dp x cp)."""
        return self.dp * self.cp

    def as_message(self) -> dict[str, Any]:
        """What the layout is, as a message: "TP 2, PP 1, DP 64, micro-batch 1, ZeRO-1, selective
        recomputation" (parallel degrees by their usual abbreviations)."""
        parts: list[Any] = [f"TP {self.tp}", f"PP {self.pp}", f"DP {self.dp}"]
        if self.cp > 1:
            parts.insert(1, f"CP {self.cp}")
        if self.ep > 1:
            parts.append(f"EP {self.ep}")
        if self.virtual_stages > 1:
            parts.append(message("run.layout.virtual_stages", stages=self.virtual_stages))
        parts.append(message("run.layout.microbatch", size=self.microbatch))
        parts.append("FSDP (ZeRO-3)" if self.zero == 3 else f"ZeRO-{self.zero}")
        parts.append(message(f"run.recompute.{self.recompute}"))
        return message("run.layout", parts=parts)

    def describe(self) -> str:
        return str(self.as_message()["text"])

    def to_dict(self) -> dict[str, Any]:
        said = self.as_message()
        return {**asdict(self), "gpus": self.gpus, "text": said["text"], "messages": {"text": said}}


@dataclass(frozen=True, kw_only=True)
class Numerics:
    """Bytes per value and other choices that are not parallelism.

    Defaults: bf16 weights and gradients, Adam with fp32 master weights, momentum and variance
    (12 bytes per parameter: ZeRO's K = 12, Rajbhandari et al. 2020 s3.1), no dropout (modern
    pre-training runs such as Llama 3 use none), a fused SwiGLU that keeps its two input
    projections (4 s b f bytes) and recomputes their product.

    Attributes
    ----------
    weight_bytes, grad_bytes, optimizer_bytes
        Bytes per parameter of the working weights, the gradients (4 for fp32 accumulation, as
        Llama 3 and DeepSeek LLM do) and the optimizer states including master weights.
    offload_optimizer
        Optimizer states in host memory (ZeRO-Offload): none of them on the accelerator.
    dropout
        Dropout masks are stored (Korthikanti et al. 2022 assume dropout).
    fused_swiglu
        SwiGLU keeps gate and up projections only.
    """

    weight_bytes: float = 2.0
    grad_bytes: float = 2.0
    optimizer_bytes: float = 12.0
    offload_optimizer: bool = False
    dropout: bool = False
    fused_swiglu: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def stage_layers(n_layers: int, pp: int) -> tuple[int, int, int]:
    """Layers on the first, each middle and the last pipeline stage (see the module docstring)."""
    if pp == 1:
        return n_layers, n_layers, n_layers
    middle = math.ceil(n_layers / pp)
    rest = n_layers - middle * (pp - 2)
    if rest < 2:  # too few layers left for the ends: spread evenly instead
        middle = n_layers // pp
        rest = n_layers - middle * (pp - 2)
    last = rest // 2
    return rest - last, middle, last


def valid(layout: Layout, *, n_layers: int, n_heads: int, n_kv_heads: int, experts: int) -> bool:
    """Whether a layout can split this model at all (divisibility, at least one layer a stage)."""
    if n_heads % layout.tp or (n_kv_heads % layout.tp and layout.tp % n_kv_heads):
        return False
    if layout.pp > n_layers or layout.pp < 1:
        return False
    first, middle, last = stage_layers(n_layers, layout.pp)
    if min(first, middle, last) < layout.virtual_stages:
        return False
    if experts > 1:
        if experts % layout.ep or layout.shard_ranks % layout.ep:
            return False
    elif layout.ep != 1:
        return False
    return not (layout.pp == 1 and layout.virtual_stages > 1)
