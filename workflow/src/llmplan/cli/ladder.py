"""``llmplan ladder``: propose an IsoFLOP scaling ladder for a target budget, priced.

The flags build the same mapping a ``config/ladders/<name>.yaml`` holds and go through the same
schema and :func:`llmplan.ladder.spec.ladder_spec`, so the command line and the workflow design
the same ladder for the same request (:mod:`llmplan.ladder.design` states the maths). ``--out DIR``
writes ``ladder.json`` and one run config per training run, which ``llmplan train`` reads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from llmplan.cli.common import DEFAULT_CATALOG, load_fits
from llmplan.core.errors import InputError, Where
from llmplan.core.units import format_si
from llmplan.io.jsonio import dumps
from llmplan.io.schema import validate_doc
from llmplan.io.yamldoc import YamlDoc

#: Flag -> the key of the ladder mapping it sets (for building it and for naming flags in errors).
_FLAGS = {
    "--flops": ("target", "flops"),
    "--scenario": ("target", "scenario"),
    "--fraction": ("budget", "fraction"),
    "--flops-total": ("budget", "flops"),
    "--law": ("law",),
    "--levels": ("levels",),
    "--sizes": ("sizes",),
    "--spread": ("spread",),
    "--shape-rule": ("shape", "rule"),
    "--vocab": ("shape", "vocab"),
    "--seq-len": ("shape", "seq_len"),
    "--cooldown": ("schedule", "cooldown_fraction"),
}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "ladder",
        help="propose an IsoFLOP ladder of small runs to calibrate your own law",
        description=(
            "Propose an IsoFLOP scaling ladder for a target budget: compute levels, model sizes "
            "centred on a law's N_opt(C), shapes, batch sizes and learning rates, one "
            "warmup-stable-decay run per size with the shorter budgets as cooldown branches; "
            "print its cost and its fraction of the target. Give the target (--flops or "
            "--scenario) and the ladder budget (--fraction or --flops-total), or --ladder FILE."
        ),
    )
    t = p.add_argument_group("target and ladder budget")
    t.add_argument("--flops", help="target training compute in FLOPs (1e22)")
    t.add_argument("--scenario", metavar="NAME", help="target: a scenario's budget and model")
    t.add_argument("--fraction", help="ladder budget as a fraction of the target (0.01)")
    t.add_argument("--flops-total", dest="flops_total", help="ladder budget in FLOPs")
    t.add_argument(
        "--ladder", metavar="NAME", help="a ladder file: config/ladders/NAME.yaml or a .yaml path"
    )
    d = p.add_argument_group("design (defaults: workflow/schemas/ladder.schema.yaml)")
    d.add_argument("--law", help="law centring the sizes (default: the primary law)")
    d.add_argument("--levels", help="compute levels (default 4)")
    d.add_argument("--sizes", help="sizes per level, 3 to 9 (default 5)")
    d.add_argument("--spread", help="largest size / N_opt (default 4)")
    d.add_argument("--shape-rule", dest="shape_rule", help="llama (default) or small (tiny models)")
    d.add_argument("--vocab", help="vocabulary size (256 for byte-level text)")
    d.add_argument("--seq-len", dest="seq_len", help="sequence length in tokens")
    d.add_argument("--cooldown", help="WSD cooldown fraction (default 0.2)")
    p.add_argument("--name", default=None, help="the ladder's name (its law is fit:<name>)")
    p.add_argument("--out", metavar="DIR", help="write ladder.json and one run config per run")
    p.add_argument("--json", action="store_true", help="print the ladder as JSON")
    p.add_argument("--fit", action="append", default=[], metavar="FIT.json", help="fitted laws")
    p.add_argument("--catalog", default=DEFAULT_CATALOG, help="catalog directory")
    p.add_argument("--config", default=None, help="settings file (default config/config.yaml)")
    p.set_defaults(func=run_ladder)


def _flag_mapping(args: argparse.Namespace) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for flag, path in _FLAGS.items():
        value = getattr(args, flag.removeprefix("--").replace("-", "_"))
        if value is None:
            continue
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value if flag in _TEXT_FLAGS else _number(value)
    return data


#: Flags whose values stay text (the others are numbers, checked by the schema).
_TEXT_FLAGS = ("--flops", "--flops-total", "--scenario", "--law", "--shape-rule")


def _number(text: str) -> int | float | str:
    """A flag's number (an int when it is whole), or the text for the schema to refuse."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _flag_of(field: str | None) -> str | None:
    for flag, path in _FLAGS.items():
        if field == ".".join(path):
            return flag
    return None


def run_ladder(args: argparse.Namespace) -> int:
    try:
        return _run_ladder(args)
    except InputError as err:  # name the flag the user typed, not the ladder key behind it
        flag = _flag_of(err.where.field) if err.where.file == "command line" else None
        if flag is None:
            raise
        raise InputError(
            Where("command line", field=flag), err.problem, expected=err.expected, hint=err.hint
        ) from None


