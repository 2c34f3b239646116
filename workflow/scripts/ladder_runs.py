"""Snakemake script of rule ladder_runs: see llmplan.steps.ladder_runs."""

from llmplan.steps.ladder_runs import write_ladder_runs
from llmplan.steps.runner import run_step

run_step(write_ladder_runs, snakemake.input.rows, snakemake.output.csv, log=snakemake.log[0])
