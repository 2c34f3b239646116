"""Snakemake script of rule history: see llmplan.steps.history."""

from pathlib import Path

from llmplan.steps.history import write_history
from llmplan.steps.runner import run_step

run_step(
    write_history,
    snakemake.input.scenario,
    snakemake.input.plan,
    snakemake.input.catalog,
    snakemake.output.json,
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    log=snakemake.log[0],
)
