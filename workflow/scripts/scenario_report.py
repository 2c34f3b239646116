"""Snakemake script of rule scenario_report: see llmplan.steps.scenario_report."""

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.scenario_report.write_scenario_report",
    snakemake.input.plan,
    snakemake.output.html,
    snakemake.output.pdf,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    history_json=snakemake.input.history,
    **job_options(snakemake),
)
