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
from llmplan.arch.families import FAMILY_TEXT, levine_depth_threshold, propose_shape, smooth_model
from llmplan.arch.flops import CONVENTION_TEXT, CONVENTIONS, flops_summary
from llmplan.arch.moe import KRAJEWSKI, MOE_E16, MOE_E64, compute_optimal, law_loss
from llmplan.arch.moe import total_from_active as moe_total
from llmplan.arch.shape import ModelShape
from llmplan.core.errors import Where
from llmplan.core.units import format_si
from llmplan.inputs.catalog import Catalog
from llmplan.inputs.model import ModelSpec, parse_model
from llmplan.inputs.scenario import Scenario
from llmplan.laws.base import Law
from llmplan.plan.memory import memory_plan

#: Catalog models with a published shape listed beside the proposal.
NEAREST_SHAPES: Final = 3
#: Short names of the FLOPs conventions (:data:`llmplan.arch.flops.CONVENTIONS`).
CONVENTION_LABEL: Final = {
    "6n": "6N (Kaplan et al. 2020, eq. 2.1)",
    "kaplan": "Kaplan et al. 2020, Table 1",
    "palm": "PaLM, App. B",
    "palm-causal": "PaLM, App. B, causal mask",
}
MLP_TEXT: Final = {"swiglu": "SwiGLU", "gelu": "GELU"}
#: What each count a law can be fed is.
COUNT_TEXT: Final = {
    "total": "all parameters",
    "non_embedding": "non-embedding",
    "active": "active parameters",
    "active_non_embedding": "active non-embedding",
}

SHAPE_RULE: Final = (
    "Proposed by llmplan's shape rule (llmplan.arch.families): head dimension 128 (64 below "
    "d_model 2048), aspect ratio d_model / n_layers 128 from 10B parameters (GPT-3 6.7B-175B, "
    "LLaMA 7B/13B, Llama 3 8B and 405B) and 64 up to 1B, 8 key/value heads, Meta's FFN rule "
    "(2/3 x 4d x 1.3, rounded up to multiple_of); among shapes within a factor sqrt(2) of that "
    "aspect ratio, the one whose exact N is nearest the target. Kaplan et al. 2020 (s3.1) found "
    "loss within 3% over a factor 40 of aspect ratios, so the shape matters for speed, not loss."
)
MOE_SIZING: Final = (
    "The MoE is sized so that its active parameters equal the recommended N: it costs the dense "
    "optimum's FLOPs per token, so the budget buys the same tokens; its other experts cost "
    "memory (sized from all parameters), not FLOPs. The dense laws are fed the active count."
)


def _default_spec(scenario: Scenario) -> ModelSpec:
    if scenario.model is not None:
        return scenario.model
    return parse_model(None, Where(scenario.file, scenario.name, "model"))


def _shape_rows(shape: ModelShape, counts: Mapping[str, int]) -> list[dict[str, Any]]:
    attention = "grouped-query" if shape.n_kv_heads < shape.n_heads else "multi-head"
    if shape.n_kv_heads == 1:
        attention = "multi-query"
    rows = [
        ("Layers", shape.n_layers, ""),
        (
            "Model width d_model",
            shape.d_model,
            f"aspect ratio {shape.d_model / shape.n_layers:.0f}",
        ),
        ("Query heads", shape.n_heads, f"head dimension {shape.head_dim}"),
        ("Key/value heads", shape.n_kv_heads, attention + " attention"),
        (
            "FFN width",
            shape.d_ff,
            f"{MLP_TEXT[shape.mlp]}, {shape.d_ff / shape.d_model:.3g} x d_model",
        ),
        ("Vocabulary", shape.vocab, "tied embeddings" if shape.tied_embeddings else "untied"),
        ("Sequence length", shape.seq_len, f"{shape.positions} positions, {shape.norm} norm"),
    ]
    if shape.is_moe:
        rows.append(("Experts", shape.experts, f"{shape.active_experts} per token"))
    rows += [
        ("Parameters", counts["total"], "all, embeddings included (Hoffmann's N)"),
        ("Embedding parameters", counts["embedding"], "token embedding, output, positions"),
        ("Non-embedding parameters", counts["non_embedding"], "Kaplan's N"),
    ]
    if shape.is_moe:
        rows.append(("Active parameters", counts["active"], "per token: FLOPs follow these"))
    return [{"label": label, "value": value, "note": note} for label, value, note in rows]


def _precision(scenario: Scenario, spec: ModelSpec) -> dict[str, Any] | None:
    budget = scenario.budget
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
    scenario: Scenario, shape: ModelShape, counts: Mapping[str, int], spec: ModelSpec
) -> dict[str, Any]:
    budget = scenario.budget
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
        "sizing": MOE_SIZING,
        "law": optimum.to_dict(),
        "law_gain": optimum.dense_loss - optimum.loss,
        "law_at_shape": at_shape,
        "law_applies": at_shape is not None,
        "law_note": (
            f"{KRAJEWSKI}: compute-optimal MoE at this budget with E = 64 experts' worth of "
            f"parameters and the best granularity (Eq. 9, Table 1), against their dense law "
            f"(Eq. 1). Their N counts all non-embedding parameters, their FLOPs exclude "
            f"embeddings and attention, their loss is on C4 with the GPT-2 tokenizer, and they "
            f"fitted 129M-3.7B parameters on 16B-130B tokens"
            + ("; this optimum is an extrapolation." if optimum.extrapolated else ".")
            + (
                ""
                if at_shape is not None
                else f" Your layout is E = {expansion:g} in their terms ({shape.experts} experts, "
                f"{shape.active_experts} per token), outside the E = 64 and E = 16 they fitted: "
                "the law is a reference point here, not a prediction for your shape."
            )
        ),
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


