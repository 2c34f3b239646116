"""Text a user writes that reports print: what characters are refused, and how to name them.

A title, a model name or a run id ends up in HTML, in PDF text and in SVG charts. Control
characters have no business there: NUL and the C0/C1 controls (ESC starts terminal escape
sequences; XML, hence SVG, cannot hold most of them at all) and the bidirectional embeddings,
overrides and isolates U+202A-U+202E and U+2066-U+2069, which make text display in another order
than it is stored (the "Trojan Source" attack, Boucher and Anderson 2021, CVE-2021-42574). They are
refused where the text is read, never passed on or silently dropped. Tab, line feed and carriage
return are allowed.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_REFUSED: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

_NAMES: Final = {
    "\x00": "NUL",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\u202a": "LEFT-TO-RIGHT EMBEDDING",
    "\u202b": "RIGHT-TO-LEFT EMBEDDING",
    "\u202c": "POP DIRECTIONAL FORMATTING",
    "\u202d": "LEFT-TO-RIGHT OVERRIDE",
    "\u202e": "RIGHT-TO-LEFT OVERRIDE",
    "\u2066": "LEFT-TO-RIGHT ISOLATE",
    "\u2067": "RIGHT-TO-LEFT ISOLATE",
    "\u2068": "FIRST STRONG ISOLATE",
    "\u2069": "POP DIRECTIONAL ISOLATE",
}

#: What a message says is allowed instead.
PRINTABLE: Final = (
    "printable text (no control characters such as NUL or ESC, no bidirectional overrides)"
)


def char_name(char: str) -> str:
    """``U+001B ESC``: the code point and, where it has one, its name."""
    name = _NAMES.get(char) or unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}".rstrip()


def refused_char(text: str) -> str | None:
    """A description of the first refused character of ``text`` and where it is, or ``None``."""
    match = _REFUSED.search(text)
    if match is None:
        return None
    return f"a control character ({char_name(match.group())}) at character {match.start() + 1}"


def shorten(text: str, limit: int = 60) -> str:
    """``text`` cut to ``limit`` characters with '...' for a message (never for the data)."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
