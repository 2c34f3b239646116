"""Time the smooth model of a family (``llmplan.arch.families.smooth_model``), which every plan
now calls hundreds of times: a plan prices N in the exact FLOPs per token of the model it builds,
and each evaluation of F(N) solves the family's continuous shape for N. Secant steps (the
library's way) against the plain bisection it used before, in the same process, on the same
inputs; both must give the same shapes to float precision.

Also times one plan of each of three shipped scenarios with each solver (``build_plan``).
Run: python benchmarks/bench_smooth.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np

from llmplan.arch import families
from llmplan.core.errors import Where
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.model import parse_model
from llmplan.inputs.scenario import load_scenario
from llmplan.inputs.settings import defaults
from llmplan.plan.build import build_plan

REPO = Path(__file__).resolve().parents[1]
SCENARIOS = ("startup-64xh100", "lab-8xa100", "bloomberggpt")


def by_bisection(params: Any, t: families.Template, *, basis: families.Basis = "total") -> Any:
    """The smooth model as it was solved before: 56 bisection steps for every element."""
    target = np.atleast_1d(np.asarray(params, dtype=float))
    aspect = families.aspect_ratio(target)
    layers = np.exp(families._bisect_layers(target, aspect, t, basis))
    d = aspect * layers
    return families.SmoothModel(layers, d, families._smooth_counts(layers, d, t), t.seq_len)


def best_of(repeat: int, work: Callable[[], Any]) -> float:
    """The least CPU time of ``repeat`` runs of ``work``."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    t = parse_model(None, Where("bench")).template()
    sizes = np.logspace(6, 15, 2001)
    scalars = sizes[::10]
    new, old = families.smooth_model(sizes, t), by_bisection(sizes, t)
    gap = float(np.max(np.abs(new.counts["total"] / old.counts["total"] - 1)))
    print(f"same shapes: largest relative difference of the counts {gap:.1e}")
    assert gap < 1e-12

    def scalar_calls(solve: Callable[..., Any]) -> Callable[[], None]:
        return lambda: [solve(n, t) for n in scalars]

    rows = [
        (
            "2,001 sizes at once",
            lambda: families.smooth_model(sizes, t),
            lambda: by_bisection(sizes, t),
        ),
        (
            f"{scalars.size} sizes one by one",
            scalar_calls(families.smooth_model),
            scalar_calls(by_bisection),
        ),
    ]
    catalog = load_catalog(REPO / "data/catalog")
    tolerance = defaults().inference_loss_tolerance
    for name in SCENARIOS:
        scenario = load_scenario(REPO / f"config/scenarios/{name}.yaml", hardware=catalog.hardware)

        def plan(scenario: Any = scenario) -> None:
            build_plan(scenario, catalog, provenance={}, inference_loss_tolerance=tolerance)

        def plan_before(plan: Callable[[], None] = plan) -> None:
            with (
                mock.patch.object(families, "smooth_model", by_bisection),
                mock.patch("llmplan.plan.architecture.smooth_model", by_bisection),
                mock.patch("llmplan.arch.allocation.smooth_model", by_bisection),
            ):
                plan()

        rows.append((f"build_plan({name})", plan, plan_before))
    for label, work, before in rows:
        now, then = best_of(args.repeat, work), best_of(args.repeat, before)
        print(
            f"{label:36} secant {now * 1e3:8.1f} ms   bisection {then * 1e3:8.1f} ms   {then / now:5.1f}x"
        )


if __name__ == "__main__":
    main()
