"""Approach-3 speed: llmplan's search against the plain per-start scipy loop, in one run.

Baseline: one L-BFGS-B per start of Hoffmann's 4,500-point grid with numerical gradients (as in
Epoch AI's replication), timed on a random sample of starts plus one start known to reach the
optimum, and extrapolated to the grid (``--full-baseline`` runs all 4,500 starts: minutes).
Before: the previous search (Hoffmann's grid scored at once, the best 900 starts followed by
batched Newton, L-BFGS-B from the 8 best distinct minima), kept as ``method="grid"``.
After: the default search (starts from the variable-projection profile, :mod:`llmplan.fit.profile`)
and 1,000 bootstrap refits. Each is repeated; the best and the median times are printed. Runs
on Epoch AI's extraction of the Chinchilla points when ../shared/data has it (the 5 highest
losses dropped), else on a synthetic IsoFLOP sweep.

    python benchmarks/bench_fit.py [--repeat 7] [--sample 90] [--no-before] [--full-baseline]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

from llmplan.fit.bootstrap import bootstrap_fits
from llmplan.fit.objective import HUBER_DELTA, huber
from llmplan.fit.search import fit_grid, hoffmann_grid
from llmplan.fit.synthetic import synthetic_isoflop
from llmplan.io.runs_csv import EPOCH_COLUMNS, read_runs

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "chinchilla_fig4_epoch.csv"


def load() -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    if DATA.exists():
        runs = read_runs(DATA, columns=EPOCH_COLUMNS, drop_highest=5)
        label = f"Epoch AI Chinchilla points ({len(runs)} after dropping 5)"
    else:
        law = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
        budgets = [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21]
        runs = synthetic_isoflop(law, budgets, 27, noise_sd=0.01, seed=0)
        label = f"synthetic IsoFLOP sweep ({len(runs)} runs)"
    return label, runs["N"].to_numpy(), runs["D"].to_numpy(), runs["loss"].to_numpy()


def plain_loop(n, d, loss, starts) -> tuple[float, float]:
    """Seconds and best objective of one scipy L-BFGS-B (numerical gradient) per start."""
    x, y, lg = np.log(n), np.log(d), np.log(loss)

    def objective(t):
        pred = np.logaddexp(np.logaddexp(t[0] - t[3] * x, t[1] - t[4] * y), t[2])
        return float(huber(pred - lg, HUBER_DELTA).sum())

    t0 = time.perf_counter()
    best = min(minimize(objective, s, method="L-BFGS-B").fun for s in starts)
    return time.perf_counter() - t0, float(best)


CPU: list[float] = []  # process CPU seconds of every timed run (threads included)


def timed(run: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, out = [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        out = run()
        times.append(time.perf_counter() - t0)
        CPU.append(time.process_time() - c0)
    return times, out


def show(label: str, times: list[float]) -> str:
    return f"{label} best {min(times):.3f} s, median {statistics.median(times):.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=90, help="baseline starts (default 90)")
    parser.add_argument("--bootstrap", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=7, help="repetitions of our fit")
    parser.add_argument("--no-before", action="store_true", help="skip the previous search")
    parser.add_argument("--full-baseline", action="store_true", help="all 4,500 scipy starts")
    args = parser.parse_args()
    label, n, d, loss = load()
    print(f"data: {label}")
    fit_grid(n, d, loss)  # warm-up (imports, caches)

    t_grid, grid = timed(lambda: fit_grid(n, d, loss), args.repeat)
    t_boot, boot = timed(
        lambda: bootstrap_fits(n, d, loss, grid.theta, n_resamples=args.bootstrap, seed=0),
        args.repeat,
    )
    t_total = [a + b for a, b in zip(t_grid, t_boot, strict=True)]
    print(
        f"after: profile search ({grid.n_starts} (alpha, beta) points scored, {grid.n_followed} "
        f"starts followed, {grid.n_reached_best} reached the best); "
        f"{int(boot.converged.sum())} of {args.bootstrap} bootstrap refits converged"
    )
    print("after: " + show("search", t_grid) + "; " + show(f"{args.bootstrap} bootstraps", t_boot))
    print("after: " + show("search + bootstraps", t_total))
    cpu = [a + b for a, b in zip(CPU[: args.repeat], CPU[args.repeat :], strict=True)]
    print("after: " + show("search + bootstraps, process CPU time", cpu))
    print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"after: objective {grid.objective!r}")

    if not args.no_before:
        t_old, old = timed(lambda: fit_grid(n, d, loss, method="grid"), 1)
        rel_old = (grid.objective - old.objective) / old.objective
        print(
            f"before: Hoffmann-grid search ({old.n_followed} of {old.n_starts} starts followed) "
            f"{t_old[0]:.2f} s, objective {old.objective!r}; (after - before) / before = "
            f"{rel_old:.2g}; search speed-up {t_old[0] / min(t_grid):.0f}x"
        )

    starts = hoffmann_grid()
    if args.full_baseline:
        sample = starts
    else:
        rng = np.random.default_rng(0)
        picked = starts[rng.choice(len(starts), args.sample, replace=False)]
        # a start known to reach the optimum, so that the objectives can be compared
        near = np.argmin(np.abs(starts[:, 3:] - grid.theta[3:]).sum(axis=1))
        sample = np.vstack([picked, starts[near]])
    t_base, f_base = plain_loop(n, d, loss, sample)
    per_start = t_base / len(sample)
    total_base = len(starts) * per_start
    print(
        f"baseline: plain per-start scipy loop, {len(sample)} starts in {t_base:.1f} s "
        f"({1e3 * per_start:.1f} ms/start); all {len(starts):,} starts: {total_base:.0f} s"
        + ("" if args.full_baseline else " (extrapolated)")
    )
    rel = (f_base - grid.objective) / grid.objective
    print(f"baseline: best objective {f_base!r}; (baseline - after) / after = {rel:.2g}")
    equal = rel >= -1e-9
    print(
        f"ratio: baseline {total_base:.0f} s / search {min(t_grid):.3f} s = "
        f"{total_base / min(t_grid):.0f}x; / search + {args.bootstrap} bootstraps "
        f"{min(t_total):.3f} s = {total_base / min(t_total):.0f}x"
    )
    print(f"optimum: after <= baseline within 1e-9 relative: {equal}")


if __name__ == "__main__":
    main()
