"""What several commands share: where a project keeps its catalog and fits, and reading them."""

from __future__ import annotations

import argparse
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Final

from llmplan.core.errors import Where
from llmplan.laws.base import Law
from llmplan.laws.fitted import read_fitted_laws

if TYPE_CHECKING:
    from llmplan.report.i18n import Language

#: The catalog directory of a project (relative to the working directory).
DEFAULT_CATALOG: Final = "data/catalog"
#: Where the workflow writes fits: reports/fits/<dataset>/fit.json.
DEFAULT_FITS: Final = "reports/fits"


def load_fits(paths: list[str], where: Where) -> dict[str, Law]:
    """Fitted laws by id from fit.json files (default: the workflow's reports/fits/*/fit.json)."""
    if not paths:
        paths = [str(p) for p in sorted(Path(DEFAULT_FITS).glob("*/fit.json"))]
    return read_fitted_laws(paths, where)


def add_lang_argument(parser: argparse.ArgumentParser) -> None:
    """``--lang``: the language of the command's text output (JSON is always English)."""
    from llmplan.report.i18n import LANGUAGES

    parser.add_argument(
        "--lang",
        default="en",
        choices=sorted(LANGUAGES),
        help="language of the text output: en (default) or zh (简体中文)",
    )


def text_language(args: argparse.Namespace) -> Language:
    """The :class:`~llmplan.report.i18n.Language` the text output is written in."""
    from llmplan.report.i18n import language

    return language(getattr(args, "lang", "en") or "en")


def width(text: str) -> int:
    """Terminal columns of ``text``: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int, *, right: bool = False) -> str:
    """``text`` padded to ``columns`` terminal columns (left-aligned, or right with ``right``)."""
    fill = " " * max(0, columns - width(text))
    return fill + text if right else text + fill
