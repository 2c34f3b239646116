"""Datasets on which the approach-3 search is compared with the exhaustive one.

Shared by ``benchmarks/exhaustive_reference.py`` (which computes the exhaustive optima stored in
``tests/fit/test_search.py``) and by that test. Every dataset is a seeded synthetic sweep, so
the references are reproducible; Epoch AI's extraction of the Chinchilla points is added when
../shared/data has it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from llmplan.fit.synthetic import synthetic_checkpoints, synthetic_isoflop
from llmplan.io.runs_csv import EPOCH_COLUMNS, read_runs

EPOCH_CSV = Path(__file__).resolve().parents[1].parent / "shared" / "data"
EPOCH_CSV = EPOCH_CSV / "chinchilla_fig4_epoch.csv"  # read in place, never copied

#: Besiroglu et al. 2024 (arXiv:2404.10102) refit, and Hoffmann et al. 2022 approach 3.
EPOCH_LAW = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)
HOFFMANN_LAW = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
#: A deliberately asymmetric law (alpha = 2 beta) and one with Kaplan-like small exponents.
ASYMMETRIC_LAW = dict(E=1.7, A=1000.0, B=300.0, alpha=0.5, beta=0.25)
SMALL_EXPONENT_LAW = dict(E=0.5, A=11.5, B=19.6, alpha=0.076, beta=0.095)


def datasets() -> dict[str, pd.DataFrame]:
    """Name -> runs (columns N, D, loss at least)."""
    out = {
        "epoch-law-45": synthetic_isoflop(
            EPOCH_LAW, [1e18, 1e19, 1e20, 1e21, 1e22], 9, noise_sd=0.01, seed=1
        ),
        "hoffmann-81": synthetic_isoflop(
            HOFFMANN_LAW,
            [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21],
            9,
            noise_sd=0.01,
            seed=2022,
        ),
        "asymmetric-15": synthetic_isoflop(
            ASYMMETRIC_LAW, [1e19, 1e20, 1e21], 5, noise_sd=0.05, seed=3
        ),
        "small-exponents-28": synthetic_isoflop(
            SMALL_EXPONENT_LAW, [1e18, 1e19, 1e20, 1e21], 7, noise_sd=0.005, seed=4
        ),
        "checkpoints-100": synthetic_checkpoints(
            EPOCH_LAW, np.logspace(7, 9, 10), [20.0], 10, noise_sd=0.01, seed=5
        ),
    }
    outliers = out["epoch-law-45"].copy()
    outliers.loc[[3, 17, 30, 41], "loss"] *= 1.2
    out["outliers-45"] = outliers
    if EPOCH_CSV.exists():
        out["epoch-240"] = read_runs(EPOCH_CSV, columns=EPOCH_COLUMNS, drop_highest=5)
    return out


def arrays(runs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """N, D and loss as arrays."""
    return tuple(runs[k].to_numpy(float) for k in ("N", "D", "loss"))  # type: ignore[return-value]
