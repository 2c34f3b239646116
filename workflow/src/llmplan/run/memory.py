"""Memory per accelerator of a training run, broken down, for a parallel layout.

**Model state** (Rajbhandari et al. 2020, ZeRO, arXiv:1910.02054, s3.1: mixed-precision Adam
holds 2 + 2 + K bytes per parameter, K = 12 for fp32 master weights, momentum and variance, "16 Psi"
in all). A pipeline stage holds its layers (plus the input embedding on the first stage, the
output head on the last); tensor parallelism divides them by ``tp``, expert parallelism an MoE
layer's experts by ``ep``. ZeRO stage 1 divides the optimizer states by the ``dp x cp`` ranks that
share weights, stage 2 the gradients as well, stage 3 (FSDP) the weights too (ZeRO Figure 1:
4 Psi + K Psi / N_d, 2 Psi + (2 + K) Psi / N_d, (4 + K) Psi / N_d).

**Activations** (Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer
Models", arXiv:2205.05198, s4.1 and Table 2), bytes per layer for a micro-batch of b sequences of
s tokens, hidden size h, a heads, tensor-parallel size t:

- attention block 11 s b h + 5 a s^2 b: its input 2sbh, Q and K 4sbh, V 2sbh, the output
  projection's input 2sbh, a dropout mask sbh; softmax output 2as^2b, its dropout mask as^2b and
  dropout output 2as^2b;
- MLP 19 s b h: input 2sbh, the 4h-wide pre- and post-GeLU activations 8sbh each, a dropout mask;
- two layer norms' inputs, 4 s b h;
- in all sbh (34 + 5 a s / h); with tensor and sequence parallelism every term is divided by t
  (eq. 4), with tensor parallelism alone the 10 s b h outside the tensor-parallel region are not
  (Table 2: sbh (10 + 24 / t + 5 a s / (h t))). Selective recomputation drops the a s^2 terms;
  full recomputation keeps only each layer's input, 2 s b h (s5), plus one layer's working set
  while it is recomputed.

We generalise the same accounting (our arithmetic, not in the paper) to grouped-query attention
(K and V have ``kv_heads x head_dim`` columns), other MLP widths f, SwiGLU (gate and up outputs
2 s b f each; the product 2 s b f unless a fused kernel recomputes it), no dropout (no masks; the
attention term is the softmax output 2 a s^2 b alone) and FlashAttention (Dao et al. 2022,
arXiv:2205.14135, s3.1: no s x s matrix is stored, only the output and the fp32 softmax
statistics, 4 a s b bytes). Context parallelism divides s by ``cp``. For the GPT case (MHA,
GeLU, f = 4h, dropout) this is exactly Korthikanti's Table 2.

**Pipeline in flight** (Korthikanti s4.2.3): with 1F1B the first stage stores ``pp``
micro-batches of its layers (fewer when a step has fewer micro-batches); the interleaved schedule
with v chunks stores ``1 + (pp - 1) / (pp v)`` times that. The last stage also holds the fp32
logits, 4 s b V / t bytes (s4.3).

**Buffers**: ZeRO-3 gathers the full (tensor-parallel shard of the) weights of the layer it runs
and prefetches the next (two layers); plus an allowance of 5% of device memory, and at least
2 GB, for the framework, communication buffers and allocator fragmentation (an estimate, not a
measurement). A layout fits when the total is at most the device memory (``memory_gb`` x 1e9
bytes).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final

from llmplan.arch.counts import ParamCounts, param_counts
from llmplan.arch.shape import ModelShape
from llmplan.run.parallel import Layout, Numerics, stage_layers

BYTES_PER_GB: Final = 1e9
#: Allowance for framework, communication buffers and fragmentation (estimate).
RESERVE_FRACTION: Final = 0.05
RESERVE_MIN_BYTES: Final = 2e9
#: Bytes of one stored activation value (bf16) and of a dropout-mask value (Korthikanti s3).
ACT_BYTES: Final = 2.0
MASK_BYTES: Final = 1.0


@dataclass(frozen=True)
class MemoryBreakdown:
    """Bytes per accelerator on the most loaded pipeline stage."""

    weights: float
    gradients: float
    optimizer: float
    activations: float
    buffers: float
    capacity: float
    stage: str

    @property
    def total(self) -> float:
        return self.weights + self.gradients + self.optimizer + self.activations + self.buffers

    @property
    def fits(self) -> bool:
        return self.total <= self.capacity

    def to_dict(self) -> dict[str, Any]:
        gb = BYTES_PER_GB
        return {
            "weights_gb": self.weights / gb,
            "gradients_gb": self.gradients / gb,
            "optimizer_gb": self.optimizer / gb,
            "activations_gb": self.activations / gb,
            "buffers_gb": self.buffers / gb,
            "total_gb": self.total / gb,
            "capacity_gb": self.capacity / gb,
            "fits": self.fits,
            "stage": self.stage,
        }


@functools.lru_cache(maxsize=256)
def shape_counts(shape: ModelShape) -> ParamCounts:
    """:func:`llmplan.arch.counts.param_counts`, cached: a layout search asks thousands of times."""
    return param_counts(shape)


def activation_bytes_per_layer(
    shape: ModelShape, layout: Layout, numerics: Numerics, *, recompute: str | None = None
) -> float:
    """Bytes one layer stores for one micro-batch on one accelerator (see the module docstring).

    ``recompute`` overrides the layout's (``"none"`` gives the working set of a recomputed layer).
    """
    mode = layout.recompute if recompute is None else recompute
    t = layout.tp
    s = shape.seq_len / layout.cp
    b = layout.microbatch
    h = shape.d_model
    sb = s * b
    outside = float(t) if layout.sequence_parallel else 1.0  # divisor outside the TP region
    if mode == "full":
        return ACT_BYTES * sb * h / outside
    q_dim = shape.n_heads * shape.head_dim
    kv_dim = shape.n_kv_heads * shape.head_dim
    f = shape.d_ff * shape.active_experts
    mask = MASK_BYTES * sb * h if numerics.dropout else 0.0
    # outside the tensor-parallel region: two norm inputs, attention and MLP inputs, two masks
    out_region = ACT_BYTES * sb * h * 4 + 2 * mask
    # inside: Q, K, V, the output projection's input, the MLP's wide activations
    in_region = ACT_BYTES * sb * (2 * q_dim + 2 * kv_dim)
    if shape.mlp == "swiglu":
        in_region += ACT_BYTES * sb * f * (2 if numerics.fused_swiglu else 3)
    else:
        in_region += ACT_BYTES * sb * f * 2
    heads = shape.n_heads
    if layout.flash_attention:
        in_region += 4.0 * heads * sb  # fp32 softmax statistics per row
    elif mode == "none":
        per_score = ACT_BYTES + (MASK_BYTES + ACT_BYTES if numerics.dropout else 0.0)
        in_region += per_score * heads * s * shape.seq_len * b
    return out_region / outside + in_region / t


def layers_in_flight(
    layout: Layout, rank: int, stage_layer_count: int, microbatches: float
) -> float:
    """Layer-micro-batches of activations pipeline rank ``rank`` stores at its peak.

    1F1B: rank r runs ``pp - r - 1`` warm-up forwards, so it stores ``pp - r`` micro-batches
    (``pp`` on the first stage, Korthikanti s4.2.3). Interleaved with v chunks of ``n / v`` layers:
    ``2 (pp - r - 1) + (v - 1) pp + 1`` chunks (Megatron-LM's warm-up count), which for r = 0 is
    Korthikanti's ``n pp (1 + (pp - 1) / (pp v))``. Never more than the step's micro-batches.
    """
    p, v, m = layout.pp, layout.virtual_stages, max(microbatches, 1.0)
    if p == 1:
        return float(stage_layer_count)
    if v == 1:
        return stage_layer_count * min(float(p - rank), m)
    chunks = min(2.0 * (p - rank - 1) + (v - 1) * p + 1, m * v)
    return chunks * stage_layer_count / v


def stage_params(shape: ModelShape, layout: Layout, where: str) -> tuple[float, float]:
    """(dense, expert) parameters per accelerator on the ``first``, ``middle`` or ``last`` stage.

    Counts are :func:`llmplan.arch.counts.param_counts`; the token embedding (and a learned
    position table) sits on the first stage, the output projection and final norm on the last
    (a tied projection is a copy there, as in Megatron-LM).
    """
    counts = shape_counts(shape)
    first, middle, last = stage_layers(shape.n_layers, layout.pp)
    layers = {"first": first, "middle": middle, "last": last}[where]
    experts_total = shape.experts * counts.mlp_per_expert if shape.is_moe else 0
    expert = layers * experts_total
    if layout.pp == 1:
        return (counts.total - expert) / layout.tp, expert / (layout.tp * layout.ep)
    dense = layers * (counts.per_layer - experts_total)
    table = shape.vocab * shape.d_model
    if where == "first":
        dense += table + (shape.seq_len * shape.d_model if shape.positions == "learned" else 0)
    if where == "last":
        final_norm = counts.non_embedding - shape.n_layers * counts.per_layer
        dense += table + final_norm
    return dense / layout.tp, expert / (layout.tp * layout.ep)


def memory_per_gpu(
    shape: ModelShape,
    layout: Layout,
    *,
    memory_gb: float,
    microbatches: float,
    numerics: Numerics | None = None,
) -> MemoryBreakdown:
    """Memory per accelerator on the most loaded stage (first or last) of ``layout``.

    Parameters
    ----------
    shape
        The model.
    layout
        Parallel layout, micro-batch size, ZeRO stage and recomputation.
    memory_gb
        Device memory (catalog ``memory_gb``).
    microbatches
        Micro-batches per pipeline per optimizer step (global batch / (dp x micro-batch)).
    numerics
        Bytes per value; default :class:`Numerics`.
    """
    numerics = numerics or Numerics()
    capacity = memory_gb * BYTES_PER_GB
    first, _, last = stage_layers(shape.n_layers, layout.pp)
    per_layer = activation_bytes_per_layer(shape, layout, numerics)
    working = 0.0
    if layout.recompute == "full":  # one layer recomputed at a time
        working = activation_bytes_per_layer(shape, layout, numerics, recompute="none")
    logits = 4.0 * (shape.seq_len / layout.cp) * layout.microbatch * shape.vocab / layout.tp
    reserve = max(RESERVE_MIN_BYTES, RESERVE_FRACTION * capacity)
    shard = layout.shard_ranks
    expert_shard = max(1, shard // layout.ep)
    candidates = []
    ends = (
        (("first", 0, first), ("last", layout.pp - 1, last))
        if layout.pp > 1
        else (("only", 0, first),)
    )
    for where, rank, layers in ends:
        dense, expert = stage_params(shape, layout, "first" if where == "only" else where)
        params_shard = dense / shard + expert / expert_shard
        params_full = dense + expert
        weights = numerics.weight_bytes * (params_shard if layout.zero >= 3 else params_full)
        grads = numerics.grad_bytes * (params_shard if layout.zero >= 2 else params_full)
        opt = 0.0
        if not numerics.offload_optimizer:
            opt = numerics.optimizer_bytes * (params_shard if layout.zero >= 1 else params_full)
        acts = per_layer * layers_in_flight(layout, rank, layers, microbatches) + working
        if where != "first":
            acts += logits
        gathered = 0.0
        if layout.zero >= 3:  # the running layer and the prefetched next one, whole
            gathered = 2.0 * numerics.weight_bytes * shape_counts(shape).per_layer / layout.tp
        candidates.append(
            MemoryBreakdown(
                weights=weights,
                gradients=grads,
                optimizer=opt,
                activations=acts,
                buffers=gathered + reserve,
                capacity=capacity,
                stage=where,
            )
        )
    return max(candidates, key=lambda m: m.total)
