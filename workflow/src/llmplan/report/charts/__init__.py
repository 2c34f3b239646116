"""Charts as deterministic SVG strings: the house style (:mod:`.base`) and one module per report."""
