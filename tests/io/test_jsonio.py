"""JSON as llmplan writes it: no NaN, numpy values as plain numbers, atomic replacement."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from llmplan.io.jsonio import clean, dumps, read_json, write_atomic


def test_clean_turns_non_finite_into_null_and_numpy_into_plain() -> None:
    data = {"a": math.nan, "b": (1, np.float64(2.5)), 3: np.array([1.0, np.inf]), "c": np.int64(7)}
    assert clean(data) == {"a": None, "b": [1, 2.5], "3": [1.0, None], "c": 7}
    text = dumps(data)
    assert "NaN" not in text and text.endswith("\n")
    assert json.loads(text)["b"] == [1, 2.5]


def test_write_atomic_replaces_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "out.json"
    write_atomic(target, dumps({"x": 1}))
    write_atomic(target, dumps({"x": 2}))
    assert read_json(target) == {"x": 2}
    assert [p.name for p in target.parent.iterdir()] == ["out.json"]
