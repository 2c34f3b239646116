# Runs before `configfile:` reads config/config.yaml: the llmplan library must be installed (the
# README's set-up does `pip install -e .`), and the config is checked by llmplan, so that a mistake
# in it names the file, line and field (Snakemake's own reader gives no line for a YAML error, and
# validate() prints a jsonschema dump).
import sys
from pathlib import Path

try:
    from llmplan.core.errors import ErrorCollector, LlmplanError, error_lines
    from llmplan.plan.check import check_config
except ImportError as err:
    sys.exit(
        f"llmplan: error: the llmplan library is not installed in this Python ({err}); "
        "run `pip install -e .` in the repository (README, Quick start)."
    )

_errors = ErrorCollector()
for _configfile in ["config/config.yaml", *workflow.overwrite_configfiles]:
    if _configfile != "config/config.yaml" or Path(_configfile).exists():
        with _errors.checking():
            check_config(_configfile)
try:
    _errors.raise_if_any()
except LlmplanError as err:
    sys.exit("\n".join(error_lines(err)))
