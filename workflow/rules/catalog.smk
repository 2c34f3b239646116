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
        code=CODE_VERSION,
        settings=config,
    script:
        "../scripts/catalog.py"
