# Scaling ladders, trained for real: ladder_design -> ladder_train (one job per run) ->
# ladder_runs -> fit (the fit rule of fit.smk, dataset = the ladder) -> ladder_plan.
# Named targets only (`snakemake --cores 4 ladder_<name>`), never part of `rule all`.


rule ladder_design:
    """A ladder file designed: ladder.json and one run config per run (what llmplan train reads)."""
    input:
        ladder=get_ladder_file,
        scenario=get_ladder_scenario,
        catalog=CATALOG_FILES,
    output:
        json="reports/ladders/{ladder}/ladder.json",
        configs=directory("reports/ladders/{ladder}/configs"),
    log:
        "reports/logs/ladders/{ladder}/design.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.ladder"),
        failed=previous_failure("ladder_design"),
        settings=SETTINGS["ladder"],
        catalog_dir=get_catalog_dir,
    script:
        "../scripts/ladder.py"


rule ladder_train:
    """Train one run of a ladder for real (needs the train extra). resources: gpu=0 here; a
    cluster profile sets gpu for this rule (profiles/slurm, set-resources: ladder_train: gpu: 1).
    """
    output:
        csv="reports/ladders/{ladder}/rows/{run}.csv",
    log:
        step="reports/logs/ladders/{ladder}/{run}.log",
        train="reports/logs/ladders/{ladder}/{run}.train.log",
    conda:
        "../envs/llmplan.yaml"
    threads: get_train_threads
    resources:
        gpu=0,
    params:
        code=step_code("llmplan.steps.ladder_train", "llmplan.train.session"),
        failed=previous_failure("ladder_train"),
        config=get_run_config,
    script:
        "../scripts/ladder_train.py"


rule ladder_runs:
    """Every run's final rows (kind == final) gathered into the ladder's runs.csv."""
    input:
        rows=get_ladder_rows,
    output:
        csv="reports/ladders/{ladder}/runs.csv",
    log:
        "reports/logs/ladders/{ladder}/runs.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.ladder_runs"),
        failed=previous_failure("ladder_runs"),
    script:
        "../scripts/ladder_runs.py"


rule ladder_plan:
    """The plan the ladder's fitted law fit:<ladder> gives for the ladder's target."""
    input:
        ladder=get_ladder_file,
        scenario=get_ladder_scenario,
        catalog="reports/catalog/catalog.json",
        fit="reports/fits/{ladder}/fit.json",
    output:
        json="reports/ladders/{ladder}/plan.json",
    log:
        "reports/logs/ladders/{ladder}/plan.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.ladder_plan"),
        failed=previous_failure("ladder_plan"),
        settings=SETTINGS["plan"],
    script:
        "../scripts/ladder_plan.py"


for _name in LADDERS:

    rule:
        name:
            f"ladder_{_name}"
        default_target: False
        input:
            f"reports/ladders/{_name}/ladder.json",
            f"reports/ladders/{_name}/runs.csv",
            expand(f"reports/fits/{_name}/fit.{{ext}}", ext=["json", "html", "pdf"]),
            f"reports/ladders/{_name}/plan.json",
