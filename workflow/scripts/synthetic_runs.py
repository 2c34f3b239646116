"""Snakemake script of rule synthetic_runs: see llmplan.steps.synthetic_runs."""

from llmplan.steps.runner import run_step
from llmplan.steps.synthetic_runs import write_synthetic_runs

run_step(write_synthetic_runs, snakemake.params.spec, snakemake.output.csv, log=snakemake.log[0])
