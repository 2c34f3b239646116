"""What each template shows, computed here: templates only format.

Every number, choice and piece of wording that depends on the data is derived in these functions
from the JSON a step wrote (``plan.json``, ``catalog.json``, ``fit.json``), so a template holds no
law id, hardware id, year, constant or arithmetic. Each context is a plain mapping of named values
(dataclasses where a row has structure) handed to Jinja.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from markupsafe import Markup

from llmplan.core.intervals import INTERVAL_TEXT
from llmplan.core.messages import N_
from llmplan.inputs.settings import Settings
from llmplan.report.changes import history_context
from llmplan.report.format import filters
from llmplan.report.glossary import GLOSSARY
from llmplan.report.i18n import Language, language
from llmplan.report.sweep_context import sweep_row

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
    name: str = ""  # the law's name in the report's language


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


#: The decision sentence, one per combination of what the budget tells (time, money).
DECISION: Final = {
    (True, True): N_(
        "Train a <strong>{params}-parameter</strong> model on <strong>{tokens} tokens</strong> "
        "in <strong>{days} days</strong> on {hardware} for about <strong>{usd}</strong>."
    ),
    (True, False): N_(
        "Train a <strong>{params}-parameter</strong> model on <strong>{tokens} tokens</strong> "
        "in <strong>{days} days</strong> on {hardware}."
    ),
    (False, True): N_(
        "Train a <strong>{params}-parameter</strong> model on <strong>{tokens} tokens</strong> "
        "for about <strong>{usd}</strong>."
    ),
    (False, False): N_(
        "Train a <strong>{params}-parameter</strong> model on <strong>{tokens} tokens</strong>."
    ),
}
WHOLE_BUDGET: Final = N_("That is the whole budget, and not more.")
#: The decision's N when the model is a mixture of experts ("a 51.6B-active-parameter model").
ACTIVE: Final = N_("{params}-active")
#: Under an MoE's N in the index: what N counts, and the model's size.
ACTIVE_OF: Final = N_("active; {total} in all")
HARDWARE: Final = N_("{count} × {name} at {mfu} MFU")
BUDGET_FORMS: Final = {
    "flops": N_("FLOPs"),
    "pf_days": N_("petaFLOP/s-days"),
    "days": N_("accelerators for a number of days"),
    "gpu_hours": N_("accelerator-hours"),
    "usd": N_("dollars"),
}
PRICE_SOURCE: Final = N_("stated in the scenario")
#: The rows of the fit report's table of approaches 1 and 2.
APPROACH_NAMES: Final = {
    "approach2": N_("2: IsoFLOP profiles"),
    "approach1": N_("1: training-curve envelope"),
}


def _date(lang: Language, document: Mapping[str, Any]) -> str:
    """The build date of a plan or fit document in ``lang``."""
    epoch = document["provenance"].get("build_epoch")
    if epoch is None:
        if lang.code == "en":
            return document["provenance"]["build_date"]
        return lang.gettext("unknown")
    return lang.date(dt.datetime.fromtimestamp(epoch, tz=dt.UTC))


def _bilingual(local: str, english: str, lang: Language) -> str:
    """A glossary term in the report's language with the English term a reader meets in papers
    beside it ("计算最优 / Compute-optimal"), unless the translation already keeps it."""
    if lang.code == "en" or re.search("[A-Za-z]", local):
        return local
    return f"{local} / {english.split(' (')[0]}"


def plan_context(
    plan: Mapping[str, Any],
    settings: Settings,
    lang: Language | None = None,
    *,
    history: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The context of ``plan.html.j2`` in ``lang`` (default English); ``history`` is the content
    of ``history.json`` (what changed since the previous commit), or None for no such section."""
    lang = lang or language("en")
    _ = lang.gettext
    fmt = filters(lang)
    budget = plan["budget"]
    rec = plan["recommendation"]
    laws = {law["id"]: law for law in plan["laws"]}
    names = {law_id: lang.law_text(law, "name") for law_id, law in laws.items()}
    primary = next(a for a in plan["allocations"] if a["law"] == plan["primary_law"])
    rows = []
    for a in plan["allocations"]:
        law = laws[a["law"]]
        low, high = law["flops_range"]
        bounded = high is not None and high < 1e40
        rows.append(
            AllocationRow(
                a,
                law,
                a["law"] == plan["primary_law"],
                (low, high) if bounded else None,
                names[a["law"]],
            )
        )
    alternative = next((alt for alt in rec["alternatives"] if alt["kind"] == "sardana"), None)
    hardware = None
    if budget["hardware"]:
        hardware = (
            _(HARDWARE)
            .format(
                count=f"{budget['count']:,.0f}" if budget["count"] else "",
                name=budget["hardware_name"],
                mfu=fmt["pct"](budget["mfu"]),
            )
            .strip()
        )
    params = fmt["si"](rec["params"])
    if (plan.get("architecture") or {}).get("moe"):  # N is an MoE's active parameters
        params = _(ACTIVE).format(params=params)
    args = {
        "params": params,
        "tokens": fmt["si"](rec["tokens"]),
        "days": fmt["num"](rec["days"]),
        "usd": fmt["usd"](rec["usd"]),
        "hardware": hardware,
    }
    decision = Markup(_(DECISION[(rec["days"] is not None, rec["usd"] is not None)])).format(**args)
    if rec["within_budget"] and not budget["soft"]:
        decision = Markup(lang.formats["sentences"]([decision, Markup.escape(_(WHOLE_BUDGET))]))
    scenario = plan["scenario"]
    local = (scenario.get("translations") or {}).get(lang.code, {})
    what_if = [{**row, "label": lang.message(row["label"])} for row in plan["what_if"]]
    return {
        "plan": plan,
        "settings": settings,
        "rec": rec,
        "title": local.get("title") or scenario["title"],
        "description": local.get("description", scenario["description"]),
        "decision": decision,
        "basis": lang.join(lang.message(item) for item in rec["basis"]),
        "law_name": names[plan["primary_law"]],
        "model_sentence": _capitalised(lang.text(plan["architecture"], "headline")),
        "primary": primary,
        "rows": rows,
        "why": list(
            dict.fromkeys(lang.law_text(law, "why") for law in plan["laws"] if law.get("why"))
        ),
        "hardware": hardware,
        "price": fmt["usd2"](budget["price_per_hour"]) if budget["price_per_hour"] else None,
        "price_source": _(budget["price_source"]) if budget["price_source"] else None,
        "risks": [{**r, "title": _(r["title"]), "text": lang.message(r)} for r in rec["risks"]],
        "what_if": what_if,
        "alternative": alternative,
        "budget_form": _(BUDGET_FORMS[budget["form"]]),
        "budget_notes": [lang.message(note) for note in budget["notes"]],
        "energy_mwh": None if rec["energy_kwh"] is None else rec["energy_kwh"] / 1000.0,
        "budget_energy_mwh": None
        if budget["energy_kwh"] is None
        else budget["energy_kwh"] / 1000.0,
        "flagged_laws": lang.items(
            f"{names[a['law']]} ({fmt['num'](a['extrapolation_factor'], 2)}×)"
            for a in plan["allocations"]
            if not a["in_range"]
        ),
        "left_out": lang.items(names.get(i, i) for i in plan["laws_range"].get("left_out") or []),
        "cap_cost": (
            rec["loss"] - rec["unconstrained"]["loss"]
            if rec["capped"]
            and rec["loss"] is not None
            and rec["unconstrained"]["loss"] is not None
            else None
        ),
        "loss_caveat": _(plan["loss_caveat"]),
        "law_notes": plan["law_notes"],
        "has_training_run": bool(plan.get("training_run")),
        "interval_text": INTERVAL_TEXT,
        "glossary": [(_bilingual(_(term), term, lang), _(text)) for term, text in GLOSSARY],
        "sources": [
            {
                "id": law["id"],
                "name": names[law["id"]],
                "citation": lang.law_text(law, "citation"),
                "counts": _("N includes embedding parameters.")
                if law["counts_embeddings"]
                else _("N excludes embedding parameters."),
                "loss_note": lang.join([lang.law_text(law, "loss_note")]),
            }
            for law in plan["laws"]
        ],
        "build_date": _date(lang, plan),
        "what_if_has_days": any(row["same_plan_days"] is not None for row in plan["what_if"]),
        "what_if_has_usd": any(row["same_plan_usd"] is not None for row in plan["what_if"]),
        "history": history_context(history, lang),
    }


