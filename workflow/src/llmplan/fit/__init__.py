"""The fit stage: scaling laws fitted to runs. Approach 3 (:mod:`.parametric`, with its objective
and search), approach 2 (:mod:`.isoflop`), approach 1 (:mod:`.envelope`), the extrapolation check,
synthetic sweeps and the fit document."""
