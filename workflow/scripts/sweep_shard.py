"""Snakemake script of rule sweep_shard: see llmplan.steps.sweep_shard."""

from pathlib import Path

from llmplan.steps.runner import run_step
from llmplan.steps.sweep_shard import write_shard

run_step(
    write_shard,
    snakemake.input.sweep,
    snakemake.input.catalog,
    snakemake.output.csv,
    shard=int(snakemake.wildcards.shard),
    shards=int(snakemake.params.shards),
    config=snakemake.params.settings,
    fit_jsons={Path(path).parent.name: path for path in snakemake.input.fits},
    log=snakemake.log[0],
)
