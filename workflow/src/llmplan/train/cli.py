"""``python -m llmplan.train``: train the runs of JSON configs and write their rows to a CSV.

A config file holds one run config (a JSON object, :func:`~llmplan.train.config.run_config_from_dict`)
or a list of them. Runs train one after the other in the order given; the CSV gets every
evaluation row (:data:`~llmplan.train.trainer.ROW_COLUMNS`), or with ``--final-only`` only the rows
that end an annealed schedule, the ones an IsoFLOP fit wants. A progress bar (tqdm) shows steps
on stderr; a log file gets one line per evaluation and the run summaries, and its path is printed
first.

:func:`register` adds the same command as ``llmplan train`` to the main command line; torch is
imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from llmplan.errors import InputError, LlmplanError, Where
from llmplan.train.config import RunConfig, run_config_from_dict

#: Suffix of the default log path next to ``--out``.
LOG_SUFFIX = ".log"
#: One line for ``--help``.
DESCRIPTION = (
    "Train small language models for real from JSON run configs and write their held-out "
    "losses as rows (N, D, C, loss, run, step, ...) to a CSV."
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


def add_arguments(parser: argparse.ArgumentParser) -> None:
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


def register(subparsers: Any) -> None:
    """Add ``train`` to the ``llmplan`` command line (see :mod:`llmplan.cli`)."""
    parser = subparsers.add_parser(
        "train",
        help="train small language models for real (needs the 'train' extra)",
        description=DESCRIPTION,
    )
    add_arguments(parser)
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    """Train every run of ``args.config`` and write ``args.out``; returns the exit code."""
    configs = [c for path in args.config for c in read_run_configs(path)]
    ids = [c.run for c in configs]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise InputError(
            Where(", ".join(args.config), entry=duplicate),
            "run id given twice",
            expected="unique run ids",
        )
    try:
        import pandas as pd
        from tqdm import tqdm

        from llmplan.train.data import load_corpus
        from llmplan.train.trainer import ROW_COLUMNS, prepare_split, total_steps, train_run
    except ImportError as err:
        raise InputError(
            Where("command line"),
            f"the trainer needs the 'train' extra ({err.name} is missing)",
            hint="Install it with `pip install -e '.[train]'`",
        ) from None

    out = Path(args.out)
    log_path = Path(args.log) if args.log else out.with_name(out.name + LOG_SUFFIX)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"llmplan train: {len(configs)} run(s); log: {log_path}", file=sys.stderr)
    records: list[dict[str, Any]] = []
    splits: dict[str, Any] = {}
    with log_path.open("w", encoding="utf-8") as log:
        _log(log, f"{len(configs)} run(s) from {', '.join(args.config)}; rows to {out}")
        bar = tqdm(
            total=sum(total_steps(c) for c in configs),
            unit="step",
            disable=args.no_progress,
            file=sys.stderr,
            dynamic_ncols=True,
        )
        with bar:
            for config in configs:
                if config.text not in splits:
                    corpus = load_corpus(config.text)
                    splits[config.text] = (corpus, prepare_split(corpus))
                    _log(
                        log, f"text {corpus.name}: {len(corpus.text)} bytes, sha256 {corpus.sha256}"
                    )
                corpus, split = splits[config.text]
                _log(log, f"run {config.run}: {json.dumps(config.to_dict(), sort_keys=True)}")
                bar.set_description(config.run)

                def progress(done: int, total: int, loss: float) -> None:
                    bar.update(1)
                    if done % 10 == 0 or done == total:
                        bar.set_postfix(loss=f"{loss:.3f}", refresh=False)

                result = train_run(config, corpus=corpus, split=split, progress=progress)
                for row in result.rows:
                    _log(
                        log,
                        f"run {row.run} step {row.step} D {row.tokens} {row.kind}: held-out loss "
                        f"{row.loss:.4f}, train loss {row.train_loss:.4f}, lr {row.lr:.3g}",
                    )
                _log(
                    log,
                    f"run {config.run} done: N {result.n_params}, {result.tokens_per_s:.0f} tokens/s, "
                    f"{result.seconds:.1f} s, final loss {result.final_loss:.4f}",
                )
                records.extend(result.records())
        table = pd.DataFrame.from_records(records, columns=list(ROW_COLUMNS))
        if args.final_only:
            table = table[table["kind"] == "final"]
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        table.to_csv(partial, index=False)
        os.replace(partial, out)
        _log(log, f"wrote {len(table)} rows to {out}")
    print(f"llmplan train: wrote {len(table)} rows to {out}", file=sys.stderr)
    return 0


def _log(log: TextIO, message: str) -> None:
    log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")
    log.flush()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m llmplan.train", description=DESCRIPTION)
    add_arguments(parser)
    args = parser.parse_args(argv)
    try:
        return run_command(args)
    except LlmplanError as err:
        print(f"llmplan train: error: {err}", file=sys.stderr)
        return 2
