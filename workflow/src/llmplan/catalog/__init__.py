"""The catalog stage: derived tables (:mod:`.tables`) and trends (:mod:`.trends`) of the
validated catalog (:mod:`llmplan.inputs.catalog`)."""
