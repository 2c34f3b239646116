# Shared definitions: every input checked up front, the scenario list, the config sections of each
# step, the code each step runs, and input functions.
import os
import sys
from pathlib import Path

from llmplan.core.errors import LlmplanError, error_lines
from llmplan.inputs.settings import Settings, section
from llmplan.io.keep import failure_marker, job_key
from llmplan.report.fonts import require_fonts
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
    """The runs CSV of a dataset: the user's file, or the generated synthetic sweep."""
    spec = config["fits"][wildcards.dataset]
    if "path" in spec:
        return spec["path"]
    return f"reports/fits/{wildcards.dataset}/runs.csv"


def get_synthetic_spec(wildcards):
    return config["fits"][wildcards.dataset]["synthetic"]


def get_fit_spec(wildcards):
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
