"""Snakemake script of rule catalog_report: see llmplan.pipeline.write_catalog_report."""

from llmplan.pipeline import run_step, write_catalog_report

run_step(
    write_catalog_report,
    snakemake.input.catalog,
    snakemake.output.html,
    snakemake.output.pdf,
    config=snakemake.params.settings,
    log=snakemake.log[0],
)
