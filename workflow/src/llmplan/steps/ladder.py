"""Rule ``ladder_design``: a ladder file designed into ``ladder.json`` and one run config per run.

The workflow also designs a ladder when it builds the DAG (:func:`design_from_files`), to know
its runs and give each ``ladder_train`` job its own config as a param: a job reruns only when
its own run changes. ``llmplan ladder --out DIR`` writes the same files (:func:`write_ladder_files`).
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.scenario import load_scenario
from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import dumps, write_atomic
from llmplan.io.provenance import provenance, sha256_file
from llmplan.ladder.design import Ladder
from llmplan.ladder.document import ladder_document, run_configs
from llmplan.ladder.spec import LadderSpec, ladder_spec, make_ladder, read_ladder

#: The folder of run configs inside a ladder's output folder.
CONFIGS = "configs"


def design_from_files(
    ladder_yaml: Path | str,
    *,
    name: str,
    config: Mapping[str, Any],
    catalog_dir: Path | str,
    scenario_path: Path | str | None = None,
) -> tuple[LadderSpec, Ladder]:
    """The spec and design of ladder ``name``; ``config`` holds the sections the design reads
    (``primary_law``); ``scenario_path`` is the scenario its target names, if any."""
    settings = Settings.from_config(config)
    doc = read_ladder(ladder_yaml)
    scenario = None
    if scenario_path is not None:
        hardware = load_catalog(catalog_dir).hardware
        scenario = load_scenario(scenario_path, hardware=hardware, settings=settings)
    spec = ladder_spec(doc, settings=settings, scenario=scenario, name=name)
    return spec, make_ladder(spec)


def write_ladder_files(
    ladder: Ladder, spec: LadderSpec, out_dir: Path | str, *, extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Write ``ladder.json`` (with every run config under ``configs``) and ``configs/<run>.json``;
    return the document. Configs of an earlier design are removed."""
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
    out_json: Path | str,
    *,
    name: str,
    config: Mapping[str, Any],
    catalog_dir: Path | str,
    scenario_path: Path | str | None = None,
) -> None:
    """``ladder.json`` and ``configs/`` beside it (see :func:`design_from_files`)."""
    spec, ladder = design_from_files(
        ladder_yaml, name=name, config=config, catalog_dir=catalog_dir, scenario_path=scenario_path
    )
    inputs = {"ladder": sha256_file(ladder_yaml)}
    if scenario_path is not None:
        inputs["scenario"] = sha256_file(scenario_path)
    write_ladder_files(
        ladder, spec, Path(out_json).parent, extra={"provenance": provenance(inputs)}
    )
