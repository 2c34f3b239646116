"""Snakemake script of rule history: see llmplan.steps.history."""

from pathlib import Path

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.history.write_history",
    snakemake.input.scenario,
    snakemake.input.plan,
    snakemake.input.catalog,
    snakemake.output.json,
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    **job_options(snakemake),
)
