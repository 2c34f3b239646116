"""Snakemake script of rule ladder_design: see llmplan.steps.ladder."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.ladder.write_ladder",
    snakemake.input.ladder,
    snakemake.output.json,
    name=snakemake.wildcards.ladder,
    config=snakemake.params.settings,
    catalog_dir=snakemake.params.catalog_dir,
    scenario_path=snakemake.input.scenario[0] if snakemake.input.scenario else None,
    **job_options(snakemake),
)
