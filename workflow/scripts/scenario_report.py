"""Snakemake script of rule scenario_report: see llmplan.steps.scenario_report."""

from llmplan.steps.runner import run_step
from llmplan.steps.scenario_report import write_scenario_report

run_step(
    write_scenario_report,
    snakemake.input.plan,
    snakemake.output.html,
    snakemake.output.pdf,
    config=snakemake.params.settings,
    template_dir=snakemake.params.template_dir,
    log=snakemake.log[0],
)
