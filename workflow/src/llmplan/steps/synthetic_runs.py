"""Rule ``synthetic_runs``: the synthetic IsoFLOP sweep of a ``fits.<name>.synthetic`` entry."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.core.errors import InputError, Where
from llmplan.fit.synthetic import synthetic_isoflop
from llmplan.io.jsonio import write_atomic
from llmplan.laws.base import ParametricLaw
from llmplan.laws.registry import get_law


def write_synthetic_runs(spec: Mapping[str, Any], out_csv: Path | str) -> None:
    """Write the sweep of ``spec`` (law, budgets, sizes_per_budget, noise_sd, seed) as a CSV."""
    where = Where("config/config.yaml", field="fits.synthetic.law")
    law = get_law(spec["law"], tokens_per_param=float("nan"), where=where)
    if not isinstance(law, ParametricLaw):
        raise InputError(
            where,
            f"'{law.id}' predicts no loss",
            expected="a parametric law (chinchilla-approach3, chinchilla-approach3-unrounded, "
            "epoch-2024)",
        )
    runs = synthetic_isoflop(
        law,
        [float(c) for c in spec["budgets"]],
        int(spec["sizes_per_budget"]),
        noise_sd=float(spec["noise_sd"]),
        seed=int(spec["seed"]),
    )
    runs = runs.dropna(axis="columns", how="all")  # no checkpoints: no step column
    write_atomic(out_csv, runs.to_csv(index=False, float_format="%.10g"))
