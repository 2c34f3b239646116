"""From a model to a run: the ``training_run`` of a plan, in one call.

:func:`training_run` takes what a plan decided (N parameters on D tokens) and what the budget
says about hardware, and returns a JSON-ready dict: the shape it assumes, the global batch and
peak learning rate (:mod:`.hyperparams`), the fastest layout that fits (:mod:`.layout`) with its
memory per accelerator (:mod:`.memory`), MFU with its calibrated band (:mod:`.mfu`), calendar
days with failures and the cost (:mod:`.calendar`). A run that cannot fit says why and how many
accelerators it would need. :func:`auto_mfu_budget` resolves a budget stated in accelerators x
days with ``mfu: auto``: the budget's compute follows from the MFU of the layout chosen for the
model that compute buys, found by fixed-point iteration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any, Final

from llmplan.arch.counts import param_counts
from llmplan.arch.families import propose_shape
from llmplan.arch.shape import ModelShape
from llmplan.core.compute import SECONDS_PER_HOUR
from llmplan.core.errors import Where
from llmplan.core.messages import message
from llmplan.inputs.budget import Assumptions, Budget, budget_from_flops
from llmplan.inputs.catalog import Hardware
from llmplan.inputs.model import ModelSpec, parse_model
from llmplan.laws.registry import get_law
from llmplan.run.calendar import calendar
from llmplan.run.hyperparams import Hyperparameters, suggest, wsd_schedule
from llmplan.run.layout import Search, min_gpus_needed, search_layouts, state_bytes_per_param
from llmplan.run.mfu import VALIDATION_BAND, calibration, mfu_band
from llmplan.run.parallel import Numerics
from llmplan.run.steptime import Cluster
from llmplan.run.tables import memory_rows, step_rows, text_messages

ALTERNATIVES: Final = 5
#: Smallest model among the published runs of the MFU model (Korthikanti et al.'s 22B).
SMALLEST_CALIBRATED_PARAMS: Final = 22e9
#: Highest model-FLOPs MFU among the published runs (Korthikanti et al. 2022, 1T, Table 5).
HIGHEST_PUBLISHED_MFU: Final = 0.563
KAPLAN_LAW: Final = "kaplan-2020"


def model_shape(
    params: float, spec: ModelSpec | None = None, *, seq_len: int | None = None
) -> ModelShape:
    """The shape a plan trains: the scenario's Hugging Face config, else the family's proposal.

    ``spec`` is the scenario's ``model:`` section (default: the schema's defaults, a Llama-style
    dense decoder); ``seq_len`` overrides its sequence length. The same rule as the plan's
    ``architecture`` section (:func:`llmplan.arch.families.propose_shape`).
    """
    spec = spec or parse_model(None, Where("defaults", field="model"))
    if spec.shape is not None:
        return spec.shape if seq_len is None else replace(spec.shape, seq_len=seq_len)
    t = spec.template()
    if seq_len is not None:
        t = replace(t, seq_len=seq_len)
    return propose_shape(params, t, basis="active" if spec.is_moe else "total")


def _kaplan_loss(params: float, tokens: float) -> float | None:
    loss = float(get_law(KAPLAN_LAW).loss(params, tokens))
    return loss if loss > 0 else None


def _base(shape: ModelShape, params: float, tokens: float, hp: Hyperparameters) -> dict[str, Any]:
    return {
        "params": params,
        "tokens": tokens,
        "shape": {**shape.to_dict(), "params": float(param_counts(shape).total)},
        "hyperparameters": hp.to_dict(),
        "global_batch_tokens": float(hp.global_batch_sequences * shape.seq_len),
        "peak_learning_rate": hp.peak_learning_rate,
        "schedule": hp.to_dict()["schedule"],
        "feasible": None,
        "why": "",
        "hardware": None,
        "layout": None,
        "alternatives": [],
        "memory_gb_per_gpu": None,
        "memory_breakdown_gb": None,
        "mfu": None,
        "mfu_low": None,
        "mfu_high": None,
        "calendar": None,
        "days": None,
        "usd": None,
        "notes": [],
        "texts": {},
        # the messages of why, notes and texts (see llmplan.core.messages); _said() fills them
        "messages": {"why": None, "notes": [], "texts": text_messages(hp)},
    }


def _said(out: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """Set ``why``, ``notes`` (messages) and the English beside them; fill ``texts``'s English."""
    said = out["messages"]
    said.update(fields)
    out["why"] = said["why"]["text"] if said["why"] else ""
    out["notes"] = [n["text"] for n in said["notes"]]
    out["texts"] = {key: item["text"] for key, item in said["texts"].items()}
    return out


