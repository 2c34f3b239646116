"""Snakemake script of rule index: see llmplan.pipeline.write_index."""

from llmplan.pipeline import run_step, write_index

run_step(
    write_index,
    snakemake.input.plans,
    snakemake.input.fits,
    snakemake.input.catalog,
    snakemake.output.html,
    config=snakemake.params.settings,
    log=snakemake.log[0],
)
