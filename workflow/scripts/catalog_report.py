"""Snakemake script of rule catalog_report: see llmplan.steps.catalog_report."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.catalog_report.write_catalog_report",
    snakemake.input.catalog,
    snakemake.output.html,
    snakemake.output.pdf,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    **job_options(snakemake),
)
