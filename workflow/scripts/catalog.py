"""Snakemake script of rule catalog: see llmplan.steps.catalog."""

from llmplan.steps.catalog import write_catalog
from llmplan.steps.runner import run_step

run_step(
    write_catalog,
    snakemake.params.catalog_dir,
    snakemake.output.json,
    config=snakemake.params.settings,
    log=snakemake.log[0],
)
