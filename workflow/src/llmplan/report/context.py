"""What each template shows, computed here: templates only format.

Every number, choice and piece of wording that depends on the data is derived in these functions
from the JSON a step wrote (``plan.json``, ``catalog.json``, ``fit.json``), so a template holds no
law id, hardware id, year, constant or arithmetic. Each context is a plain mapping of named values
(dataclasses where a row has structure) handed to Jinja.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from llmplan.core.intervals import INTERVAL_TEXT
from llmplan.inputs.settings import Settings
from llmplan.report.glossary import GLOSSARY

#: The catalog report's headline starts from this model (the first widely cited pre-trained
#: transformer, Devlin et al. 2018); the earliest model when the catalog lacks it.
HEADLINE_FIRST_MODEL: Final = "bert-large"
#: The two laws whose D / D_opt columns the catalog's model table shows.
CATALOG_TABLE_LAWS: Final = ("chinchilla-approach3", "epoch-2024")
#: Accelerators that explain what a PF/s-day is (the GPT-3 paper's V100; the "2 A100" myth).
UNIT_EXPLAINER_HARDWARE: Final = ("v100-sxm", "a100-40gb")
#: Decoders at least this large enter the tokens-per-parameter medians of the catalog headline.
MEDIAN_MIN_PARAMS: Final = 1e10


@dataclass(frozen=True)
class AllocationRow:
    """One law's row of the allocation table, with its law's description."""

    allocation: Mapping[str, Any]
    law: Mapping[str, Any]
    primary: bool
    fitted_range: tuple[float, float] | None  # None: any budget


def plan_context(plan: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """The context of ``plan.html.j2``."""
    budget = plan["budget"]
    rec = plan["recommendation"]
    laws = {law["id"]: law for law in plan["laws"]}
    primary = next(a for a in plan["allocations"] if a["law"] == plan["primary_law"])
    rows = []
    for a in plan["allocations"]:
        law = laws[a["law"]]
        low, high = law["flops_range"]
        bounded = high is not None and high < 1e40
        rows.append(
            AllocationRow(a, law, a["law"] == plan["primary_law"], (low, high) if bounded else None)
        )
    alternative = next((alt for alt in rec["alternatives"] if alt["kind"] == "sardana"), None)
    hardware = None
    if budget["hardware"]:
        count = f"{budget['count']:,.0f} × " if budget["count"] else ""
        hardware = f"{count}{budget['hardware_name']} at {budget['mfu']:.0%} MFU"
    return {
        "plan": plan,
        "settings": settings,
        "rec": rec,
        "basis": "; ".join(item["text"] for item in rec["basis"]),
        "primary": primary,
        "rows": rows,
        "why": list(dict.fromkeys(law["why"] for law in plan["laws"] if law.get("why"))),
        "hardware": hardware,
        "whole_budget": rec["within_budget"] and not budget["soft"],
        "alternative": alternative,
        "fixed_compute": budget["form"] in ("flops", "pf_days"),
        "energy_mwh": None if rec["energy_kwh"] is None else rec["energy_kwh"] / 1000.0,
        "budget_energy_mwh": None
        if budget["energy_kwh"] is None
        else budget["energy_kwh"] / 1000.0,
        "flagged_laws": [a for a in plan["allocations"] if not a["in_range"]],
        "cap_cost": (
            rec["loss"] - rec["unconstrained"]["loss"]
            if rec["capped"]
            and rec["loss"] is not None
            and rec["unconstrained"]["loss"] is not None
            else None
        ),
        "interval_text": INTERVAL_TEXT,
        "glossary": GLOSSARY,
        "what_if_has_days": any(row["same_plan_days"] is not None for row in plan["what_if"]),
        "what_if_has_usd": any(row["same_plan_usd"] is not None for row in plan["what_if"]),
    }


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def catalog_context(catalog: Mapping[str, Any], settings: Settings) -> dict[str, Any]:
    """The context of ``catalog.html.j2``."""
    models = catalog["models"]
    by_id = {m["id"]: m for m in models}
    first = by_id.get(HEADLINE_FIRST_MODEL) or min(
        models, key=lambda m: (m["year"], m["train_flops"])
    )
    biggest = max(models, key=lambda m: m["train_flops"])
    big_decoders = [
        m for m in models if m["architecture"] == "decoder" and m["params"] >= MEDIAN_MIN_PARAMS
    ]
    hardware = {h["id"]: h for h in catalog["hardware"]}
    explainer = [hardware[h] for h in UNIT_EXPLAINER_HARDWARE if h in hardware]
    trends = catalog["trends"]["tokens_vs_params"]
    split = trends["split_year"]
    columns = {law["id"]: law["column"] for law in catalog["laws"]}
    trend_rows = [
        (label, trends["fits"].get(key))
        for key, label in (
            (f"before_{split}", f"before {split}"),
            (f"from_{split}", f"from {split}"),
            ("all", "all"),
        )
    ]
    return {
        "catalog": catalog,
        "settings": settings,
        "first": first,
        "biggest": biggest,
        "growth": biggest["train_flops"] / first["train_flops"],
        "split_year": split,
        "median_before": _median(
            [m["tokens_per_param"] for m in big_decoders if m["year"] < split]
        ),
        "median_after": _median(
            [m["tokens_per_param"] for m in big_decoders if m["year"] >= split]
        ),
        "median_min_params": MEDIAN_MIN_PARAMS,
        "table_columns": [columns[law] for law in CATALOG_TABLE_LAWS if law in columns],
        "trend_rows": [(label, fit) for label, fit in trend_rows if fit],
        "explainer": explainer,
        "days_per_pf_day": (
            [1.0 / h["pf_days_per_gpu_day"] for h in explainer] if explainer else []
        ),
        "flagged": [m for m in models if m["compute_flag"]],
        "interval_text": INTERVAL_TEXT,
    }


def fit_context(
    fit: Mapping[str, Any], settings: Settings, charts: Mapping[str, Any]
) -> dict[str, Any]:
    """The context of ``fit.html.j2``."""
    synthetic = fit.get("synthetic")
    return {
        "fit": fit,
        "settings": settings,
        "charts": charts,
        "generating": fit.get("generating"),
        "budget_span": (min(synthetic["budgets"]), max(synthetic["budgets"]))
        if synthetic
        else None,
        "allocation": [
            {**row, "tokens_per_param": row["D_opt"] / row["N_opt"]} for row in fit["allocation"]
        ],
        "interval_text": INTERVAL_TEXT,
    }
