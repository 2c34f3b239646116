"""Rule ``fit``: approaches 1-3 fitted to one dataset of runs, with bootstrap intervals: fit.json.

The document holds everything its report draws (the approach-2 groups, the extrapolation check's
points, the generating law of a synthetic sweep), so the report rule reads only it and the runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.fit.document import fit_document, fit_objects
from llmplan.fit.parametric import DEFAULT_BUDGETS
from llmplan.io.jsonio import dumps, write_atomic
from llmplan.io.provenance import provenance, sha256_file
from llmplan.io.runs_csv import read_dataset_runs
from llmplan.laws.registry import get_law

#: Parameters of a generating law that a synthetic fit's report compares with the fit.
GENERATING_KEYS = ("E", "A", "B", "alpha", "beta", "a", "b")


def write_fit(
    runs_csv: Path | str, out_json: Path | str, *, dataset: str, spec: Mapping[str, Any]
) -> None:
    """Write ``fit.json`` of ``dataset``; ``spec`` is its ``fits.<dataset>`` config entry (a
    ladder's adds ``budgets``, where the allocation is tabled: its target's neighbourhood)."""
    runs = read_dataset_runs(runs_csv, dataset=dataset, spec=spec)
    fits = fit_objects(
        runs,
        approach="all",
        n_bootstrap=int(spec["bootstrap"]),
        seed=int(spec["seed"]),
        budgets=tuple(float(c) for c in spec.get("budgets") or DEFAULT_BUDGETS),
    )
    doc = fit_document(runs, fits)
    synthetic = spec.get("synthetic")
    doc["dataset"] = dataset
    doc["synthetic"] = synthetic
    doc["generating"] = None
    if synthetic:
        law = get_law(synthetic["law"], tokens_per_param=float("nan"))
        doc["generating"] = {k: getattr(law, k, None) for k in GENERATING_KEYS}
    doc["law_id"] = f"fit:{dataset}"
    doc["provenance"] = provenance({"runs": sha256_file(runs_csv)})
    write_atomic(out_json, dumps(doc))
