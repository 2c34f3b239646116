"""Global settings: ``config/config.yaml`` with every default filled from its schema.

The defaults are written once, in ``workflow/schemas/config.schema.yaml``: Snakemake's
``validate()`` fills the workflow's config from it, and :func:`load_settings` fills the command
line's from the same file, so ``llmplan allocate`` and the reports give the same numbers for the
same question (:func:`llmplan.plan.check.load_settings`). Rules receive only the section of the
config they read (:func:`section`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmplan.core.errors import ErrorCollector, InputError, unknown_choice
from llmplan.inputs.budget import Assumptions
from llmplan.io.schema import validate_doc, with_defaults
from llmplan.io.yamldoc import read_yaml


@dataclass(frozen=True)
class Settings:
    """Global settings, defaults filled in."""

    laws: tuple[str, ...]
    primary_law: str
    tokens_per_param: float
    assumptions: Assumptions
    page_size: str
    author: str
    fits: tuple[str, ...]
    inference_loss_tolerance: float
    languages: tuple[str, ...]

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Settings:
        """Settings from a config mapping (any subset of keys; the schema fills the rest)."""
        full = with_defaults(dict(config), "config")
        assumptions = full["assumptions"]
        report = full["report"]
        return cls(
            laws=tuple(full["laws"]),
            primary_law=str(full["primary_law"]),
            tokens_per_param=float(full["tokens_per_param"]),
            assumptions=Assumptions(
                mfu=float(assumptions["mfu"]),
                pue=float(assumptions["pue"]),
                grid_kg_co2_per_kwh=float(assumptions["grid_kg_co2_per_kwh"]),
            ),
            page_size=str(report["page_size"]),
            author=str(report["author"]),
            fits=tuple(sorted(full["fits"])),
            inference_loss_tolerance=float(full["inference_loss_tolerance"]),
            languages=("en", *(code for code in report["languages"] if code != "en")),
        )


def defaults() -> Settings:
    """The schema's defaults alone (outside a project)."""
    return Settings.from_config({})


def section(config: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """The part of ``config`` a rule reads: ``keys`` only, so other edits do not rerun it."""
    return {key: config[key] for key in keys if key in config}


def known_law_ids(config: Mapping[str, Any], builtin: Sequence[str]) -> tuple[str, ...]:
    """The built-in law ids and ``fit:<name>`` for every dataset under ``fits:`` in the config."""
    return (*builtin, *(f"fit:{name}" for name in sorted(config.get("fits") or {})))


def read_config(path: Path | str, *, builtin_laws: Sequence[str]) -> dict[str, Any]:
    """Validate a config file with file, line and field in every message; return its mapping.

    Run before Snakemake reads the file (its own parser gives no line for a syntax error, and its
    ``validate()`` prints a jsonschema dump), so a mistake in ``config/config.yaml`` reads like
    one in a scenario. Law ids are checked against ``builtin_laws`` and the config's own fits.
    """
    doc = read_yaml(path, config=True)
    if doc.data is None:
        raise InputError(
            doc.where(),
            "the file is empty",
            expected="a mapping of settings such as 'laws:' (every key is optional; write {} "
            "for all defaults)",
        )
    if not isinstance(doc.data, dict):
        raise InputError(
            doc.where(),
            f"found a {type(doc.data).__name__} at the top level",
            expected="a mapping of settings such as 'laws:' and 'assumptions:'",
        )
    errors = ErrorCollector()
    with errors.checking():
        validate_doc(doc, "config")
    if errors.errors:  # the law checks below assume the shapes the schema guarantees
        errors.raise_if_any()
    known = known_law_ids(doc.data, builtin_laws)
    laws = doc.data.get("laws") or ()
    for i, law in enumerate(laws):
        if law not in known:
            errors.add(unknown_choice(doc.where("laws", i), "law id", law, known))
    if errors.errors:  # with a law misspelt, whether the primary law is among them is moot
        errors.raise_if_any()
    if "primary_law" in doc.data and doc.data["primary_law"] not in known:
        errors.add(
            unknown_choice(doc.where("primary_law"), "law id", doc.data["primary_law"], known)
        )
    elif laws:
        full = with_defaults({"laws": list(laws), **doc.data}, "config")
        if full["primary_law"] not in laws:
            given = "primary_law" in doc.data
            errors.add(
                InputError(
                    doc.where("primary_law" if given else "laws"),
                    f"the primary law '{full['primary_law']}'"
                    + ("" if given else " (the default of primary_law)")
                    + " is not among laws",
                    expected="primary_law one of " + ", ".join(laws) + ", or it added to laws",
                )
            )
    errors.raise_if_any()
    return dict(doc.data)
