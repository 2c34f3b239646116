# Shared definitions: every input checked up front, the scenario list, the config sections of each
# step, the code each step runs, and input functions.
import functools
import os
import sys
from argparse import Namespace
from pathlib import Path

from llmplan.core.errors import LlmplanError, error_lines
from llmplan.ladder.document import run_configs
from llmplan.ladder.spec import check_ladders, read_ladder, scenario_of
from llmplan.steps.ladder import design_from_files
from llmplan.inputs.settings import Settings, section
from llmplan.io.keep import failure_marker, job_key
from llmplan.report.fonts import require_fonts
from llmplan.report.i18n import catalog_file, locale_dir
from llmplan.io.provenance import code_version, template_closure
from llmplan.plan.check import check_inputs
from llmplan.sweep.spec import check_sweeps

SCENARIO_DIR = config["scenario_dir"]
CATALOG_DIR = "data/catalog"

try:
    SCENARIO_LAWS = check_inputs(SCENARIO_DIR, CATALOG_DIR, config)
except LlmplanError as err:
    sys.exit("\n".join(error_lines(err)))
SCENARIOS = list(SCENARIO_LAWS)
# Sweeps (config/sweeps/<name>.yaml): checked like scenarios; each is planned in a few shards.
SWEEP_DIR = config["sweep_dir"]
try:
    SWEEP_PLANS = check_sweeps(SWEEP_DIR, CATALOG_DIR, config)
except LlmplanError as err:
    sys.exit("\n".join(error_lines(err)))
SWEEPS = list(SWEEP_PLANS)
# Report languages: English always, then the others of report.languages (plan.zh.html, ...).
LANGUAGES = Settings.from_config(config).languages
SUFFIXES = ["" if code == "en" else f".{code}" for code in LANGUAGES]
try:
    require_fonts(LANGUAGES)
except LlmplanError as err:
    sys.exit("\n".join(error_lines(err)))
FITS = sorted(config["fits"])
CATALOG_FILES = sorted(str(p) for p in Path(CATALOG_DIR).glob("*.yaml"))


# relative to the working directory, so that moving the repository reruns nothing
TEMPLATE_DIR = Path(os.path.relpath(Path(workflow.basedir) / "workflow" / "templates"))


def step_code(*modules):
    """Hash of the library code run by a step: its module and what it imports, transitively.

    Rules take it as a param, so editing a chart reruns only the reports that draw it.
    """
    return code_version(["llmplan.steps.runner", *modules])


def previous_failure(rule):
    """A param of ``rule``: its job's failure marker (llmplan.io.keep), a new value after each
    failed attempt, so that the next run retries the job rather than take its kept outputs for
    the attempt's results."""

    def get_previous_failure(wildcards):
        return failure_marker(job_key(rule, wildcards))

    return get_previous_failure


def get_template_dir(wildcards, input):
    """The folder of a report's templates (the folder of its first template input)."""
    return str(Path(input.templates[0]).parent)


# The message catalog of each further report language, an input of every report rule: editing
# a translation reruns the reports.
TRANSLATIONS = [
    str(catalog_file(code, locale_dir(TEMPLATE_DIR)))
    for code in LANGUAGES
    if code != "en"
]


def templates(*names):
    """A report's templates and every template they extend or include (its inputs)."""
    return [str(p) for p in template_closure(names, TEMPLATE_DIR)]


# The config sections each step reads (only those: other edits do not rerun it).
SETTINGS = {
    "catalog": section(config, "tokens_per_param", "assumptions"),
    "plan": {
        **section(
            config,
            "laws",
            "primary_law",
            "tokens_per_param",
            "assumptions",
            "inference_loss_tolerance",
        ),
        "fits": {name: {} for name in FITS},
    },
    "sweep": {
        **section(
            config,
            "laws",
            "primary_law",
            "tokens_per_param",
            "assumptions",
            "inference_loss_tolerance",
            "sweeps",
        ),
        "fits": {name: {} for name in FITS},
    },
    "catalog_report": section(config, "report", "tokens_per_param", "assumptions"),
    "report": section(config, "report"),
}


def get_catalog_dir(wildcards, input):
    """The catalog folder (the folder of the first catalog file)."""
    return str(Path(input.catalog[0]).parent)


def get_scenario_file(wildcards):
    return f"{SCENARIO_DIR}/{wildcards.scenario}.yaml"


def get_plan_jsons(wildcards):
    return expand("reports/scenarios/{scenario}/plan.json", scenario=SCENARIOS)


def get_scenario_fits(wildcards):
    """fit.json of every fit:<dataset> law the scenario compares."""
    return [
        f"reports/fits/{law.removeprefix('fit:')}/fit.json"
        for law in SCENARIO_LAWS[wildcards.scenario]
        if law.startswith("fit:")
    ]


