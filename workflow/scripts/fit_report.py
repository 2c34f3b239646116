"""Snakemake script of rule fit_report: see llmplan.steps.fit_report."""

from llmplan.steps.fit_report import write_fit_report
from llmplan.steps.runner import run_step

run_step(
    write_fit_report,
    snakemake.input.fit,
    snakemake.input.runs,
    snakemake.output.html,
    snakemake.output.pdf,
    dataset=snakemake.wildcards.dataset,
    spec=snakemake.params.spec,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    log=snakemake.log[0],
)
