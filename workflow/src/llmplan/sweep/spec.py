"""Sweep files: ``config/sweeps/<name>.yaml``, a base scenario and a grid over its fields.

::

    title: "64 to 1,024 H100s for one week to three months"
    base:                                   # a scenario, as in config/scenarios/ (title optional)
      budget: {hardware: h100-sxm, count: 64, days: 30, mfu: 0.4, price_per_hour: 2.5}
    grid:                                   # dotted field: values; every combination is a point
      budget.count: [64, 128, 256, 512, 1024]
      budget.mfu: {linspace: [0.3, 0.5, 5]}
      constraints.inference_tokens: [0, 1T, 10T]
    zip: [[budget.hardware, budget.price_per_hour]]   # keys that vary together (optional)

Every point is a scenario, so it is checked by :func:`llmplan.inputs.scenario.parse_scenario`
with all its bounds; a mistake names the sweep file, the sweep, and the field as ``base.<field>``
or ``grid.<key>[i]`` with the line of that value. Checking each point alone would take hours for
a million points, so the checks are: the base; each value of each key in the base (the budget's
and constraints' numbers through the same functions the scenario parser calls, every other value
as a whole scenario); and every combination of the keys that change what cannot be planned as an
array (law, hardware, model, ...: the *groups*), as whole scenarios. The numbers of a budget and of
the constraints are bounds on one value each, so a combination of valid numbers is valid.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

import numpy as np

from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.core.msgid import N_
from llmplan.core.units import parse_quantity
from llmplan.inputs.catalog import Hardware
from llmplan.inputs.scenario import NAME_PATTERN, Scenario
from llmplan.inputs.settings import Settings, defaults
from llmplan.io.schema import validate_doc
from llmplan.io.yamldoc import YamlDoc, parse_yaml, read_text
from llmplan.sweep.check import (
    PointChecker,
    factors_of,
    grid_values,
    gridded_fields,
    held_fixed_keys,
    refuse_auto,
)
from llmplan.sweep.grid import Axis, Factor, count, digits, substituted

#: Fields planned as arrays, with the unit :func:`llmplan.core.units.parse_quantity` reads them
#: in (as :func:`llmplan.inputs.budget.resolve_budget` and ``parse_constraints`` do) and whether 0
#: is allowed.
NUMERIC_FIELDS: Final = {
    "budget.flops": ("flops", False),
    "budget.pf_days": ("pf_days", False),
    "budget.days": ("days", False),
    "budget.gpu_hours": ("gpu_hours", False),
    "budget.usd": ("usd", False),
    "budget.price_per_hour": ("usd", False),
    "budget.count": ("count", False),
    "budget.mfu": ("number", False),
    "constraints.max_params": ("count", False),
    "constraints.unique_tokens": ("count", False),
    "constraints.inference_tokens": ("count", True),
}
#: Most groups (combinations of the keys that are not numbers of the budget or constraints).
MAX_GROUPS: Final = 2_000
#: A point's title and description in its planning report (steps.sweep_points translates them)
POINT_TITLE: Final = N_("{title}: point {point}")
POINT_DESCRIPTION: Final = N_("Point {point} of the sweep {file}: {values}.")


@dataclass(frozen=True)
class Sweep:
    """A validated sweep: its base, its grid as factors, and one scenario per group."""

    name: str
    file: str
    sha256: str
    title: str
    description: str
    #: title and description in the reports' other languages (``{"zh": {"title": ...}}``)
    translations: dict[str, dict[str, str]]
    base: dict[str, Any]
    axes: tuple[Axis, ...]
    factors: tuple[Factor, ...]
    n_points: int
    point_reports: str
    #: grid keys that are assumptions, not choices: the frontier is found among points that
    #: share their values (one *cell* per combination)
    held_fixed: tuple[str, ...]
    #: one validated scenario per combination of the structural factors' values, in the order
    #: of :meth:`group_of`
    groups: tuple[Scenario, ...] = field(repr=False)
    doc: YamlDoc = field(repr=False, compare=False)

    @property
    def axis(self) -> dict[str, Axis]:
        return {a.key: a for a in self.axes}

    def factor_of(self, key: str) -> int:
        return next(j for j, f in enumerate(self.factors) if key in f.keys)

    def group_of(self, digit_rows: np.ndarray) -> np.ndarray:
        """Group number of each row of :func:`llmplan.sweep.grid.digits`."""
        out = np.zeros(digit_rows.shape[0], dtype=np.int64)
        for j, factor in enumerate(self.factors):
            if factor.structural:
                out = out * factor.size + digit_rows[:, j]
        return out

    def cell_of(self, digit_rows: np.ndarray) -> np.ndarray:
        """Cell number of each row of :func:`llmplan.sweep.grid.digits`: the combination of the
        values of the factors held fixed (0 for every point when none is)."""
        out = np.zeros(digit_rows.shape[0], dtype=np.int64)
        for j, factor in enumerate(self.factors):
            if set(factor.keys) <= set(self.held_fixed):
                out = out * factor.size + digit_rows[:, j]
        return out

    def base_cell(self) -> tuple[int, bool]:
        """The cell of the base scenario's own values of the keys held fixed (a key whose base
        value is not among its grid values: its first value), and whether every value was."""
        row = np.zeros((1, len(self.factors)), dtype=np.int64)
        exact = True
        for j, factor in enumerate(self.factors):
            if not set(factor.keys) <= set(self.held_fixed):
                continue
            axis = self.axis[factor.keys[0]]
            node: Any = self.base
            for part in axis.key.split("."):
                node = node.get(part) if isinstance(node, dict) else None
            matches = [i for i, v in enumerate(axis.entries) if v == node]
            if node is None and axis.key == "constraints.inference_tokens":  # none is 0
                matches = [i for i, v in enumerate(axis.entries) if v in (0, None)]
            if axis.numbers is not None and node is not None and not matches:
                kind, zero = NUMERIC_FIELDS[axis.key]
                value = parse_quantity(node, Where(self.file), kind=kind, allow_zero=zero)
                matches = [i for i, v in enumerate(axis.numbers) if v == value]
            row[0, j] = matches[0] if matches else 0
            exact = exact and bool(matches)
        return int(self.cell_of(row)[0]), exact

    def values_at(self, point: int) -> dict[str, Any]:
        """The grid's value of every key at ``point``, as written."""
        row = digits(self.factors, np.array([point]))[0]
        return {a.key: a.entries[int(row[self.factor_of(a.key)])] for a in self.axes}

    def point_spec(self, point: int) -> dict[str, Any]:
        """The scenario mapping of ``point``: the base with the grid's values set."""
        return substituted(self.base, self.values_at(point))


