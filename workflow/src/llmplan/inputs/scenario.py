"""Planning scenarios: ``config/scenarios/<name>.yaml``, validated with the file, line and field.

A scenario's name is its file name without ``.yaml``; it becomes a folder under
``reports/scenarios/``, so it may only hold letters, digits, ``-`` and ``_`` (a name can never
write outside ``reports/``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from llmplan.core.errors import (
    ErrorCollector,
    InputError,
    InputErrors,
    Where,
    all_errors,
    unknown_choice,
)
from llmplan.core.units import parse_quantity
from llmplan.inputs.bounds import TOKENS_PER_PARAM_RANGE
from llmplan.inputs.budget import Assumptions, Budget, resolve_budget
from llmplan.inputs.catalog import Hardware
from llmplan.inputs.constraints import Constraints, parse_constraints
from llmplan.inputs.model import ModelSpec, parse_model
from llmplan.inputs.settings import Settings, defaults
from llmplan.io.schema import validate_doc
from llmplan.io.yamldoc import YamlDoc, parse_yaml, read_text

NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")


@dataclass(frozen=True)
class Scenario:
    """A validated scenario: its budget resolved, its laws and constraints as written."""

    name: str
    file: str
    sha256: str
    title: str
    description: str
    translations: dict[str, dict[str, str]]
    budget: Budget
    budget_spec: dict[str, Any]
    laws: tuple[str, ...]
    primary_law: str
    tokens_per_param: float
    constraints: Constraints
    assumptions: Assumptions
    doc: YamlDoc = field(repr=False, compare=False)
    #: The ``model:`` section with its defaults (:mod:`llmplan.inputs.model`).
    model: ModelSpec | None = None


def scenario_name(path: Path | str) -> str:
    """The scenario name of a file, refusing names that are not safe folder names."""
    path = Path(path)
    name = path.stem
    if path.suffix != ".yaml" or not NAME_PATTERN.match(name):
        raise InputError(
            Where(str(path)),
            f"'{path.name}' is not a valid scenario file name",
            expected="<name>.yaml where name holds only letters, digits, '-' and '_' "
            "(it becomes a folder under reports/scenarios/)",
        )
    return name


EXPECTED_SCENARIO: Final = (
    "a mapping with at least 'budget:' and, usually, 'title:' (see config/README.md)"
)


def scenario_document(text: str, file: str) -> YamlDoc:
    """The scenario's YAML, parsed and checked against the schema (what needs no catalog)."""
    name = scenario_name(file)
    try:
        doc = parse_yaml(text, file)
    except InputError as err:
        raise err.in_entry(name) from None
    if doc.data is None:
        raise InputError(Where(file, name), "the file is empty", expected=EXPECTED_SCENARIO)
    if not isinstance(doc.data, dict):
        raise InputError(
            Where(file, name, line=1),
            f"found a {type(doc.data).__name__} at the top level",
            expected=EXPECTED_SCENARIO,
        )
    validate_doc(doc, "scenario", entry=name)
    return doc


