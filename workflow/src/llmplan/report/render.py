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

import base64
import functools
import hashlib
import logging
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final
from xml.etree import ElementTree

import jinja2
from markupsafe import Markup

from llmplan.core.messages import N_
from llmplan.io.provenance import TEMPLATE_DIR
from llmplan.report.format import filters
from llmplan.report.i18n import Language, language, locale_dir


@functools.cache
def environment(template_dir: Path | str = TEMPLATE_DIR, lang: str = "en") -> jinja2.Environment:
    """The Jinja environment of a language: autoescape on for every template, strict undefined,
    Jinja2's i18n extension with the language's message catalog, number filters its readers use."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    chosen = language(lang, locale_dir(template_dir))
    env.install_gettext_translations(chosen.translations, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(filters(chosen))
    # texts a plan generated, in this language (llmplan.core.messages)
    env.filters["text"] = chosen.text
    env.filters["message"] = chosen.message
    env.filters["sentences"] = functools.partial(_joined, chosen.formats["sentences"])
    env.filters["series"] = functools.partial(_joined, chosen.formats["list"])
    env.globals["gap"] = chosen.formats["sentences"](["", ""])  # between sentences
    env.globals["semi"] = chosen.formats["semicolons"](["", ""])  # between clauses
    env.globals["lang"] = chosen.code
    env.globals["html_lang"] = chosen.locale.replace("_", "-")
    env.globals["page_counter"] = Markup(page_counter(chosen.gettext(PAGE_OF)))
    return env


def _joined(join: Any, parts: Any) -> Markup:
    """``parts`` joined as ``join`` joins sentences, escaping any part that is not markup."""
    return Markup(join([Markup.escape(part) for part in parts]))


#: The page footer: {page} and {pages} become the CSS counters.
PAGE_OF: Final = N_("page {page} of {pages}")


def page_counter(text: str) -> str:
    """CSS ``content`` of a footer text: "page {page} of {pages}" -> "page " counter(page) ..."""
    parts = []
    for part in re.split(r"(\{page\}|\{pages\})", text):
        if part in ("{page}", "{pages}"):
            parts.append(f"counter({part[1:-1]})")
        elif part:
            parts.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(parts)


def render_html(
    template: str,
    context: Mapping[str, Any],
    *,
    template_dir: Path | str = TEMPLATE_DIR,
    lang: Language | None = None,
) -> str:
    """Render ``template`` with ``context`` in ``lang`` (default English). Charts must be passed
    as :class:`Markup`."""
    code = "en" if lang is None else lang.code
    return environment(str(template_dir), code).get_template(template).render(**context)


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


def printable(html: str) -> Any:
    """The WeasyPrint document of a report as it is printed: charts as images, nothing fetched."""
    import weasyprint

    return weasyprint.HTML(
        string=charts_as_images(html), base_url="about:blank", url_fetcher=refusing_fetcher()
    )


def html_to_pdf(html: str, *, epoch: int = 0) -> bytes:
    """Print self-contained HTML to PDF bytes, deterministically and fetching nothing.

    ``epoch`` (seconds since 1970) stands in for "now" wherever a library would read the clock:
    fontTools stamps the fonts it subsets with ``SOURCE_DATE_EPOCH`` when that is set.
    """
    import os

    quiet = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:  # their warnings about fonts are noise in a rule's log
        logger.setLevel(logging.ERROR)
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    document = printable(html)
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    try:
        pdf: bytes = document.write_pdf(pdf_identifier=identifier)
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
        for logger, level in zip(quiet, levels, strict=True):
            logger.setLevel(level)
    return pdf


#: A chart inlined in a report: matplotlib's SVG, which never nests another ``<svg>``. (Text of
#: a catalog or a scenario that reads "<svg" is escaped in the HTML, so it never matches.)
_INLINE_SVG: Final = re.compile(r"<svg\b.*?</svg>", re.S)


def charts_as_images(html: str) -> str:
    """``html`` with each inline SVG chart printed as an image of the same SVG (a ``data:`` URL).

    The HTML report keeps its charts inline; for the PDF, WeasyPrint then draws each chart with
    its SVG renderer alone instead of also cascading the page's stylesheet over every one of its
    thousands of elements (``benchmarks/bench_render.py``). An image is parsed as strict XML,
    where an inline chart is not: a chart that is not well-formed stays inline rather than vanish
    from the PDF.
    """

    def image(match: re.Match[str]) -> str:
        svg = match.group(0)
        try:
            ElementTree.fromstring(svg)
        except ElementTree.ParseError:
            return svg
        data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
        return f'<img class="chart" alt="" src="data:image/svg+xml;base64,{data}">'

    return _INLINE_SVG.sub(image, html)


def overflows(html: str, *, tolerance_px: float = 1.0) -> list[str]:
    """What sticks out of the page: ``page N: <tag>`` for each box wider than the page's content
    area (a table that runs off the paper). Empty when every page fits."""

    def walk(box: Any) -> Any:
        yield box
        for child in getattr(box, "children", None) or []:
            yield from walk(child)

    document = printable(html)
    out = []
    for number, page in enumerate(document.render().pages, start=1):
        page_box = page._page_box
        right = page_box.content_box_x() + page_box.width
        for box in walk(page_box):
            if type(box).__name__ in ("PageBox", "MarginBox") or not hasattr(box, "margin_width"):
                continue
            if box.position_x + box.margin_width() > right + tolerance_px:
                out.append(f"page {number}: <{getattr(box, 'element_tag', '?')}>")
                break
    return out
