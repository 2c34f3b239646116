"""``llmplan allocate``: one budget under every law.

The budget flags build the same mapping a scenario's ``budget:`` holds and go through
:func:`llmplan.inputs.budget.resolve_budget`, with the project's settings
(:func:`llmplan.plan.check.load_settings`), so the command line and the reports share one path and
one set of defaults.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from llmplan.cli.common import DEFAULT_CATALOG, load_fits
from llmplan.core.errors import InputError, Where
from llmplan.core.intervals import INTERVAL_SHORT
from llmplan.core.units import format_si, parse_quantity
from llmplan.inputs.budget import resolve_budget
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.constraints import CONSTRAINT_KEYS, parse_constraints
from llmplan.inputs.scenario import TOKENS_PER_PARAM_RANGE
from llmplan.laws.registry import LOSS_COMPARABILITY_NOTE, all_laws, get_law
from llmplan.plan.allocate import Allocation, allocate_all
from llmplan.plan.check import load_settings

# flag destination -> budget key of the scenario contract
_BUDGET_FLAGS = {
    "flops": "flops",
    "pf_days": "pf_days",
    "gpu": "hardware",
    "count": "count",
    "days": "days",
    "gpu_hours": "gpu_hours",
    "usd": "usd",
    "price": "price_per_hour",
    "mfu": "mfu",
}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "allocate",
        help="compute-optimal model size and tokens for a budget under every law",
        description=(
            "Allocate a training budget under published scaling laws, side by side. State the "
            "budget one way: --flops; --pf-days; --gpu --count --days [--mfu]; "
            "--gpu --gpu-hours [--mfu]; --gpu --usd --price [--mfu]."
        ),
    )
    b = p.add_argument_group("budget (exactly one form)")
    b.add_argument("--flops", help="training compute in FLOPs (5.76e23)")
    b.add_argument("--pf-days", dest="pf_days", help="training compute in PF/s-days")
    b.add_argument("--gpu", help="accelerator id from the catalog (h100-sxm)")
    b.add_argument("--count", help="number of accelerators")
    b.add_argument("--days", help="wall-clock days")
    b.add_argument("--gpu-hours", dest="gpu_hours", help='accelerator-hours ("1.3M")')
    b.add_argument("--usd", help="money to spend in US dollars")
    b.add_argument("--price", help="price per accelerator-hour in US dollars")
    b.add_argument(
        "--mfu",
        help="model FLOPs utilisation, 0 < mfu <= 1 (default: assumptions.mfu of the config)",
    )
    p.add_argument("--law", default="all", help="law id, or 'all' (default); see `llmplan laws`")
    p.add_argument(
        "--tokens-per-param",
        dest="tokens_per_param",
        help="ratio r of the tokens-per-param law, D = r N (default: tokens_per_param of the config)",
    )
    p.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="FIT.json",
        help="a fit.json of `llmplan fit --json` or the workflow, adding the law fit:<dataset> "
        "(default: every reports/fits/<dataset>/fit.json)",
    )
    c = p.add_argument_group("constraints")
    c.add_argument("--max-params", dest="max_params", help='largest model ("30B")')
    c.add_argument("--unique-tokens", dest="unique_tokens", help='unique training tokens ("1T")')
    c.add_argument(
        "--inference-tokens", dest="inference_tokens", help='lifetime inference tokens ("2T")'
    )
    p.add_argument("--catalog", default=DEFAULT_CATALOG, help="catalog directory")
    p.add_argument("--config", default=None, help="settings file (default config/config.yaml)")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per law")
    p.set_defaults(func=run_allocate)


def _budget_spec(args: argparse.Namespace) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    for dest, key in _BUDGET_FLAGS.items():
        value = getattr(args, dest)
        if value is not None:
            spec[key] = value
    return spec


#: budget key or constraint -> the flag a user typed, for error messages
_FLAG_OF = {
    **{f"budget.{key}": "--" + dest.replace("_", "-") for dest, key in _BUDGET_FLAGS.items()},
    **{f"constraints.{key}": "--" + key.replace("_", "-") for key in CONSTRAINT_KEYS},
    "budget": "budget flags",
    "law": "--law",
    "fit": "--fit",
}


def run_allocate(args: argparse.Namespace) -> int:
    try:
        return _run_allocate(args)
    except InputError as err:  # name the flag the user typed, not the scenario key behind it
        where = err.where
        if where.file != "command line" or where.field not in _FLAG_OF:
            raise
        flag = _FLAG_OF[where.field]
        raise InputError(
            Where(where.file, field=flag), err.problem, expected=err.expected, hint=err.hint
        ) from None


def _run_allocate(args: argparse.Namespace) -> int:
    where = Where("command line")
    settings = load_settings(args.config)
    ratio = settings.tokens_per_param
    if args.tokens_per_param is not None:
        low, high = TOKENS_PER_PARAM_RANGE
        ratio = parse_quantity(
            args.tokens_per_param,
            where.at("--tokens-per-param"),
            kind="number",
            at_least=low,
            at_most=high,
        )
    spec = _budget_spec(args)
    hardware = load_catalog(Path(args.catalog)).hardware if args.gpu is not None else {}
    budget = resolve_budget(spec, hardware, where.at("budget"), assumptions=settings.assumptions)
    constraints = parse_constraints(
        {
            k: getattr(args, k)
            for k in ("max_params", "unique_tokens", "inference_tokens")
            if getattr(args, k) is not None
        },
        where.at("constraints"),
    )
    fitted = load_fits(args.fit, where.at("fit"))
    if args.law == "all":
        laws = all_laws(tokens_per_param=ratio, fitted=fitted)
    else:
        laws = [
            get_law(
                args.law,
                tokens_per_param=ratio,
                where=where.at("law"),
                fitted=fitted,
            )
        ]
    allocations = allocate_all(
        budget.flops,
        laws,
        constraints=constraints,
        hardware=budget.hardware,
        count=budget.count,
    )
    if args.json:
        json.dump([a.to_dict() for a in allocations], sys.stdout, indent=2)
        print()
    else:
        print(_table(budget.flops, budget.pf_days, allocations))
    return 0


def _fmt_interval(values: list[float] | None, fmt: Any) -> str:
    return "" if values is None else f"[{fmt(values[0])}, {fmt(values[1])}]"


def _table(flops: float, pf_days: float, allocations: list[Allocation]) -> str:
    lines = [f"Budget: {flops:.3g} FLOPs = {pf_days:.4g} PF/s-days", ""]
    header = f"{'law':32} {'params':>8} {'tokens':>8} {'D/N':>7} {'loss':>6}  range  interval ({INTERVAL_SHORT})"
    lines += [header, "-" * len(header)]
    for a in allocations:
        loss = f"{a.loss:6.3f}" if a.loss is not None else "     -"
        interval = ""
        if a.intervals:
            interval = "N " + _fmt_interval(a.intervals["params"], format_si)
        lines.append(
            f"{a.law:32} {format_si(a.params):>8} {format_si(a.tokens):>8} "
            f"{a.tokens_per_param:7.3g} {loss}  {'yes' if a.in_range else 'NO ':5}  {interval}"
        )
    extra: list[str] = []
    for a in allocations:
        if a.max_params:
            m = a.max_params
            extra.append(
                f"{a.law}: max_params {format_si(m['max_params'])}: N {format_si(m['params'])}, "
                f"D {format_si(m['tokens'])}" + (" (binding)" if m["binding"] else " (not binding)")
            )
        if a.data_constrained:
            d = a.data_constrained
            extra.append(
                f"{a.law}: unique tokens {format_si(d['unique_tokens'])}: Muennighoff optimum "
                f"N {format_si(d['params'])}, D {format_si(d['tokens'])}, {d['epochs']:.3g} epochs "
                f"(this law's plan needs {d['law_plan_epochs']:.3g} epochs)"
            )
        if a.inference:
            i = a.inference
            extra.append(
                f"{a.law}: inference {format_si(i['inference_tokens'])} tokens: N "
                f"{format_si(i['params'])} on {format_si(i['train_tokens'])} tokens saves "
                f"{i['saving_flops']:.3g} lifetime FLOPs ({i['saving_fraction']:.1%})"
            )
        if a.memory:
            m = a.memory
            extra.append(
                f"{a.law}: memory {m['state_gb']:.4g} GB state; at least {m['min_devices']} "
                f"x {m['hardware']}"
                + ("" if m["fits"] is None else f"; fits: {'yes' if m['fits'] else 'no'}")
            )
    if extra:
        lines += ["", *extra]
    warnings = [w for a in allocations for w in a.warnings]
    if warnings:
        lines += ["", "Warnings:", *(f"- {w}" for w in warnings)]
    lines += ["", LOSS_COMPARABILITY_NOTE]
    return "\n".join(lines)
