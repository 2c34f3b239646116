"""Snakemake script of rule fit_report: see llmplan.steps.fit_report."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.fit_report.write_fit_report",
    snakemake.input.fit,
    snakemake.input.runs,
    snakemake.output.html,
    snakemake.output.pdf,
    dataset=snakemake.wildcards.dataset,
    spec=snakemake.params.spec,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    **job_options(snakemake),
)
