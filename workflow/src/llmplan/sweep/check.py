"""Checks of a sweep file: grid keys and values, zip groups, and scenarios of its points.

A point's scenario is checked by :func:`llmplan.inputs.scenario.parse_scenario` (every bound of a
scenario applies); a mistake found there is moved to where the sweep file writes it: the grid value
(``grid.<key>[i]``, its line) or the base field (``base.<field>``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import yaml

from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.inputs.budget import Assumptions, resolve_budget
from llmplan.inputs.catalog import Hardware
from llmplan.inputs.constraints import parse_constraints
from llmplan.inputs.scenario import Scenario, parse_scenario
from llmplan.inputs.settings import Settings
from llmplan.io.schema import load_schema
from llmplan.io.yamldoc import YamlDoc
from llmplan.sweep.grid import Axis, Factor

#: Scenario fields a grid may not vary (they describe the sweep, not a point).
NOT_GRIDDED: Final = ("title", "description", "translations")
#: Grid keys held fixed by default: what a plan assumes (utilisation, price, data, demand, size
#: cap, the law) rather than what a lead chooses (hardware, count, days, budget, model).
HELD_FIXED: Final = (
    "budget.mfu",
    "budget.price_per_hour",
    "constraints",
    "constraints.max_params",
    "constraints.unique_tokens",
    "constraints.inference_tokens",
    "laws",
    "primary_law",
    "tokens_per_param",
    "assumptions",
    "assumptions.pue",
    "assumptions.grid_kg_co2_per_kwh",
)
#: Most values one grid key may take.
MAX_AXIS_VALUES: Final = 10_000


def gridded_fields() -> list[str]:
    """Every dotted scenario field a grid may vary (from the scenario schema)."""
    schema = load_schema("scenario")
    out = []

    def walk(node: Mapping[str, Any], prefix: str) -> None:
        for key, sub in node.get("properties", {}).items():
            path = f"{prefix}{key}"
            if path in NOT_GRIDDED:
                continue
            out.append(path)
            if sub.get("type") == "object":
                walk(sub, path + ".")

    walk(schema, "")
    return out


def _parts(dotted: str) -> list[str | int]:
    out: list[str | int] = []
    for piece in dotted.replace("]", "").replace("[", ".").split("."):
        if piece:
            out.append(int(piece) if piece.isdigit() else piece)
    return out


class PointChecker:
    """Scenario checks for specs of one sweep, with mistakes moved to the sweep file's lines."""

    def __init__(
        self,
        doc: YamlDoc,
        name: str,
        *,
        hardware: Mapping[str, Hardware],
        settings: Settings,
        known_laws: Sequence[str] | None,
        root: Path | str,
    ) -> None:
        self.doc, self.name, self.hardware = doc, name, hardware
        self.settings, self.known_laws, self.root = settings, known_laws, root

    def relocated(self, err: InputError, at: Mapping[str, int], note: str = "") -> InputError:
        """``err`` (found in a point's scenario) at the grid value or base field it comes from.

        ``at`` maps the grid keys set in that scenario to the index of their value.
        """
        found = err.where.field or ""
        match = None
        for key in at:
            if (
                found == key
                or found.startswith((key + ".", key + "["))
                or key.startswith(found + ".")
            ):
                if match is None or len(key) > len(match):
                    match = key
        if match is not None:
            tail = found[len(match) :] if found.startswith(match) else ""
            where = Where(
                self.doc.file,
                self.name,
                f"grid.{match}[{at[match]}]{tail}",
                self.doc.line("grid", match, at[match]),
            )
        else:
            where = Where(
                self.doc.file,
                self.name,
                f"base.{found}" if found else "base",
                self.doc.line("base", *_parts(found)),
            )
        return InputError(where, err.problem + note, expected=err.expected, hint=err.hint)

    def scenario(self, spec: Mapping[str, Any], at: Mapping[str, int], note: str = "") -> Scenario:
        """``spec`` parsed as a scenario (all of llmplan.inputs.scenario's checks)."""
        text = yaml.safe_dump(dict(spec), sort_keys=False, allow_unicode=True)
        try:
            return parse_scenario(
                text,
                self.doc.file,
                hardware=self.hardware,
                settings=self.settings,
                known_laws=self.known_laws,
                root=self.root,
            )
        except InputError as err:
            if err.where.file != self.doc.file:  # a mistake inside a model's hf_config file
                raise
            raise self.relocated(err, at, note) from None

    def numbers(self, spec: Mapping[str, Any], at: Mapping[str, int]) -> None:
        """The budget and constraints of ``spec`` checked by the scenario parser's functions."""
        assumptions = Assumptions(
            mfu=self.settings.assumptions.mfu,
            pue=self.settings.assumptions.pue,
            grid_kg_co2_per_kwh=self.settings.assumptions.grid_kg_co2_per_kwh,
        )
        try:
            if not isinstance(spec.get("budget"), Mapping):
                raise InputError(Where(self.doc.file, self.name, "budget"), "no budget mapping")
            resolve_budget(
                spec["budget"],
                self.hardware,
                Where(self.doc.file, self.name, "budget"),
                assumptions=assumptions,
            )
            parse_constraints(
                spec.get("constraints"), Where(self.doc.file, self.name, "constraints")
            )
        except InputError as err:
            raise self.relocated(err, at) from None


