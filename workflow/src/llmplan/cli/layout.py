"""``llmplan layout``: how to lay out a training run, how fast it goes, for how many days.

For N parameters on D tokens (``--params``, ``--tokens``) on ``--count`` x ``--gpu``, or for the
recommendation of a scenario (``--scenario``), the same call the reports make:
:func:`llmplan.run.training.training_run` (a proposed shape, the batch and learning rate from
published laws, the fastest parallel layout that fits memory, calibrated MFU, calendar days with
failures). With ``--json`` it prints that dict; ``feasible`` is false with ``why`` when nothing
fits.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from llmplan.cli.common import DEFAULT_CATALOG, load_fits
from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.core.units import format_si, parse_quantity
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.scenario import load_scenario
from llmplan.io.jsonio import dumps
from llmplan.plan.build import build_plan
from llmplan.plan.check import CONFIG_FILE, check_config, load_settings
from llmplan.run.training import training_run


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "layout",
        help="parallel layout, memory per GPU, MFU, days, batch size and learning rate of a run",
        description=(
            "Lay out a training run: the fastest tensor/pipeline/data-parallel split that fits "
            "memory, its MFU (calibrated on published runs), calendar days with failures, the "
            "global batch and peak learning rate. Give --params, --tokens, --gpu and --count, or "
            "--scenario NAME for a scenario's recommendation."
        ),
    )
    p.add_argument("--params", help='parameters N ("70B")')
    p.add_argument("--tokens", help='training tokens D ("1.4T")')
    p.add_argument("--gpu", help="accelerator id from the catalog (h100-sxm)")
    p.add_argument("--count", help="number of accelerators")
    p.add_argument(
        "--seq-len",
        dest="seq_len",
        help="training sequence length (default: model.seq_len of the scenario schema)",
    )
    p.add_argument("--price", help="price per accelerator-hour in US dollars (gives the cost)")
    p.add_argument("--scenario", help="scenario name (or YAML path): lay out its recommendation")
    p.add_argument("--catalog", default=DEFAULT_CATALOG, help="catalog directory")
    p.add_argument("--config", default=None, help="settings file (default config/config.yaml)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=run_layout)


def _scenario_run(args: argparse.Namespace, where: Where) -> dict[str, Any]:
    config_path = Path(args.config) if args.config else CONFIG_FILE
    config = check_config(config_path) if config_path.is_file() else {}
    path = Path(args.scenario)
    if not path.is_file():
        path = Path(config.get("scenario_dir", "config/scenarios")) / f"{args.scenario}.yaml"
    if not path.is_file():
        raise InputError(
            where.at("--scenario"), f"no scenario '{args.scenario}'", expected=f"{path} to exist"
        )
    catalog = load_catalog(Path(args.catalog))
    settings = load_settings(args.config)
    scenario = load_scenario(path, hardware=catalog.hardware, settings=settings)
    plan = build_plan(
        scenario,
        catalog,
        provenance={},
        fitted=load_fits([], where.at("fit")),
        inference_loss_tolerance=settings.inference_loss_tolerance,
    )
    return plan["training_run"]


def _direct_run(args: argparse.Namespace, where: Where) -> dict[str, Any]:
    for flag in ("params", "tokens", "gpu", "count"):
        if getattr(args, flag) is None:
            raise InputError(
                where.at(f"--{flag}"),
                "missing",
                expected="--params, --tokens, --gpu and --count, or --scenario NAME",
            )
    params = parse_quantity(args.params, where.at("--params"), kind="count")
    tokens = parse_quantity(args.tokens, where.at("--tokens"), kind="count")
    count = parse_quantity(args.count, where.at("--count"))
    if count != int(count):
        raise InputError(where.at("--count"), f"found {args.count!r}", expected="a whole number")
    seq_len = None
    if args.seq_len is not None:
        seq_len = parse_quantity(args.seq_len, where.at("--seq-len"))
        if seq_len != int(seq_len):
            raise InputError(
                where.at("--seq-len"), f"found {args.seq_len!r}", expected="a whole number"
            )
    price = parse_quantity(args.price, where.at("--price"), kind="usd") if args.price else None
    hardware = load_catalog(Path(args.catalog)).hardware
    if args.gpu not in hardware:
        raise unknown_choice(where.at("--gpu"), "hardware id", args.gpu, hardware)
    return training_run(
        params,
        tokens,
        hardware=hardware[args.gpu],
        count=int(count),
        seq_len=None if seq_len is None else int(seq_len),
        price_per_hour=price,
    )


def run_layout(args: argparse.Namespace) -> int:
    where = Where("command line")
    run = _scenario_run(args, where) if args.scenario else _direct_run(args, where)
    if args.json:
        sys.stdout.write(dumps(run))
        return 0
    print(_text(run))
    return 0


def _text(run: dict[str, Any]) -> str:
    shape = run["shape"]
    lines = [
        f"{format_si(run['params'])} parameters on {format_si(run['tokens'])} tokens; shape "
        f"{shape['n_layers']} layers x {shape['d_model']} wide, {shape['n_heads']} heads "
        f"({shape['n_kv_heads']} KV), sequences of {shape['seq_len']:,}",
        f"batch {format_si(run['global_batch_tokens'])} tokens, peak learning rate "
        f"{run['peak_learning_rate']:.2e}, warm-up then WSD cooldown over the last 20%",
    ]
    hw = run["hardware"]
    if not run["feasible"]:
        lines.append(f"not feasible: {run['why']}" if run["feasible"] is False else run["why"])
    else:
        mem = run["memory_breakdown_gb"]
        cal = run["calendar"]
        lines += [
            f"layout on {hw['count']:,} x {hw['name']}: {run['layout']['text']}",
            f"memory per GPU {mem['total_gb']:.1f} of {mem['capacity_gb']:.0f} GB: weights "
            f"{mem['weights_gb']:.1f}, gradients {mem['gradients_gb']:.1f}, optimizer "
            f"{mem['optimizer_gb']:.1f}, activations {mem['activations_gb']:.1f}, buffers "
            f"{mem['buffers_gb']:.1f}",
            f"MFU {run['mfu']:.1%} (band {run['mfu_low']:.1%}-{run['mfu_high']:.1%})",
            f"{cal['days']:.3g} days (band {cal['days_low']:.3g}-{cal['days_high']:.3g}), of "
            f"which {cal['compute_days']:.3g} computing, {cal['effective_fraction']:.1%} "
            "effective time",
        ]
        if run["usd"] is not None:
            lines.append(
                f"cost ${run['usd']:,.0f} (${cal['usd_low']:,.0f}-${cal['usd_high']:,.0f})"
            )
    lines += [f"note: {n}" for n in run["notes"]]
    return "\n".join(lines)