def exact_per_token(scenario: Scenario) -> Callable[[np.ndarray], np.ndarray] | None:
    """F(N), the exact training FLOPs per token of the scenario's model family at its sequence
    length (N in the family's basis: all parameters, or active ones for MoE), when the scenario
    states a ``model:``; None otherwise (the plan then counts 6 N D, the laws' convention)."""
    spec = _default_spec(scenario)
    if not spec.stated:
        return None
    t = spec.template()
    basis = "active" if spec.is_moe else "total"
    convention = "palm-causal" if spec.causal_mask else "palm"

    def per_token(params: np.ndarray) -> np.ndarray:
        return np.asarray(smooth_model(params, t, basis=basis).flops_per_token(convention))

    return per_token


def plan_architecture(
    scenario: Scenario,
    catalog: Catalog,
    *,
    laws: Sequence[Law],
    params: float,
) -> dict[str, Any]:
    """The ``architecture`` section of ``plan.json`` for a recommended N of ``params``."""
    spec = _default_spec(scenario)
    flops = scenario.budget.flops
    convention = "palm-causal" if spec.causal_mask else "palm"
    t = spec.template()
    basis = "active" if spec.is_moe else "total"
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
        a["law_counts_text"] = COUNT_TEXT[a["law_counts"]]
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
        }
        for c in CONVENTIONS
    ]
    shapes = _catalog_shapes(catalog)
    size = counts[basis]
    nearest = sorted(shapes, key=lambda k: abs(shapes[k]["params_exact"] / size - 1))
    notes = [
        "FLOPs per token: " + CONVENTION_TEXT[convention] + "; the laws were fitted with 6 N.",
        "Each law's exact-FLOPs allocation feeds it the N it was fitted on (Hoffmann et al. and "
        "Epoch AI: all parameters; Kaplan et al.: non-embedding) and D = C / F(N) with F from "
        "this family at this sequence length.",
    ]
    if shape.n_layers < levine_depth_threshold(shape.d_model):
        notes.append("The shape is shallower than Levine et al. 2020's depth threshold log3(d).")
    section: dict[str, Any] = {
        "stated": spec.stated,
        "source": source,
        "family": spec.family,
        "family_text": FAMILY_TEXT.get(t.family, ""),
        "hf_config": spec.hf_config,
        "seq_len": shape.seq_len,
        "vocab": shape.vocab,
        "target_params": params,
        "target_basis": basis,
        "shape": shape.to_dict(),
        "shape_rule": SHAPE_RULE if source == "rule" else f"As stated in {spec.hf_config}.",
        "shape_rows": _shape_rows(shape, counts),
        "counts": counts,
        "params_vs_target": counts[basis] / params - 1.0,
        "flops": summary.to_dict(),
        "flops_rows": flops_rows,
        "convention": convention,
        "convention_text": CONVENTION_TEXT[convention],
        "flops_per_token": per_token,
        "ratio_to_6n": per_token / summary.six_n,
        "attention_fraction": 1.0 - summary.six_n / per_token,
        "tokens_at_budget": flops / per_token,
        "tokens_at_budget_6n": flops / summary.six_n,
        "allocation": allocations,
        "precision": _precision(scenario, spec),
        "moe": _moe_section(scenario, shape, counts, spec) if shape.is_moe else None,
        "nearest_shapes": [shapes[k] | {"id": k} for k in nearest[:NEAREST_SHAPES]],
        "catalog_shapes": shapes,
        "notes": notes,
    }
    section["headline"] = arch_headline(section)
    return section


def arch_headline(architecture: Mapping[str, Any]) -> str:
    """Page one's sentence: 'a 32-layer, 4096-wide Llama-style decoder (GQA 32/8, SwiGLU 14336),
    8.03B parameters, fp8'."""
    s = architecture["shape"]
    counts = architecture["counts"]
    kind = {
        "llama": "Llama-style decoder",
        "gpt3": "GPT-3-style decoder",
        "moe": "Mixtral-style MoE decoder",
    }.get(architecture["family"], "decoder")
    if architecture["source"] == "hf_config":
        kind = f"decoder of {architecture['hf_config']}"
    heads = f"{s['n_heads']}/{s['n_kv_heads']}"
    if s["n_kv_heads"] == s["n_heads"]:
        attention = f"MHA {s['n_heads']} heads"
    elif s["n_kv_heads"] == 1:
        attention = f"MQA {s['n_heads']} heads"
    else:
        attention = f"GQA {heads}"
    parts = [attention, f"{MLP_TEXT[s['mlp']]} {s['d_ff']}"]
    if s["experts"] > 1:
        parts.insert(0, f"{s['experts']} experts, {s['active_experts']} active")
    text = (
        f"a {s['n_layers']}-layer, {s['d_model']}-wide {kind} ({', '.join(parts)}), "
        f"{format_si(counts['total'])} parameters"
    )
    if s["experts"] > 1:
        text += f" ({format_si(counts['active'])} active)"
    precision = architecture.get("precision")
    if precision:
        text += f", {precision['name']}"
    return text