def get_runs_csv(wildcards):
    """The runs CSV of a dataset: the user's file, the generated synthetic sweep, or a ladder's
    gathered runs."""
    if wildcards.dataset in LADDERS:
        return f"reports/ladders/{wildcards.dataset}/runs.csv"
    spec = config["fits"][wildcards.dataset]
    if "path" in spec:
        return spec["path"]
    return f"reports/fits/{wildcards.dataset}/runs.csv"


def get_synthetic_spec(wildcards):
    return config["fits"][wildcards.dataset]["synthetic"]


def get_fit_spec(wildcards):
    if wildcards.dataset in LADDERS:
        return get_ladder_fit_spec(wildcards.dataset)
    return config["fits"][wildcards.dataset]


def get_fit_jsons(wildcards):
    return expand("reports/fits/{dataset}/fit.json", dataset=FITS)


def get_sweep_file(wildcards):
    return f"{SWEEP_DIR}/{wildcards.sweep}.yaml"


def get_sweep_shard_count(wildcards):
    """How many jobs plan a sweep (sweeps.points_per_shard, sweeps.max_shards)."""
    return SWEEP_PLANS[wildcards.sweep].shards


def get_sweep_shards(wildcards):
    return expand(
        "reports/sweeps/{sweep}/shards/{shard}.csv",
        sweep=wildcards.sweep,
        shard=range(SWEEP_PLANS[wildcards.sweep].shards),
    )


def get_sweep_fits(wildcards):
    """fit.json of every fit:<dataset> law a sweep's points use."""
    return [
        f"reports/fits/{law.removeprefix('fit:')}/fit.json"
        for law in SWEEP_PLANS[wildcards.sweep].laws
        if law.startswith("fit:")
    ]


def get_sweep_jsons(wildcards):
    return expand("reports/sweeps/{sweep}/sweep.json", sweep=SWEEPS)


# sweeps whose file asks for the planning reports of its frontier points (point_reports: frontier)
POINT_REPORT_SWEEPS = [
    name for name, p in SWEEP_PLANS.items() if p.point_reports == "frontier"
]


# Scaling ladders (config/ladders/<name>.yaml): named targets ladder_<name>, never part of
# `rule all`. Each file is checked here; a ladder is designed only when one of its targets is
# asked for (designed_ladder), which gives every ladder_train job its own run config as a param.
LADDER_DIR = "config/ladders"
try:
    LADDERS = check_ladders(LADDER_DIR, fits=FITS)
except LlmplanError as err:
    sys.exit("\n".join(error_lines(err)))
SETTINGS["ladder"] = section(config, "primary_law")


def get_ladder_file(wildcards):
    return f"{LADDER_DIR}/{wildcards.ladder}.yaml"


def get_ladder_scenario(wildcards):
    """The scenario file a ladder's target names (none for a target in FLOPs)."""
    name = scenario_of(read_ladder(get_ladder_file(wildcards)))
    if name is None:
        return []
    return [name if name.endswith(".yaml") else f"{SCENARIO_DIR}/{name}.yaml"]


@functools.cache
def designed_ladder(ladder):
    """Spec and run configs (by run id) of a ladder, designed once per workflow run."""
    wildcards = Namespace(ladder=ladder)
    scenario = get_ladder_scenario(wildcards)
    try:
        spec, design = design_from_files(
            get_ladder_file(wildcards),
            name=ladder,
            config=SETTINGS["ladder"],
            catalog_dir=CATALOG_DIR,
            scenario_path=scenario[0] if scenario else None,
        )
    except LlmplanError as err:
        sys.exit("\n".join(error_lines(err)))
    configs = {c.run: c.to_dict() for c in run_configs(design, spec).values()}
    return spec, configs


def get_ladder_rows(wildcards):
    """The rows CSV of every run of a ladder."""
    _, configs = designed_ladder(wildcards.ladder)
    return expand(
        "reports/ladders/{ladder}/rows/{run}.csv", ladder=wildcards.ladder, run=configs
    )


def get_run_config(wildcards):
    """The run config of one ladder_train job (a param: the job reruns when it changes)."""
    _, configs = designed_ladder(wildcards.ladder)
    if wildcards.run not in configs:
        sys.exit(
            f"llmplan: error: ladder '{wildcards.ladder}' has no run '{wildcards.run}'; its runs "
            f"are {', '.join(configs)}."
        )
    return configs[wildcards.run]


def get_train_threads(wildcards):
    return get_run_config(wildcards)["threads"]


def get_ladder_fit_spec(ladder):
    """The fits.<name> entry the fit rules read for a ladder: its runs, fit options, and the
    budgets its allocation is tabled at (the target and two decades below it)."""
    spec, _ = designed_ladder(ladder)
    return {
        "path": f"reports/ladders/{ladder}/runs.csv",
        "bootstrap": spec.fit_bootstrap,
        "seed": spec.fit_seed,
        "drop_highest_loss": 0,
        "budgets": [spec.target_flops / 100, spec.target_flops / 10, spec.target_flops],
    }
