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


rule history:
    """What changed since the previous committed version of the scenario (git), for its report.

    Depends on the scenario file, not on git's HEAD: committing the file or moving HEAD without
    touching it leaves the previous version the same. After a rebase or amend that rewrote the
    scenario's history, run `snakemake --forcerun history`. Outside git it records that and
    succeeds.
    """
    input:
        scenario=get_scenario_file,
        plan="reports/scenarios/{scenario}/plan.json",
        catalog="reports/catalog/catalog.json",
        fits=get_scenario_fits,
    output:
        json="reports/scenarios/{scenario}/history.json",
    log:
        "reports/logs/history/{scenario}.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.history"),
        failed=previous_failure("history"),
        settings=SETTINGS["plan"],
    script:
        "../scripts/history.py"
