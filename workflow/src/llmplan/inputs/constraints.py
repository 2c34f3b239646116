"""The constraints of a real plan: largest model, unique data, lifetime inference tokens."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from llmplan.core.errors import ErrorCollector, InputError, Where, unknown_choice
from llmplan.core.units import parse_quantity
from llmplan.inputs.bounds import CONSTRAINT_RANGES

CONSTRAINT_KEYS: Final = ("max_params", "unique_tokens", "inference_tokens")


@dataclass(frozen=True)
class Constraints:
    """Limits of a real plan; ``None`` means unconstrained."""

    max_params: float | None = None
    unique_tokens: float | None = None
    inference_tokens: float | None = None


#: A plan without constraints.
NO_CONSTRAINTS: Final = Constraints()


def parse_constraints(spec: Mapping[str, Any] | None, where: Where) -> Constraints:
    """Read a scenario's ``constraints:`` mapping (quantities such as ``"30B"``).

    Raises
    ------
    InputError
        For a non-mapping, an unknown key or a malformed quantity.
    """
    if spec is None:
        return Constraints()
    if not isinstance(spec, Mapping):
        raise InputError(
            where,
            f"found {spec!r}",
            expected="a mapping such as {max_params: 30B, unique_tokens: 1T}",
        )
    errors = ErrorCollector()
    for key in spec:
        if key not in CONSTRAINT_KEYS:
            errors.add(unknown_choice(where, "constraint", key, CONSTRAINT_KEYS))
    values: dict[str, float | None] = {}
    for key in CONSTRAINT_KEYS:
        values[key] = None
        if spec.get(key) is None:
            continue
        low, high = CONSTRAINT_RANGES[key]
        with errors.checking():
            values[key] = parse_quantity(
                spec[key],
                where.at(key),
                kind="count",
                allow_zero=key == "inference_tokens",
                at_least=low or None,
                at_most=high,
            )
    errors.raise_if_any()
    return Constraints(**values)
