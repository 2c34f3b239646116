"""Finding English left in a report rendered in another language (a helper for tests).

:func:`english_runs` returns every run of three or more consecutive English words in the visible
text of a page: tags stripped, ``<code>``, ``<svg>``, ``<style>`` and ``<script>`` elements and
elements of class ``cite`` left out, and the caller's proper names (citations, model names) taken
out first. A word is English when it is written in Latin letters, with at most one capital (so
acronyms and names like GQA, MFU, FLOPs, RoPE, SwiGLU, DeepSeek are not words), and is not in
:data:`ALLOWED` (proper names and units kept in Latin script on purpose). Numbers, identifiers
(``d_model``, ``arXiv:2402.07871``, ``bf16``) and single letters (N, D, C) neither count nor end a
run, as they sit inside English sentences; a CJK character or full-width punctuation ends it.

Reusable for a whole report: ``english_runs(visible_text(html), proper_names=...)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser
from typing import Any, Final

#: Latin-script words a Chinese report keeps on purpose: authors and names in citations, models,
#: organisations, units and loanwords the Chinese ML literature writes in Latin script.
ALLOWED: Final = frozenset(
    """
    et al adam epoch meta megatron nvidia team llmplan
    kaplan hoffmann chinchilla llama mixtral krajewski korthikanti touvron chowdhery levine
    muennighoff sardana besiroglu brown jiang zhang narayanan rajbhandari dao gopher
    token tokens rank ranks nats sqrt log
    czech huber newton hessian python bootstrap exp
    """.split()
)
#: Elements whose text is not prose to translate.
SKIPPED_TAGS: Final = frozenset({"code", "svg", "style", "script", "sup", "sub"})
SKIPPED_CLASSES: Final = frozenset({"cite"})
#: Elements that end a line of text (runs never cross them).
BLOCKS: Final = frozenset(
    "p div li td th tr h1 h2 h3 h4 h5 h6 figcaption caption br table ul ol nav title".split()
)
VOID: Final = frozenset({"br", "img", "meta", "link", "hr", "col", "input", "wbr"})

_TOKEN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ0-9_]+(?:[-'’._:/^][A-Za-zÀ-ÖØ-öø-ÿ0-9_]+)*")
_BREAK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\n]")
_LETTERS = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ÿ]+)*")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []  # open elements whose text is skipped
        self.placeholder = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = set((dict(attrs).get("class") or "").split())
        if self.skipping and tag not in VOID:
            self.skipping.append(tag)
        elif tag in SKIPPED_TAGS or classes & SKIPPED_CLASSES:
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
        elif self.placeholder and set(self.skipping) <= PLACEHOLDER_TAGS:
            self.parts.append(self.placeholder)


#: Skipped elements that sit inside a sentence (code, a citation): :func:`visible_text` can stand
#: a placeholder in for them, so that the punctuation around them reads as it does on the page.
PLACEHOLDER_TAGS: Final = frozenset({"code", "span", "sup", "sub"})


def visible_text(html: str, *, placeholder: str = "") -> str:
    """The text a reader sees, one line per block, without code, charts and citations (or with
    ``placeholder`` in place of each piece of code or citation inside a sentence)."""
    parser = _Text()
    parser.placeholder = placeholder
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def chart_text(svg: str) -> str:
    """The texts of an SVG chart (titles, axis labels, legends, tick labels), one per line."""
    return "\n".join(
        re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)
    )


def _is_word(token: str, allowed: frozenset[str]) -> bool:
    if not _LETTERS.fullmatch(token) or len(token) < 2:
        return False
    if sum(c.isupper() for c in token) > 1:
        return False
    return re.sub(r"['’]s$", "", token.lower()) not in allowed


def english_runs(
    text: str,
    *,
    proper_names: Iterable[str] = (),
    min_words: int = 3,
    allowed: frozenset[str] = ALLOWED,
) -> list[str]:
    """Runs of at least ``min_words`` consecutive English words in ``text`` (see the module)."""
    for name in sorted(set(proper_names), key=len, reverse=True):
        if name:
            text = text.replace(name, " ")
    runs: list[str] = []
    current: list[str] = []
    position = 0

    def close() -> None:
        if len(current) >= min_words:
            runs.append(" ".join(current))
        current.clear()

    for match in _TOKEN.finditer(text):
        if _BREAK.search(text, position, match.start()):
            close()
        position = match.end()
        if _is_word(match.group(), allowed):
            current.append(match.group())
    close()
    return runs


def citations(item: Any) -> list[str]:
    """Every ``citation`` argument of the messages in ``item`` (a plan section): proper names."""
    found: list[str] = []
    if isinstance(item, Mapping):
        if "citation" in item and isinstance(item["citation"], str):
            found.append(item["citation"])
        for value in item.values():
            found += citations(value)
    elif isinstance(item, list | tuple):
        for value in item:
            found += citations(value)
    return found


#: Two English sentences or clauses run together ("2020.Predicted"): a lower-case letter, digit,
#: closing bracket or per cent, a stop, colon or semicolon, then a capitalised word.
_JOINED: Final = re.compile(r"[a-z0-9)%][.:;][A-Z][a-z]")
#: A space after Chinese full-width punctuation, which already holds its own space ("。 恰好").
_SPACED: Final = re.compile(r"[。；：，、] ")


def unspaced_sentences(text: str, lang: str) -> list[str]:
    """Where the visible ``text`` of a page in ``lang`` joins sentences wrongly: English sentences
    with no space between them, or a space after Chinese full-width punctuation (with context)."""
    pattern = _SPACED if lang == "zh" else _JOINED
    return [text[max(0, m.start() - 30) : m.end() + 10] for m in pattern.finditer(text)]