def training_run(
    params: float,
    tokens: float,
    *,
    hardware: Hardware | None,
    count: int | None,
    seq_len: int | None = None,
    price_per_hour: float | None = None,
    shape: ModelShape | None = None,
    numerics: Numerics | None = None,
    stated_mfu: float | None = None,
    precision: str | None = None,
) -> dict[str, Any]:
    """The training run of N = ``params`` on D = ``tokens`` (see the module docstring).

    ``stated_mfu`` (against the bf16 peak) is what the budget assumed; ``precision`` the
    scenario's training precision (the model's times are for bf16).
    """
    numerics = numerics or Numerics()
    shape = shape or model_shape(params, seq_len=seq_len)
    hp = suggest(shape, tokens, kaplan_loss=_kaplan_loss(params, tokens))
    out = _base(shape, params, tokens, hp)
    if hardware is None:
        return _said(out, why=message("run.why.no_hardware"))
    out["hardware"] = {
        "id": hardware.id,
        "name": hardware.name,
        "memory_gb": hardware.memory_gb,
        "count": count,
        "gpus_per_node": hardware.gpus_per_node,
        "interconnect_verification": hardware.interconnect_verification,
    }
    cal = calibration(hardware.id)
    efficiency = cal.efficiency()
    state_gb = state_bytes_per_param(numerics) * float(param_counts(shape).total) / 1e9
    out["state_gb"] = state_gb
    need_cluster = Cluster.from_hardware(hardware, max(1, count or 1))
    batch = hp.global_batch_sequences
    if not count:
        _said(out, why=message("run.why.no_count"))
        out["min_gpus"] = min_gpus_needed(
            shape, float(param_counts(shape).total), need_cluster, efficiency, global_batch=batch,
            numerics=numerics,
        )  # fmt: skip
        return out
    cluster = Cluster.from_hardware(hardware, int(count))
    search: Search = search_layouts(
        shape, cluster, efficiency, global_batch=batch, numerics=numerics, keep=ALTERNATIVES
    )
    best = search.best
    if best is None:
        need = min_gpus_needed(
            shape, float(param_counts(shape).total), cluster, efficiency, global_batch=batch,
            numerics=numerics,
        )  # fmt: skip
        out["feasible"] = False
        out["min_gpus"] = need
        reason = message("run.why.no_layout")
        if need is not None and need > count:
            reason = message(
                "run.why.too_few",
                params=params,
                state_gb=state_gb,
                need=need,
                hardware=hardware.name,
                memory_gb=hardware.memory_gb,
                count=int(count),
            )
        return _said(out, why=reason)
    tokens_per_s = best.step.tokens_per_s
    mfu = best.step.mfu
    low, high = mfu_band(mfu, hardware.id)
    days = calendar(
        tokens,
        tokens_per_s,
        int(count),
        tokens_per_s_band=(tokens_per_s * low / mfu, tokens_per_s * high / mfu),
        price_per_hour=price_per_hour,
    )
    steps = max(1, round(tokens / (best.global_batch * shape.seq_len)))
    hp_dict = hp.to_dict()
    hp_dict["schedule"] = {**hp_dict["schedule"], **asdict(wsd_schedule(steps))}
    out.update(
        feasible=True,
        layout=best.layout.to_dict(),
        alternatives=[
            {
                "layout": c.layout.to_dict(),
                "mfu": c.step.mfu,
                "memory_gb": c.memory.total / 1e9,
                "memory_breakdown_gb": c.memory.to_dict(),
            }
            for c in search.candidates[1:]
        ],
        layouts_evaluated=search.evaluated,
        memory_gb_per_gpu=best.memory.total / 1e9,
        memory_breakdown_gb=best.memory.to_dict(),
        memory_rows=memory_rows(best.memory, best.layout, numerics),
        step=best.step.to_dict(),
        step_rows=step_rows(best.step),
        global_batch_sequences=best.global_batch,
        global_batch_tokens=best.global_batch * shape.seq_len,
        schedule=hp_dict["schedule"],
        hyperparameters=hp_dict,
        mfu=mfu,
        mfu_low=low,
        mfu_high=high,
        calibration={
            "family": cal.family,
            "compute": cal.compute,
            "comm": cal.comm,
            "validation_band": list(VALIDATION_BAND),
        },
        calendar=days.to_dict(),
        days=days.days,
        usd=days.usd,
    )
    notes = _notes(
        params, mfu, hp, hardware, calibrated=cal.family is not None, stated_mfu=stated_mfu,
        precision=precision,
    )  # fmt: skip
    return _said(out, why=message("run.why.fits", layout=best.layout.as_message()), notes=notes)


