"""Training throughput of the reference trainer on this machine's CPU.

Trains the 0.86M-parameter shape (4 layers, d_model 128, 4 heads, SwiGLU 344, context 128, byte
vocabulary) for ``--steps`` steps of 16 x 128 tokens on 1 and on 2 threads, and reports training
tokens per second (evaluation excluded) and FLOPs per second at C = 6 N D. The machine's two cores
are shared: note the load average printed with the numbers.

    python benchmarks/bench_train.py [--steps 100] [--text kjv]
"""

from __future__ import annotations

import argparse
import os

from llmplan.core.errors import Where
from llmplan.train.config import RunConfig, trainer_shape
from llmplan.train.data import load_corpus
from llmplan.train.model import param_count
from llmplan.train.trainer import prepare_split, train_run

SHAPE = trainer_shape(
    {"n_layers": 4, "d_model": 128, "n_heads": 4, "d_ff": 344, "seq_len": 128}, Where("benchmark")
)
BATCH = 16


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--text", default="kjv")
    args = parser.parse_args()
    corpus = load_corpus(args.text)
    split = prepare_split(corpus)
    n = param_count(SHAPE)
    print(f"N = {n:,}; {BATCH} x {SHAPE.seq_len} tokens per step; {args.steps} steps")
    for threads in (1, 2):
        config = RunConfig(
            run=f"bench-{threads}",
            shape=SHAPE,
            tokens=args.steps * BATCH * SHAPE.seq_len,
            batch_size=BATCH,
            peak_lr=3e-3,
            eval_tokens=4096,
            threads=threads,
            text=args.text,
        )
        result = train_run(config, corpus=corpus, split=split)
        load = os.getloadavg()[0]
        print(
            f"threads {threads}: {result.tokens_per_s:8.0f} tokens/s, "
            f"{6 * n * result.tokens_per_s:.2e} FLOP/s (6N), load average {load:.2f}"
        )


if __name__ == "__main__":
    main()
