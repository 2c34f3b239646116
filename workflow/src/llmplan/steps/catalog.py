"""Rule ``catalog``: load, validate and normalise the catalog into ``catalog.json``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.catalog.tables import catalog_json, model_table
from llmplan.catalog.trends import compute_vs_year, tokens_vs_params
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import dumps, write_atomic
from llmplan.io.provenance import provenance, sha256_files
from llmplan.laws.registry import all_laws


def write_catalog(
    catalog_dir: Path | str, out_json: Path | str, *, config: Mapping[str, Any]
) -> None:
    """``catalog.json``: derived tables and trends, and under ``normalised`` the validated entries
    (what later steps rebuild the catalog from).

    ``config`` holds the sections this step reads: ``tokens_per_param`` and ``assumptions``.
    """
    settings = Settings.from_config(config)
    catalog = load_catalog(catalog_dir)
    laws = all_laws(tokens_per_param=settings.tokens_per_param)
    data = catalog_json(catalog, laws, mfu=settings.assumptions.mfu)
    table = model_table(catalog, laws)
    data["trends"] = {
        "tokens_vs_params": tokens_vs_params(table).to_dict(),
        "compute_vs_year": compute_vs_year(table).to_dict(),
    }
    data["normalised"] = catalog.to_dict()
    data["provenance"] = provenance(
        {"catalog": sha256_files(sorted(Path(catalog_dir).glob("*.yaml")))}
    )
    write_atomic(out_json, dumps(data))
