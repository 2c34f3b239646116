"""Snakemake script of rule sweep_shard: see llmplan.steps.sweep_shard."""

from pathlib import Path

from llmplan.steps.runner import job_options, run_step

run_step(
    "llmplan.steps.sweep_shard.write_shard",
    snakemake.input.sweep,
    snakemake.input.catalog,
    snakemake.output.csv,
    shard=int(snakemake.wildcards.shard),
    shards=int(snakemake.params.shards),
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    **{**job_options(snakemake), "outputs": []},  # a temp() shard: no kept copy
)
