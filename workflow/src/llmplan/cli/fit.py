"""``llmplan fit RUNS.csv``: fit scaling laws to a runs table (approaches 1, 2 and 3).

Approach 3 is the parametric fit of Hoffmann et al. 2022 (arXiv:2203.15556, s3.3) with bootstrap
intervals; approaches 1 and 2 read the compute-optimal frontier off training curves and IsoFLOP
profiles (s3.1, s3.2). See :mod:`llmplan.fit` and :mod:`llmplan.isoflop`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from llmplan.core.errors import InputError, Where
from llmplan.core.units import format_si
from llmplan.fit.document import fit_all
from llmplan.fit.parametric import DEFAULT_BOOTSTRAP, DEFAULT_BUDGETS
from llmplan.inputs.bounds import FLOPS_RANGE
from llmplan.io.runs_csv import drop_highest_loss, parse_columns, read_runs, require_fittable
from llmplan.io.schema import field_schema

APPROACHES = ("1", "2", "3", "all")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fit",
        help="fit scaling laws (Chinchilla approaches 1, 2, 3) to a runs CSV",
        description=(
            "Fit L(N, D) = E + A/N^alpha + B/D^beta (approach 3, Huber loss from Hoffmann's "
            "4,500-start grid, bootstrap intervals) and the compute-optimal frontier from "
            "IsoFLOP profiles (approach 2) and training-curve envelopes (approach 1)."
        ),
    )
    parser.add_argument("runs", metavar="RUNS.csv", help="CSV with N, D or C, loss[, run, step]")
    parser.add_argument("--approach", choices=APPROACHES, default="all")
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=DEFAULT_BOOTSTRAP,
        metavar="K",
        help="bootstrap resamples (0: none; default %(default)s)",
    )
    parser.add_argument(
        "--columns",
        default="",
        metavar="MAP",
        help='map columns, e.g. N="Model Size",C="Training FLOP"',
    )
    parser.add_argument(
        "--drop-highest-loss",
        type=int,
        default=0,
        metavar="K",
        help="drop the K highest-loss rows first (Epoch AI dropped 5)",
    )
    parser.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    parser.add_argument(
        "--budgets",
        default="",
        metavar="C1,C2",
        help="FLOP budgets for the allocation table (default 1e21..1e25)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    parser.set_defaults(func=run)


#: Most budgets in --budgets (as many as a config's synthetic sweep may have).
MAX_BUDGETS = 50


def _budgets(text: str) -> tuple[float, ...]:
    if not text.strip():
        return DEFAULT_BUDGETS
    where = Where("command line", field="--budgets")
    expected = (
        f"at most {MAX_BUDGETS} FLOP values separated by commas, each between 1e11 and 1e32 "
        "(e.g. 1e23,1e24)"
    )
    parts = text.split(",")
    if len(parts) > MAX_BUDGETS:
        raise InputError(where, f"found {len(parts)} budgets", expected=expected)
    values = []
    low, high = FLOPS_RANGE
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            raise InputError(
                where, f"cannot read {part.strip()[:40]!r}", expected=expected
            ) from None
        if not low <= value <= high:  # also refuses nan and inf
            raise InputError(where, f"found {part.strip()[:40]}", expected=expected)
        values.append(value)
    return tuple(values)


def _count(value: int, flag: str, *path: str) -> int:
    """``value`` of ``flag`` within the bounds the config schema sets for ``fits.<name>.<path>``."""
    bounds = field_schema("config", "fits", "any", *path)
    low, high = bounds.get("minimum", 0), bounds.get("maximum")
    if value < low or (high is not None and value > high):
        raise InputError(
            Where("command line", field=flag),
            f"found {value}",
            expected=f"a whole number from {low:,} to {high:,}" if high else f"{low} or more",
        )
    return value


def _summary(doc: dict[str, Any]) -> str:
    lines = [f"{doc['file']}: {doc['n_points']} runs"]
    if "E" in doc:
        iv = doc["intervals"]

        def show(name: str, fmt: str) -> str:
            value = format(doc[name], fmt)
            if name in iv:
                lo, hi = iv[name]
                return f"{name} = {value} [{format(lo, fmt)}, {format(hi, fmt)}]"
            return f"{name} = {value}"

        lines.append(
            f"approach 3: L = E + A/N^alpha + B/D^beta  (objective {doc['objective']:.10g}; "
            f"{doc['n_reached_best']} of {doc['n_followed']} followed starts of "
            f"{doc['n_starts']} reached it)"
        )
        for name, fmt in (
            ("E", ".4f"),
            ("A", ".5g"),
            ("B", ".5g"),
            ("alpha", ".4f"),
            ("beta", ".4f"),
            ("a", ".4f"),
            ("b", ".4f"),
        ):
            lines.append("  " + show(name, fmt))
        if doc["intervals"]:
            lines.append(
                f"  intervals: {100 * doc['interval_level']:g}% bootstrap percentiles "
                f"over {doc['n_bootstrap']} resamples"
            )
        for row in doc["allocation"]:
            lines.append(
                f"  C = {row['C']:.3g} FLOPs: N_opt = {format_si(row['N_opt'])}, "
                f"D_opt = {format_si(row['D_opt'])}"
            )
        lines.extend(f"  warning: {w['text']}" for w in doc["warnings"])
    check = doc.get("extrapolation")
    if check and check["supported"]:
        lines.append(
            f"backtest: without {check['held_out']['text']}, approach 3 predicts those "
            f"{check['n_test']} runs to {check['mean_abs_relative_error']:.2%} on average "
            f"(largest {check['max_abs_relative_error']:.2%}); "
            f"{check['coverage_prediction']:.0%} inside the 80% prediction interval"
        )
    elif check:
        lines.append(f"backtest: not possible: {check['reason']['text']}")
    for key in ("approach2", "approach1"):
        if key not in doc:
            continue
        part = doc[key]
        if not part["supported"]:
            lines.append(f"approach {part['approach']}: not possible: {part['reason']['text']}")
            continue
        iv = part["intervals"]
        extra = f" [{iv['a'][0]:.3f}, {iv['a'][1]:.3f}]" if iv else ""
        lines.append(
            f"approach {part['approach']}: N_opt ~ C^{part['a']:.3f}{extra}, "
            f"D_opt ~ C^{part['b']:.3f} (R^2 {part['r2_N']:.3f})"
        )
        lines.extend(f"  warning: {w['text']}" for w in part["warnings"])
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    columns = parse_columns(args.columns) if args.columns else None
    bootstrap = _count(args.bootstrap, "--bootstrap", "bootstrap")
    seed = _count(args.seed, "--seed", "seed")
    drop = _count(args.drop_highest_loss, "--drop-highest-loss", "drop_highest_loss")
    budgets = _budgets(args.budgets)
    runs = read_runs(args.runs, columns=columns)
    runs = drop_highest_loss(runs, drop, where=Where("command line", field="--drop-highest-loss"))
    if args.approach in ("3", "all"):
        require_fittable(runs, Where(args.runs))
    doc = fit_all(runs, approach=args.approach, n_bootstrap=bootstrap, seed=seed, budgets=budgets)
    if args.json:
        json.dump(doc, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(_summary(doc))
    return 0
