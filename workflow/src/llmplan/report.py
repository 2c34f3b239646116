"""Rendering reports: Jinja templates to self-contained HTML, WeasyPrint to PDF.

- Catalog and scenario strings are data, never markup: the Jinja environment autoescapes
  everything (charts are the only markup marked safe, and we generate them).
- WeasyPrint fetches nothing: the HTML is self-contained (inline CSS and SVG) and the URL fetcher
  refuses every URL but ``data:``, so ``<img src="file:///etc/passwd">`` in a title is shown as
  text, and even injected markup could not read a file or reach the network.
- Output is reproducible: no clock is read here (the build date comes from the caller, from
  ``SOURCE_DATE_EPOCH`` or the commit), and the PDF identifier is a hash of the HTML.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from llmplan.units import format_si

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"


# ---------------------------------------------------------------- number formats for templates
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


def fmt_usd(value: Any) -> str:
    if not _is_number(value):
        return "–"
    value = float(value)
    if value >= 1e6:
        return f"${value / 1e6:,.{1 if value < 1e8 else 0}f}M"
    if value >= 1e3:
        return f"${value / 1e3:,.0f}k"
    return f"${value:,.0f}"


def _median(values: Any) -> float | None:
    numbers = sorted(float(v) for v in values if _is_number(v))
    if not numbers:
        return None
    mid = len(numbers) // 2
    return numbers[mid] if len(numbers) % 2 else (numbers[mid - 1] + numbers[mid]) / 2


def environment(template_dir: Path | str = TEMPLATE_DIR) -> jinja2.Environment:
    """The Jinja environment: autoescape on for every template, strict undefined."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        si=fmt_si, sci=fmt_sci, num=fmt_num, pct=fmt_pct, usd=fmt_usd, median=_median
    )
    return env


def render_html(
    template: str, context: Mapping[str, Any], *, template_dir: Path | str = TEMPLATE_DIR
) -> str:
    """Render ``template`` with ``context``. Charts must be passed as :class:`Markup`."""
    return environment(template_dir).get_template(template).render(**context)


def safe_svg(svg: str) -> Markup:
    """Mark an SVG string we generated as safe to inline."""
    return Markup(svg)


# ---------------------------------------------------------------- PDF
@functools.cache
def _fetcher_class() -> type:
    """WeasyPrint's URL fetcher, allowed ``data:`` URLs only.

    A subclass, as WeasyPrint requires: it asks a fetcher whether a failure is fatal
    (``_fail_on_errors``), so a plain callable that refuses a URL would crash the render with an
    AttributeError instead of leaving the resource out.
    """
    from weasyprint.urls import URLFetcher

    class RefusingFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                raise ValueError(f"llmplan reports fetch nothing; refused {url[:80]!r}")
            return super().fetch(url, headers)

    return RefusingFetcher


def refusing_fetcher() -> Any:
    """A fetcher that reads ``data:`` URLs and refuses everything else (left out of the PDF)."""
    return _fetcher_class()(allowed_protocols={"data"}, timeout=1, fail_on_errors=False)


def html_to_pdf(html: str, *, epoch: int = 0) -> bytes:
    """Print self-contained HTML to PDF bytes, deterministically and fetching nothing.

    ``epoch`` (seconds since 1970) stands in for "now" wherever a library would read the clock:
    fontTools stamps the fonts it subsets with ``SOURCE_DATE_EPOCH`` when that is set.
    """
    import os

    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=refusing_fetcher())
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    try:
        pdf: bytes = document.write_pdf(pdf_identifier=identifier)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return pdf