def grid_values(doc: YamlDoc, key: str, raw: Any, name: str) -> tuple[list[Any], list[int | None]]:
    """A grid key's values: the list as written, or the numbers linspace/geomspace give."""
    where = doc.where("grid", key, entry=name)
    if isinstance(raw, list):
        values, lines = list(raw), [doc.line("grid", key, i) for i in range(len(raw))]
    else:
        (how, (start, stop, num)) = next(iter(raw.items()))
        if num != int(num) or not 1 <= num <= MAX_AXIS_VALUES:
            raise InputError(
                where.at(how),
                f"found {num!r} values",
                expected=f"a whole number from 1 to {MAX_AXIS_VALUES:,}",
            )
        space = np.linspace if how == "linspace" else np.geomspace
        values = [float(v) for v in space(start, stop, int(num))]
        lines = [doc.line("grid", key)] * len(values)
    if len(values) > MAX_AXIS_VALUES:
        raise InputError(
            where, f"found {len(values):,} values", expected=f"at most {MAX_AXIS_VALUES:,}"
        )
    return values, lines


def factors_of(doc: YamlDoc, name: str, axes: Mapping[str, Axis]) -> list[Factor]:
    zips = doc.data.get("zip") or []
    owner: dict[str, int] = {}
    for g, group in enumerate(zips):
        for i, key in enumerate(group):
            where = doc.where("zip", g, i, entry=name)
            if key not in axes:
                raise unknown_choice(where, "grid key", key, axes)
            if key in owner:
                raise InputError(
                    where, f"'{key}' is in two zip groups", expected="each grid key in one group"
                )
            owner[key] = g
        sizes = {key: len(axes[key].entries) for key in group}
        if len(set(sizes.values())) > 1:
            raise InputError(
                doc.where("zip", g, entry=name),
                "the zipped keys have different numbers of values ("
                + ", ".join(f"{k}: {n}" for k, n in sizes.items())
                + ")",
                expected="lists of equal length: the i-th values go together",
            )
    factors, done = [], set()
    for key in axes:
        if key in done:
            continue
        keys = tuple(zips[owner[key]]) if key in owner else (key,)
        done.update(keys)
        factors.append(
            Factor(
                keys=keys,
                size=len(axes[key].entries),
                structural=any(not axes[k].numeric for k in keys),
            )
        )
    return factors


def refuse_auto(doc: YamlDoc, name: str, base: Mapping[str, Any], axes: Mapping[str, Axis]) -> None:
    """``mfu: auto`` needs a layout search per point; a sweep plans numbers."""
    expected = "a number 0 < mfu <= 1 in the base, or a list of them as grid key budget.mfu"
    if (base.get("budget") or {}).get("mfu") == "auto":
        raise InputError(
            doc.where("base", "budget", "mfu", entry=name),
            "mfu: auto is not planned in sweeps",
            expected=expected,
        )
    axis = axes.get("budget.mfu")
    for i, value in enumerate(axis.entries if axis else ()):
        if value == "auto":
            raise InputError(
                doc.where("grid", "budget.mfu", i, entry=name),
                "mfu: auto is not planned in sweeps",
                expected=expected,
            )


def held_fixed_keys(
    doc: YamlDoc, name: str, axes: Mapping[str, Axis], factors: Sequence[Factor]
) -> tuple[str, ...]:
    """The grid keys held fixed: ``held_fixed:`` as written, else those of :data:`HELD_FIXED`.

    Keys that vary together (``zip``) are held fixed together or not at all: a price zipped with
    the hardware is the hardware's choice, not an assumption on its own. By default such a key is
    left out; written in ``held_fixed:`` without its partners, it is refused.
    """
    partners = {key: factor.keys for factor in factors for key in factor.keys}
    if "held_fixed" not in doc.data:
        default = {k for k in axes if k in HELD_FIXED}
        return tuple(k for k in axes if k in default and set(partners[k]) <= default)
    held = set(doc.data["held_fixed"])
    for i, key in enumerate(doc.data["held_fixed"]):
        where = doc.where("held_fixed", i, entry=name)
        if key not in axes:
            raise unknown_choice(where, "grid key", key, axes)
        if not set(partners[key]) <= held:
            others = ", ".join(k for k in partners[key] if k not in held)
            raise InputError(
                where,
                f"'{key}' varies together with {others} (zip), which is not held fixed",
                expected="every key of a zip group held fixed, or none of them",
            )
    return tuple(doc.data["held_fixed"])
