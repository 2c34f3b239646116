rule catalog:
    """Load, validate and normalise the catalog of models and hardware."""
    input:
        CATALOG_FILES,
    output:
        json="reports/catalog/catalog.json",
    log:
        "reports/logs/catalog.log",
    conda:
        "../envs/llmplan.yaml"
    script:
        "../scripts/catalog.py"
