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

from llmplan.cli.common import DEFAULT_CATALOG, add_lang_argument, text_language
from llmplan.core.compute import train_flops
from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.core.messages import N_
from llmplan.core.units import parse_quantity
from llmplan.inputs.bounds import CONSTRAINT_RANGES, COUNT_MAX, MFU_MIN, PRICE_MAX
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
    add_lang_argument(p)
    p.set_defaults(func=run_cost)


#: The text output's lines (``--lang`` picks their translation).
TEXT = {
    "compute": N_(
        "{params} parameters on {tokens} tokens: {flops} FLOPs = {pf_days} PF/s-days (6 N D)"
    ),
    "hours": N_(
        "on {hardware} at {mfu} MFU ({peak} TFLOP/s dense {precision}): {hours} accelerator-hours"
    ),
    "days": N_("on {count} of them: {days} days"),
    "usd": N_("at {price} per accelerator-hour: {usd}"),
    "energy": N_("energy {mwh} MWh (TDP x hours x PUE {pue}); {co2} t CO2eq at {grid} kg/kWh"),
}


def run_cost(args: argparse.Namespace) -> int:
    where = Where("command line")
    defaults = load_settings(args.config).assumptions
    params = parse_quantity(
        args.params, where.at("--params"), kind="count", at_most=CONSTRAINT_RANGES["max_params"][1]
    )
    tokens = parse_quantity(
        args.tokens,
        where.at("--tokens"),
        kind="count",
        at_most=CONSTRAINT_RANGES["unique_tokens"][1],
    )
    mfu = defaults.mfu
    if args.mfu is not None:
        mfu = parse_quantity(args.mfu, where.at("--mfu"), kind="number", at_least=MFU_MIN)
    if not 0 < mfu <= 1:
        raise InputError(where.at("--mfu"), f"found {args.mfu!r}", expected="0 < mfu <= 1")
    count = None
    if args.count:
        count = parse_quantity(
            args.count,
            where.at("--count"),
            at_most=COUNT_MAX,
            expected="a whole number of accelerators",
        )
        if count != int(count):
            raise InputError(
                where.at("--count"),
                f"found {args.count}",
                expected="a whole number of accelerators",
            )
    price = (
        parse_quantity(args.price, where.at("--price"), kind="usd", at_most=PRICE_MAX)
        if args.price
        else None
    )
    hardware = load_catalog(Path(args.catalog)).hardware
    if args.gpu not in hardware:
        raise unknown_choice(where.at("--gpu"), "hardware id", args.gpu, hardware)
    assumptions = Assumptions(
        mfu=mfu,
        pue=defaults.pue
        if args.pue is None
        else parse_quantity(args.pue, where.at("--pue"), kind="number", at_least=1, at_most=3),
        grid_kg_co2_per_kwh=defaults.grid_kg_co2_per_kwh
        if args.grid is None
        else parse_quantity(
            args.grid, where.at("--grid"), kind="number", allow_zero=True, at_most=2
        ),
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
    lang = text_language(args)

    def say(key: str, **values: Any) -> str:
        return lang.gettext(TEXT[key]).format(**values)

    lines = [
        say(
            "compute",
            params=lang.si(params),
            tokens=lang.si(tokens),
            flops=f"{flops:.3g}",
            pf_days=f"{budget.pf_days:.4g}",
        ),
        say(
            "hours",
            hardware=hw.name,
            mfu=f"{mfu:.0%}",
            peak=f"{hw.peak_flops / 1e12:.4g}",
            precision=hw.training_precision,
            hours=f"{budget.gpu_hours:,.0f}" if lang.code == "en" else lang.si(budget.gpu_hours),
        ),
    ]
    if budget.days is not None:
        lines.append(say("days", count=f"{count:,.0f}", days=f"{budget.days:.3g}"))
    if budget.usd is not None:
        lines.append(
            say("usd", price=lang.formats["usd2"](price), usd=lang.formats["usd"](budget.usd))
        )
    if budget.energy_kwh is not None:
        lines.append(
            say(
                "energy",
                mwh=f"{budget.energy_kwh / 1000:,.4g}",
                pue=f"{assumptions.pue:g}",
                co2=f"{budget.co2_t:,.4g}",
                grid=f"{assumptions.grid_kg_co2_per_kwh:g}",
            )
        )
    print("\n".join(lines))
    return 0
