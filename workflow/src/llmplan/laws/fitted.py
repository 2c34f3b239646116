"""Laws fitted by llmplan, read back from the fit.json files of the fit stage or ``llmplan fit``.

The one reader of fit documents: the workflow's plan step and the command line both use it, and
:func:`llmplan.laws.registry.law_from_fit` turns each document into the law ``fit:<dataset>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from llmplan.core.errors import InputError, Where
from llmplan.io.files import MAX_JSON_BYTES, read_user_text
from llmplan.laws.base import Law
from llmplan.laws.registry import law_from_fit


def read_fitted_laws(paths: Iterable[Path | str], where: Where | None = None) -> dict[str, Law]:
    """Fitted laws by id from fit.json files; the dataset is the file's ``dataset`` key, else
    its folder name.

    Raises
    ------
    InputError
        A file that is missing, not JSON, or not a fit document.
    """
    laws: dict[str, Law] = {}
    for path in paths:
        at = where or Where(str(path))
        named = f"{path}: " if where else ""  # the file, when the message names the flag
        try:
            text = read_user_text(path, at, limit=MAX_JSON_BYTES, what="a fit.json file")
        except InputError as err:
            raise InputError(at, named + err.problem, expected=err.expected) from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as err:
            raise InputError(
                at, f"{named}is not JSON ({err})", expected="a fit.json file"
            ) from None
        except RecursionError:
            raise InputError(
                at, f"{named}JSON nested too deeply", expected="a fit.json file"
            ) from None
        if not isinstance(doc, dict):
            raise InputError(at, f"'{path}' is not a fit result", expected="a JSON object")
        name = str(doc.get("dataset") or Path(path).parent.name)
        try:
            law = law_from_fit(name, doc)
        except InputError as err:
            raise InputError(
                at, f"{named}not a fit result ({err.problem})", expected=err.expected
            ) from None
        laws[law.id] = law
    return laws
