"""Snakemake script of rule plan: see llmplan.pipeline.write_plan."""

from pathlib import Path

from llmplan.pipeline import run_step, write_plan

run_step(
    write_plan,
    snakemake.input.scenario,
    snakemake.input.catalog,
    snakemake.output.json,
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    log=snakemake.log[0],
)
