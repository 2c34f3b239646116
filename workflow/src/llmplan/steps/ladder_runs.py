"""Rule ``ladder_runs``: the rows of every run of a ladder gathered into its ``runs.csv``.

Only rows of kind ``final`` (the end of an annealed schedule: a run's own end or a cooldown
branch) are kept: the points an IsoFLOP fit reads (Hoffmann et al. 2022, arXiv:2203.15556,
s3.2). Rows are sorted by compute, then size.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from llmplan.io.jsonio import write_atomic


def write_ladder_runs(rows_csvs: Sequence[Path | str], out_csv: Path | str) -> None:
    """Concatenate the runs' rows, keep ``kind == final``, sort, write ``out_csv``."""
    table = pd.concat([pd.read_csv(path) for path in rows_csvs], ignore_index=True)
    table = table[table["kind"] == "final"].sort_values(["C", "N"], kind="stable")
    write_atomic(out_csv, table.to_csv(index=False, float_format="%.10g"))
