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
    p.add_argument("--config", default="config/config.yaml", help="config file")
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


def run_check(args: argparse.Namespace) -> int:
    from llmplan.inputs.catalog import load_catalog
    from llmplan.inputs.scenario import load_scenario, scenario_name
    from llmplan.inputs.settings import Settings, known_law_ids
    from llmplan.ladder.spec import LADDER_DIR, check_ladders
    from llmplan.laws.registry import KNOWN_IDS
    from llmplan.plan.check import check_config, check_inputs

    config = check_config(args.config) if Path(args.config).exists() else {}
    if not args.scenarios:
        names = check_inputs(args.scenario_dir, args.catalog, config)
        ladders = check_ladders(LADDER_DIR, fits=sorted(config.get("fits") or {}))
        print(
            f"ok: {args.config}, {args.catalog}, {len(names)} scenarios in {args.scenario_dir}, "
            f"{len(ladders)} ladders in {LADDER_DIR}"
        )
        return 0
    files = [scenario_file(arg, args.scenario_dir) for arg in args.scenarios]
    catalog = load_catalog(args.catalog)
    settings = Settings.from_config(config)
    for path in files:
        scenario_name(path)
        load_scenario(
            path,
            hardware=catalog.hardware,
            settings=settings,
            known_laws=known_law_ids(config, KNOWN_IDS),
        )
    print(f"ok: {args.config}, {args.catalog}, " + ", ".join(str(f) for f in files))
    return 0
