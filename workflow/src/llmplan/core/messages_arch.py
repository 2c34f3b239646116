"""The architecture's sentences and labels (``plan.json``'s ``architecture``), as messages.

Merged into :data:`llmplan.core.messages.MESSAGES`; built by :mod:`llmplan.plan.architecture`.
The English texts of :data:`llmplan.arch.families.FAMILY_TEXT` and
:data:`llmplan.arch.flops.CONVENTION_TEXT` are these messages, so they are written once. Citations
are part of the sentences as written (authors, year, section): translations keep them in Latin
script, as they keep code names (d_model, llmplan.arch.families) and architecture names (GQA,
SwiGLU, RMSNorm, RoPE).
"""

from __future__ import annotations

from typing import Final

from llmplan.core.msgid import N_

ARCH_MESSAGES: Final = {
    # page one's sentence: "a 32-layer, 4096-wide Llama-style decoder (GQA 32/8, SwiGLU 14336),
    # 8.03B parameters, fp8"
    "arch.headline": N_(
        "a {layers}-layer, {width}-wide {kind} ({parts:list}), {params:si} parameters"
    ),
    "arch.headline.active": N_(
        "a {layers}-layer, {width}-wide {kind} ({parts:list}), {params:si} parameters "
        "({active:si} active)"
    ),
    "arch.headline.precision": N_("{headline}, {precision}"),
    "arch.headline.mha": N_("MHA {heads} heads"),
    "arch.headline.mqa": N_("MQA {heads} heads"),
    "arch.headline.experts": N_("{experts} experts, {active} active"),
    "arch.kind.llama": N_("Llama-style decoder"),
    "arch.kind.gpt3": N_("GPT-3-style decoder"),
    "arch.kind.moe": N_("Mixtral-style MoE decoder"),
    "arch.kind.decoder": N_("decoder"),
    "arch.kind.hf": N_("decoder of {config}"),
    # the families and how a shape is chosen
    "arch.family.llama": N_("Llama-style decoder (GQA, SwiGLU, RMSNorm, RoPE, untied embeddings)"),
    "arch.family.gpt3": N_(
        "GPT-3-style decoder (multi-head attention, GELU, LayerNorm, learned positions, tied)"
    ),
    "arch.family.moe": N_(
        "Mixtral-style MoE decoder (GQA, SwiGLU experts, RMSNorm, RoPE, untied embeddings)"
    ),
    "arch.shape_rule": N_(
        "Proposed by llmplan's shape rule (llmplan.arch.families): head dimension 128 (64 below "
        "d_model 2048), aspect ratio d_model / n_layers 128 from 10B parameters (GPT-3 "
        "6.7B-175B, LLaMA 7B/13B, Llama 3 8B and 405B) and 64 up to 1B, 8 key/value heads, "
        "Meta's FFN rule (2/3 x 4d x 1.3, rounded up to multiple_of); among shapes within a "
        "factor sqrt(2) of that aspect ratio, the one whose exact N is nearest the target. Kaplan "
        "et al. 2020 (s3.1) found loss within 3% across a factor 40 of aspect ratios, so the shape "
        "matters for speed, not loss."
    ),
    "arch.shape_rule.hf": N_("As stated in {config}."),
    # the shape table: labels
    "arch.row.layers": N_("Layers"),
    "arch.row.d_model": N_("Model width d_model"),
    "arch.row.heads": N_("Query heads"),
    "arch.row.kv_heads": N_("Key/value heads"),
    "arch.row.d_ff": N_("FFN width"),
    "arch.row.vocab": N_("Vocabulary"),
    "arch.row.seq_len": N_("Sequence length"),
    "arch.row.experts": N_("Experts"),
    "arch.row.params": N_("Parameters"),
    "arch.row.embedding": N_("Embedding parameters"),
    "arch.row.non_embedding": N_("Non-embedding parameters"),
    "arch.row.active": N_("Active parameters"),
    # the shape table: notes
    "arch.note.aspect": N_("aspect ratio {ratio:.0f}"),
    "arch.note.head_dim": N_("head dimension {dim}"),
    "arch.note.gqa": N_("grouped-query attention"),
    "arch.note.mha": N_("multi-head attention"),
    "arch.note.mqa": N_("multi-query attention"),
    "arch.note.ffn": N_("{mlp}, {ratio:.3g} x d_model"),
    "arch.note.tied": N_("tied embeddings"),
    "arch.note.untied": N_("untied embeddings"),
    "arch.note.sequence": N_("{positions}, {norm}"),
    "arch.positions.rope": N_("RoPE positions"),
    "arch.positions.learned": N_("learned positions"),
    "arch.positions.relative": N_("relative positions"),
    "arch.norm.rms": N_("RMSNorm"),
    "arch.norm.layer": N_("LayerNorm"),
    "arch.note.experts": N_("{active} per token"),
    "arch.note.params": N_("all, embeddings included (Hoffmann's N)"),
    "arch.note.embedding": N_("token embedding, output, positions"),
    "arch.note.non_embedding": N_("Kaplan's N"),
    "arch.note.active": N_("per token: FLOPs follow these"),
    # FLOPs conventions: short labels and what each counts
    "arch.convention.6n.label": N_("6N (Kaplan et al. 2020, eq. 2.1)"),
    "arch.convention.kaplan.label": N_("Kaplan et al. 2020, Table 1"),
    "arch.convention.palm.label": N_("PaLM, App. B"),
    "arch.convention.palm-causal.label": N_("PaLM, App. B, causal mask"),
    "arch.convention.6n": N_(
        "6 N, N all (active) parameters, no attention term (Kaplan et al. 2020, eq. 2.1)"
    ),
    "arch.convention.kaplan": N_(
        "6 N + 6 n_layer n_ctx d_attn, N non-embedding (Kaplan et al. 2020, Table 1, x3 for "
        "the backward pass)"
    ),
    "arch.convention.palm": N_(
        "6 N + 12 L H Q T, N all (active) parameters (PaLM, Chowdhery et al. 2022, App. B)"
    ),
    "arch.convention.palm-causal": N_(
        "6 N + 6 L H Q T: PaLM App. B with the attention term halved for the causal mask"
    ),
    # which N each law is fed
    "arch.count.total": N_("all parameters"),
    "arch.count.non_embedding": N_("non-embedding"),
    "arch.count.active": N_("active parameters"),
    "arch.count.active_non_embedding": N_("active non-embedding"),
    # notes under the allocation table
    "arch.note.flops": N_("FLOPs per token: {convention}; the laws were fitted with 6 N."),
    "arch.note.allocation": N_(
        "Each law's exact-FLOPs allocation feeds it the N it was fitted on (Hoffmann et al. and "
        "Epoch AI: all parameters; Kaplan et al.: non-embedding) and D = C / F(N) with F from "
        "this family at this sequence length."
    ),
    "arch.note.levine": N_(
        "The shape is shallower than Levine et al. 2020's depth threshold log3(d)."
    ),
    # mixture of experts
    "arch.moe.sizing": N_(
        "The MoE is sized so that its active parameters equal the recommended N: it costs the "
        "dense optimum's FLOPs per token, so the budget buys the same tokens; its other experts "
        "cost memory (sized from all parameters), not FLOPs. The dense laws are fed the active "
        "count."
    ),
    "arch.moe.law_note": N_(
        "{citation}: compute-optimal MoE at this budget with E = 64 experts' worth of parameters "
        "and the best granularity (Eq. 9, Table 1), against their dense law (Eq. 1). Their N "
        "counts all non-embedding parameters, their FLOPs exclude embeddings and attention, their "
        "loss is on C4 with the GPT-2 tokenizer, and they fitted 129M-3.7B parameters on "
        "16B-130B tokens."
    ),
    "arch.moe.law_note_extrapolated": N_(
        "{citation}: compute-optimal MoE at this budget with E = 64 experts' worth of parameters "
        "and the best granularity (Eq. 9, Table 1), against their dense law (Eq. 1). Their N "
        "counts all non-embedding parameters, their FLOPs exclude embeddings and attention, their "
        "loss is on C4 with the GPT-2 tokenizer, and they fitted 129M-3.7B parameters on "
        "16B-130B tokens; this optimum is an extrapolation."
    ),
    "arch.moe.law_outside": N_(
        "Your layout is E = {expansion:g} in their terms ({experts} experts, {active} per token), "
        "outside the E = 64 and E = 16 they fitted: the law is a reference point here, not a "
        "prediction for your shape."
    ),
}
