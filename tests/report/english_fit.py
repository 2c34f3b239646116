"""English left in a report rendered in another language (a helper for the fit report's tests).

:func:`visible_text` is the text a reader sees: tags stripped, one line per block element, the
contents of ``<code>``, ``<svg>``, ``<style>``, ``<script>``, ``<sup>`` and ``<sub>`` left out
(code, charts and exponents). :func:`chart_text` is the text of an inline SVG chart's ``<text>``
elements, one line each. :func:`english_runs` finds every run of three or more English words in
such text.

A word is English when it is written in Latin letters only (hyphens and apostrophes inside),
has at most one capital (so GQA, FLOPs, IsoFLOP and LSE are not words), is longer than one letter
and is not in :data:`ALLOWED` or the caller's ``proper_names``. Numbers, identifiers
(``fits.synthetic-isoflop``, ``N_opt``, ``arXiv:2603.22339``), single letters (N, D, C) and ASCII
punctuation neither count nor end a run, since they sit inside English sentences; a CJK character,
full-width punctuation or the end of a line ends it.

(tests/report/english.py on branch i18nrun does the same for the plan report; once both are
merged this module can give way to it.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html.parser import HTMLParser
from typing import Final

#: Latin-script words a Chinese fit report keeps on purpose: authors and names in citations,
#: methods named after people, units and loanwords the Chinese ML literature writes in Latin.
ALLOWED: Final = frozenset(
    """
    et al hoffmann czech chinchilla epoch huber newton hessian python
    token tokens bootstrap log exp nats
    """.split()
)
SKIPPED_TAGS: Final = frozenset({"code", "svg", "style", "script", "sup", "sub", "head"})
BLOCKS: Final = frozenset(
    "p div li td th tr h1 h2 h3 h4 h5 h6 figcaption caption br table ul ol nav title".split()
)
VOID: Final = frozenset({"br", "img", "meta", "link", "hr", "col", "input", "wbr"})

_TOKEN = re.compile(r"[A-Za-z0-9_]+(?:[-'’._:/^][A-Za-z0-9_]+)*")
_WORD = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")
_BREAK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\n]")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            if tag == "br":
                self.parts.append("\n")
            return
        if self.skipping or tag in SKIPPED_TAGS:
            self.skipping.append(tag)
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees, one line per block, without code, charts and exponents."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def chart_text(svg: str) -> str:
    """The texts of an SVG chart (titles, axis labels, legends, tick labels), one per line."""
    return "\n".join(
        re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)
    )


def _is_word(token: str, allowed: frozenset[str]) -> bool:
    return (
        _WORD.fullmatch(token) is not None
        and len(token) > 1
        and sum(c.isupper() for c in token) <= 1
        and token.lower() not in allowed
    )


def english_runs(text: str, *, proper_names: Iterable[str] = (), length: int = 3) -> list[str]:
    """Every run of ``length`` or more English words in ``text`` (each as the words joined)."""
    allowed = ALLOWED | {w.lower() for name in proper_names for w in _WORD.findall(name)}
    runs: list[str] = []
    for segment in _BREAK.split(text):
        words: list[str] = []
        for token in _TOKEN.findall(segment):
            if _is_word(token, allowed):
                words.append(token)
        if len(words) >= length:
            runs.append(" ".join(words))
    return runs