def sweep_name(path: Path | str) -> str:
    """The name of a sweep file (a folder under ``reports/sweeps/``), refusing unsafe names."""
    path = Path(path)
    if path.suffix != ".yaml" or not NAME_PATTERN.match(path.stem):
        raise InputError(
            Where(str(path)),
            f"'{path.name}' is not a valid sweep file name",
            expected="<name>.yaml where name holds only letters, digits, '-' and '_' "
            "(it becomes a folder under reports/sweeps/)",
        )
    return path.stem


def parse_sweep(
    text: str,
    file: str,
    *,
    hardware: Mapping[str, Hardware],
    settings: Settings | None = None,
    known_laws: Sequence[str] | None = None,
    max_points: int = 1_000_000,
    root: Path | str = ".",
) -> Sweep:
    """Parse and check a sweep file's text (see the module docstring).

    Raises
    ------
    InputError
        For anything wrong, naming the file, the sweep, the field and its line; for a grid of
        more than ``max_points`` points, its size.
    """
    settings = settings or defaults()
    name = sweep_name(file)
    try:
        doc = parse_yaml(text, file)
    except InputError as err:
        raise err.in_entry(name) from None
    if not isinstance(doc.data, dict):
        raise InputError(
            Where(file, name, line=1),
            "the file is empty" if doc.data is None else "the top level is not a mapping",
            expected="a mapping with 'title:', 'base:' and 'grid:' (see config/README.md)",
        )
    validate_doc(doc, "sweep", entry=name)
    data = doc.data
    # the title and its translations are checked as a scenario's (length, control characters)
    local = {"translations": data["translations"]} if data.get("translations") else {}
    base = {"title": data["title"], **local, **data["base"]}
    check = PointChecker(
        doc, name, hardware=hardware, settings=settings, known_laws=known_laws, root=root
    )
    fields = gridded_fields()
    axes: dict[str, Axis] = {}
    for key, raw in data["grid"].items():
        if key not in fields:
            raise unknown_choice(doc.where("grid", key, entry=name), "grid key", key, fields)
        values, lines = grid_values(doc, key, raw, name)
        axes[key] = Axis(key, tuple(values), tuple(lines))
    refuse_auto(doc, name, base, axes)
    check.scenario(base, {})
    for key, axis in axes.items():
        for i, value in enumerate(axis.entries):
            spec = substituted(base, {key: value})
            if key in NUMERIC_FIELDS:
                check.numbers(spec, {key: i})
            else:
                check.scenario(spec, {key: i})
    for key, axis in axes.items():
        if key in NUMERIC_FIELDS:
            kind, zero = NUMERIC_FIELDS[key]
            numbers = [
                math.nan
                if value is None
                else parse_quantity(value, Where(file, name, key), kind=kind, allow_zero=zero)
                for value in axis.entries
            ]
            axes[key] = Axis(key, axis.entries, axis.lines, np.array(numbers, dtype=float))
    factors = factors_of(doc, name, axes)
    held_fixed = held_fixed_keys(doc, name, axes, factors)
    n_points = count(factors)
    if n_points > max_points:
        sizes = " x ".join(str(f.size) for f in factors)
        raise InputError(
            doc.where("grid", entry=name),
            f"the grid has {n_points:,} points ({sizes})",
            expected=f"at most {max_points:,} (sweeps.max_points in config/config.yaml)",
        )
    structural = [f for f in factors if f.structural]
    n_groups = count(structural)
    if n_groups > MAX_GROUPS:
        raise InputError(
            doc.where("grid", entry=name),
            f"the grid has {n_groups:,} combinations of laws, hardware, models and other "
            "fields that are not numbers of the budget or constraints",
            expected=f"at most {MAX_GROUPS:,}",
        )
    groups = []
    for combo in itertools.product(*(range(f.size) for f in structural)):
        at = {k: i for f, i in zip(structural, combo, strict=True) for k in f.keys}
        for f in factors:  # numeric factors at their first value
            if not f.structural:
                at.update({k: 0 for k in f.keys})
        values = {k: axes[k].entries[i] for k, i in at.items()}
        shown = {k: v for k, v in values.items() if not axes[k].numeric}
        note = (
            " (with " + ", ".join(f"{k} = {v}" for k, v in shown.items()) + ")"
            if len(shown) > 1
            else ""
        )
        groups.append(check.scenario(substituted(base, values), at, note))
    return Sweep(
        name=name,
        file=file,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        title=data["title"],
        description=data.get("description", ""),
        translations=dict(data.get("translations") or {}),
        base=base,
        axes=tuple(axes.values()),
        factors=tuple(factors),
        n_points=n_points,
        point_reports=data.get("point_reports", "none"),
        held_fixed=held_fixed,
        groups=tuple(groups),
        doc=doc,
    )


