"""Train a ladder for real, fit it, and check that the IsoFLOP minimum moves to larger models.

Designs the ladder of a ladder file (default ``config/ladders/smoke.yaml``: 3 compute levels x 4
tiny byte-level models on the King James text, about 1e12 FLOPs in all) with
:mod:`llmplan.ladder`, trains every run with :mod:`llmplan.train` (one WSD run per size, the
smaller budgets as cooldown branches; Hägele et al. 2024, arXiv:2405.18392, s5), writes the final
rows to ``runs.csv`` and fits them with :mod:`llmplan.fit` (approach 2, IsoFLOP parabolas, and
approach 3, L(N, D) = E + A/N^alpha + B/D^beta; Hoffmann et al. 2022, arXiv:2203.15556).

With ``--ci`` it fails (exit 1) unless

1. the size of lowest held-out loss at the largest level is larger than at the smallest level;
2. the parabola vertices N_opt(C) do not decrease from level to level (checked when every level
   has a parabola with a minimum inside its sizes; reported otherwise);
3. approach 3's bootstrap intervals of E, A, B, alpha, beta and of N_opt at the target are finite.

It prints the wall time and the load average (the machine's two cores are shared).

    python benchmarks/smoke_ladder.py --ci [--ladder config/ladders/smoke.yaml] [--out DIR]
        [--jobs 2] [--runs reports/ladders/smoke/runs.csv]

``--runs`` checks rows trained elsewhere (``snakemake --cores 2 ladder_smoke``) instead of
training.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from llmplan.arch.counts import param_counts
from llmplan.core.errors import LlmplanError
from llmplan.fit.document import fit_objects
from llmplan.io.runs_csv import validate_runs
from llmplan.ladder.document import run_configs
from llmplan.ladder.spec import ladder_name, ladder_spec, make_ladder, read_ladder
from llmplan.plan.check import load_settings
from llmplan.train.config import RunConfig, total_steps
from llmplan.train.session import train_to_csv


def train_group(configs: list[RunConfig], out: Path, label: str) -> pd.DataFrame:
    """Train ``configs`` one after the other (one process); their final rows."""
    return train_to_csv(
        configs,
        out,
        log_path=out.with_suffix(".log"),
        final_only=True,
        progress=sys.stderr.isatty(),
        label=label,
    )


#: Per-token overhead of a training step in parameter-equivalents: tiny models run at far fewer
#: FLOP/s than large ones (docs/train.md), so time ~ tokens x (N + this).
OVERHEAD_PARAMS = 15_000


def balance(configs: list[RunConfig], jobs: int) -> list[list[RunConfig]]:
    """Longest runs first, each to the process with the least work so far (LPT scheduling)."""
    work = {c.run: total_steps(c) * c.tokens_per_step * (param_counts(c.shape).total + OVERHEAD_PARAMS)
            for c in configs}  # fmt: skip
    groups: list[list[RunConfig]] = [[] for _ in range(jobs)]
    loads = [0.0] * jobs
    for config in sorted(configs, key=lambda c: -work[c.run]):
        k = loads.index(min(loads))
        groups[k].append(config)
        loads[k] += work[config.run]
    return [g for g in groups if g]


def train_all(configs: list[RunConfig], out: Path, jobs: int) -> list[pd.DataFrame]:
    """Train ``configs`` in ``jobs`` processes (:func:`balance`); each process's final rows."""
    groups = balance(configs, jobs)
    if len(groups) == 1:
        return [train_group(groups[0], out / "runs-0.csv", "train")]
    with ProcessPoolExecutor(len(groups)) as pool:
        futures = [
            pool.submit(train_group, g, out / f"runs-{k}.csv", f"train {k}")
            for k, g in enumerate(groups)
        ]
        return [f.result() for f in futures]