def _median(values: Sequence[float]) -> float | None:
    return statistics.median(values) if values else None


def catalog_context(
    catalog: Mapping[str, Any], settings: Settings, lang: Language | None = None
) -> dict[str, Any]:
    """The context of ``catalog.html.j2`` in ``lang`` (default English)."""
    lang = lang or language("en")
    _ = lang.gettext
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
            (f"before_{split}", _("before {year}").format(year=split)),
            (f"from_{split}", _("from {year}").format(year=split)),
            ("all", _("all")),
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
        # reported compute over the estimate, as a factor (the discrepancy is that minus one)
        "flagged": [
            {**m, "compute_ratio": m["reported_flops"] / m["estimated_flops"]}
            for m in models
            if m["compute_flag"]
        ],
        "build_date": lang.date(
            None
            if catalog["provenance"].get("build_epoch") is None
            else dt.datetime.fromtimestamp(catalog["provenance"]["build_epoch"], tz=dt.UTC)
        ),
        "interval_text": INTERVAL_TEXT,
    }


def fit_context(
    fit: Mapping[str, Any],
    settings: Settings,
    charts: Mapping[str, Any],
    lang: Language | None = None,
) -> dict[str, Any]:
    """The context of ``fit.html.j2`` in ``lang`` (default English): the fitter's sentences
    (``fit.json`` messages) in that language."""
    lang = lang or language("en")
    synthetic = fit.get("synthetic")
    check = fit["extrapolation"]
    approaches = []
    for key in ("approach2", "approach1"):
        part = fit.get(key)
        if part:
            approaches.append(
                {
                    "fit": part,
                    "name": lang.gettext(APPROACH_NAMES[key]),
                    "reason": None if part["supported"] else lang.message(part["reason"]),
                }
            )
    approach2 = fit.get("approach2") or {}
    bias_note = (approach2.get("bias") or {}).get("note")
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
        "warnings": [lang.message(w) for w in fit["warnings"]],
        "held_out": lang.message(check["held_out"]) if check["supported"] else None,
        "no_backtest": None if check["supported"] else lang.message(check["reason"]),
        "approaches": approaches,
        "bias_note": lang.message(bias_note) if bias_note else None,
        "approach2_warnings": [lang.message(w) for w in approach2.get("warnings") or []],
        "build_date": _date(lang, fit),
        "interval_text": INTERVAL_TEXT,
    }


