"""Snakemake script of rule catalog_report: see llmplan.steps.catalog_report."""

from llmplan.steps.catalog_report import write_catalog_report
from llmplan.steps.runner import run_step

run_step(
    write_catalog_report,
    snakemake.input.catalog,
    snakemake.output.html,
    snakemake.output.pdf,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    log=snakemake.log[0],
)
