"""Comparisons as people read them: values in their units, changes as percentages or factors.

The rows of ``llmplan diff`` (terminal and report) and of the "changed since" section of a plan
report come from :mod:`llmplan.plan.compare` as plain values; this module formats them in the
report's language (templates only format what it hands over). An input is shown as written when
it was written as text (``30B`` stays ``30B``), and with its unit when it is a number
(``budget.days: 30`` is "30 days", ``budget.mfu: 0.4`` is "40%").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from llmplan.core.messages import N_
from llmplan.report.format import filters, fmt_num, fmt_pct, fmt_signed_pct
from llmplan.report.i18n import Language, language

#: What each recommendation field is called in a report.
RECOMMENDATION_LABELS: Final = {
    "recommendation.params": N_("Model size"),
    "recommendation.tokens": N_("Training tokens"),
    "recommendation.tokens_per_param": N_("Tokens per parameter"),
    "recommendation.loss": N_("Expected loss"),
    "recommendation.train_flops": N_("Training compute"),
    "recommendation.days": N_("Calendar time"),
    "recommendation.usd": N_("Cost"),
    "recommendation.basis": N_("Why"),
    "primary_law": N_("Primary law"),
    "architecture.headline": N_("Model to build"),
    "training_run.layout.text": N_("Parallel layout"),
}

#: The unit of a value, by the last part of its dotted path (inputs) or its full path (plans).
UNITS: Final = {
    "flops": "flops",
    "train_flops": "flops",
    "pf_days": "pf_days",
    "days": "days",
    "gpu_hours": "gpu_hours",
    "usd": "usd",
    "price_per_hour": "usd_per_hour",
    "mfu": "pct",
    "count": "count",
    "params": "si",
    "tokens": "si",
    "max_params": "si",
    "unique_tokens": "si",
    "inference_tokens": "si",
    "seq_len": "count",
    "vocab": "count",
    "loss": "loss",
    "basis": "messages",
}

#: Longest text shown for one value; longer descriptions end in an ellipsis.
MAX_TEXT: Final = 120
#: Longest commit subject shown in a heading.
MAX_SUBJECT: Final = 60


def _shortened(text: str, limit: int) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _flops(value: float) -> str:
    text = f"{value:.3g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}e{int(exponent)}"
    return f"{text} FLOPs"


def _pct(value: float) -> str:
    whole = abs(value * 100 - round(value * 100)) < 1e-9
    return fmt_pct(value, 0 if whole else 1)


def format_value(path: str, value: Any, lang: Language | None = None) -> str:
    """A value of a comparison as text, with its unit (see :data:`UNITS`); ``–`` for none."""
    lang = lang or language("en")
    fmt = filters(lang)
    unit = UNITS.get(path.rsplit(".", 1)[-1])
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "true" if value else "false"
    if unit == "messages" and isinstance(value, list):
        return str(lang.formats["semicolons"]([lang.message(item) for item in value]))
    if isinstance(value, list):
        return ", ".join(format_value(path, v, lang) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {format_value(f'{path}.{k}', v, lang)}" for k, v in value.items())
    if not isinstance(value, int | float):
        return _shortened(str(value), MAX_TEXT)
    number = float(value)
    if unit == "flops":
        return _flops(number)
    if unit == "days":
        return lang.gettext("%(n)s days") % {"n": lang.formats["num"](number)}
    if unit == "pf_days":
        return f"{lang.formats['num'](number)} PF/s-days"
    if unit == "gpu_hours":
        return lang.gettext("%(n)s accelerator-hours") % {"n": fmt["si"](number)}
    if unit == "usd":
        return str(fmt["usd"](number))
    if unit == "usd_per_hour":
        return f"{fmt['usd2'](number)}/h"
    if unit == "pct":
        return _pct(number)
    if unit == "si":
        return str(fmt["si"](number))
    if unit == "count":
        return f"{number:,.0f}"
    if unit == "loss":
        return f"{number:.3f}"
    return fmt_num(number, 4)


def format_change(change: Mapping[str, Any]) -> str:
    """A change as text: ``+12%`` or ``×4.00`` for a ratio, ``-0.031`` for a difference."""
    value, kind = change.get("change"), change.get("change_kind")
    if value is None:
        return ""
    if kind == "difference":
        return f"{value:+.3f}"
    if 0.5 < value < 2.0:
        return fmt_signed_pct(value - 1.0, 1 if abs(value - 1.0) < 0.1 else 0)
    return f"×{value:.3g}"


@dataclass(frozen=True)
class ChangeRow:
    """One row of a comparison table, formatted: the field's path and label, A, B and the change."""

    field: str
    label: str
    a: str
    b: str
    change: str


def change_rows(
    changes: Sequence[Mapping[str, Any]], lang: Language | None = None
) -> list[ChangeRow]:
    """Rows of a comparison (``Comparison.to_dict()["inputs"]`` or ``["recommendation"]``).

    Recommendation fields get their label in ``lang``; an input's label is its dotted path, as
    written in the scenario file.
    """
    lang = lang or language("en")
    rows = []
    for c in changes:
        path = c["field"]
        label = RECOMMENDATION_LABELS.get(path)
        said = c.get("messages") or {}
        a, b = (
            _shortened(lang.message(said[side]), MAX_TEXT)
            if said.get(side)
            else format_value(path, c[side], lang)
            for side in ("a", "b")
        )
        rows.append(
            ChangeRow(
                field=path,
                label=lang.gettext(label) if label else path,
                a=a,
                b=b,
                change=format_change(c),
            )
        )
    return rows


def history_context(
    history: Mapping[str, Any] | None, lang: Language | None = None
) -> dict[str, Any] | None:
    """The "changed since" section of a plan report from ``history.json`` (None: no section).

    ``status`` is ``changed``, ``unplannable`` (the earlier version no longer plans: its error is
    ``error``), ``no_previous`` (no earlier committed version differs) or ``no_git``.
    """
    if history is None:
        return None
    lang = lang or language("en")
    previous = history.get("previous")
    if previous is not None:
        previous = {**previous, "subject": _shortened(previous["subject"], MAX_SUBJECT)}
    return {
        "status": history["status"],
        "previous": previous,
        "error": history.get("error"),
        "inputs": change_rows(history.get("inputs") or [], lang),
        "recommendation": change_rows(history.get("recommendation") or [], lang),
    }


def diff_context(
    doc: Mapping[str, Any], settings: Any, lang: Language | None = None
) -> dict[str, Any]:
    """The context of ``diff.html.j2`` from the document ``llmplan diff --json`` prints."""
    lang = lang or language("en")
    return {
        "settings": settings,
        "a": doc["a"],
        "b": doc["b"],
        "inputs": change_rows(doc["inputs"], lang),
        "recommendation": change_rows(doc["recommendation"], lang),
    }
