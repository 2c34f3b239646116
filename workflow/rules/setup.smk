# Runs before `configfile:` reads config/config.yaml: the llmplan library on the path, and the
# config checked by llmplan, so that a mistake in it names the file, line and field (Snakemake's
# own reader gives no line for a YAML error, and validate() prints a jsonschema dump).
import os
import sys
from pathlib import Path

# The llmplan library of this checkout, for the Snakefile and for every script it runs, even if
# another copy is installed in the environment.
LLMPLAN_SRC = str(Path(workflow.basedir) / "workflow" / "src")
sys.path.insert(0, LLMPLAN_SRC)
os.environ.update(
    PYTHONPATH=os.pathsep.join(
        p for p in (LLMPLAN_SRC, os.environ.get("PYTHONPATH")) if p
    )
)

from llmplan.errors import LlmplanError
from llmplan.pipeline import check_config

try:
    for _configfile in ["config/config.yaml", *workflow.overwrite_configfiles]:
        if Path(_configfile).exists():
            check_config(_configfile)
except LlmplanError as err:
    sys.exit(f"llmplan: error: {err}")
