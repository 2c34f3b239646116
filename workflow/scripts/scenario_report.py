"""Snakemake script of rule scenario_report: see llmplan.pipeline.write_scenario_report."""

from llmplan.pipeline import run_step, write_scenario_report

run_step(
    write_scenario_report,
    snakemake.input.plan,
    snakemake.output.html,
    snakemake.output.pdf,
    config=snakemake.params.settings,
    log=snakemake.log[0],
)
