"""Exhaustive approach-3 optima: batched Newton from all 4,500 starts of Hoffmann's grid.

Prints, for each dataset of ``tests/fit_cases.py``, the best objective of the exhaustive
search (every start followed, then L-BFGS-B from the 8 best distinct minima and a Newton polish)
and of the default profile search, with their relative difference and times. The exhaustive
values are the references stored in ``tests/fit/test_search.py`` (too slow to recompute there).

    python benchmarks/exhaustive_reference.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from llmplan.fit.search import fit_grid

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fit_cases import arrays, datasets


def main() -> None:
    for name, runs in datasets().items():
        n, d, loss = arrays(runs)
        t0 = time.perf_counter()
        full = fit_grid(n, d, loss, method="grid", n_follow=None)
        t1 = time.perf_counter()
        fast = fit_grid(n, d, loss)
        t2 = time.perf_counter()
        rel = (fast.objective - full.objective) / full.objective
        print(
            f"{name:20s} exhaustive {full.objective!r:24s} ({t1 - t0:5.1f} s, "
            f"{full.n_reached_best} of 4500 starts reached it)  profile {fast.objective!r:24s} "
            f"({t2 - t1:.3f} s)  relative difference {rel:.2g}",
            flush=True,
        )


if __name__ == "__main__":
    main()
