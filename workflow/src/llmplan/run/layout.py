"""Layouts that fit, their step times, and the fastest one.

The search enumerates every split of the accelerators into ``tp x cp x pp x dp`` (tensor
parallelism within one NVLink/ICI domain, as Narayanan et al. 2021, arXiv:2104.04473, s3.3
recommend: "use tensor model parallelism up to degree g when using g-GPU servers"; context
parallelism only for sequences of 16K tokens or more), and for each the micro-batch size, the
interleaving depth, the ZeRO stage and the recomputation, with sequence parallelism and fused
attention on; for an MoE also the expert-parallel degree, experts split over data-parallel ranks
(GShard, Lepikhin et al. 2020, arXiv:2006.16668). A layout is kept when it fits memory (:mod:`llmplan.run.memory`) and its
data-parallel size times its micro-batch does not exceed the global batch (the batch-size law
caps data parallelism). Step time is :func:`llmplan.run.steptime.step_time` with the calibrated
constants of :mod:`llmplan.run.mfu`; the fastest layout wins, and among layouts within 1% of it
(closer than the model can tell apart) the one that uses least memory.

When nothing fits, :func:`min_gpus_needed` finds the fewest accelerators that would: weights,
gradients and optimizer states fully sharded plus the smallest activation footprint, confirmed by
the search itself.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Final

from llmplan.arch.shape import ModelShape
from llmplan.run.memory import MemoryBreakdown, memory_per_gpu
from llmplan.run.parallel import Layout, Numerics, stage_layers, valid
from llmplan.run.steptime import Cluster, Efficiency, StepTime, step_time

MICROBATCHES: Final = (1, 2, 4, 8)
VIRTUAL_STAGES: Final = (1, 2, 3, 4, 6, 8)
ZERO_STAGES: Final = (1, 2, 3)
#: Context parallelism is considered from this sequence length on (Llama 3 used it at 128K).
CP_MIN_SEQ: Final = 16_384
MAX_PIPELINE: Final = 128
#: Layouts within this fraction of the fastest count as tied; the one using least memory wins.
TIE: Final = 0.01


@dataclass(frozen=True)
class Candidate:
    """A layout that fits, its memory and its step time."""

    layout: Layout
    memory: MemoryBreakdown
    step: StepTime
    global_batch: int  # sequences, after rounding to whole micro-batches


@dataclass(frozen=True)
class Search:
    """Result of a layout search: the fitting candidates, fastest first (may be empty)."""

    candidates: tuple[Candidate, ...]
    evaluated: int
    reasons: tuple[str, ...] = field(default_factory=tuple)

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


def _powers_of_two(limit: int) -> list[int]:
    return [2**k for k in range(int(math.log2(max(limit, 1))) + 1)]


def _divisors(n: int) -> list[int]:
    return [k for k in range(1, n + 1) if n % k == 0]


def enumerate_layouts(shape: ModelShape, cluster: Cluster, *, global_batch: int) -> list[Layout]:
    """Every layout of ``cluster.count`` accelerators that can split ``shape`` (memory unchecked)."""
    n = cluster.count
    tp_max = cluster.gpus_per_node if cluster.intra_bytes_per_s else 1
    tps = [t for t in _powers_of_two(min(tp_max, shape.n_heads)) if n % t == 0]
    cps = [1]
    if shape.seq_len >= CP_MIN_SEQ:
        cps = [c for c in _powers_of_two(32) if shape.seq_len // c >= 4096]
    out = []
    for t, c in itertools.product(tps, cps):
        if n % (t * c):
            continue
        for p in _divisors(n // (t * c)):
            if p > min(shape.n_layers, MAX_PIPELINE):
                break
            d = n // (t * c * p)
            if d * c > 1 and cluster.network_bytes_per_s is None and n > cluster.gpus_per_node:
                continue
            first, middle, last = stage_layers(shape.n_layers, p)
            eps = [1]
            if shape.is_moe:  # experts split over data-parallel ranks (Lepikhin et al. 2020)
                eps = [e for e in _powers_of_two(shape.experts) if (d * c) % e == 0]
            for b, ep in itertools.product(MICROBATCHES, eps):
                if d * b > global_batch:
                    continue
                for v in VIRTUAL_STAGES if p > 1 else (1,):
                    if v > min(first, middle, last):
                        continue
                    for zero in ZERO_STAGES:
                        for recompute in ("none", "full"):
                            layout = Layout(
                                tp=t,
                                cp=c,
                                pp=p,
                                dp=d,
                                ep=ep,
                                microbatch=b,
                                virtual_stages=v,
                                zero=zero,
                                recompute=recompute,
                            )
                            if valid(
                                layout,
                                n_layers=shape.n_layers,
                                n_heads=shape.n_heads,
                                n_kv_heads=shape.n_kv_heads,
                                experts=shape.experts,
                            ):
                                out.append(layout)
    return out


def search_layouts(
    shape: ModelShape,
    cluster: Cluster,
    efficiency: Efficiency,
    *,
    global_batch: int,
    numerics: Numerics | None = None,
    keep: int = 10,
) -> Search:
    """The fastest layouts that fit, fastest first (at most ``keep``).

    ``global_batch`` is in sequences; each layout rounds it to a whole number of micro-batches
    per pipeline (at least one).
    """
    numerics = numerics or Numerics()
    if (
        cluster.count > 1
        and cluster.count > cluster.gpus_per_node
        and not cluster.network_bytes_per_s
    ):
        return Search(
            (), 0, (f"the network bandwidth of {cluster.hardware} is not in the catalog",)
        )
    layouts = enumerate_layouts(shape, cluster, global_batch=global_batch)
    fitting: list[Candidate] = []
    for layout in layouts:
        m = max(1, round(global_batch / (layout.dp * layout.microbatch)))
        memory = memory_per_gpu(
            shape, layout, memory_gb=cluster.memory_gb, microbatches=m, numerics=numerics
        )
        if not memory.fits:
            continue
        batch = m * layout.dp * layout.microbatch
        step = step_time(shape, layout, cluster, efficiency, global_batch=batch, numerics=numerics)
        fitting.append(Candidate(layout, memory, step, batch))
    fitting.sort(key=lambda c: c.step.tokens_per_s, reverse=True)
    if fitting:  # near-ties: the model cannot tell them apart, so keep the memory headroom
        fastest = fitting[0].step.tokens_per_s
        tied = [c for c in fitting if c.step.tokens_per_s >= (1 - TIE) * fastest]
        tied.sort(key=lambda c: c.memory.total)
        fitting = tied + fitting[len(tied) :]
    reasons = () if fitting else ("no layout fits in memory",)
    return Search(tuple(fitting[:keep]), len(layouts), reasons)


def state_bytes_per_param(numerics: Numerics) -> float:
    """Weights, gradients and optimizer states per parameter (16 for mixed-precision Adam)."""
    optimizer = 0.0 if numerics.offload_optimizer else numerics.optimizer_bytes
    return numerics.weight_bytes + numerics.grad_bytes + optimizer


def min_gpus_needed(
    shape: ModelShape,
    params: float,
    cluster: Cluster,
    efficiency: Efficiency,
    *,
    global_batch: int,
    numerics: Numerics | None = None,
    limit: int = 1 << 20,
) -> int | None:
    """Fewest accelerators of this kind on which some layout fits (None beyond ``limit``).

    Starts from the fully sharded state over the usable memory and doubles until the search
    finds a fitting layout, then bisects on whole nodes.
    """
    numerics = numerics or Numerics()
    usable = 0.9 * cluster.memory_gb * 1e9
    start = max(1, math.ceil(state_bytes_per_param(numerics) * params / usable))
    node = max(1, min(cluster.gpus_per_node, 8))

    def fits(count: int) -> bool:
        trial = Cluster(**{**cluster.__dict__, "count": count})
        result = search_layouts(
            shape, trial, efficiency, global_batch=global_batch, numerics=numerics, keep=1
        )
        return result.best is not None

    count = start if start <= node else node * math.ceil(start / node)
    low = 0
    while not fits(count):
        low = count
        count *= 2
        if count > limit:
            return None
    step = node if count > node else 1
    while count - step > low and fits(count - step):
        count -= step
    return count
