"""Approach-3 speed: plain per-start scipy loop (baseline) against llmplan.fit.

Baseline: one L-BFGS-B per start of Hoffmann's 4,500-point grid with numerical gradients (as in
Epoch AI's replication), timed on a random sample of starts and extrapolated to the grid.
Ours: llmplan.fit.fit_grid (batched exact Newton, L-BFGS-B refinement) and 1,000 bootstrap
refits. Runs on Epoch AI's extraction of the Chinchilla points when ../shared/data has it (the
5 highest losses dropped), else on a synthetic IsoFLOP sweep.

    PYTHONPATH=workflow/src python benchmarks/bench_fit.py [--sample 90]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

from llmplan import fit
from llmplan.runs import EPOCH_COLUMNS, read_runs, synthetic_isoflop

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


def baseline(n, d, loss, starts) -> tuple[float, float]:
    x, y, lg = np.log(n), np.log(d), np.log(loss)

    def objective(t):
        pred = np.logaddexp(np.logaddexp(t[0] - t[3] * x, t[1] - t[4] * y), t[2])
        return float(fit.huber(pred - lg, fit.HUBER_DELTA).sum())

    t0 = time.perf_counter()
    best = min(minimize(objective, s, method="L-BFGS-B").fun for s in starts)
    return time.perf_counter() - t0, float(best)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=90, help="baseline starts (default 90)")
    parser.add_argument("--bootstrap", type=int, default=1000)
    args = parser.parse_args()
    label, n, d, loss = load()
    print(f"data: {label}")

    t0 = time.perf_counter()
    grid = fit.fit_grid(n, d, loss)
    t_grid = time.perf_counter() - t0
    t0 = time.perf_counter()
    _, converged = fit.bootstrap_fits(n, d, loss, grid.theta, n_resamples=args.bootstrap, seed=0)
    t_boot = time.perf_counter() - t0
    print(
        f"ours: grid fit {t_grid:.2f} s ({grid.n_starts} starts, {grid.n_followed} followed, "
        f"{grid.n_reached_best} reached the best); {args.bootstrap} bootstraps {t_boot:.2f} s "
        f"({int(converged.sum())} converged); total {t_grid + t_boot:.2f} s"
    )
    print(f"ours: objective {grid.objective:.13g}")

    starts = fit.hoffmann_grid()
    rng = np.random.default_rng(0)
    sample = starts[rng.choice(len(starts), args.sample, replace=False)]
    # include a start known to reach the optimum so the objectives can be compared
    reached = starts[grid.final_objective <= grid.objective * (1 + fit.REACHED_RTOL)]
    t_base, f_base = baseline(n, d, loss, np.vstack([sample, reached[:1]]))
    per_start = t_base / (args.sample + 1)
    print(
        f"baseline: {args.sample + 1} starts in {t_base:.2f} s ({1e3 * per_start:.1f} ms/start), "
        f"extrapolated to 4,500 starts: {4500 * per_start:.0f} s"
    )
    print(f"baseline: objective {f_base:.13g}")
    rel = (f_base - grid.objective) / grid.objective
    print(f"objective difference (baseline - ours) / ours: {rel:.3g}")
    print(f"speed-up of the grid fit: {4500 * per_start / t_grid:.0f}x")


if __name__ == "__main__":
    main()