#: How each report language is named on the others' pages.
LANGUAGE_NAMES: Final = {"en": "English", "zh": "中文"}


def suffix(code: str) -> str:
    """The file suffix of a language's reports: "" for English, ".zh" for Chinese."""
    return "" if code == "en" else f".{code}"


def index_context(
    plans: Sequence[Mapping[str, Any]],
    fits: Sequence[Mapping[str, Any]],
    catalog: Mapping[str, Any],
    settings: Settings,
    lang: Language,
    *,
    sweeps: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The context of ``index.html.j2`` in ``lang``; ``sweeps`` are sweep.json documents."""
    _ = lang.gettext
    rows = []
    for plan in plans:
        scenario = plan["scenario"]
        local = (scenario.get("translations") or {}).get(lang.code, {})
        moe = (plan.get("architecture") or {}).get("moe")
        rows.append(
            {
                "plan": plan,
                "title": local.get("title") or scenario["title"],
                "params_note": _(ACTIVE_OF).format(total=lang.si(moe["params_total"]))
                if moe
                else None,
                "risks": [_(risk["title"]) for risk in plan["recommendation"]["risks"]],
            }
        )
    epoch = catalog["provenance"].get("build_epoch")
    when = None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    return {
        "rows": rows,
        "sweeps": [sweep_row(doc, lang) for doc in sweeps],
        "fits": fits,
        "catalog": catalog,
        "settings": settings,
        "suffix": suffix(lang.code),
        "build_date": lang.date(when),
        "other_languages": [
            (code, LANGUAGE_NAMES[code]) for code in settings.languages if code != lang.code
        ],
        "index_of": {code: f"index{suffix(code)}.html" for code in settings.languages},
    }
