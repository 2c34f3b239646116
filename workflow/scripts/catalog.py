"""Snakemake script of rule catalog: see llmplan.steps.catalog."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.catalog.write_catalog",
    snakemake.params.catalog_dir,
    snakemake.output.json,
    config=snakemake.params.settings,
    **job_options(snakemake),
)
