"""Snakemake script of rule plan: see llmplan.steps.plan."""

from pathlib import Path

from llmplan.steps.plan import write_plan
from llmplan.steps.runner import run_step

run_step(
    write_plan,
    snakemake.input.scenario,
    snakemake.input.catalog,
    snakemake.output.json,
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    log=snakemake.log[0],
)
