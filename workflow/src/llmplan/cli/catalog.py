"""``llmplan catalog``: the normalised catalog with derived columns, as a table or JSON."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

from llmplan.catalog.tables import catalog_json
from llmplan.cli.common import DEFAULT_CATALOG
from llmplan.core.errors import InputError, Where
from llmplan.core.units import format_si
from llmplan.inputs.catalog import load_catalog
from llmplan.laws.registry import all_laws
from llmplan.plan.check import load_settings

#: (column, header, format) of the readable table.
_TABLE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "id", "s"),
    ("name", "name", "s"),
    ("params", "params", "si"),
    ("tokens", "tokens", "si"),
    ("train_flops", "train FLOPs", "e"),
    ("pf_days", "PF/s-days", "g"),
    ("tokens_per_param", "tok/param", "g"),
    ("flops_source", "compute", "s"),
    ("implied_mfu", "MFU", "pct"),
    ("compute_flag", "flag", "flag"),
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "catalog",
        help="print the model catalog with derived columns",
        description=(
            "Print the normalised catalog of trained models with derived columns (training "
            "compute in FLOPs and PF/s-days, tokens per parameter, implied MFU, D/D_opt under "
            "each law). Compute is the published figure where there is one, else "
            "FLOPs-per-token x N x D."
        ),
    )
    parser.add_argument(
        "--catalog",
        metavar="DIR",
        type=Path,
        default=Path(DEFAULT_CATALOG),
        help=f"directory holding models.yaml and hardware.yaml (default: {DEFAULT_CATALOG})",
    )
    parser.add_argument(
        "--json", action="store_true", help="print models and hardware as JSON instead"
    )
    parser.add_argument(
        "--mfu",
        type=float,
        default=None,
        help="with --json: also give PF/s-days per accelerator-day at this MFU (0-1]",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.mfu is not None and not (0.0 < args.mfu <= 1.0):
        raise InputError(
            Where("command line", field="--mfu"),
            f"found {args.mfu}",
            expected="a fraction in (0, 1]",
        )
    catalog = load_catalog(args.catalog)
    laws = all_laws(tokens_per_param=load_settings().tokens_per_param)
    doc = catalog_json(catalog, laws, mfu=args.mfu)
    if args.json:
        json.dump(doc, sys.stdout, indent=2, allow_nan=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_table(doc["models"]))
        flagged = [m for m in doc["models"] if m["compute_flag"]]
        for model in flagged:
            sys.stdout.write(f"\n* {model['id']}: {model['compute_flag_reason']}\n")
    return 0


def _cell(value: Any, fmt: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if fmt == "si":
        return format_si(value)
    if fmt == "e":
        return f"{value:.3g}"
    if fmt == "g":
        return f"{value:,.0f}" if value >= 1000 else f"{value:.3g}"
    if fmt == "pct":
        return f"{value * 100:.1f}%"
    if fmt == "flag":
        return "*" if value else ""
    return str(value)


def format_table(models: list[dict[str, Any]]) -> str:
    """A fixed-width text table of the main columns (numbers right-aligned)."""
    header = [h for _, h, _ in _TABLE_COLUMNS]
    rows = []
    for model in models:
        cells = [_cell(model[c], f) for c, _, f in _TABLE_COLUMNS]
        if model.get("tokens_lower_bound"):
            cells[3] = ">=" + cells[3]
        rows.append(cells)
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = []
    for cells in [header, *rows]:
        parts = [
            cell.ljust(w) if fmt == "s" else cell.rjust(w)
            for cell, w, (_, _, fmt) in zip(cells, widths, _TABLE_COLUMNS, strict=True)
        ]
        lines.append("  ".join(parts).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"
