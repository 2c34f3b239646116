"""A CSV text as columns of strings: one pass of the standard csv module, in linear time.

pandas' reader pads a short row with empty values and takes a row with one value too many for an
index column, shifting every value of the row into the wrong column; here either is an error
naming the row. Only the wanted columns are kept.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pandas as pd

from llmplan.core.errors import InputError, Where
from llmplan.core.text import shorten


def read_columns(
    text: str,
    source: str,
    wanted: Sequence[str | None],
    *,
    max_rows: int,
    max_columns: int,
) -> tuple[pd.DataFrame, list[str], list[int]]:
    """The ``wanted`` columns of a CSV text as strings, the header, and each row's file line.

    Refuses (naming the file and line) more than ``max_columns`` columns, more than ``max_rows``
    rows (without reading further), a row with another number of values than the header has,
    and text the csv module cannot read (an unclosed quote). Blank lines are skipped.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip() for h in next(reader, None) or []]
        if not any(header):
            raise InputError(
                Where(source, line=1), "the header row is empty", expected="column names"
            )
        if len(header) > max_columns:
            raise InputError(
                Where(source, line=1),
                f"the header has {len(header):,} columns",
                expected=f"at most {max_columns} columns",
            )
        names = sorted({n for n in wanted if n is not None and n in header}, key=header.index)
        rows: list[list[str]] = []
        lines: list[int] = []
        add_row, add_line = rows.append, lines.append
        width = len(header)
        for row in reader:
            if len(row) != width:
                if not row or (width > 1 and len(row) == 1 and not row[0].strip()):
                    continue  # a blank line
                raise InputError(
                    Where(source, entry=f"row {len(lines) + 1}", line=reader.line_num),
                    f"the row has {len(row)} values and the header {width} columns",
                    expected="as many values in every row as columns in the header",
                )
            add_row(row)
            add_line(reader.line_num)
            if len(rows) > max_rows:
                raise InputError(
                    Where(source, line=reader.line_num),
                    f"more than {max_rows:,} rows",
                    expected=f"at most {max_rows:,} rows (keep fewer checkpoints per run)",
                )
    except csv.Error as err:
        raise InputError(
            Where(source, line=reader.line_num), f"not a readable CSV ({shorten(str(err), 100)})"
        ) from None
    columns = {n: pd.Series([r[header.index(n)] for r in rows], dtype=object) for n in names}
    return pd.DataFrame(columns).reindex(range(len(rows))), header, lines
