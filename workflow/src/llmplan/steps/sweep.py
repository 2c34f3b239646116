"""Rule ``sweep``: a sweep's shards gathered into ``points.csv`` (every point, with whether it is
on the efficient frontier) and ``sweep.json`` (what its report shows)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import dumps, read_json, write_atomic
from llmplan.io.provenance import provenance, sha256_file
from llmplan.io.schema import with_defaults
from llmplan.laws.fitted import read_fitted_laws
from llmplan.steps.sweep_shard import read_shard, read_sweep
from llmplan.sweep.document import build_document, on_frontier
from llmplan.sweep.plan import group_law


def write_sweep(
    sweep_path: Path | str,
    catalog_json: Path | str,
    shard_csvs: Sequence[Path | str],
    out_json: Path | str,
    out_csv: Path | str,
    *,
    config: Mapping[str, Any],
    fit_jsons: Mapping[str, Path | str] | None = None,
) -> None:
    """Concatenate the shards in order, mark the frontier, write the table and the document."""
    sweep, _ = read_sweep(sweep_path, catalog_json, config)
    table = pd.concat([read_shard(p) for p in shard_csvs], ignore_index=True)
    if len(table) != sweep.n_points or not (table["point"].to_numpy() == range(len(table))).all():
        raise RuntimeError(f"shards hold {len(table)} points of {sweep.n_points}, or out of order")
    table["on_frontier"] = on_frontier(sweep, table)
    catalog = read_json(catalog_json)
    inputs = {
        "sweep": sweep.sha256,
        "catalog": catalog.get("provenance", {}).get("inputs_sha256", {}).get("catalog"),
    }
    for name, path in sorted((fit_jsons or {}).items()):
        inputs[f"fit:{name}"] = sha256_file(path)
    settings = Settings.from_config(config)
    document = build_document(
        sweep,
        table,
        tolerance=settings.inference_loss_tolerance,
        provenance=provenance(inputs),
        max_point_reports=int(with_defaults(dict(config), "config")["sweeps"]["max_point_reports"]),
    )
    document["hardware_names"] = {
        hw["id"]: hw["name"]
        for hw in catalog["normalised"]["hardware"]
        if hw["id"] in document["hardware"]
    }
    fitted = read_fitted_laws((fit_jsons or {}).values())
    laws = [group_law(group, fitted).describe() for group in sweep.groups]
    # each law the points were planned under, by name: one id may have several (a ratio per group)
    document["law_names"] = list(
        {law["name"]: {k: law[k] for k in ("id", "name", "messages")} for law in laws}.values()
    )
    write_atomic(out_csv, table.to_csv(index=False, lineterminator="\n"))
    write_atomic(out_json, dumps(document))
