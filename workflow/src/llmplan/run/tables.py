"""Rows and sentences a report shows for a training run (templates only format them).

Built from :mod:`llmplan.run.memory`, :mod:`llmplan.run.steptime` and
:mod:`llmplan.run.hyperparams` results, with the laws and sources named here, not in templates.
Every sentence and label is a message (:mod:`llmplan.core.messages`, codes ``run.*``): a row
keeps its English ``label`` and ``what`` for plan.json readers and carries the messages under
``messages``.
"""

from __future__ import annotations

from typing import Any, Final

from llmplan.core.messages import message
from llmplan.core.msgid import N_
from llmplan.run.calendar import SOURCE_FINDINGS
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

#: Bytes per value -> how the memory table names the precision (other sizes: "<n>-byte").
PRECISION_NAMES: Final = {1.0: N_("8-bit"), 2.0: N_("16-bit"), 4.0: "fp32"}


def text_messages(hp: Hyperparameters) -> dict[str, dict[str, Any]]:
    """The sentences beside the batch, learning rate, schedule, MFU and calendar (messages)."""
    a, b = DEEPSEEK_BATCH
    c, d = DEEPSEEK_LR
    low, high = hp.to_dict()["fit_range_flops"]
    batch = message("run.text.batch", a=a, b=b, flops=hp.deepseek_flops, citation=DEEPSEEK_CITATION)
    if hp.critical_batch_tokens is not None:
        batch = message(
            "run.text.batch_critical",
            batch=batch,
            tokens=hp.critical_batch_tokens,
            citation=KAPLAN_CITATION,
        )
    rate = "run.text.learning_rate_extrapolated" if hp.extrapolated else "run.text.learning_rate"
    sources = [message("run.text.source", citation=c_, finding=f) for c_, f in SOURCE_FINDINGS]
    return {
        "batch": batch,
        "learning_rate": message(rate, c=c, d=d, citation=DEEPSEEK_CITATION, low=low, high=high),
        "schedule": message("run.text.schedule", fraction=COOLDOWN_FRACTION, citation=WSD_CITATION),
        "mfu_method": message("run.text.mfu_method"),
        "mfu_caveat": message("run.text.mfu_caveat"),
        "calendar_method": message("run.text.calendar_method", sources=sources),
    }


def texts(hp: Hyperparameters) -> dict[str, str]:
    """The English of :func:`text_messages`."""
    return {key: item["text"] for key, item in text_messages(hp).items()}


def _precision(bytes_per_value: float) -> str:
    return PRECISION_NAMES.get(bytes_per_value, f"{bytes_per_value:g}-byte")


def _sharded(code: str, sharded: bool, layout: Layout, **args: Any) -> dict[str, Any]:
    if sharded and layout.shard_ranks > 1:
        return message(f"{code}_sharded", ranks=layout.shard_ranks, **args)
    return message(code, **args)


def _row(label: dict[str, Any], what: dict[str, Any], **values: Any) -> dict[str, Any]:
    return {
        "label": label["text"],
        **values,
        "what": what["text"],
        "messages": {"label": label, "what": what},
    }


def memory_rows(
    memory: MemoryBreakdown, layout: Layout, numerics: Numerics
) -> list[dict[str, Any]]:
    """Rows of the memory table, each with what it holds (GB per accelerator)."""
    stage = {"first": "_first", "last": "_last"}.get(memory.stage, "") if layout.pp > 1 else ""
    activations = message(
        f"run.memory.activations.what{stage}",
        recompute=message(f"run.recompute.{layout.recompute}"),
        microbatch=layout.microbatch,
        attention=message(
            "run.attention.fused" if layout.flash_attention else "run.attention.materialised"
        ),
    )
    buffers = "run.memory.buffers.what" + ("_gathered" if layout.zero >= 3 else "")
    return [
        _row(
            message("run.memory.weights"),
            _sharded(
                "run.memory.weights.what",
                layout.zero >= 3,
                layout,
                precision=_precision(numerics.weight_bytes),
            ),
            gb=memory.weights / 1e9,
        ),
        _row(
            message("run.memory.gradients"),
            _sharded(
                "run.memory.gradients.what",
                layout.zero >= 2,
                layout,
                precision=_precision(numerics.grad_bytes),
            ),
            gb=memory.gradients / 1e9,
        ),
        _row(
            message("run.memory.optimizer"),
            _sharded(
                "run.memory.optimizer.what",
                layout.zero >= 1,
                layout,
                bytes=numerics.optimizer_bytes,
            ),
            gb=memory.optimizer / 1e9,
        ),
        _row(message("run.memory.activations"), activations, gb=memory.activations / 1e9),
        _row(message("run.memory.buffers"), message(buffers), gb=memory.buffers / 1e9),
    ]


def step_rows(step: StepTime) -> list[dict[str, Any]]:
    """Rows of the step-time table: seconds per step by component and their share."""
    parts = (
        ("compute", step.compute),
        ("memory_bound", step.memory_bound),
        ("tp_comm", step.tp_comm),
        ("cp_ep_comm", step.cp_ep_comm),
        ("pp_p2p", step.pp_p2p),
        ("bubble", step.bubble),
        ("dp_exposed", step.dp_exposed),
        ("optimizer", step.optimizer),
    )
    rows = []
    for part, seconds in parts:
        if seconds > 0:
            label = message(f"run.step.{part}")
            rows.append(
                {
                    "label": label["text"],
                    "seconds": seconds,
                    "share": seconds / step.total,
                    "messages": {"label": label},
                }
            )
    return rows
