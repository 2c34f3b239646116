"""Reports in the reader's language: message catalogs, and numbers as its readers write them.

Translations use the standard machinery: Babel message catalogs (``workflow/locale/<lang>/
LC_MESSAGES/llmplan.po``, extracted from the templates, the chart code and the library's messages
with ``pybabel extract``, see ``babel.cfg``) compiled in memory when a report is rendered, and
Jinja2's i18n extension in the templates.

Numbers. English writes 70B, 1.4T, $1.2M. Chinese groups by ten thousands: 70B parameters is
700亿 (亿 = 10^8), 1.4T tokens 1.4万亿 (万亿 = 10^12), 175B is 1750亿, $115,200 is 11.5万美元;
dates are written 2026年12月1日. Units that are international (FLOPs, PF/s-days, MFU, GB) stay as
they are, and scientific notation stays scientific.
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import io
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from llmplan.core.errors import InputError, Where
from llmplan.core.messages import ENGLISH, Formats, render
from llmplan.core.units import format_si
from llmplan.io.provenance import TEMPLATE_DIR

#: Languages reports can be written in: code -> Babel locale.
LANGUAGES: Final = {"en": "en", "zh": "zh_CN"}


def locale_dir(template_dir: Path | str) -> Path:
    """The message catalogs (``<lang>/LC_MESSAGES/llmplan.po``) of a template folder: its sibling
    ``locale``, so that a report reads the words of the templates it renders."""
    return Path(template_dir).parent / "locale"


#: The package's own message catalogs.
LOCALE_DIR: Final = locale_dir(TEMPLATE_DIR)
DOMAIN: Final = "llmplan"

#: Chinese counting units, largest first: 万亿 = 10^12, 亿 = 10^8, 万 = 10^4.
CHINESE_UNITS: Final = ((1e12, "万亿"), (1e8, "亿"), (1e4, "万"))


def _significant(value: float, digits: int = 3) -> str:
    """``value`` to ``digits`` significant figures, without exponent or trailing zeros."""
    rounded = float(f"{value:.{digits}g}")
    if rounded >= 10 ** (digits - 1):
        return f"{rounded:.0f}"
    return f"{rounded:g}"


def format_chinese(value: float, *, digits: int = 3) -> str:
    """A count as Chinese readers write it: 7e10 -> 700亿, 1.4e12 -> 1.4万亿, 1.75e11 -> 1750亿.

    Beyond 10^16 (a hundred thousand 亿亿) it falls back to scientific notation.
    """
    if value is None or not math.isfinite(value):
        return "–"
    if abs(value) >= 1e16:
        return f"{value:.{digits}g}"
    for scale, unit in CHINESE_UNITS:
        # compare the value as it will be printed: 9,999.6 亿 at 3 digits is 1万亿
        if abs(float(f"{value / scale:.{digits}g}")) >= 1:
            return _significant(value / scale, digits) + unit
    return _significant(value, digits)


def _zh_usd(value: float) -> str:
    if abs(value) >= 1e4:
        return format_chinese(value) + "美元"
    return f"{value:,.0f}美元"


ZH_FORMATS: Final[Formats] = {
    **ENGLISH,
    "si": lambda v: format_chinese(float(v)),
    "usd": lambda v: _zh_usd(float(v)),
    "usd2": lambda v: f"{float(v):,.2f}美元",
    "times": lambda v: f"{float(v):.3g}倍",
    "list": "，".join,
    "semicolons": "；".join,
    "sentences": "".join,
}


@dataclass(frozen=True)
class Language:
    """A report language: its translations, message formats and date format."""

    code: str
    locale: str
    translations: gettext.NullTranslations = field(repr=False)
    formats: Formats = field(repr=False)

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def render(self, template: str, args: Mapping[str, Any]) -> str:
        """A library message (:mod:`llmplan.core.messages`) in this language."""
        return render(self.gettext(template), args, self.formats, self.gettext)

    def message(self, item: Mapping[str, Any]) -> str:
        """A plan's ``{"code", "args", "text"}`` message in this language."""
        from llmplan.core.messages import MESSAGES

        if self.code == "en" or item.get("code") not in MESSAGES:
            return str(item.get("text", ""))
        return self.render(MESSAGES[item["code"]], item["args"])

    def text(self, obj: Mapping[str, Any], key: str) -> Any:
        """``obj[key]`` in this language: the message kept under ``obj["messages"][key]``
        (a list or mapping of them for a list or mapping field, see
        :mod:`llmplan.core.messages`), else the catalog's translation of the English text."""
        item = (obj.get("messages") or {}).get(key)
        if item is None:
            return self._translated(obj[key])
        return self._rendered(item)

    def _rendered(self, item: Any) -> Any:
        if isinstance(item, list | tuple):
            return [self._rendered(i) for i in item]
        if isinstance(item, Mapping) and "code" not in item:
            return {k: self._rendered(v) for k, v in item.items()}
        return self.message(item)

    def _translated(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return [self._translated(v) for v in value]
        if isinstance(value, Mapping):
            return {k: self._translated(v) for k, v in value.items()}
        # gettext("") is the catalog's header, not an empty text
        return self.gettext(value) if isinstance(value, str) and value else value

    def law_text(self, law: Mapping[str, Any], key: str) -> str:
        """A law's ``name``, ``why`` or ``loss_note`` (from ``plan.json``) in this language."""
        return str(self.text(law, key))

    def join(self, clauses: Iterable[str]) -> str:
        """Clauses as one sentence: "a; b." in English, "a；b。" in Chinese."""
        text = ("；" if self.code == "zh" else "; ").join(c.rstrip(".。") for c in clauses)
        return text + ("。" if self.code == "zh" else ".")

    @property
    def comma(self) -> str:
        """The comma between phrases: ", " or "，"."""
        return "，" if self.code == "zh" else ", "

    def items(self, names: Iterable[str]) -> str:
        """A list of names: "a, b" in English, "a、b" in Chinese."""
        return ("、" if self.code == "zh" else ", ").join(names)

    def si(self, value: float, digits: int = 3) -> str:
        """A count as this language writes it (70B, 700亿)."""
        if self.code == "zh":
            return format_chinese(value, digits=digits)
        return format_si(value, digits=digits)

    def date(self, when: dt.datetime | None) -> str:
        if when is None:
            return self.gettext("unknown")
        if self.code == "zh":
            return f"{when.year}年{when.month}月{when.day}日 {when:%H:%M} UTC"
        return when.strftime("%Y-%m-%d %H:%M UTC")


def _compile(po_file: Path) -> gettext.GNUTranslations:
    """A ``.po`` catalog compiled in memory (Babel's reader and writer)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_file.open("rb") as handle:
        catalog = read_po(handle, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@functools.cache
def language(code: str, catalogs: Path = LOCALE_DIR) -> Language:
    """The :class:`Language` for ``code`` ("en" or "zh"), its words from the message catalogs in
    ``catalogs`` (:func:`locale_dir` of the templates a report renders).

    Raises
    ------
    InputError
        For a language llmplan has no catalog for.
    """
    if code not in LANGUAGES:
        raise InputError(
            Where("config/config.yaml", field="report.languages"),
            f"no reports in '{code}'",
            expected="one of " + ", ".join(LANGUAGES),
        )
    if code == "en":
        return Language("en", "en", gettext.NullTranslations(), ENGLISH)
    return Language(code, LANGUAGES[code], _compile(catalog_file(code, catalogs)), ZH_FORMATS)


def catalog_file(code: str, locale_dir: Path = LOCALE_DIR) -> Path:
    """The message catalog (``.po``) of the report language ``code`` (not English, the
    templates' own words) under ``locale_dir``."""
    return locale_dir / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def si_filter(lang: Language) -> Callable[[Any], str]:
    """The ``si`` template filter of ``lang``: counts in its readers' units."""

    def si(value: Any, digits: int = 3) -> str:
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
        ):
            return "–"
        if lang.code == "zh":
            return format_chinese(float(value), digits=digits)
        return format_si(float(value), digits=digits)

    return si
