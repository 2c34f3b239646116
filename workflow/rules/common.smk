# Shared definitions: every input checked up front, the scenario list, the config sections of each
# step, the code each step runs, and input functions.
import os
import sys
from pathlib import Path

from llmplan.core.errors import LlmplanError
from llmplan.inputs.settings import Settings, section
from llmplan.report.fonts import require_fonts
from llmplan.io.provenance import code_version, template_closure
from llmplan.plan.check import check_inputs

SCENARIO_DIR = config["scenario_dir"]
CATALOG_DIR = "data/catalog"

try:
    SCENARIO_LAWS = check_inputs(SCENARIO_DIR, CATALOG_DIR, config)
except LlmplanError as err:
    sys.exit(f"llmplan: error: {err}")
SCENARIOS = list(SCENARIO_LAWS)
# Report languages: English always, then the others of report.languages (plan.zh.html, ...).
LANGUAGES = Settings.from_config(config).languages
SUFFIXES = ["" if code == "en" else f".{code}" for code in LANGUAGES]
try:
    require_fonts(LANGUAGES)
except LlmplanError as err:
    sys.exit(f"llmplan: error: {err}")
FITS = sorted(config["fits"])
CATALOG_FILES = sorted(str(p) for p in Path(CATALOG_DIR).glob("*.yaml"))


# relative to the working directory, so that moving the repository reruns nothing
TEMPLATE_DIR = Path(os.path.relpath(Path(workflow.basedir) / "workflow" / "templates"))


def step_code(*modules):
    """Hash of the library code run by a step: its module and what it imports, transitively.

    Rules take it as a param, so editing a chart reruns only the reports that draw it.
    """
    return code_version(["llmplan.steps.runner", *modules])


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