def check(runs: pd.DataFrame, fits: dict, levels: list[float], target: float) -> list[str]:
    """The failed checks (see the module docstring), after printing what was found."""
    failures = []
    runs = runs.assign(level=[int(np.argmin([abs(math.log(c / lv)) for lv in levels])) + 1
                              for c in runs["C"]])  # fmt: skip
    table = runs.pivot_table(index="N", columns="level", values="loss")
    print(table.round(4).to_string())
    argmin = {lv: int(table[lv].idxmin()) for lv in table.columns}
    print("size of lowest loss per level:", argmin)
    first, last = min(argmin), max(argmin)
    if not argmin[last] > argmin[first]:
        failures.append(f"lowest-loss size did not grow: {argmin[first]} -> {argmin[last]}")
    groups = fits["2"].groups
    vertices = [g.params_opt for g in groups]
    inside = [bool(g.usable and not g.note) for g in groups]
    print("parabola vertices:", [None if v is None else round(v) for v in vertices], inside)
    if all(inside):
        if any(b < a for a, b in itertools.pairwise(vertices)):
            failures.append(f"parabola vertices decrease: {vertices}")
    else:
        print("  (not every level has a minimum inside its sizes: vertex order not checked)")
    fit3 = fits["3"]
    at_target = next(a for a in fit3.allocation if a.flops == target)
    bounds = {k: (v.low, v.high) for k, v in fit3.intervals.items()}
    interval = at_target.params_interval
    if interval is not None:
        bounds["N_opt(target)"] = (interval.low, interval.high)
    print(
        f"approach 3: E {fit3.E:.3f}, A {fit3.A:.4g}, B {fit3.B:.4g}, alpha {fit3.alpha:.3f}, "
        f"beta {fit3.beta:.3f}; N_opt({target:.3g}) = {at_target.params:,.0f}, 10-90% "
        f"{'none' if interval is None else f'{interval.low:,.0f} to {interval.high:,.0f}'}"
    )
    finite = all(math.isfinite(x) for pair in bounds.values() for x in pair)
    if interval is None or not finite:
        failures.append(f"approach 3 intervals are not finite: {bounds}")
    a2 = fits["2"]
    if a2.supported:
        print(f"approach 2: N_opt ∝ C^{a2.a:.3f}, 10-90% of a {a2.intervals.get('a')}")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ladder", default="config/ladders/smoke.yaml")
    parser.add_argument(
        "--out", default=None, help="folder of runs.csv (default reports/ladders/<name>-script)"
    )
    parser.add_argument("--jobs", type=int, default=1, help="training processes (1 thread each)")
    parser.add_argument("--ci", action="store_true", help="exit 1 unless every check passes")
    parser.add_argument(
        "--runs",
        metavar="CSV",
        help="check these rows instead of training (snakemake --cores 2 ladder_smoke writes "
        "reports/ladders/smoke/runs.csv)",
    )
    args = parser.parse_args()
    began = time.perf_counter()
    load_start = os.getloadavg()[0]
    try:
        name = ladder_name(args.ladder)
        spec = ladder_spec(read_ladder(args.ladder), settings=load_settings(), name=name)
        ladder = make_ladder(spec)
    except LlmplanError as err:
        print(f"smoke_ladder: error: {err}", file=sys.stderr)
        return 2
    configs = list(run_configs(ladder, spec).values())
    print(
        f"ladder {name}: {len(ladder.points)} points from {len(configs)} runs, "
        f"{ladder.total_flops:.3g} FLOPs (levels {', '.join(f'{c:.3g}' for c in ladder.levels)})"
        f"; load average {load_start:.1f}",
        flush=True,
    )
    if args.runs:
        out = Path(args.runs).parent
        tables = [pd.read_csv(args.runs)]
    else:
        out = Path(args.out or f"reports/ladders/{name}-script")
        out.mkdir(parents=True, exist_ok=True)
        tables = train_all(configs, out, args.jobs)
    runs = pd.concat(tables).sort_values(["C", "N"]).reset_index(drop=True)
    if not args.runs:
        runs.to_csv(out / "runs.csv", index=False)
    trained = time.perf_counter() - began
    valid = validate_runs(runs, source=args.runs or str(out / "runs.csv"))
    fits = fit_objects(valid, approach="all", n_bootstrap=spec.fit_bootstrap, seed=spec.fit_seed,
                       budgets=(spec.target_flops,))  # fmt: skip
    failures = check(valid, fits, list(ladder.levels), spec.target_flops)
    elapsed = time.perf_counter() - began
    print(
        f"smoke ladder {name}: {elapsed:.0f} s in all ({trained:.0f} s training, {args.jobs} "
        f"process(es)); load average {load_start:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end; rows in {args.runs or out / 'runs.csv'}"
    )
    for failure in failures:
        print(f"FAILED: {failure}")
    if not failures:
        print("ok: the IsoFLOP minimum moves to larger N as compute grows; intervals finite")
    return 1 if (failures and args.ci) else 0


if __name__ == "__main__":
    sys.exit(main())