def _run_ladder(args: argparse.Namespace) -> int:
    from llmplan.cli.check import scenario_file
    from llmplan.inputs.catalog import load_catalog
    from llmplan.inputs.scenario import load_scenario
    from llmplan.inputs.settings import known_law_ids
    from llmplan.ladder.document import ladder_document
    from llmplan.ladder.spec import (
        LADDER_DIR,
        ladder_name,
        ladder_spec,
        make_ladder,
        read_ladder,
        scenario_of,
    )
    from llmplan.laws.registry import KNOWN_IDS
    from llmplan.plan.check import load_settings

    where = Where("command line")
    settings = load_settings(args.config)
    fitted = load_fits(args.fit, where.at("--fit")) if args.fit else {}
    flags = _flag_mapping(args)
    if args.ladder is not None:
        if flags:
            raise InputError(
                where.at("--ladder"),
                "a ladder file brings its own target, budget and design",
                expected="either --ladder NAME or the flags, not both",
            )
        path = Path(
            args.ladder if args.ladder.endswith(".yaml") else f"{LADDER_DIR}/{args.ladder}.yaml"
        )
        doc = read_ladder(path)
        name = args.name or ladder_name(path)
    else:
        doc = YamlDoc(data=flags, file="command line")
        for key, one, other in (
            ("target", "--flops", "--scenario"),
            ("budget", "--fraction", "--flops-total"),
        ):
            given = len(flags.get(key, {}))
            if given != 1:
                raise InputError(
                    where,
                    f"{'no' if given == 0 else 'two'} {key}s given",
                    expected=f"either {one} or {other}",
                )
        validate_doc(doc, "ladder")
        name = args.name or "ladder"
    scenario = None
    if scenario_of(doc) is not None:
        catalog = load_catalog(Path(args.catalog))
        scenario = load_scenario(
            scenario_file(scenario_of(doc)),
            hardware=catalog.hardware,
            settings=settings,
            known_laws=(
                *known_law_ids({"fits": {k: {} for k in settings.fits}}, KNOWN_IDS),
                *fitted,
            ),
        )
    spec = ladder_spec(doc, settings=settings, scenario=scenario, name=name)
    ladder = make_ladder(spec, fitted=fitted)
    document = ladder_document(ladder, spec)
    if args.out:
        from llmplan.steps.ladder import write_ladder_files

        write_ladder_files(ladder, spec, args.out)
    if args.json:
        sys.stdout.write(dumps(document))
    else:
        print(_report(document, out=args.out))
    return 0


def _report(doc: dict[str, Any], *, out: str | None) -> str:
    lines = [
        f"Ladder for a target of {doc['target_flops']:.3g} FLOPs under {doc['law']} "
        f"(N_opt ∝ C^{doc['exponent']:.3f}): {len(doc['levels'])} levels x "
        f"{len(doc['levels'][0]['params'])} sizes, levels {doc['level_ratio']:.3g}x apart, "
        f"sizes {doc['size_step']:.3g}x apart",
        "",
        f"{'level':>5} {'C':>10} {'N_opt':>8}  sizes (parameters)",
    ]
    for level in doc["levels"]:
        sizes = " ".join(f"{format_si(n):>7}" for n in level["params"])
        lines.append(
            f"{level['level']:>5} {level['C']:>10.3g} {format_si(level['N_opt']):>8}  {sizes}"
        )
    lines += [
        "",
        f"{'run':>6} {'N':>8} {'shape':>9} {'batch':>9} {'peak lr':>8} {'steps':>8} "
        f"{'branches':>8} {'cost':>10}",
    ]
    for job in doc["jobs"]:
        shape = f"{job['shape']['n_layers']}x{job['shape']['d_model']}"
        batch = f"{job['batch_size']}x{job['shape']['seq_len']}"
        lines.append(
            f"{job['job']:>6} {format_si(job['params']):>8} {shape:>9} {batch:>9} "
            f"{job['peak_lr']:>8.3g} {job['steps']:>8,} {len(job['branches']):>8} "
            f"{job['cost_flops']:>10.3g}"
        )
    lines += [
        "",
        f"Total: {doc['total_flops']:.4g} FLOPs = {doc['fraction_of_target']:.3%} of the target "
        f"(budget {doc['budget_flops']:.4g}); {len(doc['runs'])} IsoFLOP points from "
        f"{len(doc['jobs'])} training runs.",
        f"Without reuse (one run per point): {doc['naive_flops']:.4g} FLOPs; cooldown branches "
        f"save a factor {doc['reuse_factor']:.3g} (Hägele et al. 2024, arXiv:2405.18392, s5).",
        f"The fitted law will be extrapolated {doc['extrapolation']:.3g}x beyond the largest level.",
    ]
    if out:
        lines.append(
            f"Wrote {out}/ladder.json and {len(doc['jobs'])} run configs in {out}/configs/."
        )
    return "\n".join(lines)
