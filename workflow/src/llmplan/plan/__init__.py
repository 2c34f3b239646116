"""The plan stage: allocation under each law with constraints (:mod:`.allocate`), the
recommendation and the content of plan.json (:mod:`.build`), and the up-front checks
(:mod:`.check`)."""
