"""Rule ``ladder_design``: a ladder file designed into ``ladder.json`` and one run config per run.

``llmplan ladder --out DIR`` writes the same files (:func:`write_ladder_files`).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.inputs.catalog import Catalog
from llmplan.inputs.scenario import load_scenario
from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import dumps, read_json, write_atomic
from llmplan.io.provenance import provenance, sha256_file
from llmplan.ladder.design import Ladder
from llmplan.ladder.document import ladder_document, run_configs
from llmplan.ladder.spec import LadderSpec, ladder_spec, make_ladder, read_ladder

#: The folder of run configs inside a ladder's output folder.
CONFIGS = "configs"


def write_ladder_files(
    ladder: Ladder, spec: LadderSpec, out_dir: Path | str, *, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Write ``ladder.json`` (with every run config under ``configs``) and ``configs/<run>.json``;
    return the document. Stale configs of an earlier design are removed."""
    out = Path(out_dir)
    configs = {name: config.to_dict() for name, config in run_configs(ladder, spec).items()}
    folder = out / CONFIGS
    if folder.is_dir():
        shutil.rmtree(folder)
    for name, config in configs.items():
        write_atomic(folder / name, dumps(config))
    doc = {**ladder_document(ladder, spec), "configs": configs, **(extra or {})}
    write_atomic(out / "ladder.json", dumps(doc))
    return doc


def write_ladder(
    ladder_yaml: Path | str,
    catalog_json: Path | str,
    out_json: Path | str,
    *,
    name: str,
    config: Mapping[str, Any],
    scenario_path: Path | str | None = None,
) -> None:
    """Design ladder ``name`` from its file; ``config`` holds the sections the design reads
    (``primary_law``); ``scenario_path`` is the scenario its target names, if any."""
    settings = Settings.from_config(config)
    doc = read_ladder(ladder_yaml)
    scenario = None
    inputs = {"ladder": sha256_file(ladder_yaml)}
    if scenario_path is not None:
        catalog = Catalog.from_dict(read_json(catalog_json)["normalised"])
        scenario = load_scenario(scenario_path, hardware=catalog.hardware, settings=settings)
        inputs["scenario"] = sha256_file(scenario_path)
    spec = ladder_spec(doc, settings=settings, scenario=scenario, name=name)
    ladder = make_ladder(spec)
    write_ladder_files(
        ladder, spec, Path(out_json).parent, extra={"provenance": provenance(inputs)}
    )
