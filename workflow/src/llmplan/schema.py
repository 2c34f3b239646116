"""JSON-schema validation with messages a user can act on.

The schemas live in ``workflow/schemas/`` (the same files the Snakefile passes to Snakemake's
``validate()``). jsonschema's own messages name neither the file nor the line; this module turns
the first error into an :class:`~llmplan.errors.InputError` that does, with a "did you mean" for a
misspelt key.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from llmplan.errors import InputError, did_you_mean
from llmplan.yamlio import YamlDoc

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``workflow/schemas/<name>.schema.yaml`` as a dict."""
    path = SCHEMA_DIR / f"{name}.schema.yaml"
    with path.open(encoding="utf-8") as handle:
        schema: dict[str, Any] = yaml.safe_load(handle)
    return schema


def _subschema(schema: dict[str, Any], path: list[str | int]) -> dict[str, Any]:
    node = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            props = node.get("properties", {})
            node = props.get(part) or node.get("additionalProperties") or {}
        if "$ref" in node:
            ref = node["$ref"].split("/")[-1]
            node = schema.get("definitions", schema.get("$defs", {})).get(ref, {})
    return node


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_doc(
    doc: YamlDoc,
    schema_name: str,
    *,
    data: Any = None,
    base: tuple[str | int, ...] = (),
    entry: str | None = None,
) -> None:
    """Validate ``data`` (default: the whole document) against a named schema.

    Parameters
    ----------
    doc
        The parsed document, for file name and line numbers.
    schema_name
        Name of a schema in ``workflow/schemas`` without ``.schema.yaml``.
    data
        The part of the document to validate (default ``doc.data``).
    base
        Path of ``data`` inside the document, so lines and fields are right.
    entry
        Entry name to show in an error (a model id, a scenario name).

    Raises
    ------
    InputError
        For the most relevant validation error.
    """
    schema = load_schema(schema_name)
    instance = doc.data if data is None else data
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(instance), key=lambda e: (len(e.absolute_path), e.path))
    if not errors:
        return
    err = jsonschema.exceptions.best_match(errors)
    path = [*base, *err.absolute_path]
    raise _to_input_error(doc, schema, err, path, entry, base)


def _to_input_error(
    doc: YamlDoc,
    schema: dict[str, Any],
    err: jsonschema.ValidationError,
    path: list[str | int],
    entry: str | None,
    base: tuple[str | int, ...],
) -> InputError:
    rel = list(err.absolute_path)
    sub = _subschema(schema, rel)
    if err.validator == "additionalProperties":
        allowed = sorted(sub.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed]
        key = extra[0] if extra else "?"
        return InputError(
            doc.where(*path, key, entry=entry),
            f"unknown key '{key}'",
            expected="one of " + ", ".join(allowed),
            hint=did_you_mean(str(key), allowed),
        )
    if err.validator == "required":
        missing = [k for k in err.validator_value if k not in (err.instance or {})]
        key = missing[0] if missing else "?"
        described = sub.get("properties", {}).get(key, {}).get("description")
        return InputError(
            doc.where(*path, key, entry=entry),
            f"missing required field '{key}'",
            expected=described,
        )
    if err.validator == "enum":
        allowed = [str(v) for v in err.validator_value]
        return InputError(
            doc.where(*path, entry=entry),
            f"found {_describe(err.instance)}",
            expected="one of " + ", ".join(allowed),
            hint=did_you_mean(str(err.instance), allowed),
        )
    if err.validator == "type":
        expected = sub.get("description") or f"a value of type {err.validator_value}"
        return InputError(
            doc.where(*path, entry=entry),
            f"found {type(err.instance).__name__} {_describe(err.instance)}",
            expected=expected,
        )
    if err.validator in ("oneOf", "anyOf"):
        expected = sub.get("description") or "one of the documented forms"
        return InputError(
            doc.where(*path, entry=entry), f"found {_describe(err.instance)}", expected=expected
        )
    expected = sub.get("description")
    return InputError(doc.where(*path, entry=entry), err.message, expected=expected)
