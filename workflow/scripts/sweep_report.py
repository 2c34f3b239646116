"""Snakemake script of rule sweep_report: see llmplan.steps.sweep_report."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.sweep_report.write_sweep_report",
    snakemake.input.sweep,
    snakemake.output.html,
    snakemake.output.pdf,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    **job_options(snakemake),
)
