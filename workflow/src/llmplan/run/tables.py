"""Rows and sentences a report shows for a training run (templates only format them).

Built from :mod:`llmplan.run.memory`, :mod:`llmplan.run.steptime` and
:mod:`llmplan.run.hyperparams` results, with the laws and sources named here, not in templates.
"""

from __future__ import annotations

from typing import Any

from llmplan.run.calendar import SOURCES as CALENDAR_SOURCES
from llmplan.run.hyperparams import (
    COOLDOWN_FRACTION,
    DEEPSEEK_BATCH,
    DEEPSEEK_CITATION,
    DEEPSEEK_LR,
    KAPLAN_CITATION,
    WSD_CITATION,
    Hyperparameters,
)
from llmplan.run.memory import MemoryBreakdown
from llmplan.run.parallel import Layout, Numerics
from llmplan.run.steptime import StepTime


def texts(hp: Hyperparameters) -> dict[str, str]:
    """The sentences beside the batch, learning rate, schedule, MFU and calendar."""
    a, b = DEEPSEEK_BATCH
    c, d = DEEPSEEK_LR
    low, high = hp.to_dict()["fit_range_flops"]
    fit = f"fitted on {low:.0e} to {high:.0e} FLOPs"
    batch = (
        f"B_opt = {a} C^{b} tokens at C = M D = {hp.deepseek_flops:.3g} FLOPs ({DEEPSEEK_CITATION})"
    )
    if hp.critical_batch_tokens is not None:
        batch += (
            f"; Kaplan's critical batch at the plan's predicted loss: "
            f"{hp.critical_batch_tokens:.3g} tokens ({KAPLAN_CITATION})"
        )
    return {
        "batch": batch,
        "learning_rate": f"eta_opt = {c} C^{d} ({DEEPSEEK_CITATION}; {fit}"
        + ("; extrapolated here)" if hp.extrapolated else ")"),
        "schedule": f"linear warm-up, constant, then a (1-sqrt) cooldown to zero over the last "
        f"{COOLDOWN_FRACTION:.0%} of steps: warmup-stable-decay ({WSD_CITATION})",
        "mfu_method": "MFU counts 6 N + 12 L H Q T FLOPs per token (PaLM, Chowdhery et al. 2022, "
        "App. B) against the dense bf16 peak; the band spans the model's errors on the "
        "published runs it was not fitted on",
        "mfu_caveat": "The constants describe tuned Megatron-LM-class stacks: LLaMA's published "
        "throughput (Touvron et al. 2023, s2.4 and Table 15) is about 30% below what the model "
        "predicts for the same models laid out as the planner would (benchmarks/bench_mfu.py)",
        "calendar_method": "calendar days add interruptions at the rates of published large "
        "runs: " + "; ".join(CALENDAR_SOURCES),
    }


def memory_rows(
    memory: MemoryBreakdown, layout: Layout, numerics: Numerics
) -> list[dict[str, Any]]:
    """Rows of the memory table, each with what it holds (GB per accelerator)."""
    shard = f", sharded over {layout.shard_ranks:,}" if layout.shard_ranks > 1 else ""
    bits = {2.0: "16-bit", 4.0: "fp32"}
    return [
        {
            "label": "Weights",
            "gb": memory.weights / 1e9,
            "what": f"{bits.get(numerics.weight_bytes, '')} working copy"
            + (shard if layout.zero >= 3 else ""),
        },
        {
            "label": "Gradients",
            "gb": memory.gradients / 1e9,
            "what": f"{bits.get(numerics.grad_bytes, '')}" + (shard if layout.zero >= 2 else ""),
        },
        {
            "label": "Optimizer states",
            "gb": memory.optimizer / 1e9,
            "what": f"Adam: fp32 master weights, momentum, variance ({numerics.optimizer_bytes:g} "
            "bytes per parameter)" + (shard if layout.zero >= 1 else ""),
        },
        {
            "label": "Activations",
            "gb": memory.activations / 1e9,
            "what": f"{layout.recompute} recomputation, micro-batch {layout.microbatch}, "
            f"{'fused' if layout.flash_attention else 'materialised'} attention"
            + (f", on the {memory.stage} pipeline stage" if layout.pp > 1 else "")
            + " (Korthikanti et al. 2022)",
        },
        {
            "label": "Buffers",
            "gb": memory.buffers / 1e9,
            "what": "framework, communication buffers and fragmentation allowance"
            + ("; gathered weights of two layers" if layout.zero >= 3 else ""),
        },
    ]


def step_rows(step: StepTime) -> list[dict[str, Any]]:
    """Rows of the step-time table: seconds per step by component and their share."""
    parts = (
        ("Compute (matmuls, attention, recomputation)", step.compute),
        ("Memory-bound kernels", step.memory_bound),
        ("Tensor-parallel communication", step.tp_comm),
        ("Context/expert-parallel communication", step.cp_ep_comm),
        ("Pipeline sends", step.pp_p2p),
        ("Pipeline bubble", step.bubble),
        ("Data-parallel communication not hidden", step.dp_exposed),
        ("Optimizer step", step.optimizer),
    )
    return [
        {"label": label, "seconds": seconds, "share": seconds / step.total}
        for label, seconds in parts
        if seconds > 0
    ]
