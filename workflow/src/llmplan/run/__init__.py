"""From a model to a run: memory per accelerator, a parallel layout, calibrated MFU, calendar days.

:mod:`.parallel` (layouts), :mod:`.memory` (bytes per accelerator), :mod:`.steptime` (seconds per
step), :mod:`.layout` (the search), :mod:`.published` and :mod:`.published_runs` (the runs the
model is fitted and judged on), :mod:`.mfu` (its constants), :mod:`.calendar` (days with
failures), :mod:`.hyperparams` (batch, learning rate, schedule) and :mod:`.training` (the one call
a plan makes).
"""
