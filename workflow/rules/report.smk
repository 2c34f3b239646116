rule scenario_report:
    """HTML and PDF planning report of one scenario."""
    input:
        plan="reports/scenarios/{scenario}/plan.json",
    output:
        html="reports/scenarios/{scenario}/plan.html",
        pdf="reports/scenarios/{scenario}/plan.pdf",
    log:
        "reports/logs/report/{scenario}.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=CODE_VERSION,
        settings=config,
    script:
        "../scripts/scenario_report.py"


rule catalog_report:
    """HTML and PDF report of the catalog."""
    input:
        catalog="reports/catalog/catalog.json",
    output:
        html="reports/catalog/catalog.html",
        pdf="reports/catalog/catalog.pdf",
    log:
        "reports/logs/catalog_report.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=CODE_VERSION,
        settings=config,
    script:
        "../scripts/catalog_report.py"


rule index:
    """reports/index.html: every scenario's headline numbers, with links."""
    input:
        plans=get_plan_jsons,
        fits=get_fit_jsons,
        catalog="reports/catalog/catalog.json",
    output:
        html="reports/index.html",
    log:
        "reports/logs/index.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=CODE_VERSION,
        settings=config,
    script:
        "../scripts/index.py"
