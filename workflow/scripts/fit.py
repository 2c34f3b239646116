"""Snakemake script of rule fit: see llmplan.steps.fit."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.fit.write_fit",
    snakemake.input.runs,
    snakemake.output.json,
    dataset=snakemake.wildcards.dataset,
    spec=snakemake.params.spec,
    **job_options(snakemake),
)
