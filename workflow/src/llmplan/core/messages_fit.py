"""The fitter's sentences (``fit.json``: warnings, reasons, notes), as messages.

Merged into :data:`llmplan.core.messages.MESSAGES`; built by :mod:`llmplan.fit.search` and
:mod:`llmplan.fit.parametric` (approach 3's warnings), :mod:`llmplan.fit.isoflop` and
:mod:`llmplan.fit.parabola` (approach 2), :mod:`llmplan.fit.envelope` (approach 1),
:mod:`llmplan.fit.extrapolation` (the backtest) and :mod:`llmplan.fit.document` (approach 2's
bias). ``fit.json`` stores each as ``{"code", "args", "text"}``: ``text`` is the English that
``llmplan fit`` prints, and the fit report renders ``code`` in its language with the same
``args``.

Compute budgets and the fitter's diagnostics are written in scientific notation (``{C:.3g}``,
Python's format, the same in every language); counts and shares name a house format
(``{runs:count}``, ``{offset:pct1}``). Names of the fitted parameters (alpha, E, ...) are
``{name:s}`` so that no catalog translates them.
"""

from __future__ import annotations

from typing import Final

from llmplan.core.msgid import N_

FIT_MESSAGES: Final = {
    # approach 3: the optimum (llmplan.fit.search)
    "fit.hessian.not_positive_definite": N_(
        "the Hessian at the optimum is not positive definite (smallest eigenvalue "
        "{eigenvalue:.3g}): the minimum is flat in some direction and the parameters are not "
        "identified by these data"
    ),
    "fit.hessian.ill_conditioned": N_(
        "the Hessian at the optimum is ill-conditioned (condition number {condition:.3g}): "
        "some parameter combinations are poorly determined"
    ),
    "fit.not_converged": N_(
        "the optimum is not fully converged: a Newton step would still lower the objective "
        "by {fraction:.2g} of its value (|g| = {gradient:.3g})"
    ),
    "fit.grid.optimum_on_edge": N_(
        "the optimum {name:s} = {value:.4g} lies on or beyond the edge of the initialisation "
        "grid [{low:g}, {high:g}]"
    ),
    "fit.grid.starts_on_edge": N_(
        "every start that reached the optimum lies on the edge of the initialisation grid: a "
        "wider grid might find a better minimum"
    ),
    # approach 3: the bootstrap (llmplan.fit.parametric)
    "fit.bootstrap.linearised": N_(
        "with {points:count} points the {resamples:count} bootstrap resamples are linearised, "
        "one Newton step each from the full-data optimum with its Hessian (the "
        "estimating-function bootstrap), not refitted: points x resamples exceed {cells:.0e}; "
        "the intervals are first-order accurate"
    ),
    "fit.bootstrap.not_converged": N_(
        "{failed:count} of {resamples:count} bootstrap refits did not converge; they are kept "
        "at their last iterate"
    ),
    # approach 2: why there is none (llmplan.fit.isoflop)
    "fit.approach2.one_size": N_(
        "every run has the same model size N; IsoFLOP profiles need several sizes at each budget"
    ),
    "fit.approach2.few_groups": N_(
        "{usable:count} of {groups:count} compute groups have a usable IsoFLOP parabola (each "
        "needs at least {sizes:count} distinct sizes and a minimum); at least 2 are needed"
    ),
    # approach 2: one IsoFLOP group (llmplan.fit.isoflop, llmplan.fit.parabola)
    "fit.isoflop.few_sizes": N_(
        "IsoFLOP group at C = {C:.3g} FLOPs: only {sizes:count} distinct model sizes; a "
        "parabola needs {needed:count}"
    ),
    "fit.isoflop.no_minimum": N_(
        "IsoFLOP group at C = {C:.3g} FLOPs: the parabola opens downwards, so it has no minimum"
    ),
    "fit.isoflop.extrapolated": N_(
        "IsoFLOP group at C = {C:.3g} FLOPs: the minimum lies outside the sampled sizes "
        "(extrapolated)"
    ),
    "fit.isoflop.off_centre_large": N_(
        "IsoFLOP group at C = {C:.3g} FLOPs: off-centre: the minimum is {position:pct} of the "
        "way from the middle of the sampled sizes to the largest; sizes not centred on the "
        "optimum bias the vertex"
    ),
    "fit.isoflop.off_centre_small": N_(
        "IsoFLOP group at C = {C:.3g} FLOPs: off-centre: the minimum is {position:pct} of the "
        "way from the middle of the sampled sizes to the smallest; sizes not centred on the "
        "optimum bias the vertex"
    ),
    "fit.isoflop.asymmetric": N_(
        "IsoFLOP group at C = {C:.3g} FLOPs: asymmetric: a cubic puts the minimum {shift:+.2f} "
        "decades from the parabola's (N_opt x {factor:.2f}); the parabola's vertex is biased "
        "on such a profile"
    ),
    "fit.isoflop.unassigned": N_(
        "{runs:count} runs are within no budget's tolerance and are ignored"
    ),
    "fit.isoflop.bootstrap_dropped": N_(
        "{dropped:count} bootstrap resamples had fewer than 2 usable groups and were dropped"
    ),
    # approach 2: its bias under the approach-3 law (llmplan.fit.document)
    "fit.approach2.bias": N_(
        "Fitted to the approach-3 law's own noiseless losses at these runs' sizes, the IsoFLOP "
        "parabolas put N_opt up to {offset:pct1} from the law's true minimum and give "
        "a = {a_parabola:.3f} where the law has a = {a_law:.3f}: the bias of approach 2 itself "
        "on this design."
    ),
    "fit.approach2.unbiased": N_(
        "Fitted to the approach-3 law's own noiseless losses at these runs' sizes, the IsoFLOP "
        "parabolas put N_opt within {offset:pct1} of the law's true minimum and give "
        "a = {a_parabola:.3f} where the law has a = {a_law:.3f}: on this design approach 2 adds "
        "no material bias of its own."
    ),
    "fit.approach2.biased": N_(
        "approach 2 is biased here: its IsoFLOP parabolas put N_opt up to {offset:pct1} from the "
        "approach-3 law's true minimum and give a = {a_parabola:.3f} where the law has "
        "a = {a_law:.3f}"
    ),
    # approach 1 (llmplan.fit.envelope)
    "fit.approach1.no_run_ids": N_(
        "the runs have no run ids, so checkpoints of one run cannot be told from separate runs "
        "(map a 'run' column)"
    ),
    "fit.approach1.no_checkpoints": N_("no run has intermediate checkpoints (one row per run id)"),
    "fit.approach1.one_size": N_("all runs with checkpoints have the same model size"),
    "fit.approach1.one_best_size": N_(
        "one model size is best at every FLOP count; the envelope cannot give a trend"
    ),
    "fit.approach1.bootstrap_dropped": N_(
        "{dropped:count} bootstrap resamples had one best size only and were dropped"
    ),
    # the backtest: which runs it holds out, or why there is none (llmplan.fit.extrapolation)
    "fit.backtest.largest_budget": N_("the runs at the largest compute budget, C = {C:.3g} FLOPs"),
    "fit.backtest.top_fraction": N_(
        "the {fraction:pct} of runs with the most compute (C ≥ {cut:.3g} FLOPs), as the runs "
        "form no separate largest budget of at least {min_test:count} runs"
    ),
    "fit.backtest.one_budget": N_("all runs share one compute budget; nothing to extrapolate to"),
    "fit.backtest.too_few": N_(
        "only {runs:count} runs below the largest compute; a backtest needs at least {needed:count}"
    ),
}
