"""Scaling laws as types: a compute budget C (FLOPs) to parameters N and tokens D, and a loss.

Every law maps C to (N, D) with C = 6 N D (Kaplan et al. 2020, arXiv:2001.08361, s2.1; Hoffmann
et al. 2022, arXiv:2203.15556, s3) and, where it has one, predicts the final pre-training loss
L(N, D) in nats per token.

Parametric laws (Hoffmann et al. 2022, eq. 2)

    L(N, D) = E + A / N^alpha + B / D^beta

have the closed-form efficient frontier of Hoffmann et al. 2022, eq. 4, written once here
(:func:`eq4_optimum`):

    G = (alpha A / (beta B))^(1 / (alpha + beta)),  a = beta / (alpha + beta),  b = alpha / (alpha + beta)
    N_opt(C) = G (C / 6)^a,   D_opt(C) = G^-1 (C / 6)^b.

Power-law frontiers (Hoffmann et al. 2022 approaches 1 and 2) state only N_opt = k C^a; then
D_opt = C / (6 N_opt).

Uncertainty. A law may carry parameter samples (rows of E, A, B, alpha, beta): bootstrap rows of a
fit, or draws from published standard errors. :meth:`ParametricLaw.intervals` pushes every sample
through eq. 4 and reports the house interval (:mod:`llmplan.core.intervals`) of N_opt, D_opt and
the loss at the optimum: parameter uncertainty only, the interval of the *expected* loss. A fitted
law may also carry the quantiles of its log-residuals (the run-to-run noise its fit saw); then the
loss *prediction* interval of a single run, which adds that noise to every sample's prediction
(:func:`llmplan.core.intervals.predictive_interval`), is reported beside it.
All functions are vectorised over numpy arrays of budgets.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN, tokens_for_flops
from llmplan.core.intervals import percentile_interval, predictive_interval

FloatArray = NDArray[np.float64]

#: Beyond this factor of a law's fitted compute (either side), its answer is an extrapolation that
#: reports flag, with the factor, and leave out of any range across laws. One order of magnitude:
#: Hoffmann et al. themselves extrapolated about 44x beyond their largest run (1.3e22 FLOPs) to
#: size Chinchilla (5.76e23), and say so.
EXTRAPOLATION_FACTOR: Final = 10.0


def eq4_coefficient(A: ArrayLike, B: ArrayLike, alpha: ArrayLike, beta: ArrayLike) -> FloatArray:
    """G = (alpha A / (beta B))^(1 / (alpha + beta)), Hoffmann et al. 2022, eq. 4."""
    a, b, al, be = (np.asarray(v, dtype=float) for v in (A, B, alpha, beta))
    return np.asarray((al * a / (be * b)) ** (1.0 / (al + be)), dtype=float)


def eq4_optimum(
    flops: ArrayLike, A: ArrayLike, B: ArrayLike, alpha: ArrayLike, beta: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """(N_opt, D_opt) = (G (C/6)^a, G^-1 (C/6)^b): the minimum of L(N, D) on 6 N D = C.

    Broadcasts over budgets and parameter arrays (a law's samples).
    """
    c6 = np.asarray(flops, dtype=float) / FLOPS_PER_PARAM_TOKEN
    al, be = np.asarray(alpha, dtype=float), np.asarray(beta, dtype=float)
    params = eq4_coefficient(A, B, al, be) * c6 ** (be / (al + be))
    return params, c6 / params


def parametric_loss(
    params: ArrayLike, tokens: ArrayLike, E: Any, A: Any, B: Any, alpha: Any, beta: Any
) -> FloatArray:
    """L(N, D) = E + A / N^alpha + B / D^beta (Hoffmann et al. 2022, eq. 2)."""
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    return np.asarray(E + A / n**alpha + B / d**beta, dtype=float)


def extrapolation_factor(flops: ArrayLike, flops_range: tuple[float, float]) -> FloatArray:
    """How far outside a fitted compute range a budget lies: 1 inside, else the ratio to the edge."""
    c = np.asarray(flops, dtype=float)
    low, high = flops_range
    with np.errstate(divide="ignore"):
        above = np.where(c > high, c / high, 1.0)
        below = np.where(c < low, low / c, 1.0)
    return np.maximum(above, below)


@dataclass(frozen=True)
class Law:
    """A compute-optimal allocation rule.

    Attributes
    ----------
    id
        Registry identifier (a contract: scenarios and the CLI use it).
    name
        Human name for reports.
    citation
        Paper and location of every constant.
    counts_embeddings
        Whether N includes embedding parameters (Hoffmann: yes; Kaplan: no).
    flops_range
        Range of training compute (FLOPs) the law was fitted on; outside it, an extrapolation.
    loss_note
        What the predicted loss is measured on (dataset, tokeniser), or why there is none.
    why
        One sentence on how the law was fitted and why its answer differs from the others.
    """

    id: str
    name: str
    citation: str
    counts_embeddings: bool
    flops_range: tuple[float, float]
    loss_note: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)
    why: str = ""
    #: messages (code and arguments) for texts that carry numbers, for translated reports
    messages: Mapping[str, dict[str, Any]] = field(default_factory=dict, compare=False)

    @property
    def has_loss(self) -> bool:
        return False

    @property
    def has_samples(self) -> bool:
        return False

    @property
    def allocation_minimises_loss(self) -> bool:
        """Whether :meth:`optimal` is the minimum of :meth:`loss` on the IsoFLOP line."""
        return self.has_loss

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Compute-optimal (N, D) for budgets ``flops``; satisfies 6 N D = C."""
        raise NotImplementedError

    def loss(self, params: ArrayLike, tokens: ArrayLike) -> FloatArray:
        """Predicted loss at (N, D); NaN where the law predicts none."""
        shape = np.broadcast(np.asarray(params), np.asarray(tokens)).shape
        return np.full(shape, np.nan)

    def tokens_for_loss(self, params: ArrayLike, loss: ArrayLike) -> FloatArray:
        """Training tokens D with L(N, D) = ``loss``; inf where N alone cannot reach it."""
        raise NotImplementedError(f"law '{self.id}' predicts no loss")

    def extrapolation(self, flops: ArrayLike) -> FloatArray:
        """Factor by which ``flops`` lies outside the fitted range (1 inside it)."""
        return extrapolation_factor(flops, self.flops_range)

    def in_range(self, flops: ArrayLike) -> NDArray[np.bool_]:
        """True where the budget lies within :data:`EXTRAPOLATION_FACTOR` of the fitted range."""
        return self.extrapolation(flops) <= EXTRAPOLATION_FACTOR

    def intervals(self, flops: float) -> dict[str, list[float]] | None:
        """House intervals of N_opt, D_opt and loss at ``flops``, if the law has samples."""
        return None

    def loss_interval(self, params: float, tokens: float) -> list[float] | None:
        """House interval of the predicted loss at (N, D), if the law has samples."""
        return None

    def describe(self) -> dict[str, Any]:
        """JSON-ready description for ``llmplan laws`` and reports."""
        return {
            "id": self.id,
            "name": self.name,
            "citation": self.citation,
            "counts_embeddings": self.counts_embeddings,
            "flops_range": [float(x) if math.isfinite(x) else None for x in self.flops_range],
            "has_loss": self.has_loss,
            "has_intervals": self.has_samples,
            "loss_note": self.loss_note,
            "notes": list(self.notes),
            "why": self.why,
            "messages": dict(self.messages),
        }


def _interval(values: FloatArray) -> list[float]:
    low, high = percentile_interval(values)
    return [float(low), float(high)]


@dataclass(frozen=True, kw_only=True)
class ParametricLaw(Law):
    """L(N, D) = E + A / N^alpha + B / D^beta with the eq. 4 closed-form frontier.

    ``samples`` (optional) holds rows [E, A, B, alpha, beta] drawn from the parameters' uncertainty
    (bootstrap or published standard errors); see :meth:`intervals`.
    """

    E: float
    A: float
    B: float
    alpha: float
    beta: float
    samples: FloatArray | None = field(default=None, compare=False, repr=False)
    #: Quantiles of the log-residuals log(observed / predicted) of the fit (run-to-run noise).
    residuals: FloatArray | None = field(default=None, compare=False, repr=False)

    @property
    def has_loss(self) -> bool:
        return True

    @property
    def has_samples(self) -> bool:
        return self.samples is not None and len(self.samples) > 1

    @property
    def a(self) -> float:
        """Exponent of N_opt in C: beta / (alpha + beta)."""
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        """Exponent of D_opt in C: alpha / (alpha + beta)."""
        return self.alpha / (self.alpha + self.beta)

    @property
    def G(self) -> float:
        """(alpha A / (beta B))^(1 / (alpha + beta)), Hoffmann et al. 2022 eq. 4."""
        return float(eq4_coefficient(self.A, self.B, self.alpha, self.beta))

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        return eq4_optimum(flops, self.A, self.B, self.alpha, self.beta)

    def loss(self, params: ArrayLike, tokens: ArrayLike) -> FloatArray:
        return parametric_loss(params, tokens, self.E, self.A, self.B, self.alpha, self.beta)

    def tokens_for_loss(self, params: ArrayLike, loss: ArrayLike) -> FloatArray:
        """D = (B / (L - E - A / N^alpha))^(1 / beta); inf where L - E - A / N^alpha <= 0."""
        n = np.asarray(params, dtype=float)
        gap = np.asarray(loss, dtype=float) - self.E - self.A / n**self.alpha
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            tokens = np.where(
                gap > 0, (self.B / np.where(gap > 0, gap, 1.0)) ** (1 / self.beta), np.inf
            )
        return np.asarray(tokens, dtype=float)

    def loss_interval(self, params: float, tokens: float) -> list[float] | None:
        """House interval of the predicted loss at (N, D) over the samples (parameter uncertainty
        only), or None without samples."""
        if not self.has_samples:
            return None
        assert self.samples is not None
        e, a_, b_, al, be = (self.samples[:, i] for i in range(5))
        return _interval(parametric_loss(params, tokens, e, a_, b_, al, be))

    def intervals(self, flops: float) -> dict[str, list[float]] | None:
        """House intervals of N_opt, D_opt and L(N_opt, D_opt) over the samples.

        Each sample [E, A, B, alpha, beta] is a law of its own; its eq. 4 optimum at ``flops`` and
        the loss there are computed, and the percentiles over samples reported. ``loss`` is the
        interval of the expected loss (parameter uncertainty only); when the law carries
        residuals, ``loss_prediction`` is the interval of one run's observed loss there (the
        same samples, each plus every residual).
        """
        if not self.has_samples:
            return None
        assert self.samples is not None
        e, a_, b_, al, be = (self.samples[:, i] for i in range(5))
        params, tokens = eq4_optimum(float(flops), a_, b_, al, be)
        loss = parametric_loss(params, tokens, e, a_, b_, al, be)
        out = {
            "params": _interval(params),
            "tokens": _interval(tokens),
            "loss": _interval(loss),
        }
        if self.residuals is not None:
            low, high = predictive_interval(np.log(loss)[:, None], self.residuals)
            out["loss_prediction"] = [float(low[0]), float(high[0])]
        return out

    def loss_bands(
        self, params: ArrayLike, tokens: ArrayLike, *, noise: bool = True
    ) -> tuple[FloatArray, FloatArray]:
        """House intervals (low, high arrays) of the loss at many (N, D): with ``noise`` (and
        residuals) for one run's observed loss, else for the expected loss. Without samples, the
        central law alone (a zero-width band). :meth:`loss_interval` is the one-point form that
        says None when the law has no uncertainty."""
        n = np.atleast_1d(np.asarray(params, dtype=float))
        d = np.atleast_1d(np.asarray(tokens, dtype=float))
        n, d = np.broadcast_arrays(n, d)
        rows = self.samples if self.has_samples else None
        if rows is None:
            rows = np.array([[self.E, self.A, self.B, self.alpha, self.beta]])
        log_pred = np.log(
            parametric_loss(n[None, :], d[None, :], *(rows[:, i : i + 1] for i in range(5)))
        )
        if noise and self.residuals is not None:
            return predictive_interval(log_pred, self.residuals)
        low, high = percentile_interval(log_pred)
        return np.exp(low), np.exp(high)


@dataclass(frozen=True, kw_only=True)
class PowerLaw(Law):
    """N_opt = k C^a, D_opt = C / (6 N_opt) (Hoffmann et al. 2022 approaches 1 and 2)."""

    coefficient: float
    exponent: float

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        c = np.asarray(flops, dtype=float)
        params = self.coefficient * c**self.exponent
        return params, tokens_for_flops(c, params)


@dataclass(frozen=True, kw_only=True)
class TokensPerParamLaw(Law):
    """D = r N with C = 6 N D, so N = sqrt(C / (6 r)) and D = r N."""

    ratio: float

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        c6 = np.asarray(flops, dtype=float) / FLOPS_PER_PARAM_TOKEN
        params = np.sqrt(c6 / self.ratio)
        return params, c6 / params
