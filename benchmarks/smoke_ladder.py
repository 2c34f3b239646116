"""A smoke scaling ladder trained for real: budgets x sizes, then where each IsoFLOP minimum sits.

For each compute budget C and model shape (N parameters, embeddings included) the run trains
D = C / (6 N) tokens (Kaplan et al. 2020, eq. 2.1). With ``--schedule wsd`` each shape trains once,
to the largest budget, and the smaller budgets are WSD cooldown branches off its stable phase
(Hägele et al. 2024, arXiv:2405.18392, s5); with ``cosine`` every (C, N) is its own run. The final
held-out losses are fitted per budget with llmplan's IsoFLOP parabola (Hoffmann et al. 2022,
approach 2) and the vertex N_opt(C) is printed: it should grow with C. The defaults are the
ladder docs/train.md reports (its minimum moved from 20k to 42k parameters, vertex 16k to 36k).

    PYTHONPATH=workflow/src python benchmarks/smoke_ladder.py --out ladder.csv \
        [--budgets 1e11 3e11 1e12] [--shapes 2:12:2 2:20:2 2:32:4 3:40:5] [--lr 1e-2] [--schedule wsd]
"""

from __future__ import annotations

import argparse
import math
import os
import time

import numpy as np
import pandas as pd

from llmplan.arch.shape import ModelShape
from llmplan.core.errors import Where
from llmplan.fit.isoflop import fit_isoflop
from llmplan.io.runs_csv import validate_runs
from llmplan.train.config import RunConfig, trainer_shape
from llmplan.train.data import load_corpus
from llmplan.train.model import param_count
from llmplan.train.trainer import prepare_split, train_run

HEAD_DIM = 16


def shape_of(spec: str, *, seq_len: int) -> ModelShape:
    """``"L:d"`` or ``"L:d:h"`` -> L layers of width d, h heads (default: heads of width 16, at
    least one), Llama's SwiGLU width."""
    layers, width, *heads = (int(x) for x in spec.split(":"))
    fields = {
        "n_layers": layers,
        "d_model": width,
        "n_heads": heads[0] if heads else max(1, width // HEAD_DIM),
        "seq_len": seq_len,
    }
    return trainer_shape(fields, Where("--shapes", entry=spec))


def ladder_configs(args: argparse.Namespace) -> list[RunConfig]:
    budgets = sorted(args.budgets)
    configs = []
    for spec in args.shapes:
        shape = shape_of(spec, seq_len=args.seq_len)
        n = param_count(shape)
        tokens = [round(c / (6 * n)) for c in budgets]
        common = {
            "shape": shape,
            "batch_size": args.batch,
            "peak_lr": args.lr,
            "seed": args.seed,
            "eval_tokens": args.eval_tokens,
            "threads": args.threads,
            "text": args.text,
            "min_lr_ratio": args.min_lr_ratio,
        }
        if args.schedule == "wsd":
            configs.append(
                RunConfig(
                    run=f"L{spec}",
                    tokens=tokens[-1],
                    schedule="wsd",
                    cooldown_fraction=args.cooldown,
                    cooldown_branches=tuple(tokens[:-1]),
                    warmup_tokens=round(args.warmup * tokens[0]),
                    **common,
                )
            )
        else:
            configs.extend(
                RunConfig(
                    run=f"L{spec}-C{c:.0e}",
                    tokens=t,
                    schedule="cosine",
                    warmup_tokens=round(args.warmup * t),
                    **common,
                )
                for c, t in zip(budgets, tokens, strict=True)
            )
    return configs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budgets", type=float, nargs="+", default=[1e11, 3e11, 1e12])
    parser.add_argument("--shapes", nargs="+", default=["2:12:2", "2:20:2", "2:32:4", "3:40:5"])
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--min-lr-ratio", type=float, default=0.0)
    parser.add_argument("--schedule", choices=("wsd", "cosine"), default="wsd")
    parser.add_argument("--cooldown", type=float, default=0.2)
    parser.add_argument("--warmup", type=float, default=0.1, help="fraction of the shortest run")
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seq-len", type=int, default=128)
    parser.add_argument("--eval-tokens", type=int, default=65_536)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--text", default="kjv")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    corpus = load_corpus(args.text)
    split = prepare_split(corpus)
    configs = ladder_configs(args)
    began = time.perf_counter()
    records = []
    for config in configs:
        result = train_run(config, corpus=corpus, split=split)
        finals = result.final_rows
        print(
            f"{config.run:>16} N {result.n_params:>8,} {result.tokens_per_s:7.0f} tok/s "
            f"{result.seconds:6.1f} s  losses "
            + " ".join(f"{r.loss:.4f}@{r.tokens:,}" for r in finals)
            + f"  load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
        records.extend(r for r in result.records() if r["kind"] == "final")
    elapsed = time.perf_counter() - began
    table = pd.DataFrame.from_records(records)
    table.to_csv(args.out, index=False)
    print(f"{len(configs)} runs, {elapsed:.0f} s in all; rows in {args.out}")

    table["budget"] = [min(args.budgets, key=lambda b: abs(math.log10(b / c))) for c in table["C"]]
    pivot = table.pivot_table(index="N", columns="budget", values="loss")
    print(pivot.round(4).to_string())
    for budget in sorted(args.budgets):
        column = pivot[budget]
        print(f"C {budget:.0e}: lowest loss at N = {column.idxmin():,}", end="; ")
        logn = np.log10(column.index.to_numpy(float))
        c2, c1, _ = np.polyfit(logn, column.to_numpy(float), 2)
        vertex = 10 ** (-c1 / (2 * c2)) if c2 > 0 else float("nan")
        print(
            f"parabola vertex N = {vertex:,.0f} (c2 {c2:.3f}), sqrt(C/120) = {math.sqrt(budget / 120):,.0f}"
        )
    fit = fit_isoflop(validate_runs(table), budgets=args.budgets, n_bootstrap=0)
    print("llmplan.isoflop:", fit.reason or "", [(g.flops, g.params_opt) for g in fit.groups])


if __name__ == "__main__":
    main()
