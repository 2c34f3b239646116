"""The model a plan would build: ``plan.json``'s ``architecture`` section and page one's sentence.

From the recommended N (:func:`llmplan.plan.build.recommendation`) and the scenario's ``model:``
section (:mod:`llmplan.inputs.model`) it proposes a shape (:func:`llmplan.arch.families.
propose_shape`, or the Hugging Face config's shape as is), counts its parameters exactly
(:mod:`llmplan.arch.counts`) and its FLOPs per token at the sequence length
(:mod:`llmplan.arch.flops`), re-allocates the budget under every law with those FLOPs
(:mod:`llmplan.arch.allocation`), and for an MoE layout adds the accounting (FLOPs from active
parameters, memory from all of them) and the law of Krajewski et al. 2024 (:mod:`llmplan.arch.moe`).

An MoE is sized so that its active parameters equal the recommended N: it costs the dense
optimum's FLOPs per token, so the budget buys the same tokens, and its extra experts cost only
memory. The dense laws were fitted on dense models; feeding them the active count treats the MoE
as the dense model of equal cost per token, which Krajewski et al. find it outperforms.

Every derived number a report shows is in the returned dict; templates only format it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import numpy as np

from llmplan.arch.allocation import exact_allocation
from llmplan.arch.counts import param_counts
from llmplan.arch.families import (
    FAMILY_TEXT,
    Basis,
    Template,
    levine_depth_threshold,
    propose_shape,
    smooth_model,
)
from llmplan.arch.flops import CONVENTION_TEXT, CONVENTIONS, Convention, flops_summary
from llmplan.arch.moe import KRAJEWSKI, MOE_E16, MOE_E64, compute_optimal, law_loss
from llmplan.arch.moe import total_from_active as moe_total
from llmplan.arch.shape import ModelShape
from llmplan.core.errors import Where
from llmplan.core.messages import MESSAGES, message
from llmplan.inputs.budget import Budget
from llmplan.inputs.catalog import Catalog
from llmplan.inputs.model import ModelSpec, parse_model
from llmplan.inputs.scenario import Scenario
from llmplan.laws.base import Law
from llmplan.plan.memory import memory_plan

#: Catalog models with a published shape listed beside the proposal.
NEAREST_SHAPES: Final = 3
#: Short names of the FLOPs conventions (:data:`llmplan.arch.flops.CONVENTIONS`).
CONVENTION_LABEL: Final = {c: MESSAGES[f"arch.convention.{c}.label"] for c in CONVENTIONS}
MLP_TEXT: Final = {"swiglu": "SwiGLU", "gelu": "GELU"}


def model_spec(scenario: Scenario) -> ModelSpec:
    """The scenario's ``model:`` section, or the default family when it states none."""
    if scenario.model is not None:
        return scenario.model
    return parse_model(None, Where(scenario.file, scenario.name, "model"))


def _row(label: str, value: int, note: dict[str, Any] | None) -> dict[str, Any]:
    said = message(f"arch.row.{label}")
    messages = {"label": said} | ({"note": note} if note else {})
    return {
        "label": said["text"],
        "value": value,
        "note": note["text"] if note else "",
        "messages": messages,
    }


