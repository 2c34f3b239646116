"""Scaling ladders: plan the IsoFLOP runs that calibrate your own law (:mod:`.design`), from a
ladder file or flags (:mod:`.spec`), as run configs for the trainer and a JSON document
(:mod:`.document`)."""