def parse_scenario(
    text: str,
    file: str,
    *,
    hardware: Mapping[str, Hardware],
    settings: Settings | None = None,
    known_laws: Sequence[str] | None = None,
    root: Path | str = ".",
) -> Scenario:
    """Parse and validate a scenario's YAML text.

    Parameters
    ----------
    text
        The file's content.
    file
        The path shown in errors (``config/scenarios/x.yaml``).
    hardware
        The catalog's accelerators by id.
    settings
        Global defaults.
    known_laws
        Valid law ids; when given, unknown ids are refused here with the nearest valid ones.
    root
        Directory a ``model.hf_config`` path is relative to (the repository).

    Raises
    ------
    InputError
        For anything wrong, naming the file, line and field.
    """
    settings = settings or defaults()
    name = scenario_name(file)
    doc = scenario_document(text, file)
    data = doc.data
    errors = ErrorCollector()
    override = data.get("assumptions") or {}
    assumptions = Assumptions(
        mfu=settings.assumptions.mfu,
        pue=float(override.get("pue", settings.assumptions.pue)),
        grid_kg_co2_per_kwh=float(
            override.get("grid_kg_co2_per_kwh", settings.assumptions.grid_kg_co2_per_kwh)
        ),
    )
    budget = None
    try:
        budget = resolve_budget(
            data["budget"], hardware, doc.where("budget", entry=name), assumptions=assumptions
        )
    except InputError as err:
        errors.add(err.at_line(doc.line_of_field(err.where.field)))
    model = None
    try:
        hw = budget.hardware if budget is not None else None
        model = parse_model(
            data.get("model"), doc.where("model", entry=name), hardware=hw, root=root
        )
        if budget is not None and model.precision is not None and budget.hardware is not None:
            budget = resolve_budget(
                data["budget"],
                hardware,
                doc.where("budget", entry=name),
                assumptions=assumptions,
                precision=model.precision,
            )
    except InputError as err:
        if err.where.file != file:  # a mistake inside the hf_config file: its own file and field
            errors.add(err)
        else:
            errors.add(err.at_line(doc.line_of_field(err.where.field)))
    with errors.checking():
        laws, primary = _laws(doc, name, data, settings, known_laws)
    ratio = settings.tokens_per_param
    if "tokens_per_param" in data:
        with errors.checking():
            ratio = parse_quantity(
                data["tokens_per_param"],
                doc.where("tokens_per_param", entry=name),
                kind="number",
                at_least=TOKENS_PER_PARAM_RANGE[0],
                at_most=TOKENS_PER_PARAM_RANGE[1],
            )
    constraints = None
    try:
        constraints = parse_constraints(
            data.get("constraints"), doc.where("constraints", entry=name)
        )
    except InputError as err:
        errors.add(
            InputErrors([e.at_line(doc.line_of_field(e.where.field)) for e in all_errors(err)])
        )
    errors.raise_if_any()
    assert budget is not None and constraints is not None and model is not None
    return Scenario(
        name=name,
        file=file,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=data.get("title", name),
        description=data.get("description", ""),
        translations=dict(data.get("translations") or {}),
        budget=budget,
        budget_spec=dict(data["budget"]),
        laws=laws,
        primary_law=primary,
        tokens_per_param=ratio,
        constraints=constraints,
        assumptions=assumptions,
        doc=doc,
        model=model,
    )


def _laws(
    doc: YamlDoc,
    name: str,
    data: Mapping[str, Any],
    settings: Settings,
    known_laws: Sequence[str] | None,
) -> tuple[tuple[str, ...], str]:
    """The scenario's laws and primary law.

    The primary law must be among the laws, whether the scenario names it or takes the default
    of ``config/config.yaml``: a report whose recommendation uses another law than the one its
    settings name would be a silent substitution.
    """
    own_laws = tuple(data.get("laws") or ())
    laws = own_laws or tuple(settings.laws)
    errors = ErrorCollector()
    if known_laws is not None:
        for i, law in enumerate(own_laws):
            if law not in known_laws:
                errors.add(
                    unknown_choice(doc.where("laws", i, entry=name), "law id", law, known_laws)
                )
    if len(set(laws)) != len(laws):
        errors.add(
            InputError(
                doc.where("laws", entry=name), "a law is listed twice", expected="distinct law ids"
            )
        )
    primary = data.get("primary_law", settings.primary_law)
    # the laws the reader can choose from: an unknown id has its own error above
    valid = [law for law in laws if known_laws is None or law in known_laws]
    if primary not in laws and valid:
        if "primary_law" in data:
            errors.add(
                InputError(
                    doc.where("primary_law", entry=name),
                    f"'{primary}' is not among the scenario's laws",
                    expected="one of " + ", ".join(valid),
                )
            )
        else:
            errors.add(
                InputError(
                    doc.where("laws" if own_laws else (), entry=name),
                    f"the primary law '{primary}' (primary_law of config/config.yaml) is not "
                    "among the scenario's laws",
                    expected=f"'primary_law:' set to one of {', '.join(valid)}, or "
                    f"'{primary}' added to 'laws:'",
                )
            )
    errors.raise_if_any()
    return laws, primary


def load_scenario(
    path: Path | str,
    *,
    hardware: Mapping[str, Hardware],
    settings: Settings | None = None,
    known_laws: Sequence[str] | None = None,
    display: str | None = None,
    root: Path | str = ".",
) -> Scenario:
    """Read and validate ``path`` (see :func:`parse_scenario`)."""
    shown = display or str(path)
    return parse_scenario(
        read_text(path, shown),
        shown,
        hardware=hardware,
        settings=settings,
        known_laws=known_laws,
        root=root,
    )