def _shape_rows(shape: ModelShape, counts: Mapping[str, int]) -> list[dict[str, Any]]:
    attention = "gqa" if shape.n_kv_heads < shape.n_heads else "mha"
    if shape.n_kv_heads == 1:
        attention = "mqa"
    sequence = message(
        "arch.note.sequence",
        positions=message(f"arch.positions.{shape.positions}"),
        norm=message(f"arch.norm.{shape.norm}"),
    )
    rows = [
        _row("layers", shape.n_layers, None),
        _row(
            "d_model",
            shape.d_model,
            message("arch.note.aspect", ratio=shape.d_model / shape.n_layers),
        ),
        _row("heads", shape.n_heads, message("arch.note.head_dim", dim=shape.head_dim)),
        _row("kv_heads", shape.n_kv_heads, message(f"arch.note.{attention}")),
        _row(
            "d_ff",
            shape.d_ff,
            message("arch.note.ffn", mlp=MLP_TEXT[shape.mlp], ratio=shape.d_ff / shape.d_model),
        ),
        _row(
            "vocab",
            shape.vocab,
            message("arch.note.tied" if shape.tied_embeddings else "arch.note.untied"),
        ),
        _row("seq_len", shape.seq_len, sequence),
    ]
    if shape.is_moe:
        rows.append(
            _row(
                "experts", shape.experts, message("arch.note.experts", active=shape.active_experts)
            )
        )
    rows += [
        _row("params", counts["total"], message("arch.note.params")),
        _row("embedding", counts["embedding"], message("arch.note.embedding")),
        _row("non_embedding", counts["non_embedding"], message("arch.note.non_embedding")),
    ]
    if shape.is_moe:
        rows.append(_row("active", counts["active"], message("arch.note.active")))
    return rows


def _precision(budget: Budget, spec: ModelSpec) -> dict[str, Any] | None:
    hw = budget.hardware
    if hw is None:
        return None if spec.precision is None else {"name": spec.precision, "stated": True}
    name = budget.precision or hw.training_precision
    return {
        "name": name,
        "stated": spec.precision is not None,
        "hardware": hw.id,
        "hardware_name": hw.name,
        "peak_tflops_dense": hw.peak_flops_at(name) / 1e12,
        "peak_tflops_dense_training": hw.peak_flops / 1e12,
        "training_precision": hw.training_precision,
        "peak_ratio": hw.peak_flops_at(name) / hw.peak_flops,
        "available": list(hw.peak_tflops_dense),
    }


def _moe_section(
    budget: Budget, shape: ModelShape, counts: Mapping[str, int], spec: ModelSpec
) -> dict[str, Any]:
    # a token routed to k of E equal experts is Krajewski's G = k at expansion E / k (s3)
    expansion = shape.experts / shape.active_experts
    optimum = compute_optimal(budget.flops)
    constants = {64: MOE_E64, 16: MOE_E16}.get(round(expansion)) if expansion.is_integer() else None
    at_shape = None
    if constants is not None:
        n_act = counts["active_non_embedding"]
        tokens = budget.flops / (6.0 * counts["active"])
        at_shape = {
            "expansion": constants.expansion,
            "loss": float(
                law_loss(
                    moe_total(n_act, constants.expansion), tokens, shape.active_experts, constants
                )
            ),
            "source": constants.source,
        }
    hw = budget.hardware
    law_note = message(
        "arch.moe.law_note_extrapolated" if optimum.extrapolated else "arch.moe.law_note",
        citation=KRAJEWSKI,
    )
    if at_shape is None:
        outside = message(
            "arch.moe.law_outside",
            expansion=expansion,
            experts=shape.experts,
            active=shape.active_experts,
        )
        law_note = message("text.sentences", sentences=[law_note, outside])
    sizing = message("arch.moe.sizing")
    return {
        "experts": shape.experts,
        "active_experts": shape.active_experts,
        "granularity": spec.granularity,
        "params_total": counts["total"],
        "params_active": counts["active"],
        "active_fraction": counts["active"] / counts["total"],
        "expansion": expansion,
        "flops_basis": "active parameters",
        "memory_basis": "all parameters",
        "memory": memory_plan(counts["total"], hw, budget.count) if hw is not None else None,
        "sizing": sizing["text"],
        "law": optimum.to_dict(),
        "law_gain": optimum.dense_loss - optimum.loss,
        "law_at_shape": at_shape,
        "law_applies": at_shape is not None,
        "law_note": law_note["text"],
        "messages": {"sizing": sizing, "law_note": law_note},
    }


def _catalog_shapes(catalog: Catalog) -> dict[str, dict[str, Any]]:
    out = {}
    for model in catalog.models:
        if model.shape:
            shape = ModelShape.from_dict({"family": "published", **model.shape})
            out[model.id] = {
                "name": model.name,
                "n_layers": shape.n_layers,
                "d_model": shape.d_model,
                "n_heads": shape.n_heads,
                "n_kv_heads": shape.n_kv_heads,
                "d_ff": shape.d_ff,
                "vocab": shape.vocab,
                "params_exact": param_counts(shape).total,
                "params_published": model.params,
                "source": model.shape.get("source", ""),
            }
    return out


