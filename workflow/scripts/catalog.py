"""Snakemake script of rule catalog: see llmplan.pipeline.write_catalog."""

from pathlib import Path

from llmplan.pipeline import run_step, write_catalog

run_step(
    write_catalog,
    Path(snakemake.input.catalog[0]).parent,
    snakemake.output.json,
    config=snakemake.params.settings,
    log=snakemake.log[0],
)
