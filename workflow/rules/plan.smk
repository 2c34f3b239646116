rule plan:
    """Budget and compute-optimal allocation of one scenario under each of its laws, and what
    changed since the previous committed version of the scenario (git), for its report.

    history.json depends on the scenario file, not on git's HEAD: committing the file or moving
    HEAD without touching it leaves the previous version the same. After a rebase or amend that
    rewrote the scenario's history, run `snakemake --forcerun plan`. Outside git it records that
    and succeeds.
    """
    input:
        scenario=get_scenario_file,
        catalog="reports/catalog/catalog.json",
        fits=get_scenario_fits,
    output:
        json="reports/scenarios/{scenario}/plan.json",
        history="reports/scenarios/{scenario}/history.json",
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
