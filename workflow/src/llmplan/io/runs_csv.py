"""Scaling-experiment runs: read and validate a runs table.

A run (or checkpoint) has N parameters, D training tokens, C training FLOPs and a final loss
in nats per token, with an optional run id and step. Where only C is given, D = C / (6 N), and
where only D is given, C = 6 N D (Kaplan et al. 2020, arXiv:2001.08361, eq. 2.1; Hoffmann et al.
2022, arXiv:2203.15556, s3). Where both are given they must agree with C = 6 N D within a factor
of :data:`C_TOLERANCE`: a thousandfold disagreement means C or D is in other units.

Reading is bounded (:mod:`llmplan.io.files`: a regular file of at most 64 MiB) and linear in the
file: :data:`MAX_RUN_ROWS` rows and :data:`MAX_COLUMNS` columns at most, only the mapped columns
kept, every check vectorised. Every kind of mistake is reported (the first bad row of each column,
with how many more there are), not only the first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN
from llmplan.core.errors import ErrorCollector, InputError, Where
from llmplan.core.text import PRINTABLE, refused_char, shorten
from llmplan.io.csv_table import read_columns
from llmplan.io.files import MAX_CSV_BYTES, decode_text, read_bytes

#: Canonical columns of a runs table, in order.
COLUMNS: Final = ("N", "D", "C", "loss", "run", "step")
NUMERIC: Final = ("N", "D", "C", "loss")

#: Epoch AI dropped the 5 highest-loss points of the Chinchilla Figure 4 data
#: (Besiroglu et al. 2024, arXiv:2404.10102, s2).
EPOCH_DROPPED: Final = 5

#: Column names of Epoch AI's extraction of Hoffmann et al.'s Figure 4.
EPOCH_COLUMNS: Final = {"N": "Model Size", "C": "Training FLOP"}

#: Most rows of a runs table (every checkpoint of a large sweep; thin finer logs first).
MAX_RUN_ROWS: Final = 200_000
#: Most columns of a runs table (exports of experiment trackers have a few dozen).
MAX_COLUMNS: Final = 200
#: Fewest rows approach 3 can fit: five parameters need at least six points.
MIN_FIT_POINTS: Final = 6
#: C and 6 N D, where both are given, may differ by at most this factor (embedding and attention
#: FLOPs make C exceed 6 N D by a few tens of percent for small models; Hoffmann et al. 2022,
#: App. F).
C_TOLERANCE: Final = 4.0
#: Largest sensible value of each numeric column: parameters, tokens, FLOPs, and loss in nats per
#: token (a uniform guess over a vocabulary of a million tokens has loss ln 1e6 = 13.8; the first
#: checkpoints of a small model, or a fitted law extrapolated to a few tokens, go higher, but a
#: "loss" above 50 is a perplexity, or bits, or a sum over a sequence).
MAXIMA: Final = {"N": 1e15, "D": 1e17, "C": 1e32, "loss": 50.0, "step": 1e12}
#: Most characters of a run id.
MAX_RUN_ID_CHARS: Final = 200


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
                f"cannot read {shorten(text[pos:])!r}",
                expected=f'NAME=COLUMN pairs separated by commas (N="Model Size",C="Training '
                f'FLOP"), NAME one of {", ".join(COLUMNS)}',
            )
        value = next(g for g in match.group(2, 3, 4) if g is not None).strip()
        out[match.group(1)] = value
        pos = match.end()
    return out


_PAIR: Final = re.compile(r"""\s*(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^,]+))\s*(?:,|$)""")


def _listing(names: Sequence[str]) -> str:
    text = ", ".join(shorten(str(n), 40) for n in names[:20])
    return text + (f", ... ({len(names)} columns)" if len(names) > 20 else "")


def _column_names(
    available: Sequence[str], mapping: Mapping[str, str], source: str
) -> dict[str, str | None]:
    """Canonical name -> the table's column, or None where absent (and not required)."""
    for key in mapping:
        if key not in COLUMNS:
            raise InputError(
                Where(source, field=key),
                f"unknown runs column '{shorten(str(key), 40)}' in the column mapping",
                expected=f"one of {', '.join(COLUMNS)}",
            )
    errors = ErrorCollector()
    names: dict[str, str | None] = {}
    for key in COLUMNS:
        name = mapping.get(key, key)
        names[key] = name if name in available else None
        if name in available and list(available).count(name) > 1:
            errors.add(
                InputError(
                    Where(source, field=name, line=1),
                    f"column '{shorten(name, 40)}' appears {list(available).count(name)} times",
                    expected="each column name once in the header",
                )
            )
        elif key in mapping and name not in available:
            errors.add(
                InputError(
                    Where(source, field=name, line=1),
                    f"column '{shorten(name, 40)}' (mapped to {key}) is missing",
                    expected=f"one of the columns {_listing(available)}",
                )
            )
    for key in ("N", "loss"):
        if names[key] is None and key not in mapping:
            errors.add(
                InputError(
                    Where(source, field=key, line=1),
                    f"column '{key}' is missing",
                    expected=f"a column '{key}' or a mapping such as --columns {key}=\"...\"; "
                    f"found {_listing(available)}",
                )
            )
    if names["D"] is None and names["C"] is None and not {"C", "D"} & set(mapping):
        errors.add(
            InputError(
                Where(source, field="D", line=1),
                "neither tokens D nor FLOPs C is given",
                expected=f"a column 'D' or 'C' (or a mapping); found {_listing(available)}",
            )
        )
    errors.raise_if_any()
    return names


