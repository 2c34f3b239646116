rule sweep_shard:
    """One slice of a sweep's points planned as arrays (sweeps.points_per_shard points or so)."""
    input:
        sweep=get_sweep_file,
        catalog="reports/catalog/catalog.json",
        fits=get_sweep_fits,
    output:
        csv=temp("reports/sweeps/{sweep}/shards/{shard}.csv"),
    log:
        "reports/logs/sweep/{sweep}.shard-{shard}.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.sweep_shard"),
        failed=previous_failure("sweep_shard"),
        settings=SETTINGS["sweep"],
        shards=get_sweep_shard_count,
    script:
        "../scripts/sweep_shard.py"


rule sweep:
    """A sweep's shards gathered: every point in points.csv, the frontier and summary in sweep.json."""
    input:
        sweep=get_sweep_file,
        catalog="reports/catalog/catalog.json",
        shards=get_sweep_shards,
        fits=get_sweep_fits,
    output:
        json="reports/sweeps/{sweep}/sweep.json",
        csv="reports/sweeps/{sweep}/points.csv",
    log:
        "reports/logs/sweep/{sweep}.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.sweep"),
        failed=previous_failure("sweep"),
        settings=SETTINGS["sweep"],
    script:
        "../scripts/sweep.py"


rule sweep_report:
    """HTML and PDF report of one sweep: the frontier, charts, the recommendation per assumption."""
    input:
        sweep="reports/sweeps/{sweep}/sweep.json",
        templates=templates("sweep.html.j2"),
        translations=TRANSLATIONS,
    output:
        html=expand("reports/sweeps/{{sweep}}/sweep{suffix}.html", suffix=SUFFIXES),
        pdf=expand("reports/sweeps/{{sweep}}/sweep{suffix}.pdf", suffix=SUFFIXES),
    log:
        "reports/logs/sweep/{sweep}.report.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.sweep_report"),
        failed=previous_failure("sweep_report"),
        template_dir=get_template_dir,
        settings=SETTINGS["report"],
    script:
        "../scripts/sweep_report.py"


rule sweep_points:
    """Planning reports of a sweep's frontier points (only for sweeps with point_reports: frontier)."""
    input:
        doc="reports/sweeps/{sweep}/sweep.json",
        sweep=get_sweep_file,
        catalog="reports/catalog/catalog.json",
        fits=get_sweep_fits,
        templates=templates("plan.html.j2"),
        translations=TRANSLATIONS,
    output:
        points=directory("reports/sweeps/{sweep}/points"),
    log:
        "reports/logs/sweep/{sweep}.points.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.sweep_points"),
        failed=previous_failure("sweep_points"),
        template_dir=get_template_dir,
        settings={**SETTINGS["sweep"], **SETTINGS["report"]},
    script:
        "../scripts/sweep_points.py"
