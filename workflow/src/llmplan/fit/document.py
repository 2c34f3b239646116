"""The fit of a dataset as one document: approaches 1, 2 and 3 side by side, and a backtest.

Approach 3 (:mod:`.parametric`) is at the top level of the document (its keys are what
``fit:<dataset>`` laws are built from); approaches 2 (:mod:`.isoflop`) and 1 (:mod:`.envelope`)
are nested, each with ``supported`` and, where the data cannot support it, the reason. With
approach 3, ``extrapolation`` is the leave-the-largest-budget-out backtest
(:mod:`.extrapolation`), or ``supported: false`` and why; with approaches 2 and 3,
``approach2.bias`` is the bias of the IsoFLOP parabolas that the approach-3 law implies for these
runs (:func:`llmplan.fit.parabola.implied_bias`).

Every sentence the document holds (approach 3's ``warnings``, each approach's ``reason`` and
``warnings``, the backtest's ``held_out`` or ``reason``, approach 2's ``bias.note`` and each IsoFLOP
group's ``notes``) is a message, ``{"code", "args", "text"}`` (:mod:`llmplan.core.messages_fit`):
``text`` is the English, and a report renders ``code`` with ``args`` in its own language.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from llmplan.core.errors import InputError, Where
from llmplan.core.messages import message
from llmplan.fit.envelope import fit_envelope
from llmplan.fit.extrapolation import BACKTEST_BOOTSTRAP, extrapolation_check
from llmplan.fit.isoflop import fit_isoflop
from llmplan.fit.parabola import implied_bias
from llmplan.fit.parametric import fit_parametric

#: Approach 1 refits the whole envelope per resample; it gets at most this many.
ENVELOPE_BOOTSTRAP_CAP = 200


def fit_objects(
    runs: Any, *, approach: str, n_bootstrap: int, seed: int, budgets: tuple[float, ...]
) -> dict[str, Any]:
    """The fits of ``approach`` ("1", "2", "3" or "all") as result objects, keyed "1", "2", "3",
    and with approach 3 the backtest under "extrapolation" (a check, or the InputError saying
    why there is none).

    An approach asked for by itself must be supported by the data (else InputError); under
    "all", an unsupported approach is kept with ``supported=False`` and its reason.
    """
    source = runs.attrs.get("source", "runs")
    out: dict[str, Any] = {}
    if approach in ("3", "all"):
        out["3"] = fit_parametric(
            runs["N"], runs["D"], runs["loss"], n_bootstrap=n_bootstrap, seed=seed, budgets=budgets
        )
        try:
            out["extrapolation"] = extrapolation_check(
                runs, n_bootstrap=min(n_bootstrap, BACKTEST_BOOTSTRAP), seed=seed
            )
        except InputError as err:
            out["extrapolation"] = err
    if approach in ("2", "all"):
        out["2"] = fit_isoflop(runs, n_bootstrap=n_bootstrap, seed=seed)
        if approach == "2":
            out["2"].require_supported(Where(source))
    if approach in ("1", "all"):
        out["1"] = fit_envelope(
            runs, n_bootstrap=min(n_bootstrap, ENVELOPE_BOOTSTRAP_CAP), seed=seed
        )
        if approach == "1":
            out["1"].require_supported(Where(source))
    return out


def fit_document(runs: Any, fits: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: approach-3 keys at the top level, approaches 1 and 2 nested."""
    out: dict[str, Any] = {"file": runs.attrs.get("source", "runs"), "n_points": len(runs)}
    # the compute the fit saw: a plan beyond it is an extrapolation (laws.registry.law_from_fit)
    out["flops_range"] = [float(runs["C"].min()), float(runs["C"].max())]
    if "3" in fits:
        out.update(fits["3"].to_dict())
    if "extrapolation" in fits:
        check = fits["extrapolation"]
        if isinstance(check, InputError):
            reason = getattr(check, "reason", None) or _english(check.problem)
            out["extrapolation"] = {"supported": False, "reason": reason}
        else:
            out["extrapolation"] = {"supported": True, **check.to_dict()}
    if "2" in fits:
        out["approach2"] = fits["2"].to_dict()
        if "3" in fits and fits["2"].supported:
            bias = _approach2_bias(runs, fits["2"], fits["3"])
            out["approach2"]["bias"] = bias
            if bias["biased"]:
                out["approach2"]["warnings"].append(
                    message("fit.approach2.biased", **bias["note"]["args"])
                )
    if "1" in fits:
        out["approach1"] = fits["1"].to_dict()
    return out


def _approach2_bias(runs: Any, frontier: Any, parametric: Any) -> dict[str, Any]:
    """:func:`implied_bias` of the approach-3 law for the usable IsoFLOP groups, with a note."""
    n = runs["N"].to_numpy(float)
    d = runs["D"].to_numpy(float)
    groups = [
        (float(c), n[idx], d[idx]) for c, idx in zip(frontier.flops, frontier.members, strict=True)
    ]
    bias = implied_bias(parametric.law(), groups)
    worst = bias["max_abs_bias_dex"]
    if np.isfinite(worst):
        bias["note"] = message(
            "fit.approach2.bias" if bias["biased"] else "fit.approach2.unbiased",
            offset=10**worst - 1,
            a_parabola=bias["a_parabola"],
            a_law=bias["a_law"],
        )
    return bias


def _english(text: str) -> dict[str, Any]:
    """A sentence that has no message code (an unforeseen error) as a message: its English."""
    return {"code": None, "args": {}, "text": text}


def fit_all(
    runs: Any, *, approach: str, n_bootstrap: int, seed: int, budgets: tuple[float, ...]
) -> dict[str, Any]:
    """:func:`fit_objects` as the JSON document of :func:`fit_document`."""
    fits = fit_objects(runs, approach=approach, n_bootstrap=n_bootstrap, seed=seed, budgets=budgets)
    return fit_document(runs, fits)
