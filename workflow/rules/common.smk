# Shared definitions: the scenario list (every input checked up front) and input functions.
# The library is on the path already (setup.smk).
import sys
from pathlib import Path

from llmplan.errors import LlmplanError
from llmplan.pipeline import check_inputs, code_version

try:
    SCENARIO_LAWS = check_inputs("config/scenarios", "data/catalog", config)
except LlmplanError as err:
    sys.exit(f"llmplan: error: {err}")
SCENARIOS = list(SCENARIO_LAWS)
FITS = sorted(config.get("fits") or {})
CATALOG_FILES = sorted(str(p) for p in Path("data/catalog").glob("*.yaml"))
# Outputs depend on the code that computes and renders them: rules take this hash as a param,
# so a change of the library or a template reruns what it affects.
CODE_VERSION = code_version(Path(LLMPLAN_SRC, "llmplan"), "workflow/templates")


wildcard_constraints:
    scenario="[A-Za-z0-9][A-Za-z0-9_-]*",
    dataset="[A-Za-z0-9][A-Za-z0-9_-]*",


def get_scenario_file(wildcards):
    return f"config/scenarios/{wildcards.scenario}.yaml"


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
