"""Snakemake script of rule ladder_plan: see llmplan.steps.ladder_plan."""

from llmplan.steps.ladder_plan import write_ladder_plan
from llmplan.steps.runner import run_step

run_step(
    write_ladder_plan,
    snakemake.input.ladder,
    snakemake.input.catalog,
    snakemake.input.fit,
    snakemake.output.json,
    name=snakemake.wildcards.ladder,
    config=snakemake.params.settings,
    scenario_path=snakemake.input.scenario[0] if snakemake.input.scenario else None,
    log=snakemake.log[0],
)
