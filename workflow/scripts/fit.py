"""Snakemake script of rule fit: see llmplan.steps.fit."""

from llmplan.steps.fit import write_fit
from llmplan.steps.runner import run_step

run_step(
    write_fit,
    snakemake.input.runs,
    snakemake.output.json,
    dataset=snakemake.wildcards.dataset,
    spec=snakemake.params.spec,
    log=snakemake.log[0],
)
