"""The fit stage: scaling laws fitted to runs. Approach 3 (:mod:`.parametric`: its objective
:mod:`.objective`, the start profile :mod:`.profile`, the search :mod:`.search` with the batched
Newton of :mod:`.newton`, the bootstrap :mod:`.bootstrap`, the allocation table
:mod:`.allocation`), approach 2 (:mod:`.isoflop`, with the parabola and its bias in
:mod:`.parabola`), approach 1 (:mod:`.envelope`), what both share (:mod:`.frontier`), the
backtest (:mod:`.extrapolation`), synthetic sweeps and the fit document."""
