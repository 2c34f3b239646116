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
from llmplan.io.runs_csv import parse_columns, read_runs

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


def _budgets(text: str) -> tuple[float, ...]:
    if not text.strip():
        return DEFAULT_BUDGETS
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise InputError(
            Where("command line", field="--budgets"),
            f"cannot read '{text}'",
            expected="FLOP values separated by commas, e.g. 1e23,1e24",
        ) from None
    if any(not v > 0 for v in values):
        raise InputError(Where("command line", field="--budgets"), "a budget is not positive")
    return values


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
        lines.extend(f"  warning: {w}" for w in doc["warnings"])
    for key in ("approach2", "approach1"):
        if key not in doc:
            continue
        part = doc[key]
        if not part["supported"]:
            lines.append(f"approach {part['approach']}: not possible: {part['reason']}")
            continue
        iv = part["intervals"]
        extra = f" [{iv['a'][0]:.3f}, {iv['a'][1]:.3f}]" if iv else ""
        lines.append(
            f"approach {part['approach']}: N_opt ~ C^{part['a']:.3f}{extra}, "
            f"D_opt ~ C^{part['b']:.3f} (R^2 {part['r2_N']:.3f})"
        )
        lines.extend(f"  warning: {w}" for w in part["warnings"])
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    columns = parse_columns(args.columns) if args.columns else None
    if args.bootstrap < 0:
        raise InputError(
            Where("command line", field="--bootstrap"), f"{args.bootstrap}", expected="0 or more"
        )
    runs = read_runs(args.runs, columns=columns, drop_highest=args.drop_highest_loss)
    doc = fit_all(
        runs,
        approach=args.approach,
        n_bootstrap=args.bootstrap,
        seed=args.seed,
        budgets=_budgets(args.budgets),
    )
    if args.json:
        json.dump(doc, sys.stdout, indent=1, allow_nan=False)
        sys.stdout.write("\n")
    else:
        print(_summary(doc))
    return 0
