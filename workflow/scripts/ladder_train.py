"""Snakemake script of rule ladder_train: see llmplan.steps.ladder_train."""

from llmplan.steps.ladder_train import write_run_rows
from llmplan.steps.runner import run_step

run_step(
    write_run_rows,
    snakemake.params.config,
    snakemake.output.csv,
    train_log=snakemake.log.train,
    ladder=snakemake.wildcards.ladder,
    log=snakemake.log.step,
)
