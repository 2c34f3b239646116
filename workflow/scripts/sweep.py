"""Snakemake script of rule sweep: see llmplan.steps.sweep."""

from pathlib import Path

from llmplan.steps.runner import run_step
from llmplan.steps.sweep import write_sweep

run_step(
    write_sweep,
    snakemake.input.sweep,
    snakemake.input.catalog,
    snakemake.input.shards,
    snakemake.output.json,
    snakemake.output.csv,
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    log=snakemake.log[0],
)