def _notes(
    params: float,
    mfu: float,
    hp: Hyperparameters,
    hardware: Hardware,
    *,
    calibrated: bool,
    stated_mfu: float | None,
    precision: str | None,
) -> list[dict[str, Any]]:
    """Caveats a reader needs beside the numbers (messages)."""
    notes = []
    if not calibrated:
        notes.append(message("run.note.uncalibrated", hardware=hardware.name))
    if params < SMALLEST_CALIBRATED_PARAMS:
        notes.append(message("run.note.small_model", smallest=SMALLEST_CALIBRATED_PARAMS))
    if mfu > HIGHEST_PUBLISHED_MFU:
        notes.append(message("run.note.high_mfu", mfu=mfu, highest=HIGHEST_PUBLISHED_MFU))
    if precision not in (None, "bf16", "fp16"):
        notes.append(message("run.note.precision", precision=precision))
    if stated_mfu is not None and abs(stated_mfu - mfu) > 0.05:
        notes.append(message("run.note.stated_mfu", stated=stated_mfu, mfu=mfu))
    if hp.extrapolated:
        notes.append(message("run.note.hp_extrapolated", flops=hp.deepseek_flops))
    return notes


def plan_training_run(
    budget: Budget, params: float, tokens: float, *, shape: ModelShape | None = None
) -> dict[str, Any]:
    """:func:`training_run` for a plan's recommendation, its budget and its shape."""
    stated = None
    if budget.hardware is not None and budget.mfu is not None:  # against the bf16 peak
        hw = budget.hardware
        stated = budget.mfu * hw.peak_flops_at(budget.precision) / hw.peak_flops
    return training_run(
        params,
        tokens,
        hardware=budget.hardware,
        count=int(budget.count) if budget.count else None,
        price_per_hour=budget.price_per_hour,
        shape=shape,
        stated_mfu=None if budget.mfu_auto or budget.mfu is None else stated,
        precision=budget.precision,
    )


def auto_mfu_budget(
    budget: Budget,
    optimal: Callable[[float], tuple[float, float]],
    *,
    assumptions: Assumptions,
    spec: ModelSpec | None = None,
    iterations: int = 6,
    tolerance: float = 1e-3,
) -> Budget:
    """Resolve ``mfu: auto``: iterate MFU -> compute -> (N, D) -> layout -> MFU to a fixed point.

    ``optimal`` maps FLOPs to the plan's (N, D) (the primary law's allocation). The budget keeps
    its accelerator-hours; its compute becomes hours x peak x the calibrated MFU. Shapes come in
    whole layers and widths, so the map can jump and cycle between two values instead of
    settling; then the budget takes the largest MFU assumed whose model runs at least that fast
    (never promising more compute than the layout delivers).
    """
    hw, count = budget.hardware, budget.count
    if not budget.mfu_auto or hw is None or budget.gpu_hours is None:
        return budget
    peak = hw.peak_flops_at(budget.precision)
    to_budget_peak = hw.peak_flops / peak  # the model's MFU is against the bf16/fp16 peak
    mfu = budget.mfu or assumptions.mfu
    # (MFU assumed, MFU of its run, the layout as a message)
    tried: list[tuple[float, float, dict[str, Any]]] = []
    for _ in range(iterations):
        flops = budget.gpu_hours * SECONDS_PER_HOUR * peak * mfu
        params, tokens = optimal(flops)
        run = training_run(
            params,
            tokens,
            hardware=hw,
            count=int(count) if count else None,
            shape=model_shape(params, spec),
        )
        if not run["feasible"]:
            break
        new = float(run["mfu"]) * to_budget_peak
        tried.append((mfu, new, run["layout"]["messages"]["text"]))
        if abs(new - mfu) < tolerance:
            break
        mfu = new
    note = message("budget.mfu_auto_none")
    if tried:
        kept = [t for t in tried if t[1] >= t[0] - tolerance]
        if kept:
            mfu, _, layout = max(kept, key=lambda t: (t[0], t[1]))
        else:
            _, mfu, layout = min(tried, key=lambda t: t[1])
        note = message("budget.mfu_auto_resolved", mfu=mfu, layout=layout)
    flops = budget.gpu_hours * SECONDS_PER_HOUR * peak * mfu
    resolved = budget_from_flops(
        flops,
        form=budget.form,
        hardware=hw,
        count=count,
        mfu=mfu,
        price_per_hour=budget.price_per_hour,
        price_source=budget.price_source,
        assumptions=replace(assumptions, mfu=mfu),
        notes=(*[n for n in budget.notes if not n["code"].startswith("budget.mfu")], note),
        precision=budget.precision,
        soft=budget.soft,
    )
    return replace(resolved, mfu_auto=True)