def exact_per_token(scenario: Scenario) -> Callable[[np.ndarray], np.ndarray]:
    """F(N), the exact training FLOPs per token of the scenario's model family at its sequence
    length (:func:`family_per_token`): its ``model:``, or the default family the architecture
    section builds when it states none."""
    return family_per_token(model_spec(scenario))


def family_per_token(spec: ModelSpec) -> Callable[[np.ndarray], np.ndarray]:
    """F(N), the exact training FLOPs per token of ``spec``'s family (N in the family's basis:
    all parameters, or active ones for MoE), attention at its sequence length included.

    A plan lies on C = F(N) D, so the model it recommends, the one the architecture section
    builds and the training run trains, spends no more than the budget in its own arithmetic;
    6 N D would undercount it by 3-16% for the shipped scenarios (attention), and a hard budget
    stated in GPU-days at an MFU counts the model FLOPs the run actually does.
    """
    t, basis, convention = _family(spec)

    def per_token(params: np.ndarray) -> np.ndarray:
        return np.asarray(smooth_model(params, t, basis=basis).flops_per_token(convention))

    return per_token


def exact_optimal(spec: ModelSpec, law: Law) -> Callable[[float], tuple[float, float]]:
    """C -> (N, D): ``law``'s unconstrained optimum on C = F(N) D for the family of ``spec``
    (:func:`model_spec` of a scenario; :func:`llmplan.arch.allocation.exact_allocation`), the
    model a plan of C would build."""
    t, basis, convention = _family(spec)

    def optimal(flops: float) -> tuple[float, float]:
        found = exact_allocation(law, flops, t, convention=convention, basis=basis)
        return found.params, found.tokens

    return optimal


def _family(spec: ModelSpec) -> tuple[Template, Basis, Convention]:
    """The family template, the basis N counts and the FLOPs convention of ``spec``."""
    basis: Basis = "active" if spec.is_moe else "total"
    convention: Convention = "palm-causal" if spec.causal_mask else "palm"
    return spec.template(), basis, convention


