rule synthetic_runs:
    """A synthetic IsoFLOP sweep from a published law plus seeded noise (config fits.<name>.synthetic)."""
    output:
        csv="reports/fits/{dataset}/runs.csv",
    log:
        "reports/logs/fit/{dataset}.runs.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.synthetic_runs"),
        failed=previous_failure("synthetic_runs"),
        spec=get_synthetic_spec,
    script:
        "../scripts/synthetic_runs.py"


rule fit:
    """Chinchilla approaches 1-3 fitted to one dataset of runs, with bootstrap intervals."""
    input:
        runs=get_runs_csv,
    output:
        json="reports/fits/{dataset}/fit.json",
    log:
        "reports/logs/fit/{dataset}.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.fit"),
        failed=previous_failure("fit"),
        spec=get_fit_spec,
    script:
        "../scripts/fit.py"


rule fit_report:
    """HTML and PDF report of one fit, in every report language."""
    input:
        fit="reports/fits/{dataset}/fit.json",
        runs=get_runs_csv,
        templates=templates("fit.html.j2"),
        translations=TRANSLATIONS,
    output:
        html=expand("reports/fits/{{dataset}}/fit{suffix}.html", suffix=SUFFIXES),
        pdf=expand("reports/fits/{{dataset}}/fit{suffix}.pdf", suffix=SUFFIXES),
    log:
        "reports/logs/fit/{dataset}.report.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.fit_report"),
        failed=previous_failure("fit_report"),
        template_dir=get_template_dir,
        spec=get_fit_spec,
        settings=SETTINGS["report"],
    script:
        "../scripts/fit_report.py"
