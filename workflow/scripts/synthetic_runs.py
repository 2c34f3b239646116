"""Snakemake script of rule synthetic_runs: see llmplan.pipeline.write_synthetic_runs."""

from llmplan.pipeline import run_step, write_synthetic_runs

run_step(write_synthetic_runs, snakemake.params.spec, snakemake.output.csv, log=snakemake.log[0])
