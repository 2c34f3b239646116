"""``llmplan cost``: the reverse question, the time, cost and energy of training a given (N, D).

Training compute is C = 6 N D (Kaplan et al. 2020, arXiv:2001.08361, eq. 2.1); the rest is
:func:`llmplan.inputs.budget.budget_from_flops` on the stated hardware, count and MFU; unstated
assumptions come from the project's settings, as in the reports.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from llmplan.cli.common import DEFAULT_CATALOG
from llmplan.core.compute import train_flops
from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.core.units import format_si, parse_quantity
from llmplan.inputs.budget import Assumptions, budget_from_flops
from llmplan.inputs.catalog import load_catalog
from llmplan.plan.check import load_settings


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "cost",
        help="time, cost and energy to train N parameters on D tokens on given hardware",
        description=(
            "The reverse of `allocate`: given a model size and a token count, the compute "
            "(6 N D), accelerator-hours, wall-clock days, dollars, energy and CO2 on the stated "
            "hardware."
        ),
    )
    p.add_argument("--params", required=True, help='parameters N ("70B")')
    p.add_argument("--tokens", required=True, help='training tokens D ("1.4T")')
    p.add_argument("--gpu", required=True, help="accelerator id from the catalog (h100-sxm)")
    p.add_argument("--count", help="number of accelerators (gives wall-clock days)")
    p.add_argument("--mfu", help="model FLOPs utilisation (default: assumptions.mfu of the config)")
    p.add_argument("--price", help="price per accelerator-hour in US dollars (gives the cost)")
    p.add_argument("--pue", help="data-centre PUE for energy (default: assumptions.pue)")
    p.add_argument(
        "--grid", help="grid intensity, kg CO2eq per kWh (default: assumptions.grid_kg_co2_per_kwh)"
    )
    p.add_argument("--catalog", default=DEFAULT_CATALOG, help="catalog directory")
    p.add_argument("--config", default=None, help="settings file (default config/config.yaml)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_cost)


def run_cost(args: argparse.Namespace) -> int:
    where = Where("command line")
    defaults = load_settings(args.config).assumptions
    params = parse_quantity(args.params, where.at("--params"), kind="count")
    tokens = parse_quantity(args.tokens, where.at("--tokens"), kind="count")
    mfu = defaults.mfu
    if args.mfu is not None:
        mfu = parse_quantity(args.mfu, where.at("--mfu"), kind="number")
    if not 0 < mfu <= 1:
        raise InputError(where.at("--mfu"), f"found {args.mfu!r}", expected="0 < mfu <= 1")
    count = parse_quantity(args.count, where.at("--count")) if args.count else None
    price = parse_quantity(args.price, where.at("--price"), kind="usd") if args.price else None
    hardware = load_catalog(Path(args.catalog)).hardware
    if args.gpu not in hardware:
        raise unknown_choice(where.at("--gpu"), "hardware id", args.gpu, hardware)
    assumptions = Assumptions(
        mfu=mfu,
        pue=defaults.pue
        if args.pue is None
        else parse_quantity(args.pue, where.at("--pue"), kind="number"),
        grid_kg_co2_per_kwh=defaults.grid_kg_co2_per_kwh
        if args.grid is None
        else parse_quantity(args.grid, where.at("--grid"), kind="number"),
    )
    flops = float(train_flops(params, tokens))
    budget = budget_from_flops(
        flops,
        hardware=hardware[args.gpu],
        count=count,
        mfu=mfu,
        price_per_hour=price,
        price_source="--price" if price else None,
        assumptions=assumptions,
    )
    doc = {"params": params, "tokens": tokens, **budget.to_dict()}
    if args.json:
        json.dump(doc, sys.stdout, indent=2)
        print()
        return 0
    hw = hardware[args.gpu]
    lines = [
        f"{format_si(params)} parameters on {format_si(tokens)} tokens: "
        f"{flops:.3g} FLOPs = {budget.pf_days:.4g} PF/s-days (6 N D)",
        f"on {hw.name} at {mfu:.0%} MFU ({hw.peak_flops / 1e12:.4g} TFLOP/s dense "
        f"{hw.training_precision}): {budget.gpu_hours:,.0f} accelerator-hours",
    ]
    if budget.days is not None:
        lines.append(f"on {count:,.0f} of them: {budget.days:.3g} days")
    if budget.usd is not None:
        lines.append(f"at ${price:g} per accelerator-hour: ${budget.usd:,.0f}")
    if budget.energy_kwh is not None:
        lines.append(
            f"energy {budget.energy_kwh / 1000:,.4g} MWh (TDP x hours x PUE {assumptions.pue:g}); "
            f"{budget.co2_t:,.4g} t CO2eq at {assumptions.grid_kg_co2_per_kwh:g} kg/kWh"
        )
    print("\n".join(lines))
    return 0
