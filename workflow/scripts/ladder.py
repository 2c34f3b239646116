"""Snakemake script of rule ladder_design: see llmplan.steps.ladder."""

from llmplan.steps.ladder import write_ladder
from llmplan.steps.runner import run_step

run_step(
    write_ladder,
    snakemake.input.ladder,
    snakemake.output.json,
    name=snakemake.wildcards.ladder,
    config=snakemake.params.settings,
    catalog_dir=snakemake.params.catalog_dir,
    scenario_path=snakemake.input.scenario[0] if snakemake.input.scenario else None,
    log=snakemake.log[0],
)
