"""JSON-schema validation with messages a user can act on.

The schemas live in ``workflow/schemas/`` (the same files the Snakefile passes to Snakemake's
``validate()``). jsonschema's own messages name neither the file nor the line; this module turns
every error into an :class:`~llmplan.errors.InputError` that does, with a "did you mean" for a
misspelt key, and reports them all at once (:class:`~llmplan.errors.InputErrors`).
"""

from __future__ import annotations

import copy
import difflib
import functools
import math
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from llmplan.core.errors import InputError, InputErrors, did_you_mean
from llmplan.io.yamldoc import YamlDoc

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schemas"


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    """The schema ``workflow/schemas/<name>.schema.yaml`` as a dict."""
    path = SCHEMA_DIR / f"{name}.schema.yaml"
    with path.open(encoding="utf-8") as handle:
        schema: dict[str, Any] = yaml.safe_load(handle)
    return schema


def field_schema(schema_name: str, *path: str | int) -> dict[str, Any]:
    """The schema of one field (``field_schema("config", "fits", "any", "bootstrap")``), so that
    the command line applies the same bounds as the files."""
    return _subschema(load_schema(schema_name), list(path))


def _subschema(schema: dict[str, Any], path: list[str | int]) -> dict[str, Any]:
    node = schema
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        else:
            props = node.get("properties", {})
            node = props.get(part) or node.get("additionalProperties") or {}
        if "$ref" in node:  # the referenced schema, with the siblings of $ref taking precedence
            ref = node["$ref"].split("/")[-1]
            target = schema.get("definitions", schema.get("$defs", {})).get(ref, {})
            node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _found(value: Any) -> str:
    """What was found, in YAML's words: ``found an empty value``, ``found true``, ``found list [1]``."""
    if isinstance(value, str) and len(value) > 60:
        return f"found text {_describe(value)} ({len(value):,} characters)"
    if value is None:
        return "found an empty value (null)"
    if isinstance(value, bool):
        return f"found {str(value).lower()} (a yes/no value)"
    if isinstance(value, float) and not math.isfinite(value):
        shown = ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
        return f"found {shown}, which is not a finite number"
    kind = {dict: "mapping", list: "list", str: "text", int: "number", float: "number"}
    return f"found {kind.get(type(value), type(value).__name__)} {_describe(value)}"


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
}


