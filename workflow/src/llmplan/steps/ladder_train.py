"""Rule ``ladder_train``: train one run of a ladder for real and write its rows.

The run config comes as a param (the ladder designed when the DAG was built), so a job reruns
only when its own run changes. Needs the optional extra ``train`` (torch); the rule asks for
``gpu`` resources so a cluster profile can give it one (``profiles/slurm``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from llmplan.core.errors import InputError, Where
from llmplan.train.config import run_config_from_dict


def write_run_rows(
    config: Mapping[str, Any], out_csv: Path | str, *, train_log: Path | str, ladder: str
) -> None:
    """Train the run ``config`` (a run config mapping) and write its rows to ``out_csv``; the
    trainer's log (one line per evaluation) goes to ``train_log``."""
    run = run_config_from_dict(config, source=f"config/ladders/{ladder}.yaml (run {config['run']})")
    try:
        from llmplan.train.session import train_to_csv
    except ImportError as err:
        raise InputError(
            Where(f"config/ladders/{ladder}.yaml"),
            f"training needs the 'train' extra ({err.name} is missing)",
            hint="Install it with `pip install -e '.[train]'` (README, Calibrate your own law)",
        ) from None
    train_to_csv([run], out_csv, log_path=train_log, progress=True, label=f"ladder {ladder}")
