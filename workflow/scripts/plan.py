"""Snakemake script of rule plan: see llmplan.steps.plan."""

from pathlib import Path

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.plan.write_plan",
    snakemake.input.scenario,
    snakemake.input.catalog,
    snakemake.output.json,
    history_json=snakemake.output.history,
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    **job_options(snakemake),
)
