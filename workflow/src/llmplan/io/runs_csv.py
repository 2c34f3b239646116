"""Scaling-experiment runs: read and validate a runs table.

A run (or checkpoint) has N parameters, D training tokens, C training FLOPs and a final loss
in nats per token, with an optional run id and step. Where only C is given, D = C / (6 N), and
where only D is given, C = 6 N D (Kaplan et al. 2020, arXiv:2001.08361, eq. 2.1; Hoffmann et al.
2022, arXiv:2203.15556, s3).

"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN
from llmplan.core.errors import InputError, Where

#: Canonical columns of a runs table, in order.
COLUMNS: Final = ("N", "D", "C", "loss", "run", "step")
NUMERIC: Final = ("N", "D", "C", "loss")

#: Epoch AI dropped the 5 highest-loss points of the Chinchilla Figure 4 data
#: (Besiroglu et al. 2024, arXiv:2404.10102, s2).
EPOCH_DROPPED: Final = 5

#: Column names of Epoch AI's extraction of Hoffmann et al.'s Figure 4.
EPOCH_COLUMNS: Final = {"N": "Model Size", "C": "Training FLOP"}


def parse_columns(text: str, *, where: Where | None = None) -> dict[str, str]:
    """``N="Model Size",C="Training FLOP"`` -> ``{"N": "Model Size", "C": "Training FLOP"}``."""
    where = where or Where("command line", field="--columns")
    out: dict[str, str] = {}
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _PAIR.match(text, pos)
        if not match or match.group(1) not in COLUMNS:
            raise InputError(
                where,
                f"cannot read '{text[pos:]}'",
                expected=f'NAME=COLUMN pairs separated by commas (N="Model Size",C="Training '
                f'FLOP"), NAME one of {", ".join(COLUMNS)}',
            )
        value = next(g for g in match.group(2, 3, 4) if g is not None).strip()
        out[match.group(1)] = value
        pos = match.end()
    return out


_PAIR: Final = re.compile(r"""\s*(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^,]+))\s*(?:,|$)""")


def validate_runs(
    frame: pd.DataFrame,
    *,
    source: str = "runs",
    columns: Mapping[str, str] | None = None,
    header_lines: int = 1,
) -> pd.DataFrame:
    """A validated runs table with columns N, D, C, loss, run, step (run and step may be NA).

    Parameters
    ----------
    frame
        The table as read, with any column names; values may be strings.
    source
        File name for messages.
    columns
        Canonical name -> column in ``frame`` (``{"N": "Model Size"}``); unmapped names are
        looked up as themselves.
    header_lines
        Lines before the first data row, to report file line numbers (1 for a CSV header).

    Raises
    ------
    InputError
        Naming the file, the row and the column: empty table, missing column, a value that is
        not a number, not positive, NaN or infinite.
    """
    mapping = dict(columns or {})
    for key in mapping:
        if key not in COLUMNS:
            raise InputError(
                Where(source, field=key),
                f"unknown runs column '{key}' in the column mapping",
                expected=f"one of {', '.join(COLUMNS)}",
            )
    if len(frame) == 0:
        raise InputError(Where(source), "the runs table has no rows", expected="one row per run")
    available = [str(c) for c in frame.columns]

    def column(key: str) -> str | None:
        name = mapping.get(key, key)
        if name in available:
            return name
        if key in mapping:
            raise InputError(
                Where(source, field=name),
                f"column '{name}' (mapped to {key}) is missing",
                expected=f"one of the columns {', '.join(available)}",
            )
        return None

    names = {key: column(key) for key in COLUMNS}
    for key in ("N", "loss"):
        if names[key] is None:
            raise InputError(
                Where(source, field=key),
                f"column '{key}' is missing",
                expected=f"a column '{key}' or a mapping such as --columns {key}=\"...\"; "
                f"found {', '.join(available)}",
            )
    if names["D"] is None and names["C"] is None:
        raise InputError(
            Where(source, field="D"),
            "neither tokens D nor FLOPs C is given",
            expected=f"a column 'D' or 'C' (or a mapping); found {', '.join(available)}",
        )

    out = pd.DataFrame(index=range(len(frame)))
    for key in NUMERIC:
        name = names[key]
        if name is None:
            continue
        out[key] = _numeric(frame[name], source=source, name=name, header_lines=header_lines)
    if "D" not in out:
        out["D"] = out["C"] / (FLOPS_PER_PARAM_TOKEN * out["N"])
    if "C" not in out:
        out["C"] = FLOPS_PER_PARAM_TOKEN * out["N"] * out["D"]
    run_name, step_name = names["run"], names["step"]
    out["run"] = (
        frame[run_name].astype("string").reset_index(drop=True)
        if run_name is not None
        else pd.Series(pd.NA, index=out.index, dtype="string")
    )
    out["step"] = (
        _numeric(frame[step_name], source=source, name=step_name, header_lines=header_lines)
        if step_name is not None
        else np.nan
    )
    out = out[list(COLUMNS)]
    out.attrs["source"] = source
    return out


def _numeric(values: pd.Series, *, source: str, name: str, header_lines: int) -> pd.Series:
    raw = values.reset_index(drop=True)
    numbers = pd.to_numeric(raw, errors="coerce").astype(float)
    for k in range(len(raw)):
        value = numbers.iloc[k]
        if np.isfinite(value) and value > 0:
            continue
        where = Where(source, entry=f"row {k + 1}", field=name, line=k + 1 + header_lines)
        text = raw.iloc[k]
        if pd.isna(text) or str(text).strip() == "":
            raise InputError(where, "the value is empty", expected="a positive number")
        if np.isnan(value) and str(text).strip().lower() not in {"nan", "+nan", "-nan"}:
            raise InputError(where, f"'{text}' is not a number", expected="a positive number")
        if not np.isfinite(value):
            raise InputError(where, f"'{text}' is not finite", expected="a positive finite number")
        raise InputError(where, f"{text} is not positive", expected="a positive number")
    return numbers


def read_runs(
    path: Path | str,
    *,
    columns: Mapping[str, str] | None = None,
    drop_highest: int = 0,
    display: str | None = None,
) -> pd.DataFrame:
    """Read and validate a runs CSV (see :func:`validate_runs`), then drop the ``drop_highest``
    highest-loss rows (Epoch AI dropped 5 from the Chinchilla data)."""
    path = Path(path)
    source = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(Where(source), f"cannot read the file ({err.strerror})") from None
    if not text.strip():
        raise InputError(Where(source), "the file is empty", expected="a CSV with a header row")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(Where(source), f"not a readable CSV ({err})") from None
    runs = validate_runs(frame, source=source, columns=columns)
    return drop_highest_loss(runs, drop_highest)


def drop_highest_loss(runs: pd.DataFrame, count: int) -> pd.DataFrame:
    """The runs without the ``count`` rows of highest loss (order of the others kept)."""
    if count < 0:
        raise InputError(Where("drop-highest-loss"), f"{count} rows", expected="0 or more")
    if count == 0:
        return runs
    if count >= len(runs):
        raise InputError(
            Where(runs.attrs.get("source", "runs"), field="loss"),
            f"dropping {count} of {len(runs)} rows leaves nothing to fit",
        )
    keep = runs["loss"].rank(method="first", ascending=False) > count
    out = runs[keep].reset_index(drop=True)
    out.attrs = dict(runs.attrs)
    return out


def read_dataset_runs(
    runs_csv: Path | str, *, dataset: str, spec: Mapping[str, Any]
) -> pd.DataFrame:
    """The runs of a ``fits.<dataset>`` config entry (``spec``), as the fit stage reads them."""
    shown = spec.get("path") or f"synthetic sweep fits.{dataset}"
    return read_runs(
        runs_csv,
        columns=spec.get("columns"),
        drop_highest=int(spec.get("drop_highest_loss", 0)),
        display=shown,
    )
