"""``llmplan train``: train the runs of JSON run configs for real and write their rows to a CSV.

A config file holds one run config (a JSON object, :func:`llmplan.train.config.run_config_from_dict`)
or a list of them, as ``llmplan ladder --out DIR`` writes them. Runs train one after the other
(:func:`llmplan.train.session.train_to_csv`): a progress bar on stderr, a log file whose path is
printed first, the CSV at the end. Needs the optional extra ``train`` (torch); without it the
command says how to install it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from llmplan.core.errors import InputError, Where
from llmplan.train.config import RunConfig, run_config_from_dict

#: Suffix of the default log path next to ``--out``.
LOG_SUFFIX = ".log"
DESCRIPTION = (
    "Train small language models for real from JSON run configs and write their held-out "
    "losses as rows (N, D, C, loss, run, step, ...) to a CSV. Needs the 'train' extra."
)


def read_run_configs(path: Path | str) -> list[RunConfig]:
    """Run configs from a JSON file holding one object or a list of objects."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(Where(str(path)), f"cannot read the file ({err.strerror})") from None
    except json.JSONDecodeError as err:
        raise InputError(
            Where(str(path), line=err.lineno),
            f"not valid JSON ({err.msg})",
            expected="a JSON object or list",
        ) from None
    items = data if isinstance(data, list) else [data]
    configs = []
    for k, item in enumerate(items):
        if not isinstance(item, dict):
            raise InputError(
                Where(str(path), entry=f"item {k + 1}"),
                "not a JSON object",
                expected="a run config object",
            )
        configs.append(run_config_from_dict(item, source=str(path)))
    return configs


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train small language models for real (needs the 'train' extra)",
        description=DESCRIPTION,
    )
    parser.add_argument(
        "--config",
        action="append",
        required=True,
        metavar="JSON",
        help="run config file (repeatable)",
    )
    parser.add_argument(
        "--out", required=True, metavar="CSV", help="rows of every run (written at the end)"
    )
    parser.add_argument(
        "--final-only", action="store_true", help="write only rows that end an annealed schedule"
    )
    parser.add_argument(
        "--log", metavar="PATH", help=f"log file (default: --out with suffix {LOG_SUFFIX})"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run_train)


def run_train(args: argparse.Namespace) -> int:
    """Train every run of ``args.config`` and write ``args.out``; returns the exit code."""
    configs = [c for path in args.config for c in read_run_configs(path)]
    try:
        from llmplan.train.session import train_to_csv
    except ImportError as err:
        raise InputError(
            Where("command line"),
            f"the trainer needs the 'train' extra ({err.name} is missing)",
            hint="Install it with `pip install -e '.[train]'` (README, Train your own ladder)",
        ) from None
    out = Path(args.out)
    log = Path(args.log) if args.log else out.with_name(out.name + LOG_SUFFIX)
    train_to_csv(
        configs, out, log_path=log, final_only=args.final_only, progress=not args.no_progress
    )
    return 0
