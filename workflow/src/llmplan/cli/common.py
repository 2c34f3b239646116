"""What several commands share: where a project keeps its catalog and fits, and reading them."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from llmplan.core.errors import Where
from llmplan.laws.base import Law
from llmplan.laws.fitted import read_fitted_laws

#: The catalog directory of a project (relative to the working directory).
DEFAULT_CATALOG: Final = "data/catalog"
#: Where the workflow writes fits: reports/fits/<dataset>/fit.json.
DEFAULT_FITS: Final = "reports/fits"


def load_fits(paths: list[str], where: Where) -> dict[str, Law]:
    """Fitted laws by id from fit.json files (default: the workflow's reports/fits/*/fit.json)."""
    if not paths:
        paths = [str(p) for p in sorted(Path(DEFAULT_FITS).glob("*/fit.json"))]
    return read_fitted_laws(paths, where)