def load_sweep(
    path: Path | str,
    *,
    hardware: Mapping[str, Hardware],
    settings: Settings | None = None,
    known_laws: Sequence[str] | None = None,
    max_points: int = 1_000_000,
    display: str | None = None,
    root: Path | str = ".",
) -> Sweep:
    """Read and check ``path`` (see :func:`parse_sweep`)."""
    shown = display or str(path)
    return parse_sweep(
        read_text(path, shown),
        shown,
        hardware=hardware,
        settings=settings,
        known_laws=known_laws,
        max_points=max_points,
        root=root,
    )


def point_scenario(
    sweep: Sweep,
    point: int,
    *,
    hardware: Mapping[str, Hardware],
    settings: Settings | None = None,
    known_laws: Sequence[str] | None = None,
    root: Path | str = ".",
) -> Scenario:
    """The scenario of one point, parsed on its own (for a point's own planning report, and to
    check the array planner against :func:`llmplan.plan.build.plan_budget`)."""
    check = PointChecker(
        sweep.doc,
        sweep.name,
        hardware=hardware,
        settings=settings or defaults(),
        known_laws=known_laws,
        root=root,
    )
    row = digits(sweep.factors, np.array([point]))[0]
    at = {k: int(row[j]) for j, f in enumerate(sweep.factors) for k in f.keys}
    scenario = check.scenario(sweep.point_spec(point), at)
    values = ", ".join(point_values(sweep, point))
    return replace(
        scenario,
        name=f"{sweep.name}-{point}",
        title=POINT_TITLE.format(title=sweep.title, point=point),
        description=POINT_DESCRIPTION.format(point=point, file=sweep.file, values=values),
        translations={},
    )


