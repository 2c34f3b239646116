"""Comparing two plans: what changed in the inputs, and how the recommendation moved.

Two pure functions over plain data, shared by ``llmplan diff`` and the "changed since" section of
every plan report:

- :func:`diff_inputs` compares two scenario files as written (their parsed YAML mappings), field by
  field, by dotted path (``budget.count``, ``constraints.max_params``). A list (``laws``) is one
  value. Two spellings of one quantity (``30B`` and ``3e10``) are the same value.
- :func:`diff_recommendations` compares two plans (the content of ``plan.json``) on the fields a
  lead reads: N, D, tokens per parameter, loss, compute, days, cost, the basis, the primary law,
  the architecture and the parallel layout. Each numeric field carries its change: the ratio
  B / A for quantities, the difference B - A for the loss (nats per token, where a ratio means
  little).

A ratio reads as a scaling law does: under a law with N_opt = G (C / 6)^a (Hoffmann et al. 2022,
eq. 4), multiplying the compute by k multiplies N by k^a, whatever G is.

Both functions list only what differs, so comparing a plan with itself gives nothing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from llmplan.core.errors import InputError
from llmplan.core.messages import is_message
from llmplan.core.units import parse_quantity

ChangeKind = Literal["ratio", "difference"]

#: Relative tolerance under which two numbers are the same value (floating-point noise only).
SAME_REL_TOL: Final = 1e-9

#: The recommendation's fields a comparison shows: dotted path into plan.json and how it changes.
RECOMMENDATION_FIELDS: Final[tuple[tuple[str, ChangeKind | None], ...]] = (
    ("recommendation.params", "ratio"),
    ("recommendation.tokens", "ratio"),
    ("recommendation.tokens_per_param", "ratio"),
    ("recommendation.loss", "difference"),
    ("recommendation.train_flops", "ratio"),
    ("recommendation.days", "ratio"),
    ("recommendation.usd", "ratio"),
    ("recommendation.basis", None),
    ("primary_law", None),
    ("architecture.headline", None),
    ("training_run.layout.text", None),
)


@dataclass(frozen=True)
class FieldChange:
    """One field that differs: its dotted path, its value in A and in B, and the change.

    ``change`` is B / A (``change_kind`` "ratio") or B - A ("difference") for numbers, ``None``
    for text or when either side has no value.
    """

    field: str
    a: Any
    b: Any
    change: float | None = None
    change_kind: ChangeKind | None = None
    #: A text field's messages in A and B (``obj["messages"][key]``), so each language can say it
    messages: tuple[Any, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "field": self.field,
            "a": self.a,
            "b": self.b,
            "change": self.change,
            "change_kind": self.change_kind,
        }
        if self.messages is not None:
            out["messages"] = {"a": self.messages[0], "b": self.messages[1]}
        return out


@dataclass(frozen=True)
class Comparison:
    """What changed from A to B: in the inputs, and in the recommendation."""

    inputs: list[FieldChange] = field(default_factory=list)
    recommendation: list[FieldChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.inputs and not self.recommendation

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": [c.to_dict() for c in self.inputs],
            "recommendation": [c.to_dict() for c in self.recommendation],
        }


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"budget": {"count": 64}}`` -> ``{"budget.count": 64}``; lists and scalars are leaves.

    An empty mapping adds nothing (``constraints: {}`` states no constraint, as its absence does).
    """
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten(value, prefix=f"{path}."))
        else:
            out[path] = value
    return out


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _as_number(value: Any) -> float | None:
    """A number, or a string that spells one (``"30B"``, ``"5.76e23"``); else None."""
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_quantity(value, "comparison", kind="count", allow_zero=True)
        except InputError:
            return None
    return None


def same_value(a: Any, b: Any) -> bool:
    """Whether two input values are the same: equal, or two spellings of one number."""
    if a == b and type(a) is type(b):
        return True
    x, y = _as_number(a), _as_number(b)
    if x is None or y is None:
        return False
    return math.isclose(x, y, rel_tol=SAME_REL_TOL, abs_tol=0.0)


def diff_inputs(a: Mapping[str, Any] | None, b: Mapping[str, Any] | None) -> list[FieldChange]:
    """Fields of two scenario mappings that differ, in A's order then B's new fields.

    A field present on one side only has ``None`` on the other (the default applies there).
    """
    flat_a, flat_b = flatten(a or {}), flatten(b or {})
    changes = []
    for path in dict.fromkeys([*flat_a, *flat_b]):
        old, new = flat_a.get(path), flat_b.get(path)
        if same_value(old, new):  # absent and null alike: the default applies
            continue
        changes.append(FieldChange(path, old, new))
    return changes


def value_at(plan: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path of a plan, or None where a part is missing (no training run)."""
    value: Any = plan
    for part in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _change(a: Any, b: Any, kind: ChangeKind | None) -> float | None:
    if kind is None or not (_is_number(a) and _is_number(b)):
        return None
    if kind == "difference":
        return float(b) - float(a)
    return float(b) / float(a) if a > 0 and b > 0 else None


def _differs(a: Any, b: Any) -> bool:
    if _is_number(a) and _is_number(b):
        return not math.isclose(a, b, rel_tol=SAME_REL_TOL, abs_tol=0.0)
    return bool(_said(a) != _said(b))


def _said(value: Any) -> Any:
    """A message (or a list of them) as the words it says: two bases that read the same are the
    same, though an argument moved in its fourth digit (1.054 x 6N and 1.045 x 6N both say 1.05)."""
    if is_message(value):
        return value["text"]
    if isinstance(value, list):
        return [_said(item) for item in value]
    return value


def diff_recommendations(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[FieldChange]:
    """The fields of :data:`RECOMMENDATION_FIELDS` that differ between two plans, in that order."""
    changes = []
    for path, kind in RECOMMENDATION_FIELDS:
        old, new = value_at(a, path), value_at(b, path)
        if _differs(old, new):
            said = (_message_at(a, path), _message_at(b, path))
            changes.append(
                FieldChange(
                    path,
                    old,
                    new,
                    _change(old, new, kind),
                    kind,
                    messages=said if any(m is not None for m in said) else None,
                )
            )
    return changes


def _message_at(plan: Mapping[str, Any], path: str) -> Any:
    """The message kept beside the text at ``path`` (``<parent>.messages.<key>``), or None."""
    parent, _, key = path.rpartition(".")
    holder = value_at(plan, parent) if parent else plan
    if not isinstance(holder, Mapping):
        return None
    return (holder.get("messages") or {}).get(key)


def compare(
    inputs_a: Mapping[str, Any] | None,
    inputs_b: Mapping[str, Any] | None,
    plan_a: Mapping[str, Any] | None,
    plan_b: Mapping[str, Any] | None,
) -> Comparison:
    """Inputs and recommendation of A against B (a plan of ``None``: no recommendation diff)."""
    moved = [] if plan_a is None or plan_b is None else diff_recommendations(plan_a, plan_b)
    return Comparison(diff_inputs(inputs_a, inputs_b), moved)
