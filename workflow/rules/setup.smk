# Runs before `configfile:` reads config/config.yaml: the llmplan library must be installed (the
# README's set-up does `pip install -e .`), and the config is checked by llmplan, so that a mistake
# in it names the file, line and field (Snakemake's own reader gives no line for a YAML error, and
# validate() prints a jsonschema dump).
import sys
from pathlib import Path

try:
    from llmplan.core.errors import LlmplanError
    from llmplan.plan.check import check_config
except ImportError as err:
    sys.exit(
        f"llmplan: error: the llmplan library is not installed in this Python ({err}); "
        "run `pip install -e .` in the repository (README, Quick start)."
    )

try:
    for _configfile in ["config/config.yaml", *workflow.overwrite_configfiles]:
        if Path(_configfile).exists():
            check_config(_configfile)
except LlmplanError as err:
    sys.exit(f"llmplan: error: {err}")