def point_values(sweep: Sweep, point: int) -> list[str]:
    """A point's grid values as written ("budget.count = 64")."""
    return [f"{k} = {v}" for k, v in sweep.values_at(point).items()]


@dataclass(frozen=True)
class SweepPlan:
    """What the workflow needs to know of a sweep before any job runs."""

    name: str
    n_points: int
    shards: int
    laws: tuple[str, ...]
    point_reports: str


def shard_count(n_points: int, sweeps: Mapping[str, Any]) -> int:
    """Jobs a sweep is planned in: one per ``points_per_shard`` points, at most ``max_shards``."""
    wanted = -(-n_points // int(sweeps.get("points_per_shard", 50_000)))
    return max(1, min(int(sweeps.get("max_shards", 8)), wanted))


def check_sweeps(
    sweep_dir: Path | str, catalog_dir: Path | str, config: Mapping[str, Any]
) -> dict[str, SweepPlan]:
    """Check every ``<sweep_dir>/*.yaml`` before any job runs; their sizes and shards by name."""
    from llmplan.inputs.catalog import load_catalog
    from llmplan.inputs.settings import known_law_ids
    from llmplan.io.schema import with_defaults
    from llmplan.laws.registry import KNOWN_IDS

    sweep_dir = Path(sweep_dir)
    if not sweep_dir.is_dir():
        return {}
    full = with_defaults(dict(config), "config")
    settings = Settings.from_config(config)
    catalog = load_catalog(catalog_dir)
    known = known_law_ids(config, KNOWN_IDS)
    for stray in sorted(sweep_dir.glob("*.yml")):
        raise InputError(
            Where(str(stray)), "sweep files must end in .yaml", expected=stray.stem + ".yaml"
        )
    out = {}
    for path in sorted(sweep_dir.glob("*.yaml")):
        sweep = load_sweep(
            path,
            hardware=catalog.hardware,
            settings=settings,
            known_laws=known,
            max_points=int(full["sweeps"]["max_points"]),
        )
        laws = tuple(sorted({law for group in sweep.groups for law in group.laws}))
        out[sweep.name] = SweepPlan(
            name=sweep.name,
            n_points=sweep.n_points,
            shards=shard_count(sweep.n_points, full["sweeps"]),
            laws=laws,
            point_reports=sweep.point_reports,
        )
    return out
