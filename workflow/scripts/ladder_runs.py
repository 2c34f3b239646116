"""Snakemake script of rule ladder_runs: see llmplan.steps.ladder_runs."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.ladder_runs.write_ladder_runs",
    snakemake.input.rows,
    snakemake.output.csv,
    **job_options(snakemake),
)
