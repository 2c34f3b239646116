rule scenario_report:
    """HTML and PDF planning report of one scenario."""
    input:
        plan="reports/scenarios/{scenario}/plan.json",
        history="reports/scenarios/{scenario}/history.json",
        templates=templates("plan.html.j2"),
        translations=TRANSLATIONS,
    output:
        html=expand("reports/scenarios/{{scenario}}/plan{suffix}.html", suffix=SUFFIXES),
        pdf=expand("reports/scenarios/{{scenario}}/plan{suffix}.pdf", suffix=SUFFIXES),
    log:
        "reports/logs/report/{scenario}.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.scenario_report"),
        failed=previous_failure("scenario_report"),
        template_dir=get_template_dir,
        settings=SETTINGS["report"],
    script:
        "../scripts/scenario_report.py"


rule catalog_report:
    """HTML and PDF report of the catalog."""
    input:
        catalog="reports/catalog/catalog.json",
        templates=templates("catalog.html.j2"),
        translations=TRANSLATIONS,
    output:
        html=expand("reports/catalog/catalog{suffix}.html", suffix=SUFFIXES),
        pdf=expand("reports/catalog/catalog{suffix}.pdf", suffix=SUFFIXES),
    log:
        "reports/logs/catalog_report.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.catalog_report"),
        failed=previous_failure("catalog_report"),
        template_dir=get_template_dir,
        settings=SETTINGS["catalog_report"],
    script:
        "../scripts/catalog_report.py"


rule index:
    """reports/index.html: every scenario's headline numbers, with links."""
    input:
        plans=get_plan_jsons,
        fits=get_fit_jsons,
        sweeps=get_sweep_jsons,
        catalog="reports/catalog/catalog.json",
        templates=templates("index.html.j2"),
        translations=TRANSLATIONS,
    output:
        html=expand("reports/index{suffix}.html", suffix=SUFFIXES),
    log:
        "reports/logs/index.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.index"),
        failed=previous_failure("index"),
        template_dir=get_template_dir,
        settings=SETTINGS["report"],
    script:
        "../scripts/index.py"
