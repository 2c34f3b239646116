"""Rule ``sweep_shard``: one slice of a sweep's points planned as arrays, into a CSV."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from llmplan.inputs.catalog import Catalog
from llmplan.inputs.settings import Settings, known_law_ids
from llmplan.io.jsonio import read_json, write_atomic
from llmplan.io.schema import with_defaults
from llmplan.laws.fitted import read_fitted_laws
from llmplan.laws.registry import KNOWN_IDS
from llmplan.sweep.grid import shard_range
from llmplan.sweep.plan import plan_points
from llmplan.sweep.spec import Sweep, load_sweep


def read_sweep(
    sweep_path: Path | str, catalog_json: Path | str, config: Mapping[str, Any]
) -> tuple[Sweep, Catalog]:
    """The sweep checked against the normalised catalog, as the workflow checked it."""
    catalog = Catalog.from_dict(read_json(catalog_json)["normalised"])
    sweep = load_sweep(
        sweep_path,
        hardware=catalog.hardware,
        settings=Settings.from_config(config),
        known_laws=known_law_ids(config, KNOWN_IDS),
        max_points=int(with_defaults(dict(config), "config")["sweeps"]["max_points"]),
    )
    return sweep, catalog


def read_shard(path: Path | str) -> pd.DataFrame:
    """A shard CSV as written by :func:`write_shard`: floats read back exactly (pandas 3 parses
    them so by default and deprecates asking; pandas 2 must be asked), empty cells NaN, then text
    again in the text columns."""
    exact = {} if int(pd.__version__.split(".")[0]) >= 3 else {"float_precision": "round_trip"}
    text = ("law", "hardware", "loss_law", "binding")  # read as text: a column may be all empty
    table = pd.read_csv(
        path, keep_default_na=False, na_values=[""], dtype=dict.fromkeys(text, str), **exact
    )
    for column in text:
        table[column] = table[column].fillna("").astype(str)
    return table


def write_shard(
    sweep_path: Path | str,
    catalog_json: Path | str,
    out_csv: Path | str,
    *,
    shard: int,
    shards: int,
    config: Mapping[str, Any],
    fit_jsons: Mapping[str, Path | str] | None = None,
) -> None:
    """Plan points [start, stop) of shard ``shard`` of ``shards``; ``config`` holds the sections
    planning reads (laws, assumptions, inference_loss_tolerance, sweeps, fits)."""
    sweep, _ = read_sweep(sweep_path, catalog_json, config)
    start, stop = shard_range(sweep.n_points, shards, shard)
    table = plan_points(
        sweep,
        inference_loss_tolerance=Settings.from_config(config).inference_loss_tolerance,
        fitted=read_fitted_laws((fit_jsons or {}).values()),
        start=start,
        stop=stop,
    )
    write_atomic(out_csv, table.to_csv(index=False, lineterminator="\n"))
