"""The model you would build: shapes (:mod:`.shape`), exact parameter and FLOP counts, MoE."""