def plan_architecture(
    spec: ModelSpec,
    budget: Budget,
    catalog: Catalog,
    *,
    laws: Sequence[Law],
    params: float,
) -> dict[str, Any]:
    """The ``architecture`` section of ``plan.json`` for a recommended N of ``params``."""
    flops = budget.flops
    t, basis, convention = _family(spec)
    if spec.shape is not None:
        shape, source = spec.shape, "hf_config"
    else:
        shape, source = propose_shape(params, t, basis=basis), "rule"
    counts = param_counts(shape).to_dict()
    summary = flops_summary(shape)
    per_token = summary.value(convention)
    allocations = []
    for law in laws:
        a = exact_allocation(law, flops, t, convention=convention, basis=basis).to_dict()
        counted = message(f"arch.count.{a['law_counts']}")
        a["law_counts_text"] = counted["text"]
        a["messages"] = {"law_counts_text": counted} | (
            {"law_name": law.messages["name"]} if "name" in law.messages else {}
        )
        a["params_shift"] = a["params_change"] - 1.0
        a["tokens_shift"] = a["tokens_change"] - 1.0
        allocations.append(a)
    flops_rows = [
        {
            "convention": c,
            "label": CONVENTION_LABEL[c],
            "text": CONVENTION_TEXT[c],
            "flops_per_token": summary.value(c),
            "ratio_to_6n": summary.value(c) / summary.six_n,
            "used": c == convention,
            "messages": {
                "label": message(f"arch.convention.{c}.label"),
                "text": message(f"arch.convention.{c}"),
            },
        }
        for c in CONVENTIONS
    ]
    shapes = _catalog_shapes(catalog)
    size = counts[basis]
    nearest = sorted(shapes, key=lambda k: abs(shapes[k]["params_exact"] / size - 1))
    convention_text = message(f"arch.convention.{convention}")
    notes = [
        message("arch.note.flops", convention=convention_text),
        message("arch.note.allocation"),
    ]
    if shape.n_layers < levine_depth_threshold(shape.d_model):
        notes.append(message("arch.note.levine"))
    said: dict[str, Any] = {
        "family_text": message(f"arch.family.{t.family}") if t.family in FAMILY_TEXT else None,
        "shape_rule": message("arch.shape_rule")
        if source == "rule"
        else message("arch.shape_rule.hf", config=spec.hf_config),
        "convention_text": convention_text,
        "notes": notes,
    }
    section: dict[str, Any] = {
        "stated": spec.stated,
        "source": source,
        "family": spec.family,
        "family_text": said["family_text"]["text"] if said["family_text"] else "",
        "hf_config": spec.hf_config,
        "seq_len": shape.seq_len,
        "vocab": shape.vocab,
        "target_params": params,
        "target_basis": basis,
        "shape": shape.to_dict(),
        "shape_rule": said["shape_rule"]["text"],
        "shape_rows": _shape_rows(shape, counts),
        "counts": counts,
        "params_vs_target": counts[basis] / params - 1.0,
        "flops": summary.to_dict(),
        "flops_rows": flops_rows,
        "convention": convention,
        "convention_text": convention_text["text"],
        "flops_per_token": per_token,
        "ratio_to_6n": per_token / summary.six_n,
        "attention_fraction": 1.0 - summary.six_n / per_token,
        "tokens_at_budget": flops / per_token,
        "tokens_at_budget_6n": flops / summary.six_n,
        "allocation": allocations,
        "precision": _precision(budget, spec),
        "moe": _moe_section(budget, shape, counts, spec) if shape.is_moe else None,
        "nearest_shapes": [shapes[k] | {"id": k} for k in nearest[:NEAREST_SHAPES]],
        "catalog_shapes": shapes,
        "notes": [n["text"] for n in notes],
    }
    said["headline"] = headline_message(section)
    section["headline"] = said["headline"]["text"]
    section["messages"] = {key: value for key, value in said.items() if value is not None}
    return section


def headline_message(architecture: Mapping[str, Any]) -> dict[str, Any]:
    """Page one's sentence as a message (see :func:`arch_headline`)."""
    s = architecture["shape"]
    counts = architecture["counts"]
    family = architecture["family"]
    kind = message(f"arch.kind.{family}" if family in FAMILY_TEXT else "arch.kind.decoder")
    if architecture["source"] == "hf_config":
        kind = message("arch.kind.hf", config=architecture["hf_config"])
    if s["n_kv_heads"] == s["n_heads"]:
        attention: Any = message("arch.headline.mha", heads=s["n_heads"])
    elif s["n_kv_heads"] == 1:
        attention = message("arch.headline.mqa", heads=s["n_heads"])
    else:
        attention = f"GQA {s['n_heads']}/{s['n_kv_heads']}"
    parts: list[Any] = [attention, f"{MLP_TEXT[s['mlp']]} {s['d_ff']}"]
    moe = s["experts"] > 1
    if moe:
        parts.insert(
            0, message("arch.headline.experts", experts=s["experts"], active=s["active_experts"])
        )
    headline = message(
        "arch.headline.active" if moe else "arch.headline",
        layers=s["n_layers"],
        width=s["d_model"],
        kind=kind,
        parts=parts,
        params=counts["total"],
        **({"active": counts["active"]} if moe else {}),
    )
    precision = architecture.get("precision")
    if precision:
        headline = message(
            "arch.headline.precision", headline=headline, precision=precision["name"]
        )
    return headline


def arch_headline(architecture: Mapping[str, Any]) -> str:
    """Page one's sentence: 'a 32-layer, 4096-wide Llama-style decoder (GQA 32/8, SwiGLU 14336),
    8.03B parameters, fp8'."""
    return str(headline_message(architecture)["text"])
