rule synthetic_runs:
    """A synthetic IsoFLOP sweep from a published law plus seeded noise (config fits.<name>.synthetic)."""
    output:
        csv="reports/fits/{dataset}/runs.csv",
    log:
        "reports/logs/fit/{dataset}.runs.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=CODE_VERSION,
        spec=get_synthetic_spec,
    script:
        "../scripts/synthetic_runs.py"


rule fit:
    """Chinchilla approaches 1-3 fitted to one dataset of runs, with bootstrap intervals."""
    input:
        runs=get_runs_csv,
    output:
        json="reports/fits/{dataset}/fit.json",
        html="reports/fits/{dataset}/fit.html",
        pdf="reports/fits/{dataset}/fit.pdf",
    log:
        "reports/logs/fit/{dataset}.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=CODE_VERSION,
        settings=config,
    script:
        "../scripts/fit.py"