def _type_words(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return " or ".join(_TYPE_WORDS.get(t, t) for t in names)


def _description(schema: dict[str, Any], path: list[str | int]) -> str | None:
    """Description of the node at ``path``, else of its nearest described ancestor."""
    for depth in range(len(path), -1, -1):
        described = _subschema(schema, path[:depth]).get("description")
        if described:
            return str(described)
    return None


def _bound_words(err: jsonschema.ValidationError) -> str | None:
    value = err.validator_value
    shown = f"{value:,}" if isinstance(value, int) and value >= 10_000 else f"{value}"
    words = {
        "minimum": f"at least {shown}",
        "exclusiveMinimum": f"greater than {shown}",
        "maximum": f"at most {shown}",
        "exclusiveMaximum": f"less than {shown}",
        "minLength": "not empty" if value == 1 else f"at least {shown} characters",
        "maxLength": f"at most {shown} characters",
        "minItems": "not empty" if value == 1 else f"at least {shown} items",
        "maxItems": f"at most {shown} items",
        "minProperties": "not empty" if value == 1 else f"at least {shown} keys",
        "maxProperties": "exactly one key" if value == 1 else f"at most {shown} keys",
    }
    return words.get(str(err.validator))


def _non_finite(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Paths of the NaN or infinite numbers in ``value`` (YAML ``.nan``, ``.inf``).

    JSON schema cannot catch these: NaN compares false with every bound, so ``.nan`` passes
    ``exclusiveMinimum: 0`` and ``maximum: 1`` alike, and ``.inf`` passes any lower bound.
    """
    if isinstance(value, float) and not math.isfinite(value):
        return [path]
    if isinstance(value, dict):
        items: Any = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return []
    return [found for key, item in items for found in _non_finite(item, (*path, key))]


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
    bad = _non_finite(instance)
    errors: list[InputError] = []
    for path in bad:
        value = instance
        for key in path:
            value = value[key]
        errors.append(
            InputError(
                doc.where(*base, *path, entry=entry),
                _found(value),
                expected=_description(schema, list(path)) or "a finite number",
            )
        )
    validator = jsonschema.Draft202012Validator(schema)
    schema_errors = list(validator.iter_errors(instance))
    misspelt = _misspelt_keys(schema, schema_errors)
    for err in schema_errors:
        if _within(err.absolute_path, bad):
            continue  # already reported as not finite
        path = [*base, *err.absolute_path]
        for found in _to_input_errors(doc, schema, err, path, entry, skip=misspelt):
            if all(found.message != e.message for e in errors):
                errors.append(found)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise InputErrors(sorted(errors, key=lambda e: e.where.line or 0))


def _misspelt_keys(schema: dict[str, Any], errors: list[Any]) -> set[tuple[Any, ...]]:
    """Paths of required keys that an unknown key of the same mapping is a misspelling of:
    'tokns' given and 'tokens' missing is one mistake, not two."""
    out = set()
    for err in errors:
        if err.validator != "additionalProperties" or not isinstance(err.instance, dict):
            continue
        allowed = sorted(_subschema(schema, list(err.absolute_path)).get("properties", {}))
        for key in err.instance:
            if key in allowed:
                continue
            for close in difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.5):
                out.add((*err.absolute_path, close))
    return out


def _within(path: Any, bad: list[tuple[str | int, ...]]) -> bool:
    path = tuple(path)
    return any(path[: len(b)] == b for b in bad)


def _best(err: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For a oneOf/anyOf error whose alternatives all fail deeper, the most relevant of those."""
    if err.validator in ("oneOf", "anyOf") and err.context:
        deeper = [e for e in err.context if len(e.absolute_path) > len(err.absolute_path)]
        if deeper:
            return jsonschema.exceptions.best_match(deeper)
    return err


def _to_input_errors(
    doc: YamlDoc,
    schema: dict[str, Any],
    err: jsonschema.ValidationError,
    path: list[str | int],
    entry: str | None,
    *,
    skip: set[tuple[Any, ...]] = frozenset(),  # type: ignore[assignment]
) -> list[InputError]:
    best = _best(err)
    if best is not err:
        path = [*path[: len(path) - len(err.absolute_path)], *best.absolute_path]
        err = best
    rel = list(err.absolute_path)
    sub = _subschema(schema, rel)
    if err.validator == "additionalProperties":
        allowed = sorted(sub.get("properties", {}))
        extra = [k for k in err.instance if k not in allowed] or ["?"]
        return [
            InputError(
                doc.where(*path, key, entry=entry),
                f"unknown key '{_short_key(key)}'",
                expected="one of " + ", ".join(allowed),
                hint=did_you_mean(str(key), allowed),
            )
            for key in extra
        ]
    if err.validator == "required":
        missing = [
            k
            for k in err.validator_value
            if k not in (err.instance or {}) and (*err.absolute_path, k) not in skip
        ]
        return [
            InputError(
                doc.where(*path, key, entry=entry),
                f"missing required field '{key}'",
                expected=sub.get("properties", {}).get(key, {}).get("description"),
            )
            for key in missing
        ]
    return [_to_input_error(doc, schema, err, path, entry)]


def _short_key(key: Any) -> str:
    text = str(key)
    return text if len(text) <= 60 else text[:57] + "..."


def _to_input_error(
    doc: YamlDoc,
    schema: dict[str, Any],
    err: jsonschema.ValidationError,
    path: list[str | int],
    entry: str | None,
) -> InputError:
    rel = list(err.absolute_path)
    if err.validator == "enum":
        allowed = [str(v) for v in err.validator_value]
        return InputError(
            doc.where(*path, entry=entry),
            _found(err.instance),
            expected="one of " + ", ".join(allowed),
            hint=did_you_mean(str(err.instance), allowed),
        )
    described = _description(schema, rel)
    if err.validator == "type":
        wanted = _type_words(err.validator_value)
        return InputError(
            doc.where(*path, entry=entry),
            _found(err.instance),
            expected=(
                f"{wanted}: {described}" if described and wanted not in described else described
            )
            or wanted,
        )
    if err.validator in ("oneOf", "anyOf"):
        return InputError(
            doc.where(*path, entry=entry),
            _found(err.instance),
            expected=described or "one of the documented forms",
        )
    bound = _bound_words(err)
    if err.validator == "pattern":
        bound = f"matching {err.validator_value}"
    if bound is not None:
        return InputError(
            doc.where(*path, entry=entry),
            _found(err.instance),
            expected=f"{described} ({bound})" if described else bound,
        )
    return InputError(doc.where(*path, entry=entry), err.message, expected=described)


def _fill(instance: Any, node: dict[str, Any], schema: dict[str, Any]) -> Any:
    if "$ref" in node:
        ref = node["$ref"].split("/")[-1]
        target = schema.get("definitions", schema.get("$defs", {})).get(ref, {})
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    if isinstance(instance, dict):
        props = node.get("properties", {})
        for key, sub in props.items():
            if key not in instance and isinstance(sub, dict) and "default" in sub:
                instance[key] = copy.deepcopy(sub["default"])
        extra = node.get("additionalProperties")
        for key in list(instance):
            sub = props.get(key, extra if isinstance(extra, dict) else None)
            if sub:
                instance[key] = _fill(instance[key], sub, schema)
    elif isinstance(instance, list) and isinstance(node.get("items"), dict):
        return [_fill(item, node["items"], schema) for item in instance]
    return instance


def with_defaults(data: Any, schema_name: str) -> Any:
    """A copy of ``data`` with every default of the schema filled in, at every depth.

    The schemas are the one place defaults are written (Snakemake's ``validate()`` fills the
    workflow's config from the same file); the command line calls this on the same settings.
    """
    return _fill(copy.deepcopy(data), load_schema(schema_name), load_schema(schema_name))
