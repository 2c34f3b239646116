"""A sweep's points: the Cartesian product of its factors, addressed by number.

A factor is one grid key, or a ``zip:`` group of keys that vary together (the i-th value of each).
Points are numbered as :func:`itertools.product` orders them, the factors in the order the file
writes them and the last one fastest: point p has digit

    d_j = (p // s_j) mod L_j,   s_j = L_{j+1} x ... x L_{k-1}

in factor j of length L_j. A shard or a single point is computed from its numbers alone, so a
million-point sweep is never held as a list of mappings.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Axis:
    """One grid key: its values as written (None: the field left out) and their lines."""

    key: str
    entries: tuple[Any, ...]
    lines: tuple[int | None, ...]
    #: the values as numbers in the field's unit (NaN: left out), for the fields planned as arrays
    numbers: np.ndarray | None = None

    @property
    def numeric(self) -> bool:
        return self.numbers is not None


@dataclass(frozen=True)
class Factor:
    """Grid keys that vary together (one key, or a zip group) and how many values they take."""

    keys: tuple[str, ...]
    size: int
    #: whether a key of the factor changes what cannot be planned as an array (law, hardware, ...)
    structural: bool


def strides(sizes: Sequence[int]) -> np.ndarray:
    """s_j = L_{j+1} x ... x L_{k-1}: how many points one step of factor j skips."""
    out = np.ones(len(sizes), dtype=np.int64)
    for j in range(len(sizes) - 2, -1, -1):
        out[j] = out[j + 1] * sizes[j + 1]
    return out


def digits(factors: Sequence[Factor], points: np.ndarray) -> np.ndarray:
    """The value index of every factor at each point: an array of shape (points, factors)."""
    sizes = [f.size for f in factors]
    p = np.asarray(points, dtype=np.int64)[:, None]
    return (p // strides(sizes)[None, :]) % np.asarray(sizes, dtype=np.int64)[None, :]


def count(factors: Sequence[Factor]) -> int:
    """Number of points (a Python int: no overflow however large the grid)."""
    total = 1
    for factor in factors:
        total *= factor.size
    return total


def shard_range(n_points: int, shards: int, shard: int) -> tuple[int, int]:
    """Points [start, stop) of shard ``shard`` of ``shards`` (contiguous, sizes differ by <= 1)."""
    base, extra = divmod(n_points, shards)
    start = shard * base + min(shard, extra)
    return start, start + base + (1 if shard < extra else 0)


def set_path(spec: dict[str, Any], key: str, value: Any) -> None:
    """Set the dotted field ``key`` of a scenario mapping; None removes it."""
    parts = key.split(".")
    node = spec
    for part in parts[:-1]:
        child = node.get(part)
        if not isinstance(child, dict):
            if value is None:
                return
            child = {}
            node[part] = child
        node = child
    if value is None:
        node.pop(parts[-1], None)
    else:
        node[parts[-1]] = copy.deepcopy(value)


def substituted(base: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with each dotted field of ``values`` set (None: removed)."""
    spec = copy.deepcopy(dict(base))
    for key, value in values.items():
        set_path(spec, key, value)
    return spec
