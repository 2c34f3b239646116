rule plan:
    """Budget and compute-optimal allocation of one scenario under each of its laws."""
    input:
        scenario=get_scenario_file,
        catalog="reports/catalog/catalog.json",
        fits=get_scenario_fits,
    output:
        json="reports/scenarios/{scenario}/plan.json",
    log:
        "reports/logs/plan/{scenario}.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.plan"),
        failed=previous_failure("plan"),
        settings=SETTINGS["plan"],
    script:
        "../scripts/plan.py"
