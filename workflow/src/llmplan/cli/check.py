"""``llmplan check``: validate the config, the catalog and scenarios without building anything.

The same checks ``snakemake`` runs before its first job (:func:`llmplan.plan.check.check_config`
and :func:`llmplan.plan.check.check_inputs`), for one scenario or all of them; a mistake prints one
paragraph naming the file, line, entry and field, and exits with code 2.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from llmplan.core.errors import InputError, Where

DEFAULT_SCENARIOS = "config/scenarios"
DEFAULT_CONFIG = "config/config.yaml"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "check",
        help="validate config, catalog and scenarios (what snakemake checks before any job)",
        description=(
            "Validate config/config.yaml, the catalog and scenarios, and print what was checked. "
            "SCENARIO is a scenario name (config/scenarios/<name>.yaml) or a path to a .yaml "
            "file; without one, every scenario is checked."
        ),
    )
    p.add_argument("scenarios", nargs="*", metavar="SCENARIO", help="scenario names or files")
    p.add_argument("--config", default=DEFAULT_CONFIG, help="config file")
    p.add_argument("--catalog", default="data/catalog", help="catalog directory")
    p.add_argument("--scenario-dir", default=DEFAULT_SCENARIOS, help="scenario directory")
    p.set_defaults(func=run_check)


def scenario_file(arg: str, scenario_dir: Path | str = DEFAULT_SCENARIOS) -> Path:
    """The file of a scenario given by name or path; a name that could leave the folder is refused.

    ``my-plan`` means ``config/scenarios/my-plan.yaml``; ``path/to/x.yaml`` is that file (its
    report folder is still ``reports/scenarios/x/``). ``../../etc`` is neither and is refused.
    """
    from llmplan.inputs.scenario import NAME_PATTERN

    if arg.endswith(".yaml"):
        return Path(arg)
    if not NAME_PATTERN.match(arg):
        raise InputError(
            Where("command line", field="SCENARIO"),
            f"found {arg!r}, which is not a scenario name",
            expected="a name of letters, digits, '-' and '_' (the file "
            f"{scenario_dir}/<name>.yaml), or the path of a .yaml file",
        )
    return Path(scenario_dir) / f"{arg}.yaml"


def _count(n: int, noun: str) -> str:
    """``1 sweep``, ``2 sweeps``."""
    return f"{n} {noun}" + ("" if n == 1 else "s")


def run_check(args: argparse.Namespace) -> int:
    """Exactly the workflow's checks: :func:`~llmplan.plan.check.check_config` of the config
    file, then :func:`~llmplan.plan.check.check_inputs` (every scenario, or those named); every
    mistake is printed, one line each."""
    from llmplan.core.errors import ErrorCollector
    from llmplan.inputs.settings import Settings
    from llmplan.plan.check import check_config, check_inputs
    from llmplan.report.fonts import require_fonts

    errors = ErrorCollector()
    config: dict[str, Any] = {}
    if args.config != DEFAULT_CONFIG or Path(args.config).exists():
        with errors.checking():
            config = check_config(args.config)
    files = None
    if args.scenarios:
        files = []
        for arg in args.scenarios:
            with errors.checking():
                files.append(scenario_file(arg, args.scenario_dir))
    if errors.errors:  # the inputs are not checked against a config that is itself wrong
        errors.raise_if_any()
    with errors.checking():
        names = check_inputs(args.scenario_dir, args.catalog, config, only=files)
    sweeps: dict[str, Any] = {}
    ladders: dict[str, Any] = {}
    if files is None:  # as workflow/rules/common.smk: the sweeps and ladders, then the fonts
        from llmplan.io.schema import with_defaults
        from llmplan.ladder.spec import LADDER_DIR, check_ladders
        from llmplan.sweep.spec import check_sweeps

        with errors.checking():
            sweep_dir = with_defaults(dict(config), "config")["sweep_dir"]
            sweeps = check_sweeps(sweep_dir, args.catalog, config)
        with errors.checking():
            ladders = check_ladders(LADDER_DIR, fits=sorted(config.get("fits") or {}))
    with errors.checking():
        require_fonts(Settings.from_config(config).languages)
    errors.raise_if_any()
    checked = (
        f"{_count(len(names), 'scenario')} in {args.scenario_dir}, "
        f"{_count(len(sweeps), 'sweep')}, {_count(len(ladders), 'ladder')} in config/ladders"
        if files is None
        else ", ".join(str(f) for f in files)
    )
    print(f"ok: {args.config}, {args.catalog}, {checked}")
    return 0
