"""Time of one optimizer step for a parallel layout: compute, communication, the pipeline bubble.

All times are per accelerator on the slowest pipeline stage. Notation: ``b`` sequences per
micro-batch, ``s`` tokens per sequence, ``h`` hidden size, ``t, c, p, d`` tensor, context,
pipeline, data parallel sizes, ``v`` virtual stages, ``m`` micro-batches per pipeline per step.

- **Compute**: a layer's forward matmuls are 2 FLOPs per parameter per token plus the attention
  products 4 s (heads x head_dim) per token (Narayanan et al. 2021, arXiv:2104.04473, App.: 24Bsh^2
  + 4Bs^2h per layer forward for GPT), half of those with a causal fused kernel (FlashAttention
  skips masked blocks); backward is twice forward; full recomputation adds a forward, selective
  the attention products (Korthikanti et al. 2022, arXiv:2205.05198, s5). Work is split over
  ``t x c`` accelerators and runs at ``compute x w / (w + w0)`` x dense peak: ``compute`` is the
  achievable fraction of peak that :mod:`llmplan.run.mfu` calibrates per accelerator, and
  ``w = h / t`` the width of the tensor-parallel matmuls, which lose efficiency when narrow
  (tile and wave quantisation; ``w0 = efficiency.gemm_width`` is calibrated too).
- **Memory-bound work**: element-wise kernels move the stored activations (Korthikanti's bytes,
  :mod:`llmplan.run.memory`) ``MEMORY_PASSES`` times through HBM.
- **Tensor parallelism**: per layer and pass, two all-reduces (or with sequence parallelism two
  all-gathers and two reduce-scatters, the same bytes) of the ``b s h`` bf16 activations, each
  moving ``2 (t-1)/t`` of them per accelerator (ring collectives, Patarasuk & Yuan 2009): forward,
  backward, and the recomputed forward under full recomputation (Korthikanti s4.2.2). Inside one
  NVLink/ICI domain when ``t`` fits, else over the network; not overlapped unless
  ``tp_overlap`` says what share is (MegaScale, Jiang et al. 2024, arXiv:2402.15627, s3.2).
- **Context parallelism**: all-gather of K and V in the forward pass, again plus a reduce-scatter
  of their gradients backward (the all-gather form of the Llama 3 paper, arXiv:2407.21783,
  s3.3.2). **Expert parallelism**: two all-to-alls forward and two backward per MoE layer.
- **Pipeline**: the interleaved 1F1B schedule takes ``(m + (p-1)/v)`` micro-batch slots of the
  slowest stage (bubble fraction ``(p-1)/(v m)``, Narayanan et al. 2021 s2.2.2), plus the
  point-to-point sends of ``b s h / t`` activations (scatter/gather, s4.1), one forward and one
  backward per model chunk.
- **Data parallelism** over the ``d x c`` ranks sharing weights, as ring reduce-scatter and
  all-gather, hierarchical when several ranks share a domain: ZeRO 0-1 reduce the gradients and
  gather the weights once a step; ZeRO-2 reduce-scatters every micro-batch's gradients; ZeRO-3
  also gathers the weights for every forward and backward (Rajbhandari et al. 2020 s7: 1.5x the
  data-parallel volume). Each collective overlaps with the compute it can hide behind (one
  micro-batch's backward for gradient reductions, its forward for weight gathers); only the rest
  shows. Stacks that do not overlap (Megatron-LM before MegaScale's "+DP overlap", its Table 3)
  set ``dp_overlap`` off.
- **Optimizer**: reads and writes its states, gradients and weights once through HBM.

Communication runs at ``efficiency.comm`` x the catalog's per-direction bandwidth, the second
calibrated constant.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass
from typing import Any, Final

from llmplan.arch.flops import flops_per_token
from llmplan.arch.shape import ModelShape
from llmplan.inputs.catalog import Hardware
from llmplan.run.memory import activation_bytes_per_layer, shape_counts, stage_params
from llmplan.run.parallel import Layout, Numerics, stage_layers

#: Passes of the stored activations through HBM by element-wise kernels: written forward, read
#: by the next kernel, read backward, their gradient written (our estimate).
MEMORY_PASSES: Final = 4.0
BF16: Final = 2.0


@dataclass(frozen=True, kw_only=True)
class Cluster:
    """Accelerators and the links between them (per-direction bytes/s)."""

    hardware: str
    count: int
    peak_flops: float
    hbm_bytes_per_s: float
    memory_gb: float
    gpus_per_node: int
    intra_bytes_per_s: float | None
    network_bytes_per_s: float | None

    @classmethod
    def from_hardware(
        cls, hw: Hardware, count: int, *, network_gbps: float | None = None
    ) -> Cluster:
        """From a catalog entry; ``network_gbps`` (per direction) replaces its network."""
        network = hw.network_bytes_per_s if network_gbps is None else network_gbps * 1e9 / 8
        return cls(
            hardware=hw.id,
            count=count,
            peak_flops=hw.peak_flops,
            hbm_bytes_per_s=(hw.memory_bandwidth_gbs or 0.0) * 1e9,
            memory_gb=hw.memory_gb,
            gpus_per_node=hw.gpus_per_node or 1,
            intra_bytes_per_s=hw.intra_node_bytes_per_s,
            network_bytes_per_s=network,
        )

    def link(self, group_span: int) -> float | None:
        """Per-direction bandwidth of a group whose members lie ``group_span`` ranks apart."""
        return (
            self.intra_bytes_per_s if group_span <= self.gpus_per_node else self.network_bytes_per_s
        )


@dataclass(frozen=True, kw_only=True)
class Efficiency:
    """Calibrated constants: achievable fraction of dense peak and of link bandwidth."""

    compute: float
    comm: float
    gemm_width: float = 0.0
    memory_passes: float = MEMORY_PASSES
    tp_overlap: float = 0.0
    dp_overlap: bool = True


@dataclass(frozen=True)
class StepTime:
    """Seconds per optimizer step, by component, and what follows from them."""

    compute: float
    memory_bound: float
    tp_comm: float
    cp_ep_comm: float
    pp_p2p: float
    bubble: float
    dp_exposed: float
    optimizer: float
    total: float
    tokens_per_step: float
    model_flops_per_step: float
    gpus: int
    peak_flops: float

    @property
    def tokens_per_s(self) -> float:
        return self.tokens_per_step / self.total

    @property
    def mfu(self) -> float:
        """Model FLOPs utilisation: 6 N + 12 L H Q T per token, N all (active) parameters (PaLM,
        Chowdhery et al. 2022, App. B; :func:`llmplan.arch.flops.flops_per_token`), no
        recomputation counted."""
        return self.model_flops_per_step / (self.total * self.gpus * self.peak_flops)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "tokens_per_s": self.tokens_per_s, "mfu": self.mfu}


@functools.lru_cache(maxsize=256)
def _model_flops(shape: ModelShape) -> float:
    return flops_per_token(shape, "palm")


def _ring(bytes_: float, ranks: int, bw: float) -> float:
    """Seconds of a ring reduce-scatter or all-gather of ``bytes_`` over ``ranks`` at ``bw``."""
    return (ranks - 1) / ranks * bytes_ / bw if ranks > 1 else 0.0


def _hier(bytes_: float, ranks: int, span: int, cluster: Cluster, comm: float) -> float:
    """Reduce-scatter (or all-gather) over ``ranks`` spaced ``span`` apart, hierarchical.

    ``inner`` ranks share a domain and exchange over NVLink/ICI; the rest cross the network, each
    accelerator's NIC carrying its ``1/inner`` slice.
    """
    if ranks <= 1:
        return 0.0
    room = cluster.gpus_per_node // span if span <= cluster.gpus_per_node else 1
    inner = max(k for k in range(1, min(ranks, room) + 1) if ranks % k == 0)
    outer = ranks // inner
    seconds = 0.0
    if inner > 1:
        seconds += _ring(bytes_, inner, (cluster.intra_bytes_per_s or 0.0) * comm)
    if outer > 1:
        if not cluster.network_bytes_per_s:
            return float("inf")  # across domains with no known network
        seconds += _ring(bytes_ / inner, outer, cluster.network_bytes_per_s * comm)
    return seconds


def step_time(
    shape: ModelShape,
    layout: Layout,
    cluster: Cluster,
    efficiency: Efficiency,
    *,
    global_batch: float,
    numerics: Numerics | None = None,
) -> StepTime:
    """Seconds per step of ``global_batch`` sequences (see the module docstring)."""
    numerics = numerics or Numerics()
    t, c, p, d, v, b = (
        layout.tp,
        layout.cp,
        layout.pp,
        layout.dp,
        layout.virtual_stages,
        layout.microbatch,
    )
    m = global_batch / (d * b)
    s, h = shape.seq_len, shape.d_model
    width = shape.d_model / t  # the narrow side of the tensor-parallel matmuls
    flops_rate = cluster.peak_flops * efficiency.compute * width / (width + efficiency.gemm_width)
    tokens = b * s / c  # tokens of one micro-batch on one accelerator's context shard
    counts = shape_counts(shape)
    mm = 2.0 * (counts.attention_per_layer + shape.active_experts * counts.mlp_per_expert)
    attn = 4.0 * s * shape.n_heads * shape.head_dim * (0.5 if layout.flash_attention else 1.0)
    fwd = tokens * (mm + attn) / t / flops_rate
    attn_fwd = tokens * attn / t / flops_rate
    recompute = {"none": 0.0, "selective": 0.0 if layout.flash_attention else attn_fwd}.get(
        layout.recompute, fwd
    )
    compute_layer = 3.0 * fwd + recompute
    stored = activation_bytes_per_layer(shape, layout, numerics, recompute="none")
    passes = efficiency.memory_passes * (1.25 if layout.recompute == "full" else 1.0)
    memory_layer = passes * stored / cluster.hbm_bytes_per_s
    comm = efficiency.comm
    tp_layer = 0.0
    if t > 1:
        bw = cluster.link(t)
        activation = tokens * h * BF16
        passes_tp = 3.0 if layout.recompute == "full" else 2.0
        volume = passes_tp * 2.0 * 2.0 * (t - 1) / t * activation  # two all-reduces a pass
        tp_layer = volume / ((bw or 0.0) * comm) * (1.0 - efficiency.tp_overlap)
    cp_ep_layer = 0.0
    if c > 1:
        kv = b * s * 2 * shape.n_kv_heads * shape.head_dim * BF16 / t
        cp_ep_layer += 3.0 * _ring(kv, c, (cluster.link(t * c) or 0.0) * comm)
    if layout.ep > 1:
        routed = tokens * shape.active_experts * h * BF16 / t
        cp_ep_layer += 4.0 * _ring(routed, layout.ep, (cluster.link(t * layout.ep) or 0.0) * comm)
    layer = compute_layer + memory_layer + tp_layer + cp_ep_layer
    logits = tokens * 6.0 * h * shape.vocab / t / flops_rate
    first, middle, last = stage_layers(shape.n_layers, p)
    # the slowest stage: its layers, and the output layer on the last stage
    n_slow, extra = max(
        ((first, 0.0), (middle, 0.0), (last, logits)), key=lambda x: x[0] * layer + x[1]
    )
    stage = n_slow * layer + extra
    p2p = 0.0
    if p > 1:
        bw = cluster.link(t * c * 2)
        p2p = 2.0 * v * tokens * h * BF16 / t / ((bw or 0.0) * comm)
    slots = m + (p - 1) / v if p > 1 else m
    # data parallelism over the dp x cp ranks that share weights (the larger end stage)
    params = max(sum(stage_params(shape, layout, end)) for end in ("first", "last"))
    ranks = layout.shard_ranks
    span = t * c * p
    grads_rs = _hier(numerics.grad_bytes * params, ranks, span, cluster, comm)
    weights_ag = _hier(numerics.weight_bytes * params, ranks, span, cluster, comm)
    stage_compute = n_slow * compute_layer + extra
    fwd_window, bwd_window = stage_compute / 3.0, 2.0 * stage_compute / 3.0
    if not efficiency.dp_overlap:
        fwd_window = bwd_window = 0.0
    if layout.zero <= 1:  # once a step; ZeRO-0 all-reduces (reduce-scatter + all-gather)
        volume = grads_rs * (2.0 if layout.zero == 0 else 1.0)
        volume += weights_ag if layout.zero == 1 else 0.0
        dp_exposed = max(0.0, volume - bwd_window)
    elif layout.zero == 2:
        dp_exposed = m * max(0.0, grads_rs - bwd_window) + max(0.0, weights_ag - fwd_window)
    else:
        dp_exposed = m * (
            max(0.0, weights_ag - fwd_window) + max(0.0, weights_ag + grads_rs - bwd_window)
        )
    shard = params / ranks if layout.zero >= 1 else params
    opt_bytes = (numerics.grad_bytes + numerics.weight_bytes) * params
    opt_bytes += 2.0 * numerics.optimizer_bytes * shard
    optimizer = 0.0 if numerics.offload_optimizer else opt_bytes / cluster.hbm_bytes_per_s
    total = slots * (stage + p2p) + dp_exposed + optimizer
    tokens_step = m * d * b * s
    return StepTime(
        compute=m * stage_compute,
        memory_bound=m * n_slow * memory_layer,
        tp_comm=m * n_slow * tp_layer,
        cp_ep_comm=m * n_slow * cp_ep_layer,
        pp_p2p=m * p2p,
        bubble=(slots - m) * (stage + p2p),
        dp_exposed=dp_exposed,
        optimizer=optimizer,
        total=total,
        tokens_per_step=tokens_step,
        model_flops_per_step=tokens_step * _model_flops(shape),
        gpus=layout.gpus,
        peak_flops=cluster.peak_flops,
    )
