"""``llmplan arch``: a shape, its exact parameter counts and its FLOPs per token.

Either a Hugging Face ``config.json`` read as is (:mod:`llmplan.arch.hf`) or a family and a
target N, for which the shape rule of :mod:`llmplan.arch.families` proposes a buildable shape.
Counts follow :mod:`llmplan.arch.counts`, FLOPs per token :mod:`llmplan.arch.flops` (PaLM App. B
by default, the causal variant with ``--causal``). Defaults of ``--seq-len`` and ``--vocab``
are the scenario schema's (``model:`` section), so the command and the reports agree.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from llmplan.arch.counts import param_counts
from llmplan.arch.families import FAMILIES, FAMILY_TEXT, propose_shape, template
from llmplan.arch.flops import CONVENTION_TEXT, CONVENTIONS, flops_summary
from llmplan.arch.hf import shape_from_hf_config
from llmplan.arch.shape import ModelShape
from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.core.units import format_si, parse_quantity
from llmplan.io.schema import with_defaults
from llmplan.plan.architecture import CONVENTION_LABEL


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "arch",
        help="a model's shape, exact parameter counts and FLOPs per token",
        description=(
            "Read a Hugging Face config.json, or propose a shape for a family and a parameter "
            "count, and print its exact total, embedding, non-embedding and active parameters "
            "and its training FLOPs per token (6N, Kaplan et al. Table 1, PaLM App. B)."
        ),
    )
    p.add_argument("--hf-config", help="a Hugging Face config.json (llama, mistral, mixtral, gpt2)")
    p.add_argument("--family", help="shape template: " + ", ".join(FAMILIES))
    p.add_argument("--params", help='target total parameters ("70B")')
    p.add_argument("--active-params", help='MoE: target active parameters instead ("13B")')
    p.add_argument("--seq-len", help="training sequence length (default: the scenario default)")
    p.add_argument("--vocab", help="vocabulary size (default: the scenario default)")
    p.add_argument("--moe-experts", help="MoE: experts per layer (family moe; default 8)")
    p.add_argument("--moe-active", help="MoE: experts per token (default 2)")
    p.add_argument("--moe-granularity", help="MoE: split each expert G ways (default 1)")
    p.add_argument(
        "--causal", action="store_true", help="halve PaLM's attention term for the causal mask"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_arch)


def _whole(value: str, where: Where, what: str) -> int:
    number = parse_quantity(value, where, kind="count")
    if number != int(number):
        raise InputError(where, f"found {value!r}", expected=f"a whole number of {what}")
    return int(number)


def _shape(args: argparse.Namespace, where: Where) -> tuple[ModelShape, dict[str, Any]]:
    model_defaults = with_defaults({"model": {"moe": {}}}, "scenario")["model"]
    seq_len = _whole(args.seq_len, where.at("--seq-len"), "tokens") if args.seq_len else None
    if args.hf_config:
        for flag, value in (("--family", args.family), ("--params", args.params)):
            if value:
                raise InputError(
                    where.at(flag),
                    f"{flag} given with --hf-config",
                    expected="one of the two: the config states the shape",
                )
        shape = shape_from_hf_config(args.hf_config, seq_len=seq_len)
        return shape, {"source": "hf_config", "hf_config": args.hf_config}
    if not args.family:
        raise InputError(
            where.at("--family"), "neither --hf-config nor --family", expected="one of the two"
        )
    if args.family not in FAMILIES:
        raise unknown_choice(where.at("--family"), "family", args.family, FAMILIES)
    moe_flags = (args.moe_experts, args.moe_active, args.moe_granularity, args.active_params)
    if args.family != "moe" and any(moe_flags):
        raise InputError(
            where.at("--family"),
            f"MoE options given with family '{args.family}'",
            expected="--family moe",
        )
    moe = model_defaults["moe"]
    experts = (
        _whole(args.moe_experts, where.at("--moe-experts"), "experts")
        if args.moe_experts
        else moe["experts"]
    )
    active = (
        _whole(args.moe_active, where.at("--moe-active"), "experts")
        if args.moe_active
        else moe["active"]
    )
    granularity = (
        _whole(args.moe_granularity, where.at("--moe-granularity"), "parts")
        if args.moe_granularity
        else moe["granularity"]
    )
    if active > experts:
        raise InputError(
            where.at("--moe-active"), f"{active} of {experts}", expected="at most --moe-experts"
        )
    if bool(args.params) == bool(args.active_params):
        raise InputError(
            where.at("--params"),
            "give exactly one of --params and --active-params",
            expected='a parameter count such as "70B"',
        )
    basis = "active" if args.active_params else "total"
    flag = "--active-params" if args.active_params else "--params"
    target = parse_quantity(args.active_params or args.params, where.at(flag), kind="count")
    t = template(
        args.family,
        vocab=_whole(args.vocab, where.at("--vocab"), "tokens")
        if args.vocab
        else int(model_defaults["vocab"]),
        seq_len=seq_len or int(model_defaults["seq_len"]),
        experts=experts,
        active=active,
        granularity=granularity,
    )
    shape = propose_shape(target, t, basis=basis)
    return shape, {"source": "rule", "target_params": target, "target_basis": basis}


def arch_report(shape: ModelShape, *, causal: bool = False) -> dict[str, Any]:
    """The JSON of ``llmplan arch``: counts (contract keys), FLOPs per token, the shape."""
    counts = param_counts(shape)
    summary = flops_summary(shape)
    convention = "palm-causal" if causal else "palm"
    return {
        "params_total": counts.total,
        "params_embedding": counts.embedding,
        "params_non_embedding": counts.non_embedding,
        "params_active": counts.active,
        "params_active_non_embedding": counts.active_non_embedding,
        "flops_per_token": summary.value(convention),
        "flops_convention": convention,
        "flops_convention_text": CONVENTION_TEXT[convention],
        "flops_per_token_by_convention": {c: summary.value(c) for c in CONVENTIONS},
        "ratio_to_6n": summary.value(convention) / summary.six_n,
        "shape": shape.to_dict(),
    }


def run_arch(args: argparse.Namespace) -> int:
    where = Where("command line")
    shape, origin = _shape(args, where)
    doc = {**arch_report(shape, causal=args.causal), **origin}
    if args.json:
        json.dump(doc, sys.stdout, indent=2)
        print()
        return 0
    s = shape
    if origin["source"] == "hf_config":
        named = f" ({s.name})" if s.name != origin["hf_config"] else ""
        lines = [f"{origin['hf_config']}{named}:"]
    else:
        lines = [
            f"{FAMILY_TEXT[s.family]}, proposed for {format_si(origin['target_params'])} "
            f"{origin['target_basis']} parameters:"
        ]
    lines.append(
        f"  {s.n_layers} layers, d_model {s.d_model}, {s.n_heads} heads of {s.head_dim}, "
        f"{s.n_kv_heads} key/value heads, {s.mlp} d_ff {s.d_ff}, vocab {s.vocab}, "
        f"seq_len {s.seq_len}"
        + (f", {s.experts} experts ({s.active_experts} per token)" if s.is_moe else "")
    )
    lines.append(
        f"parameters: {doc['params_total']:,} total; {doc['params_embedding']:,} embedding; "
        f"{doc['params_non_embedding']:,} non-embedding"
        + (f"; {doc['params_active']:,} active" if s.is_moe else "")
    )
    if origin["source"] == "rule":
        off = doc["params_" + origin["target_basis"]] / origin["target_params"] - 1
        lines.append(f"  ({off:+.2%} from the target)")
    lines.append(f"training FLOPs per token at {s.seq_len} tokens:")
    six = doc["flops_per_token_by_convention"]["6n"]
    for c in CONVENTIONS:
        value = doc["flops_per_token_by_convention"][c]
        lines.append(f"  {CONVENTION_LABEL[c]:<32} {value:.4g}  ({value / six:.3f} x 6N)")
    print("\n".join(lines))
    return 0
