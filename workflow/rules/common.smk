# Shared definitions: the scenario list (every input checked up front) and input functions.
# The library is on the path already (setup.smk).
import sys
from pathlib import Path

from llmplan.errors import LlmplanError
from llmplan.pipeline import check_inputs

try:
    SCENARIOS = check_inputs("config/scenarios", "data/catalog", config)
except LlmplanError as err:
    sys.exit(f"llmplan: error: {err}")
CATALOG_FILES = sorted(str(p) for p in Path("data/catalog").glob("*.yaml"))
# Outputs depend on the code that computes and renders them: a change reruns what it affects.
LIBRARY_FILES = sorted(str(p) for p in Path(LLMPLAN_SRC, "llmplan").glob("*.py"))
TEMPLATE_FILES = sorted(str(p) for p in Path("workflow/templates").glob("*.j2"))


wildcard_constraints:
    scenario="[A-Za-z0-9][A-Za-z0-9_-]*",


def get_scenario_file(wildcards):
    return f"config/scenarios/{wildcards.scenario}.yaml"


def get_plan_jsons(wildcards):
    return expand("reports/scenarios/{scenario}/plan.json", scenario=SCENARIOS)
