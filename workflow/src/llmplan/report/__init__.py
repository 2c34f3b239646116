"""The report stage: typed contexts for templates (:mod:`.context`), number formats
(:mod:`.format`), rendering to HTML and PDF (:mod:`.render`) and charts (:mod:`.charts`)."""
