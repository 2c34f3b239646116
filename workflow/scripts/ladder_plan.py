"""Snakemake script of rule ladder_plan: see llmplan.steps.ladder_plan."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.ladder_plan.write_ladder_plan",
    snakemake.input.ladder,
    snakemake.input.catalog,
    snakemake.input.fit,
    snakemake.output.json,
    name=snakemake.wildcards.ladder,
    config=snakemake.params.settings,
    scenario_path=snakemake.input.scenario[0] if snakemake.input.scenario else None,
    **job_options(snakemake),
)
