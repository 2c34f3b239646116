"""Train a list of runs one after the other, with a log file and a progress bar: a runs CSV.

The one loop behind ``llmplan train`` (:mod:`llmplan.cli.train`) and the workflow's ``train`` rule
(:mod:`llmplan.steps.train`). Runs train in the order given, each on its own text (loaded and
split once per text); every evaluation row (:data:`~llmplan.train.rows.ROW_COLUMNS`) is kept, or
with ``final_only`` only the rows that end an annealed schedule, the ones an IsoFLOP fit wants.
The log gets one line per evaluation and a summary per run; the CSV is written at the end,
atomically (a killed session leaves no half file).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
from tqdm import tqdm

from llmplan.core.errors import InputError, Where
from llmplan.train.config import RunConfig, total_steps
from llmplan.train.data import load_corpus
from llmplan.train.rows import ROW_COLUMNS
from llmplan.train.trainer import prepare_split, train_run


def check_unique_ids(configs: Sequence[RunConfig], where: Where) -> None:
    """Refuse two runs with the same id (their rows could not be told apart)."""
    ids = [c.run for c in configs]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate is not None:
        raise InputError(where.for_entry(duplicate), "run id given twice", expected="unique ids")


def train_to_csv(
    configs: Sequence[RunConfig],
    out: Path | str,
    *,
    log_path: Path | str,
    final_only: bool = False,
    progress: bool = True,
    label: str = "llmplan train",
) -> pd.DataFrame:
    """Train ``configs`` in order, write their rows to ``out`` and return them.

    Parameters
    ----------
    configs
        Runs to train (unique ids).
    out
        The CSV of rows (written once, at the end, atomically).
    log_path
        The log file; its path is printed on stderr first.
    final_only
        Keep only rows of kind ``final``.
    progress
        Show a tqdm bar of optimizer steps (branch cooldowns included) on stderr.
    label
        Prefix of the lines printed on stderr.
    """
    check_unique_ids(configs, Where(str(out)))
    out, log_path = Path(out), Path(log_path)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    print(f"{label}: {len(configs)} run(s); log: {log_path}", file=sys.stderr, flush=True)
    records: list[dict[str, Any]] = []
    splits: dict[str, Any] = {}
    with log_path.open("w", encoding="utf-8") as log:
        _log(log, f"{len(configs)} run(s); rows to {out}")
        bar = tqdm(
            total=sum(total_steps(c) for c in configs),
            unit="step",
            disable=not progress,
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

                def on_step(done: int, total: int, loss: float) -> None:
                    bar.update(1)
                    if done % 10 == 0 or done == total:
                        bar.set_postfix(loss=f"{loss:.3f}", refresh=False)

                result = train_run(config, corpus=corpus, split=split, progress=on_step)
                for row in result.rows:
                    _log(
                        log,
                        f"run {row.run} step {row.step} D {row.tokens} {row.kind}: held-out loss "
                        f"{row.loss:.4f}, train loss {row.train_loss:.4f}, lr {row.lr:.3g}",
                    )
                _log(
                    log,
                    f"run {config.run} done: N {result.n_params}, {result.tokens_per_s:.0f} "
                    f"tokens/s, {result.seconds:.1f} s, final loss {result.final_loss:.4f}, "
                    f"load average {os.getloadavg()[0]:.1f}",
                )
                records.extend(result.records())
        table = pd.DataFrame.from_records(records, columns=list(ROW_COLUMNS))
        if final_only:
            table = table[table["kind"] == "final"]
        out.parent.mkdir(parents=True, exist_ok=True)
        partial = out.with_name(out.name + ".partial")
        table.to_csv(partial, index=False)
        os.replace(partial, out)
        _log(log, f"wrote {len(table)} rows to {out}")
    print(f"{label}: wrote {len(table)} rows to {out}", file=sys.stderr)
    return table


def _log(log: TextIO, message: str) -> None:
    log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")
    log.flush()
