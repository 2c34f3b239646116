"""Snakemake script of rule index: see llmplan.steps.index."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.index.write_index",
    snakemake.input.plans,
    snakemake.input.fits,
    snakemake.input.catalog,
    snakemake.output.html,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    sweep_jsons=snakemake.input.sweeps,
    **job_options(snakemake),
)
