"""Time a 100,000-point sweep planned as arrays, against plan_budget() point by point (issue 16:
"a 100,000-point sweep plans in at most 60 s").

The sweep: H100s, 20 cluster sizes x 50 durations x 10 MFUs x 5 lifetime inference demands x 2
amounts of unique data (ample, or 1T tokens): 100,000 points, four in five with a constraint that
needs a search. It is planned in 20 slices (as the workflow's shards would, in one process), with a
progress bar on stderr. The baseline runs :func:`llmplan.plan.build.plan_budget` (what every
plan.json and ``llmplan allocate`` use) on a seeded random subsample of points in the same process;
its time per point, times 100,000, is the loop the arrays replace. The subsample's answers are
compared with the arrays' (largest relative difference printed).

Run: python benchmarks/bench_sweep.py [--baseline 200]
The summary is also written to reports/logs/bench_sweep.log.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.settings import defaults
from llmplan.laws.registry import canonical_id, get_law
from llmplan.plan.architecture import exact_per_token
from llmplan.plan.build import plan_budget
from llmplan.sweep.grid import shard_range
from llmplan.sweep.plan import plan_points
from llmplan.sweep.spec import parse_sweep, point_scenario

REPO = Path(__file__).resolve().parents[1]
LOG = REPO / "reports" / "logs" / "bench_sweep.log"
SLICES = 20
SEED = 20261201
SWEEP = """
title: "Benchmark: 100,000 points"
base:
  budget: {hardware: h100-sxm, count: 64, days: 30, mfu: 0.4, price_per_hour: 2.5}
grid:
  budget.count: [8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536, 2048,
                 3072, 4096, 6144, 8192]
  budget.days: {linspace: [7, 120, 50]}
  budget.mfu: {linspace: [0.25, 0.55, 10]}
  constraints.inference_tokens: [0, 1T, 10T, 100T, 1000T]
  constraints.unique_tokens: [null, 1T]
"""
COMPARED = ("params", "tokens", "loss", "days", "usd")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=int, default=200, help="points of the per-point loop")
    args = parser.parse_args()
    catalog = load_catalog(REPO / "data" / "catalog")
    settings = defaults()
    t0 = time.perf_counter()
    sweep = parse_sweep(
        SWEEP, "config/sweeps/bench.yaml", hardware=catalog.hardware, settings=settings
    )
    parse_s = time.perf_counter() - t0
    t0, cpu0 = time.perf_counter(), time.process_time()
    parts = []
    for i in tqdm(range(SLICES), desc="planning", unit="slice"):
        start, stop = shard_range(sweep.n_points, SLICES, i)
        parts.append(
            plan_points(
                sweep,
                inference_loss_tolerance=settings.inference_loss_tolerance,
                start=start,
                stop=stop,
            )
        )
    table = pd.concat(parts, ignore_index=True)
    array_s, array_cpu = time.perf_counter() - t0, time.process_time() - cpu0

    rng = np.random.default_rng(SEED)
    sample = rng.choice(sweep.n_points, args.baseline, replace=False)
    worst = 0.0
    t0, cpu0 = time.perf_counter(), time.process_time()
    for point in tqdm(sample, desc="baseline", unit="point"):
        scenario = point_scenario(sweep, int(point), hardware=catalog.hardware, settings=settings)
        law = get_law(canonical_id(scenario.primary_law))
        rec = plan_budget(
            scenario.budget,
            [law],
            law,
            scenario.constraints,
            inference_loss_tolerance=settings.inference_loss_tolerance,
            per_token=exact_per_token(scenario),
        )["recommendation"]
        row = table.iloc[int(point)]
        for key in COMPARED:
            worst = max(worst, abs(float(row[key]) / rec[key] - 1.0))
    loop_s, loop_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    per_point = loop_s / args.baseline
    lines = [
        f"sweep: {sweep.n_points:,} points, {len(sweep.groups)} group(s), "
        f"{(table['binding'] != '').mean():.0%} shaped by a constraint",
        f"parse and check the sweep file: {parse_s:.2f} s",
        f"plan every point as arrays ({SLICES} slices): {array_s:.2f} s "
        f"(CPU {array_cpu:.2f} s; {array_s / sweep.n_points * 1e6:.0f} us per point)",
        f"plan_budget() loop on {args.baseline} random points: {loop_s:.2f} s "
        f"(CPU {loop_cpu:.2f} s; {per_point * 1e3:.2f} ms per point; "
        f"{per_point * sweep.n_points:.0f} s for all)",
        f"speed-up: {per_point * sweep.n_points / array_s:.0f}x "
        f"(CPU time: {loop_cpu / args.baseline * sweep.n_points / array_cpu:.0f}x)",
        f"largest relative difference on the subsample ({', '.join(COMPARED)}): {worst:.1e}",
    ]
    print("\n".join(lines))
    LOG.parent.mkdir(parents=True, exist_ok=True)
    LOG.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"(written to {LOG.relative_to(REPO)})")


if __name__ == "__main__":
    main()
