rule catalog:
    """Load, validate and normalise the catalog of models and hardware."""
    input:
        catalog=CATALOG_FILES,
    output:
        json="reports/catalog/catalog.json",
    log:
        "reports/logs/catalog.log",
    conda:
        "../envs/llmplan.yaml"
    params:
        code=step_code("llmplan.steps.catalog"),
        failed=previous_failure("catalog"),
        settings=SETTINGS["catalog"],
        catalog_dir=get_catalog_dir,
    script:
        "../scripts/catalog.py"
