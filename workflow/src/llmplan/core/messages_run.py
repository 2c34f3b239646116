"""The training run's sentences and labels (``plan.json``'s ``training_run``), as messages.

Merged into :data:`llmplan.core.messages.MESSAGES`; built by :mod:`llmplan.run.tables`,
:mod:`llmplan.run.training` and :meth:`llmplan.run.parallel.Layout.message`. Citations are part of
the sentences as written (authors, year, section): translations keep them in Latin script.
"""

from __future__ import annotations

from typing import Final

from llmplan.core.msgid import N_

RUN_MESSAGES: Final = {
    # why a run has, or has no, layout
    "run.why.no_hardware": N_(
        "no hardware in the budget: state it as hardware x count x days for a layout"
    ),
    "run.why.no_count": N_("the budget gives no accelerator count: add count for a layout"),
    "run.why.no_layout": N_("no layout fits in memory"),
    "run.why.too_few": N_(
        "{params:si} with Adam ({state_gb:count} GB of weights, gradients and optimizer states) "
        "needs at least {need:count} {hardware} ({memory_gb:g} GB); you have {count:count}"
    ),
    "run.why.fits": N_("fits: {layout}"),
    # a layout: "TP 2, PP 1, DP 64, micro-batch 1, ZeRO-1, selective recomputation"
    "run.layout": N_("{parts:list}"),
    "run.layout.microbatch": N_("micro-batch {size}"),
    "run.layout.virtual_stages": N_("{stages} virtual stages"),
    "run.recompute.none": N_("no recomputation"),
    "run.recompute.selective": N_("selective recomputation"),
    "run.recompute.full": N_("full recomputation"),
    # the memory table: what each accelerator holds
    "run.memory.weights": N_("Weights"),
    "run.memory.gradients": N_("Gradients"),
    "run.memory.optimizer": N_("Optimizer states"),
    "run.memory.activations": N_("Activations"),
    "run.memory.buffers": N_("Buffers"),
    "run.memory.weights.what": N_("{precision} working copy"),
    "run.memory.weights.what_sharded": N_("{precision} working copy, sharded over {ranks:count}"),
    "run.memory.gradients.what": N_("{precision} gradients"),
    "run.memory.gradients.what_sharded": N_("{precision} gradients, sharded over {ranks:count}"),
    "run.memory.optimizer.what": N_(
        "Adam: fp32 master weights, momentum, variance ({bytes:g} bytes per parameter)"
    ),
    "run.memory.optimizer.what_sharded": N_(
        "Adam: fp32 master weights, momentum, variance ({bytes:g} bytes per parameter), "
        "sharded over {ranks:count}"
    ),
    "run.memory.activations.what": N_(
        "{recompute}, micro-batch {microbatch}, {attention} (Korthikanti et al. 2022)"
    ),
    "run.memory.activations.what_first": N_(
        "{recompute}, micro-batch {microbatch}, {attention}, on the first pipeline stage "
        "(Korthikanti et al. 2022)"
    ),
    "run.memory.activations.what_last": N_(
        "{recompute}, micro-batch {microbatch}, {attention}, on the last pipeline stage "
        "(Korthikanti et al. 2022)"
    ),
    "run.attention.fused": N_("fused attention"),
    "run.attention.materialised": N_("materialised attention"),
    "run.memory.buffers.what": N_("framework, communication buffers and fragmentation allowance"),
    "run.memory.buffers.what_gathered": N_(
        "framework, communication buffers and fragmentation allowance; gathered weights of two "
        "layers"
    ),
    # the step-time table
    "run.step.compute": N_("Compute (matmuls, attention, recomputation)"),
    "run.step.memory_bound": N_("Memory-bound kernels"),
    "run.step.tp_comm": N_("Tensor-parallel communication"),
    "run.step.cp_ep_comm": N_("Context/expert-parallel communication"),
    "run.step.pp_p2p": N_("Pipeline sends"),
    "run.step.bubble": N_("Pipeline bubble"),
    "run.step.dp_exposed": N_("Data-parallel communication not hidden"),
    "run.step.optimizer": N_("Optimizer step"),
    # the sentences beside batch, learning rate, schedule, MFU and calendar
    "run.text.batch": N_("B_opt = {a} C^{b} tokens at C = M D = {flops:.3g} FLOPs ({citation})"),
    "run.text.batch_critical": N_(
        "{batch}; Kaplan's critical batch at the plan's predicted loss: {tokens:.3g} tokens "
        "({citation})"
    ),
    "run.text.learning_rate": N_(
        "eta_opt = {c} C^{d} ({citation}; fitted on {low:.0e} to {high:.0e} FLOPs)"
    ),
    "run.text.learning_rate_extrapolated": N_(
        "eta_opt = {c} C^{d} ({citation}; fitted on {low:.0e} to {high:.0e} FLOPs; extrapolated "
        "here)"
    ),
    "run.text.schedule": N_(
        "linear warm-up, constant, then a (1-sqrt) cooldown to zero over the last {fraction:pct} "
        "of steps: warmup-stable-decay ({citation})"
    ),
    "run.text.mfu_method": N_(
        "MFU counts 6 N + 12 L H Q T FLOPs per token (PaLM, Chowdhery et al. 2022, App. B) "
        "against the dense bf16 peak; the band spans the model's errors on the published runs it "
        "was not fitted on"
    ),
    "run.text.mfu_caveat": N_(
        "The constants describe tuned Megatron-LM-class stacks: LLaMA's published throughput "
        "(Touvron et al. 2023, s2.4 and Table 15) is about 30% below what the model predicts for "
        "the same models laid out as the planner would (benchmarks/bench_mfu.py)"
    ),
    "run.text.calendar_method": N_(
        "calendar days add interruptions at the rates of published large runs: {sources:semicolons}"
    ),
    "run.text.source": N_("{citation} ({finding})"),
    # caveats beside the numbers
    "run.note.uncalibrated": N_(
        "No published run on {hardware} calibrates the model: its achievable fraction of peak is "
        "the mean of the calibrated accelerators, and the band spans them."
    ),
    "run.note.small_model": N_(
        "The smallest published run behind the MFU model has {smallest:si} parameters: for this "
        "smaller model the MFU is an extrapolation."
    ),
    "run.note.high_mfu": N_(
        "{mfu:pct} is more than any published run behind the model reached ({highest:pct}): this "
        "layout pays less for communication than they did (or, at long context, its causal "
        "attention kernel skips half of the attention FLOPs MFU counts), which the model "
        "extrapolates."
    ),
    "run.note.precision": N_(
        "The model is calibrated on bf16 runs; at {precision} its speed-up is not modelled, so "
        "times are those of bf16 and MFU is against the bf16 peak."
    ),
    "run.note.stated_mfu": N_(
        "The budget states {stated:pct} MFU (against the bf16 peak); the calibrated model expects "
        "{mfu:pct} for this layout (use mfu: auto to plan with it)."
    ),
    "run.note.hp_extrapolated": N_(
        "The batch and learning-rate law was fitted on 1e17-2e19 FLOPs and validated at 1e20; "
        "this run is {flops:.1e}: an extrapolation."
    ),
}
