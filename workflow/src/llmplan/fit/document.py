"""The fit of a dataset as one document: approaches 1, 2 and 3 side by side.

Approach 3 (:mod:`.parametric`) is at the top level of the document (its keys are what
``fit:<dataset>`` laws are built from); approaches 2 (:mod:`.isoflop`) and 1 (:mod:`.envelope`)
are nested, each with ``supported`` and, where the data cannot support it, the reason.
"""

from __future__ import annotations

from typing import Any

from llmplan.core.errors import Where
from llmplan.fit.envelope import fit_envelope
from llmplan.fit.isoflop import fit_isoflop
from llmplan.fit.parametric import fit_parametric

#: Approach 1 refits the whole envelope per resample; it gets at most this many.
ENVELOPE_BOOTSTRAP_CAP = 200


def fit_objects(
    runs: Any, *, approach: str, n_bootstrap: int, seed: int, budgets: tuple[float, ...]
) -> dict[str, Any]:
    """The fits of ``approach`` ("1", "2", "3" or "all") as result objects, keyed "1", "2", "3".

    An approach asked for by itself must be supported by the data (else InputError); under
    "all", an unsupported approach is kept with ``supported=False`` and its reason.
    """
    source = runs.attrs.get("source", "runs")
    out: dict[str, Any] = {}
    if approach in ("3", "all"):
        out["3"] = fit_parametric(
            runs["N"], runs["D"], runs["loss"], n_bootstrap=n_bootstrap, seed=seed, budgets=budgets
        )
    if approach in ("2", "all"):
        out["2"] = fit_isoflop(runs, n_bootstrap=n_bootstrap, seed=seed)
        if approach == "2":
            out["2"].require_supported(Where(source))
    if approach in ("1", "all"):
        out["1"] = fit_envelope(
            runs, n_bootstrap=min(n_bootstrap, ENVELOPE_BOOTSTRAP_CAP), seed=seed
        )
        if approach == "1":
            out["1"].require_supported(Where(source))
    return out


def fit_document(runs: Any, fits: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: approach-3 keys at the top level, approaches 1 and 2 nested."""
    out: dict[str, Any] = {"file": runs.attrs.get("source", "runs"), "n_points": len(runs)}
    if "3" in fits:
        out.update(fits["3"].to_dict())
    if "2" in fits:
        out["approach2"] = fits["2"].to_dict()
    if "1" in fits:
        out["approach1"] = fits["1"].to_dict()
    return out


def fit_all(
    runs: Any, *, approach: str, n_bootstrap: int, seed: int, budgets: tuple[float, ...]
) -> dict[str, Any]:
    """:func:`fit_objects` as the JSON document of :func:`fit_document`."""
    fits = fit_objects(runs, approach=approach, n_bootstrap=n_bootstrap, seed=seed, budgets=budgets)
    return fit_document(runs, fits)
