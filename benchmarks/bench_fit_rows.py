"""Fitting a large runs CSV: wall time and peak memory (issue 12: 100,000 rows, < 30 s, < 2 GB).

Writes a synthetic CSV of training-curve checkpoints (200 runs: 50 sizes from 1e7 to 3e9
parameters x 4 horizons of 10-80 tokens per parameter, evenly spaced checkpoints, Epoch AI's
2024 law plus 1% lognormal noise), reads it through ``llmplan.io.runs_csv.read_runs`` and fits it
as the workflow's ``fit`` rule does: approaches 1, 2 and 3, the backtest, 1,000 bootstrap
resamples, the JSON document. Each size runs in a fresh process, which reports its wall time and
its peak resident memory (``resource.getrusage``, ru_maxrss), so the numbers do not mix.

    python benchmarks/bench_fit_rows.py [--rows 10000 100000] [--bootstrap 1000]
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

LAW = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)  # Besiroglu et al. 2024
SIZES = 50
HORIZONS = (10.0, 20.0, 40.0, 80.0)


def child(rows: int, bootstrap: int) -> None:
    from llmplan.fit.document import fit_all
    from llmplan.fit.parametric import DEFAULT_BUDGETS
    from llmplan.fit.synthetic import synthetic_checkpoints
    from llmplan.io.jsonio import dumps
    from llmplan.io.runs_csv import read_runs

    checkpoints = max(1, rows // (SIZES * len(HORIZONS)))
    frame = synthetic_checkpoints(
        LAW, np.logspace(7, np.log10(3e9), SIZES), HORIZONS, checkpoints, noise_sd=0.01, seed=0
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "runs.csv"
        frame.to_csv(path, index=False)
        size_mb = path.stat().st_size / 2**20
        t0, c0 = time.perf_counter(), time.process_time()
        runs = read_runs(path)
        t1 = time.perf_counter()
        doc = fit_all(runs, approach="all", n_bootstrap=bootstrap, seed=0, budgets=DEFAULT_BUDGETS)
        text = dumps(doc)
        t2, c2 = time.perf_counter(), time.process_time()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10  # KiB on Linux
    print(
        f"{len(runs):>7,} rows ({size_mb:.1f} MB CSV): read {t1 - t0:.2f} s, fit {t2 - t1:.2f} s, "
        f"total {t2 - t0:.2f} s (process CPU {c2 - c0:.2f} s; load {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores); peak RSS {peak:.0f} MiB; fit.json {len(text) / 2**20:.1f} MB"
    )
    print(
        f"         approach 3: objective {doc['objective']:.6g}, alpha {doc['alpha']:.4f}, "
        f"beta {doc['beta']:.4f} (true {LAW['alpha']}, {LAW['beta']}); bootstrap "
        f"{doc['bootstrap_method']}; backtest mean |error| "
        f"{doc['extrapolation'].get('mean_abs_relative_error', float('nan')):.3%}"
    )
    print(
        f"         approach 1 supported: {doc['approach1']['supported']}, approach 2 supported: "
        f"{doc['approach2']['supported']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.bootstrap)
        return
    for rows in args.rows:
        cmd = [sys.executable, __file__, "--child", str(rows), "--bootstrap", str(args.bootstrap)]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()
