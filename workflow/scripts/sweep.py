"""Snakemake script of rule sweep: see llmplan.steps.sweep."""

from pathlib import Path

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.sweep.write_sweep",
    snakemake.input.sweep,
    snakemake.input.catalog,
    snakemake.input.shards,
    snakemake.output.json,
    snakemake.output.csv,
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    **job_options(snakemake),
)
