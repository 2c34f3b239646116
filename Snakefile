# llmplan: plan compute-optimal training of large language models.
# `snakemake --cores 4` builds every report of config/scenarios/*.yaml and config/sweeps/*.yaml
# into reports/; `snakemake --cores 4 ladder_<name>` trains the ladder config/ladders/<name>.yaml
# (never by default).
from snakemake.utils import min_version, validate

min_version("9.0")


include: "workflow/rules/setup.smk"


configfile: "config/config.yaml"


validate(config, schema="workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"


wildcard_constraints:
    scenario="[A-Za-z0-9][A-Za-z0-9_-]*",
    dataset="[A-Za-z0-9][A-Za-z0-9_-]*",
    ladder="[A-Za-z0-9][A-Za-z0-9_-]*",
    run="[A-Za-z0-9][A-Za-z0-9_-]*",
    sweep="[A-Za-z0-9][A-Za-z0-9_-]*",
    shard="[0-9]+",


include: "workflow/rules/catalog.smk"
include: "workflow/rules/fit.smk"
include: "workflow/rules/plan.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/ladder.smk"
include: "workflow/rules/sweep.smk"


rule all:
    default_target: True
    input:
        expand("reports/index{suffix}.html", suffix=SUFFIXES),
        "reports/catalog/catalog.json",
        expand(
            "reports/catalog/catalog{suffix}.{ext}",
            suffix=SUFFIXES,
            ext=["html", "pdf"],
        ),
        expand("reports/scenarios/{scenario}/plan.json", scenario=SCENARIOS),
        expand(
            "reports/scenarios/{scenario}/plan{suffix}.{ext}",
            scenario=SCENARIOS,
            suffix=SUFFIXES,
            ext=["html", "pdf"],
        ),
        expand("reports/fits/{dataset}/fit.json", dataset=FITS),
        expand(
            "reports/fits/{dataset}/fit{suffix}.{ext}",
            dataset=FITS,
            suffix=SUFFIXES,
            ext=["html", "pdf"],
        ),
        expand(
            "reports/sweeps/{sweep}/{name}",
            sweep=SWEEPS,
            name=["sweep.json", "points.csv"],
        ),
        expand(
            "reports/sweeps/{sweep}/sweep{suffix}.{ext}",
            sweep=SWEEPS,
            suffix=SUFFIXES,
            ext=["html", "pdf"],
        ),
        expand("reports/sweeps/{sweep}/points", sweep=POINT_REPORT_SWEEPS),
