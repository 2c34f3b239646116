"""Sweeps: a base scenario and a grid over its fields, every point planned as arrays.

:mod:`.spec` reads and checks ``config/sweeps/<name>.yaml``; :mod:`.grid` numbers its points;
:mod:`.plan` plans them in groups (:mod:`.vector`, :mod:`.optimise`: the recommendation of
:func:`llmplan.plan.build.plan_budget`, as arrays); :mod:`.frontier` finds the efficient ones;
:mod:`.document` writes ``sweep.json``.
"""
