"""``llmplan sweep NAME``: plan a sweep's points and print its efficient frontier.

The same planning and frontier as the workflow's ``sweep`` rules (:mod:`llmplan.sweep`), in one
process, with a progress bar on stderr for large sweeps; ``--json`` prints the recommendation, the
frontier of the base assumptions and the recommendation under every combination of assumptions
(``sweep.json`` without the chart sample). ``--csv PATH`` writes every point.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from llmplan.core.errors import InputError, Where

DEFAULT_SWEEPS = "config/sweeps"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "sweep",
        help="plan a sweep (config/sweeps/NAME.yaml) and print its efficient frontier",
        description=(
            "Plan every point of a sweep (a base scenario and a grid over its fields) and print "
            "the efficient frontier of predicted loss against cost and what it recommends. NAME is "
            "a sweep name (config/sweeps/<name>.yaml) or the path of a .yaml file."
        ),
    )
    p.add_argument("sweep", metavar="NAME", help="sweep name or file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--csv", metavar="PATH", help="write every point to this CSV file")
    p.add_argument("--config", default="config/config.yaml", help="config file")
    p.add_argument("--catalog", default="data/catalog", help="catalog directory")
    p.add_argument("--sweep-dir", default=DEFAULT_SWEEPS, help="sweep directory")
    p.add_argument(
        "--fit", action="append", default=[], help="fit.json of a fit:<name> law (repeatable)"
    )
    p.set_defaults(func=run_sweep)


def sweep_file(arg: str, sweep_dir: str) -> Path:
    """The file of a sweep given by name or path (a name that could leave the folder: refused)."""
    from llmplan.inputs.scenario import NAME_PATTERN

    if arg.endswith(".yaml"):
        return Path(arg)
    if not NAME_PATTERN.match(arg):
        raise InputError(
            Where("command line", field="NAME"),
            f"found {arg!r}, which is not a sweep name",
            expected=f"a name of letters, digits, '-' and '_' ({sweep_dir}/<name>.yaml), or a "
            "path ending in .yaml",
        )
    return Path(sweep_dir) / f"{arg}.yaml"


def run_sweep(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from llmplan.cli.common import load_fits
    from llmplan.inputs.catalog import load_catalog
    from llmplan.inputs.settings import Settings, known_law_ids
    from llmplan.io.jsonio import dumps
    from llmplan.io.schema import with_defaults
    from llmplan.laws.registry import KNOWN_IDS
    from llmplan.plan.check import check_config
    from llmplan.sweep.document import build_document, on_frontier
    from llmplan.sweep.plan import plan_points
    from llmplan.sweep.spec import load_sweep

    config = check_config(args.config) if Path(args.config).exists() else {}
    full = with_defaults(dict(config), "config")
    settings = Settings.from_config(config)
    catalog = load_catalog(args.catalog)
    sweep = load_sweep(
        sweep_file(args.sweep, args.sweep_dir),
        hardware=catalog.hardware,
        settings=settings,
        known_laws=known_law_ids(config, KNOWN_IDS),
        max_points=int(full["sweeps"]["max_points"]),
    )
    with tqdm(
        total=sweep.n_points, desc=sweep.name, unit="point", disable=None, file=sys.stderr
    ) as bar:
        table = plan_points(
            sweep,
            inference_loss_tolerance=settings.inference_loss_tolerance,
            fitted=load_fits(args.fit, Where("command line", field="--fit")),
            progress=bar.update,
        )
    table["on_frontier"] = on_frontier(sweep, table)
    if args.csv:
        table.to_csv(args.csv, index=False, lineterminator="\n")
    doc = build_document(
        sweep,
        table,
        tolerance=settings.inference_loss_tolerance,
        provenance={},
        max_point_reports=int(full["sweeps"]["max_point_reports"]),
    )
    doc.pop("sample")
    doc["hardware_names"] = {h: catalog.hardware[h].name for h in doc["hardware"]}
    if args.json:
        sys.stdout.write(dumps(doc))
        return 0
    print(_text(doc, settings))
    return 0


def _text(doc: dict[str, Any], settings: Any) -> str:
    from llmplan.report.i18n import language
    from llmplan.report.sweep_context import sweep_context

    context = sweep_context(doc, settings, language("en"), hardware_names=doc["hardware_names"])
    headline = str(context["headline"]).replace("<strong>", "").replace("</strong>", "")
    lines = [doc["sweep"]["title"], "", headline, ""]
    lines.append(f"{'point':>8}  {'N':>8}  {'D':>8}  {'loss':>6}  {'days':>7}  {'usd':>10}  plan")
    for item in context["frontier"]:
        r = item["row"]
        days = f"{r['days']:.1f}" if r["days"] is not None else "-"
        usd = f"{r['usd']:,.0f}" if r["usd"] is not None else "-"
        loss = f"{r['loss']:.3f}" if r["loss"] is not None else "-"
        lines.append(
            f"{r['point']:>8}  {r['params']:>8.3g}  {r['tokens']:>8.3g}  {loss:>6}  {days:>7}  "
            f"{usd:>10}  {item['label']}"
        )
    if context["table_is_sample"]:  # as the report says it under its table
        lines += [
            "",
            f"{len(context['frontier'])} of the {doc['frontier_size']:,} frontier points, evenly "
            "spaced from the cheapest to the lowest loss; --json or --csv PATH gives every point.",
        ]
    return "\n".join(lines)
