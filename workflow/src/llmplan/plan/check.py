"""Every input the workflow reads, checked before any job runs; the settings the CLI uses.

Snakemake calls :func:`check_config` before it reads ``config/config.yaml`` and
:func:`check_inputs` when it builds the DAG, so a mistake in any input stops the run before a
single output is touched, with one line per mistake naming the file, line, entry and field.
``llmplan check`` runs the same functions. Every mistake is reported, in every file, as a compiler
does (:class:`~llmplan.core.errors.InputErrors`).

What a job reads and these checks cover: the config sections (through the schema, law ids and the
primary law), the catalog (every field, including the text the charts print), every scenario, and
every runs CSV of ``fits:`` (read and validated as the fit step reads it, and fittable). What can
still fail inside a job (a full disk, a bug) leaves the previous outputs in place
(:mod:`llmplan.io.keep`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from llmplan.core.errors import ErrorCollector, InputError, Where, unknown_choice
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.scenario import load_scenario, scenario_document, scenario_name
from llmplan.inputs.settings import Settings, defaults, known_law_ids, read_config
from llmplan.io.runs_csv import read_dataset_runs
from llmplan.io.yamldoc import read_text
from llmplan.laws.registry import KNOWN_IDS

#: Where the command line looks for the project's settings (relative to the working directory).
CONFIG_FILE: Final = Path("config/config.yaml")


def check_config(path: Path | str = CONFIG_FILE) -> dict[str, Any]:
    """``config/config.yaml`` validated, with file, line and field in every message."""
    return read_config(path, builtin_laws=KNOWN_IDS)


def load_settings(path: Path | str | None = None) -> Settings:
    """Settings of the project in the working directory, as the workflow reads them.

    ``path`` (default ``config/config.yaml``, whose absence means the schema's defaults); a path
    given explicitly must be a config file.
    """
    if path is None:
        if not CONFIG_FILE.exists():
            return defaults()
        path = CONFIG_FILE
    return Settings.from_config(check_config(path))


def check_settings(config: Mapping[str, Any], where: Where) -> Settings:
    """Settings of the merged config (files and ``--config``): law ids known, primary law among
    the laws. ``config/config.yaml`` was checked with its lines first; this catches what the
    merge of several config files, or values given with ``--config``, brings."""
    known = known_law_ids(config, KNOWN_IDS)
    settings = Settings.from_config(config)
    errors = ErrorCollector()
    for i, law in enumerate(settings.laws):
        if law not in known:
            errors.add(unknown_choice(where.at(f"laws[{i}]"), "law id", law, known))
    if settings.primary_law not in known:
        errors.add(unknown_choice(where.at("primary_law"), "law id", settings.primary_law, known))
    elif settings.primary_law not in settings.laws:
        errors.add(
            InputError(
                where.at("primary_law"),
                f"the primary law '{settings.primary_law}' is not among laws",
                expected="primary_law one of " + ", ".join(settings.laws),
            )
        )
    errors.raise_if_any()
    return settings


def check_runs(config: Mapping[str, Any], errors: ErrorCollector) -> None:
    """Every runs CSV of ``fits:``, read and validated exactly as the fit step reads it."""
    for name, spec in sorted((config.get("fits") or {}).items()):
        if "path" in spec:
            with errors.checking():
                read_dataset_runs(spec["path"], dataset=name, spec=spec)


def check_inputs(
    scenario_dir: Path | str,
    catalog_dir: Path | str,
    config: Mapping[str, Any],
    *,
    only: list[Path] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Validate the runs CSVs, the catalog and every scenario (or ``only`` these scenario
    files) before any job runs; report every mistake at once.

    Returns
    -------
    dict
        Scenario name to the law ids it compares (the workflow needs the fits they use).
    """
    errors = ErrorCollector()
    settings = None
    with errors.checking():
        settings = check_settings(config, Where("config"))
    check_runs(config, errors)
    catalog = None
    with errors.checking():
        catalog = load_catalog(catalog_dir)
    known = known_law_ids(config, KNOWN_IDS)
    laws: dict[str, tuple[str, ...]] = {}
    files = only if only is not None else _scenario_files(Path(scenario_dir), errors)
    for path in files:
        with errors.checking():
            scenario_name(path)
            if catalog is None or settings is None:
                # the scenario's own mistakes, without the checks that need the catalog
                scenario_document(read_text(path, str(path)), str(path))
                continue
            scenario = load_scenario(
                path, hardware=catalog.hardware, settings=settings, known_laws=known
            )
            laws[scenario.name] = scenario.laws
    errors.raise_if_any()
    return dict(sorted(laws.items()))


def _scenario_files(scenario_dir: Path, errors: ErrorCollector) -> list[Path]:
    """The scenario files of the folder; stray .yml files and names equal but for case are
    mistakes."""
    if not scenario_dir.is_dir():
        errors.add(
            InputError(
                Where(str(scenario_dir)),
                "the scenario folder does not exist"
                if not scenario_dir.exists()
                else "not a folder",
                expected="a folder of <name>.yaml files (scenario_dir in config/config.yaml)",
            )
        )
        return []
    for stray in sorted(scenario_dir.glob("*.yml")):
        errors.add(
            InputError(
                Where(str(stray)),
                "scenario files must end in .yaml",
                expected=f"{stray.with_suffix('.yaml').name}",
            )
        )
    names: dict[str, str] = {}
    files = []
    for path in sorted(scenario_dir.glob("*.yaml")):
        name = path.stem
        if name.lower() in names:
            errors.add(
                InputError(
                    Where(str(path)),
                    f"scenario '{name}' differs from '{names[name.lower()]}' only by case",
                    expected="names that stay distinct on case-insensitive file systems",
                )
            )
            continue
        names[name.lower()] = name
        files.append(path)
    return files