def validate_runs(
    frame: pd.DataFrame,
    *,
    source: str = "runs",
    columns: Mapping[str, str] | None = None,
    header_lines: int = 1,
    lines: Sequence[int] | None = None,
    available: Sequence[str] | None = None,
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
    lines
        The file line of each row, where rows and lines do not match one to one.
    available
        Every column of the file (default: the frame's), for messages.

    Raises
    ------
    InputError
        Naming the file, the row and the column: empty table, missing column, a value that is
        not a number, not positive, NaN, infinite or beyond :data:`MAXIMA`, C and 6 N D far apart,
        a run id that is too long or holds control characters; several at once as
        :class:`~llmplan.core.errors.InputErrors`.
    """
    header = [str(c) for c in (available if available is not None else frame.columns)]
    names = _column_names(header, dict(columns or {}), source)
    if len(frame) == 0:
        raise InputError(Where(source), "the runs table has no rows", expected="one row per run")
    if lines is None:
        lines = np.arange(len(frame)) + 1 + header_lines
    errors = ErrorCollector()
    out = pd.DataFrame(index=range(len(frame)))
    for key in (*NUMERIC, "step"):
        name = names[key]
        if name is not None:
            with errors.checking():
                out[key] = _numeric(frame[name], source=source, name=name, key=key, lines=lines)
    if names["run"] is not None:
        with errors.checking():
            _check_run_ids(frame[names["run"]], source=source, name=names["run"], lines=lines)
    errors.raise_if_any()
    if "D" not in out:
        out["D"] = out["C"] / (FLOPS_PER_PARAM_TOKEN * out["N"])
    elif "C" in out:
        _check_compute(out, source=source, names=names, lines=lines)
    if "C" not in out:
        out["C"] = FLOPS_PER_PARAM_TOKEN * out["N"] * out["D"]
    out["run"] = (
        frame[names["run"]].astype("string").reset_index(drop=True)
        if names["run"] is not None
        else pd.Series(pd.NA, index=out.index, dtype="string")
    )
    if "step" not in out:
        out["step"] = np.nan
    out = out[list(COLUMNS)]
    out.attrs["source"] = source
    return out


def _where(source: str, k: int, name: str, lines: Sequence[int]) -> Where:
    return Where(source, entry=f"row {k + 1}", field=name, line=int(lines[k]))


def _more(count: int) -> str | None:
    return f"{count - 1:,} more rows of this column are wrong too" if count > 1 else None


def _numeric(
    values: pd.Series, *, source: str, name: str, key: str, lines: Sequence[int]
) -> pd.Series:
    raw = values.reset_index(drop=True)
    try:  # the fast path: every value a number (float() also reads ' 1.5', 'nan', 'inf')
        numbers = pd.Series(np.asarray(raw.to_numpy(), dtype=float))
    except (TypeError, ValueError):
        numbers = pd.to_numeric(raw, errors="coerce").astype(float)
    top = MAXIMA[key]
    good = np.isfinite(numbers.to_numpy()) & (numbers.to_numpy() > 0)
    high = good & (numbers.to_numpy() > top)
    bad = ~good | high
    if not bad.any():
        return numbers
    k = int(np.argmax(bad))
    where = _where(source, k, name, lines)
    hint = _more(int(bad.sum()))
    text, value = raw.iloc[k], numbers.iloc[k]
    shown = shorten(str(text), 40)
    if high[k]:
        extra = " (is it a perplexity? give the loss in nats per token)" if key == "loss" else ""
        raise InputError(
            where,
            f"{shown} is above the largest sensible value {top:g}{extra}",
            expected=f"a positive number up to {top:g}",
            hint=hint,
        )
    if pd.isna(text) or str(text).strip() == "":
        raise InputError(where, "the value is empty", expected="a positive number", hint=hint)
    if np.isnan(value) and str(text).strip().lower() not in {"nan", "+nan", "-nan"}:
        raise InputError(
            where, f"'{shown}' is not a number", expected="a positive number", hint=hint
        )
    if not np.isfinite(value):
        raise InputError(
            where, f"'{shown}' is not finite", expected="a positive finite number", hint=hint
        )
    raise InputError(where, f"{shown} is not positive", expected="a positive number", hint=hint)


def _check_run_ids(values: pd.Series, *, source: str, name: str, lines: Sequence[int]) -> None:
    texts = values.astype(str).reset_index(drop=True)
    long = texts.str.len().to_numpy() > MAX_RUN_ID_CHARS
    if long.any():
        k = int(np.argmax(long))
        raise InputError(
            _where(source, k, name, lines),
            f"a run id of {len(texts.iloc[k]):,} characters",
            expected=f"at most {MAX_RUN_ID_CHARS} characters",
            hint=_more(int(long.sum())),
        )
    control = texts.str.contains(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    if control.any():
        k = int(np.argmax(control.to_numpy()))
        raise InputError(
            _where(source, k, name, lines),
            f"the run id holds {refused_char(texts.iloc[k])}",
            expected=PRINTABLE,
            hint=_more(int(control.sum())),
        )


def _check_compute(
    out: pd.DataFrame, *, source: str, names: Mapping[str, str | None], lines: Sequence[int]
) -> None:
    """C against 6 N D where both C and D are given."""
    ratio = (out["C"] / (FLOPS_PER_PARAM_TOKEN * out["N"] * out["D"])).to_numpy()
    bad = (ratio > C_TOLERANCE) | (ratio < 1 / C_TOLERANCE)
    if not bad.any():
        return
    k = int(np.argmax(bad))
    six_nd = FLOPS_PER_PARAM_TOKEN * out["N"].iloc[k] * out["D"].iloc[k]
    factor = ratio[k] if ratio[k] >= 1 else 1 / ratio[k]
    times = f"{factor:,.0f}" if factor >= 100 else f"{factor:.3g}"
    raise InputError(
        _where(source, k, str(names["C"]), lines),
        f"C = {out['C'].iloc[k]:.3g} is {times} times {'more' if ratio[k] > 1 else 'less'} "
        f"than 6 N D = {six_nd:.3g}",
        expected=f"C close to 6 N D (within a factor of {C_TOLERANCE:g}; Kaplan et al. 2020, "
        "eq. 2.1): are C in FLOPs and D in tokens?",
        hint=_more(int(bad.sum())),
    )


def read_runs(
    path: Path | str,
    *,
    columns: Mapping[str, str] | None = None,
    drop_highest: int = 0,
    display: str | None = None,
    where: Where | None = None,
) -> pd.DataFrame:
    """Read and validate a runs CSV (see :func:`validate_runs`), then drop the ``drop_highest``
    highest-loss rows (Epoch AI dropped 5 from the Chinchilla data).

    ``where`` names the file in errors about the file itself (the config entry or flag that
    names it); errors inside the file name the file as ``display`` (default: the path).
    """
    source = display or str(path)
    at = where or Where(source)
    text = decode_text(read_bytes(path, at, limit=MAX_CSV_BYTES, what="a runs CSV"), at)
    if not text.strip():
        raise InputError(at, "the file is empty", expected="a CSV with a header row")
    if "\x00" in text:
        raise InputError(at, "the file holds NUL bytes", expected="a text CSV")
    mapping = dict(columns or {})
    wanted = [mapping.get(key, key) for key in COLUMNS]
    frame, header, lines = read_columns(
        text, source, wanted, max_rows=MAX_RUN_ROWS, max_columns=MAX_COLUMNS
    )
    runs = validate_runs(frame, source=source, columns=columns, lines=lines, available=header)
    return drop_highest_loss(runs, drop_highest)


def drop_highest_loss(
    runs: pd.DataFrame, count: int, *, where: Where | None = None
) -> pd.DataFrame:
    """The runs without the ``count`` rows of highest loss (order of the others kept)."""
    where = where or Where(runs.attrs.get("source", "runs"), field="drop_highest_loss")
    if count < 0:
        raise InputError(where, f"found {count} rows", expected="0 or more")
    if count == 0:
        return runs
    if count >= len(runs):
        raise InputError(
            where,
            f"dropping {count:,} of {len(runs):,} rows leaves nothing to fit",
            expected=f"fewer than {len(runs):,}",
        )
    keep = runs["loss"].rank(method="first", ascending=False) > count
    out = runs[keep].reset_index(drop=True)
    out.attrs = dict(runs.attrs)
    return out


def require_fittable(runs: pd.DataFrame, where: Where) -> None:
    """Refuse a table approach 3 cannot fit: fewer than :data:`MIN_FIT_POINTS` rows, a single
    model size or token count (the exponents alpha, beta are then undetermined), or a single
    loss (nothing to fit)."""
    if len(runs) < MIN_FIT_POINTS:
        raise InputError(
            where,
            f"{len(runs)} rows cannot determine the 5 parameters of L(N, D)",
            expected=f"at least {MIN_FIT_POINTS} runs",
        )
    for key, what in (("N", "model size"), ("D", "token count"), ("loss", "loss")):
        if runs[key].nunique() < 2:
            raise InputError(
                Where(where.file, where.entry, key, where.line),
                f"every row has the same {what}",
                expected="runs of at least two sizes N and two token counts D, with losses "
                "that differ",
            )


def read_dataset_runs(
    runs_csv: Path | str, *, dataset: str, spec: Mapping[str, Any]
) -> pd.DataFrame:
    """The runs of a ``fits.<dataset>`` config entry (``spec``), as the fit stage and the
    up-front check read them: validated, highest losses dropped, fittable."""
    entry = Where("config/config.yaml", entry=f"fits.{dataset}")
    shown = spec.get("path") or f"synthetic sweep fits.{dataset}"
    runs = read_runs(
        runs_csv,
        columns=spec.get("columns"),
        display=shown,
        where=Where(str(shown), field=None) if spec.get("path") else entry,
    )
    runs = drop_highest_loss(
        runs, int(spec.get("drop_highest_loss", 0)), where=entry.at("drop_highest_loss")
    )
    require_fittable(runs, Where(str(shown)))
    return runs
