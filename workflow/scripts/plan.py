"""Snakemake script of rule plan: see llmplan.pipeline.write_plan."""

from llmplan.pipeline import run_step, write_plan

run_step(
    write_plan,
    snakemake.input.scenario,
    snakemake.input.catalog,
    snakemake.output.json,
    config=snakemake.params.settings,
    log=snakemake.log[0],
)
