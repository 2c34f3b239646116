"""Numbers as reports print them: Jinja filters, pure functions of a value.

Templates format; they do not compute. Every number a page shows passes through one of these.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from llmplan.core.units import format_si

if TYPE_CHECKING:
    from llmplan.report.i18n import Language


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def fmt_si(value: Any, digits: int = 3) -> str:
    """70e9 -> '70B'; missing -> an en dash."""
    return format_si(float(value), digits=digits) if _is_number(value) else "–"


def fmt_sci(value: Any, digits: int = 3) -> Markup | str:
    """5.76e23 -> '5.76 × 10<sup>23</sup>' (markup)."""
    if not _is_number(value):
        return "–"
    mantissa, exponent = f"{float(value):.{digits - 1}e}".split("e")
    return Markup(f"{mantissa}&#8201;×&#8201;10<sup>{int(exponent)}</sup>")


def fmt_num(value: Any, digits: int = 3) -> str:
    """Plain number rounded to ``digits`` significant figures, with thousands separators."""
    if not _is_number(value):
        return "–"
    value = float(f"{float(value):.{digits}g}")
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    return f"{value:,.{decimals}f}"


def fmt_pct(value: Any, digits: int = 0) -> str:
    return f"{float(value) * 100:.{digits}f}%" if _is_number(value) else "–"


def fmt_signed_pct(value: Any, digits: int = 0) -> str:
    """0.31 -> '+31%'."""
    return f"{float(value) * 100:+.{digits}f}%" if _is_number(value) else "–"


def fmt_usd(value: Any) -> str:
    if not _is_number(value):
        return "–"
    value = float(value)
    if value >= 1e6:
        return f"${value / 1e6:,.{1 if value < 1e8 else 0}f}M"
    if value >= 1e3:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


def filters(lang: Language | None = None) -> dict[str, Any]:
    """The filters every template may use, numbers written as ``lang``'s readers write them."""
    if lang is None or lang.code == "en":
        return dict(FILTERS)
    from llmplan.report.i18n import format_chinese

    def si(value: Any, digits: int = 3) -> str:
        return format_chinese(float(value), digits=digits) if _is_number(value) else "–"

    def usd(value: Any) -> str:
        return lang.formats["usd"](value) if _is_number(value) else "–"

    def usd2(value: Any) -> str:
        return lang.formats["usd2"](value) if _is_number(value) else "–"

    return {**FILTERS, "si": si, "usd": usd, "usd2": usd2}


#: The English filters.
FILTERS = {
    "si": fmt_si,
    "sci": fmt_sci,
    "num": fmt_num,
    "pct": fmt_pct,
    "signed_pct": fmt_signed_pct,
    "usd": fmt_usd,
    "usd2": lambda value: f"${float(value):,.2f}" if _is_number(value) else "–",
}
