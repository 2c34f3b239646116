"""Every input the workflow reads, checked before any job runs; the settings the CLI uses.

Snakemake calls :func:`check_config` before it reads ``config/config.yaml`` and
:func:`check_inputs` when it builds the DAG, so a mistake in any input stops the run before a
single output is touched, with one message naming the file, line, entry and field.
``llmplan check`` runs the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.scenario import load_scenario, scenario_name
from llmplan.inputs.settings import Settings, defaults, known_law_ids, read_config
from llmplan.laws.registry import KNOWN_IDS

#: Where the command line looks for the project's settings (relative to the working directory).
CONFIG_FILE: Final = Path("config/config.yaml")


def check_config(path: Path | str = CONFIG_FILE) -> dict[str, Any]:
    """``config/config.yaml`` validated, with file, line and field in every message."""
    return read_config(path, builtin_laws=KNOWN_IDS)


def load_settings(path: Path | str | None = None) -> Settings:
    """Settings of the project in the working directory, as the workflow reads them.

    ``path`` (default ``config/config.yaml``); without a config file, the schema's defaults.
    """
    path = Path(path) if path is not None else CONFIG_FILE
    if not path.is_file():
        return defaults()
    return Settings.from_config(check_config(path))


def check_inputs(
    scenario_dir: Path | str, catalog_dir: Path | str, config: Mapping[str, Any]
) -> dict[str, tuple[str, ...]]:
    """Validate the catalog and every scenario before any job runs.

    Returns
    -------
    dict
        Scenario name to the law ids it compares (the workflow needs the fits they use).
    """
    for name, spec in sorted((config.get("fits") or {}).items()):
        if "path" in spec and not Path(spec["path"]).is_file():
            raise InputError(
                Where("config/config.yaml", entry=f"fits.{name}", field="path"),
                f"runs file '{spec['path']}' not found",
                expected="a CSV path relative to the repository",
            )
    known = known_law_ids(config, KNOWN_IDS)
    catalog = load_catalog(catalog_dir)
    settings = Settings.from_config(config)
    for i, law in enumerate(settings.laws):  # config/config.yaml is checked with its lines first;
        if law not in known:  # this catches law ids given with --config
            raise unknown_choice(Where("config", field=f"laws[{i}]"), "law id", law, known)
    scenario_dir = Path(scenario_dir)
    for stray in sorted(scenario_dir.glob("*.yml")):
        raise InputError(
            Where(str(stray)),
            "scenario files must end in .yaml",
            expected=f"{stray.with_suffix('.yaml').name}",
        )
    names: dict[str, str] = {}
    laws: dict[str, tuple[str, ...]] = {}
    for path in sorted(scenario_dir.glob("*.yaml")):
        name = scenario_name(path)
        if name.lower() in names:
            raise InputError(
                Where(str(path)),
                f"scenario '{name}' differs from '{names[name.lower()]}' only by case",
                expected="names that stay distinct on case-insensitive file systems",
            )
        names[name.lower()] = name
        scenario = load_scenario(
            path, hardware=catalog.hardware, settings=settings, known_laws=known
        )
        laws[name] = scenario.laws
    return dict(sorted(laws.items()))
