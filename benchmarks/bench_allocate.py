"""Time 100,000 budgets through every law, vectorised (issue 4: "well under a second").

Run: python benchmarks/bench_allocate.py
"""

from __future__ import annotations

import time

import numpy as np

from llmplan.inputs.constraints import Constraints
from llmplan.laws.registry import all_laws
from llmplan.plan.allocate import allocate_all

N_BUDGETS = 100_000
REPEATS = 5
SEED = 20240416


def main() -> None:
    rng = np.random.default_rng(SEED)
    flops = 10.0 ** rng.uniform(18, 27, N_BUDGETS)
    laws = all_laws()
    print(f"{N_BUDGETS:,} budgets (1e18 to 1e27 FLOPs), best of {REPEATS} runs")
    print(f"{'law':32} {'optimal+loss ms':>16} {'max |6ND/C - 1|':>16}")
    total = 0.0
    for law in laws:
        best = np.inf
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            n, d = law.optimal(flops)
            _ = law.loss(n, d)
            best = min(best, time.perf_counter() - t0)
        err = float(np.max(np.abs(6 * n * d / flops - 1)))
        total += best
        print(f"{law.id:32} {best * 1e3:16.2f} {err:16.2e}")
    print(f"{'all laws':32} {total * 1e3:16.2f}")
    t0 = time.perf_counter()
    for c in flops[:100]:
        laws[4].intervals(float(c))
    per = (time.perf_counter() - t0) / 100
    print(f"intervals ({laws[4].id}, 2,000 samples): {per * 1e3:.3f} ms per budget")
    cons = Constraints(max_params=30e9, unique_tokens=1e12, inference_tokens=2e12)
    t0 = time.perf_counter()
    for c in flops[:20]:
        allocate_all(float(c), laws, constraints=cons)
    per = (time.perf_counter() - t0) / 20
    print(f"allocate_all, every law, all three constraints: {per * 1e3:.1f} ms per budget")


if __name__ == "__main__":
    main()
