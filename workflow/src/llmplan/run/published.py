"""Published training runs with their layouts and throughput: what the MFU model is fitted on.

Every run states what its paper gives (layout, batch, throughput) and the FLOP convention of its
throughput figure, so that all of them reduce to the same measured quantity, **tokens per second
per accelerator** (verified facts and the derivations are in the project's run notes):

- ``megatron_hfu``: Narayanan et al. 2021 (arXiv:2104.04473) eq. 3, 96 B s l h^2 (1 + s/(6h) +
  V/(16 l h)) FLOPs per iteration, *counting the recomputed forward pass* (hardware FLOPs). OPT's
  147 TFLOP/s (Zhang et al. 2022, s2.4; 4.30e23 FLOPs in metaseq's final update equals eq. 3 x 300B
  tokens) and BLOOM's 149.77 TFLOP/s (bigscience tr11 README: "using the 4*2 co-efficient") use it.
- ``korthikanti_mfu``: Korthikanti et al. 2022 (arXiv:2205.05198) s6.3 model FLOPs,
  72 B s l h^2 (1 + s/(6h) + V/(12 l h)), no recomputation.
- ``palm``: Chowdhery et al. 2022 (arXiv:2204.02311) s4.1/App. B, 6 N + 12 L H Q T per token with
  N the published parameter count (reproduces PaLM's 46.2%). Llama 3 cites Chowdhery et al. for
  its MFU, so its Table 4 is read in this convention (our reading: the paper does not print its
  formula).
- ``causal``: 6 N + 6 L h s per token (attention counted for the causal half), which reproduces
  MegaScale's Table 2 MFUs from its tokens/s (our arithmetic).

Roles: ``train`` runs fit the constants of :mod:`llmplan.run.mfu`; ``validation`` runs test them;
``reported`` runs are printed with their error but neither fit nor judged, for the reason given.
Knobs a paper does not state (micro-batch size, virtual stages, recomputation) are chosen the way
the planner would choose them: the fastest setting that fits memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from llmplan.arch.shape import ModelShape
from llmplan.run.parallel import Numerics

Role = Literal["train", "validation", "reported"]
Convention = Literal["megatron_hfu", "korthikanti_mfu", "palm", "causal"]


@dataclass(frozen=True, kw_only=True)
class PublishedRun:
    """One published run: shape, layout as stated, throughput as stated, and its source."""

    id: str
    name: str
    source: str
    hardware: str
    shape: ModelShape
    published_params: float
    tp: int
    pp: int
    dp: int
    global_batch: int  # sequences per step
    metric: Literal["tflops_per_gpu", "mfu"]
    value: float
    convention: Convention
    role: Role
    why: str
    cp: int = 1
    microbatch: int | None = None
    virtual_stages: int | None = None
    recompute: str | None = None
    zero: int = 1
    sequence_parallel: bool = True
    flash_attention: bool = True
    tp_overlap: float = 0.0
    dp_overlap: bool = True
    network_gbps: float | None = None
    numerics: Numerics = field(default_factory=Numerics)

    @property
    def gpus(self) -> int:
        return self.tp * self.cp * self.pp * self.dp

    def flops_per_token(self) -> float:
        """FLOPs per token in the convention of the published figure."""
        s, h, n = self.shape.seq_len, self.shape.d_model, self.shape.n_layers
        v = self.shape.vocab
        if self.convention == "megatron_hfu":
            return 96.0 * n * h * h * (1 + s / (6 * h) + v / (16 * n * h))
        if self.convention == "korthikanti_mfu":
            return 72.0 * n * h * h * (1 + s / (6 * h) + v / (12 * n * h))
        q = self.shape.n_heads * self.shape.head_dim
        attention = (12.0 if self.convention == "palm" else 6.0) * n * q * s
        return 6.0 * self.published_params + attention

    def tokens_per_s_per_gpu(self, peak_flops: float) -> float:
        """The published throughput as tokens per second per accelerator."""
        flops = self.value * 1e12 if self.metric == "tflops_per_gpu" else self.value * peak_flops
        return flops / self.flops_per_token()
