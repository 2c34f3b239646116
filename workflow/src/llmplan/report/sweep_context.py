"""What the sweep report shows, computed here from ``sweep.json``: the template only formats.

The report opens with one sentence a lead can act on: the frontier point within the configured
tolerance of the sweep's lowest predicted loss at the least cost, what it trains and what it costs.
Every point is described by the grid values that set it, in words ("512 × H100 SXM, 40% MFU,
serving 10T tokens"), never by a row number alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

from markupsafe import Markup

from llmplan.core.errors import LlmplanError
from llmplan.core.messages import N_
from llmplan.core.units import Kind, parse_quantity
from llmplan.inputs.settings import Settings
from llmplan.report.format import filters
from llmplan.report.i18n import Language, language

#: How a grid key's value reads in a point's description ({v}: the formatted value).
PHRASES: Final = {
    "budget.mfu": N_("{v} MFU"),
    "budget.days": N_("{v} days"),
    "budget.price_per_hour": N_("{v} per accelerator-hour"),
    "budget.flops": N_("{v} FLOPs"),
    "budget.pf_days": N_("{v} petaFLOP/s-days"),
    "budget.gpu_hours": N_("{v} accelerator-hours"),
    "budget.usd": N_("{v} budget"),
    "constraints.inference_tokens": N_("serving {v} tokens"),
    "constraints.unique_tokens": N_("{v} unique tokens"),
    "constraints.max_params": N_("at most {v} parameters"),
    "primary_law": N_("under {v}"),
}
NO_DEMAND: Final = N_("no serving demand")
NO_LIMIT: Final = N_("no {key}")
COST_LABELS: Final = {
    "usd": N_("cost (US dollars)"),
    "gpu_hours": N_("accelerator-hours"),
    "train_flops": N_("training compute (FLOPs)"),
}
HEADLINE: Final = N_(
    "The efficient frontier recommends <strong>{point}</strong>: a "
    "<strong>{params}-parameter</strong> model on <strong>{tokens} tokens</strong>{when}, "
    "predicted loss {loss}."
)
WHEN_DAYS_USD: Final = N_(" in <strong>{days} days</strong> for about <strong>{usd}</strong>")
WHEN_DAYS: Final = N_(" in <strong>{days} days</strong>")
WITHIN: Final = N_(
    "Its loss is within {tolerance} of the lowest in the sweep ({loss}, reached by {point}{cost})."
)
ASSUMING: Final = N_("Assuming {assumed} (the base scenario):")
ASSUMING_FIRST: Final = N_("Assuming {assumed} (the grid's first values):")
IS_LOWEST: Final = N_("No point of the sweep predicts a lower loss.")
NO_LOSS: Final = N_(
    "The primary law predicts no loss, so no point is better than another on quality; the table "
    "lists the points by cost."
)


#: How a quantity written as text in a grid ("1T", "$2M") is read (llmplan.core.units).
QUANTITY_KINDS: Final[dict[str, Kind]] = {
    "budget.flops": "flops",
    "budget.pf_days": "pf_days",
    "budget.gpu_hours": "gpu_hours",
    "budget.usd": "usd",
    "budget.days": "days",
}


#: The constraints that can shape a sweep's plans (``sweep.json`` ``binding``, named by
#: :data:`llmplan.sweep.plan.BINDING`), as a reader reads them, with the field that sets each.
CONSTRAINTS: Final = {
    "none": N_("no constraint"),
    "max_params": N_("size cap (max_params)"),
    "unique_tokens": N_("unique data (unique_tokens)"),
    "inference_tokens": N_("inference demand (inference_tokens)"),
}
#: The same constraints named short, for a table's cell.
CONSTRAINT_NAMES: Final = {
    "max_params": N_("size cap"),
    "unique_tokens": N_("unique data"),
    "inference_tokens": N_("inference demand"),
}


def _binding(key: str, names: Mapping[str, str], lang: Language) -> str:
    """The constraints of a ``binding`` value ("max_params+inference_tokens") in words."""
    return " + ".join(lang.gettext(names[name]) for name in key.split("+"))


def _value(key: str, value: Any, fmt: Mapping[str, Any]) -> str:
    if isinstance(value, str) and key.startswith(("budget.", "constraints.")):
        with contextlib.suppress(LlmplanError, ValueError):  # "1T" as the report writes 1e12
            value = parse_quantity(value, key, kind=QUANTITY_KINDS.get(key, "count"))
    if not isinstance(value, int | float) or isinstance(value, bool):
        return str(value)
    if key == "budget.count":  # accelerators are counted exactly: 1,024, not 1.02k
        return f"{value:,.0f}"
    if key == "budget.mfu":
        return str(fmt["pct"](value))
    if key in ("budget.days",):
        return str(fmt["num"](value))
    if key in ("budget.usd", "budget.price_per_hour"):
        return str(fmt["usd2"](value) if key == "budget.price_per_hour" else fmt["usd"](value))
    if key == "budget.flops":
        return f"{value:.3g}"
    return str(fmt["si"](value))


def phrase(key: str, value: Any, lang: Language) -> str:
    """One grid value in words: '40% MFU', 'serving 10T tokens', 'no max_params'."""
    _ = lang.gettext
    fmt = filters(lang)
    if value is None or value == "":
        return _(NO_LIMIT).format(key=key.split(".")[-1])
    if key == "constraints.inference_tokens" and value == 0:
        return _(NO_DEMAND)
    if key in PHRASES:
        return _(PHRASES[key]).format(v=_value(key, value, fmt))
    return f"{key} = {_value(key, value, fmt)}"


#: A number of accelerators: "512 × H100" (Chinese counts them: 512 张 H100).
COUNT_OF: Final = N_("{count} × {name}")


def describe(
    row: Mapping[str, Any], lang: Language, *, skip: tuple[str, ...] = (), hardware: bool = True
) -> str:
    """A point in words from its grid values: '512 × H100 SXM, 60 days, 40% MFU'."""
    parts = []
    if hardware and row.get("hardware"):
        count = row.get("count")
        name = row.get("hardware_name") or row["hardware"]
        parts.append(
            lang.gettext(COUNT_OF).format(count=f"{count:,.0f}", name=name) if count else name
        )
    for key, value in row["grid"].items():
        if key in ("budget.count", "budget.hardware") or key in skip:
            continue
        parts.append(phrase(key, value, lang))
    return lang.comma.join(parts)


def _headline(doc: Mapping[str, Any], lang: Language) -> Markup:
    _ = lang.gettext
    fmt = filters(lang)
    gap = lang.formats["sentences"](["", ""])  # between sentences: " ", or "" in Chinese
    rec, lowest = doc["recommended"], doc["lowest_loss"]
    if rec is None:
        return Markup(_(NO_LOSS))
    held = tuple(doc["held_fixed"])
    when = ""
    if rec["days"] is not None and rec["usd"] is not None:
        when = Markup(_(WHEN_DAYS_USD)).format(
            days=fmt["num"](rec["days"]), usd=fmt["usd"](rec["usd"])
        )
    elif rec["days"] is not None:
        when = Markup(_(WHEN_DAYS)).format(days=fmt["num"](rec["days"]))
    text = Markup(_(HEADLINE)).format(
        point=describe(rec, lang, skip=("budget.days", *held)),
        params=fmt["si"](rec["params"]),
        tokens=fmt["si"](rec["tokens"]),
        when=Markup(when),
        loss=f"{rec['loss']:.3f}",
    )
    if held:
        assumed = lang.comma.join(phrase(k, v, lang) for k, v in doc["base_cell"].items())
        which = ASSUMING if doc["base_cell_is_base"] else ASSUMING_FIRST
        text = Markup(_(which)).format(assumed=assumed) + gap + text
    if lowest["point"] == rec["point"]:
        return text + gap + _(IS_LOWEST)
    cost = lang.comma + fmt["usd"](lowest["usd"]) if lowest["usd"] is not None else ""
    return (
        text
        + gap
        + Markup(_(WITHIN)).format(
            tolerance=fmt["pct"](doc["tolerance"], 1),
            loss=f"{lowest['loss']:.3f}",
            point=describe(lowest, lang, skip=held),
            cost=cost,
        )
    )


def sweep_context(
    doc: Mapping[str, Any],
    settings: Settings,
    lang: Language | None = None,
    *,
    hardware_names: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The context of ``sweep.html.j2`` in ``lang`` (default English)."""
    lang = lang or language("en")
    _ = lang.gettext
    names = dict(hardware_names or doc.get("hardware_names") or {})
    laws = doc.get("law_names") or [{"id": law_id, "name": law_id} for law_id in doc["laws"]]

    def named(row: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
        if row is None:
            return None
        return {**row, "hardware_name": names.get(row["hardware"] or "", row["hardware"])}

    doc = {
        **doc,
        "recommended": named(doc["recommended"]),
        "lowest_loss": named(doc["lowest_loss"]),
        "frontier": [named(r) for r in doc["frontier"]],
        "by_count": [{**r, "best": named(r["best"])} for r in doc["by_count"]],
        "cells": [{**c, "recommended": named(c["recommended"])} for c in doc["cells"]],
    }
    epoch = doc["provenance"].get("build_epoch")
    when = None if epoch is None else dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    fmt = filters(lang)
    local = (doc["sweep"].get("translations") or {}).get(lang.code, {})
    axes = [
        {
            "key": a["key"],
            "n": len(a["values"]),
            "held_fixed": a["held_fixed"],
            "shown": lang.items(
                [_value(a["key"], v, fmt) if v is not None else "–" for v in a["values"][:12]]
                + (["…"] if len(a["values"]) > 12 else [])
            ),
        }
        for a in doc["axes"]
    ]
    return {
        "doc": doc,
        "settings": settings,
        "title": local.get("title") or doc["sweep"]["title"],
        "description": local.get("description") or doc["sweep"]["description"],
        "headline": _headline(doc, lang),
        "laws": lang.items(dict.fromkeys(lang.law_text(law, "name") for law in laws)),
        "held_keys": lang.items(doc["held_fixed"]),
        "frontier": [
            {
                "row": r,
                "label": describe(r, lang, skip=tuple(doc["held_fixed"])),
                "binding": _binding(r["binding"], CONSTRAINT_NAMES, lang) if r["binding"] else "–",
            }
            for r in doc["frontier"]
        ],
        "cells": [
            {
                **c,
                "held_text": lang.comma.join(phrase(k, v, lang) for k, v in c["held"].items()),
                "label": describe(c["recommended"], lang, skip=tuple(doc["held_fixed"]))
                if c["recommended"]
                else "–",
            }
            for c in doc["cells"]
        ],
        "cost_label": _(COST_LABELS[doc["cost"]["column"]]),
        "axes": axes,
        "by_count": doc["by_count"],
        "build_date": lang.date(when),
        "binding": lang.join(
            _("{constraints} in {n} of the points").format(
                constraints=_binding(key, CONSTRAINTS, lang), n=f"{n:,}"
            )
            for key, n in doc["binding"].items()
        ),
        "table_is_sample": doc["frontier_size"] > len(doc["frontier"]),
    }


def sweep_row(doc: Mapping[str, Any], lang: Language) -> dict[str, Any]:
    """A sweep's row of the index: its size, its frontier and what the frontier recommends."""
    rec = doc["recommended"]
    names = doc.get("hardware_names") or {}
    if rec is not None:
        rec = {**rec, "hardware_name": names.get(rec["hardware"] or "", rec["hardware"])}
    local = (doc["sweep"].get("translations") or {}).get(lang.code, {})
    return {
        "doc": doc,
        "rec": rec,
        "title": local.get("title") or doc["sweep"]["title"],
        "label": describe(rec, lang, skip=tuple(doc["held_fixed"])) if rec else "–",
    }
