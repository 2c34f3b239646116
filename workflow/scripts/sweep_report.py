"""Snakemake script of rule sweep_report: see llmplan.steps.sweep_report."""

from llmplan.steps.runner import run_step
from llmplan.steps.sweep_report import write_sweep_report

run_step(
    write_sweep_report,
    snakemake.input.sweep,
    snakemake.output.html,
    snakemake.output.pdf,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    log=snakemake.log[0],
)
