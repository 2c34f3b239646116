"""Snakemake script of rule fit: see llmplan.pipeline.write_fit."""

from llmplan.pipeline import run_step, write_fit

run_step(
    write_fit,
    snakemake.input.runs,
    snakemake.output.json,
    snakemake.output.html,
    snakemake.output.pdf,
    dataset=snakemake.wildcards.dataset,
    config=snakemake.params.settings,
    log=snakemake.log[0],
)
