"""The workflow's steps, one module per Snakemake rule: read inputs, call the library, write outputs.

Each ``workflow/scripts/<rule>.py`` is one call into ``llmplan.steps.<rule>`` through
:func:`llmplan.steps.runner.run_step`, so a step can be tested and run without Snakemake, and the
code hash a rule depends on is the import closure of its step module
(:func:`llmplan.io.provenance.code_version`). Library modules never import from here.
"""
