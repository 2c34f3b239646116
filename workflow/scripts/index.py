"""Snakemake script of rule index: see llmplan.steps.index."""

from llmplan.steps.index import write_index
from llmplan.steps.runner import run_step

run_step(
    write_index,
    snakemake.input.plans,
    snakemake.input.fits,
    snakemake.input.catalog,
    snakemake.output.html,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    log=snakemake.log[0],
)
