"""Snakemake script of rule ladder_train: see llmplan.steps.ladder_train."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.ladder_train.write_run_rows",
    snakemake.params.config,
    snakemake.output.csv,
    train_log=snakemake.log.train,
    ladder=snakemake.wildcards.ladder,
    **{**job_options(snakemake), "log": snakemake.log.step},
)
