"""Published scaling laws: the law types (:mod:`.base`), the registry of published constants
(:mod:`.registry`) and the data-constrained law of Muennighoff et al. (:mod:`.data_constrained`)."""
