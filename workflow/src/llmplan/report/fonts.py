"""Fonts a report needs, checked before anything is rendered.

Chinese reports need a CJK font: without one WeasyPrint and matplotlib draw every Chinese glyph as
an empty box and still succeed. The workflow checks for one when it builds its job graph and stops
with a message that says what to install (Debian: fonts-noto-cjk), rather than printing boxes.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable, Iterator
from typing import Final

from llmplan.core.errors import InputError, Where

#: The CJK family reports ask for (Debian's fonts-noto-cjk), and what to tell a user without it.
CJK_FAMILY: Final = "Noto Sans CJK SC"
CJK_INSTALL: Final = (
    "install a CJK font: on Debian and Ubuntu `sudo apt-get install fonts-noto-cjk`, on macOS "
    "`brew install --cask font-noto-sans-cjk-sc` (README, System packages)"
)
#: Languages whose reports need the CJK font.
CJK_LANGUAGES: Final = ("zh",)


@functools.cache
def cjk_font() -> str | None:
    """The file of the CJK font matplotlib will use, or None when none is installed."""
    from matplotlib import font_manager

    try:
        return str(font_manager.findfont(CJK_FAMILY, fallback_to_default=False))
    except ValueError:
        return None


def require_fonts(languages: Iterable[str]) -> None:
    """Stop with a clear message when a language's reports need a font that is missing.

    Raises
    ------
    InputError
        Chinese reports asked for and no CJK font installed.
    """
    needs_cjk = [code for code in languages if code in CJK_LANGUAGES]
    if needs_cjk and cjk_font() is None:
        raise InputError(
            Where("config/config.yaml", field="report.languages"),
            f"reports in {', '.join(needs_cjk)} need a CJK font ({CJK_FAMILY}) and none is "
            "installed, so every Chinese character would print as an empty box",
            expected=CJK_INSTALL,
        )


@contextlib.contextmanager
def chart_fonts(code: str) -> Iterator[None]:
    """Charts drawn inside use the language's fonts (Latin from DejaVu Sans, CJK from Noto)."""
    import matplotlib

    if code not in CJK_LANGUAGES:
        yield
        return
    require_fonts([code])
    with matplotlib.rc_context({"font.family": ["DejaVu Sans", CJK_FAMILY]}):
        yield
