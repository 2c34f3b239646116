"""JSON as llmplan writes it: deterministic, without NaN, and written atomically.

Every output is written to a temporary file beside it and renamed over the target, so an
interrupted run leaves the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def clean(value: Any) -> Any:
    """JSON-ready copy: NaN and inf become None, tuples lists, numpy scalars plain numbers."""
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):  # numpy scalar or array
        return clean(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(data: Any) -> str:
    """Deterministic JSON text (key order as built, no NaN), ending in a newline."""
    return json.dumps(clean(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write ``content`` to ``path`` via a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        if isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_json(path: Path | str) -> Any:
    """A JSON file written by an earlier step."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
