"""Snakemake script of rule sweep_points: see llmplan.steps.sweep_points."""

from pathlib import Path

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.sweep_points.write_point_reports",
    snakemake.input.doc,
    snakemake.input.sweep,
    snakemake.input.catalog,
    snakemake.output.points,
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    template_dir=snakemake.params.template_dir,
    **job_options(snakemake),
)
