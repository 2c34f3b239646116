"""Snakemake script of rule synthetic_runs: see llmplan.steps.synthetic_runs."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.synthetic_runs.write_synthetic_runs",
    snakemake.params.spec,
    snakemake.output.csv,
    **job_options(snakemake),
)
