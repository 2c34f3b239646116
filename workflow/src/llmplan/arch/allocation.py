"""Compute-optimal allocation with the exact FLOPs per token of a model family, against 6ND.

Every law in :mod:`llmplan.laws` allocates a budget C with C = 6 N D. A real model of N
parameters costs F(N) FLOPs per token (:mod:`.flops`; with attention at the family's sequence
length, F(N) > 6N), so the budget buys D = C / F(N) tokens. For a law with a loss L(N, D) the
exact-FLOPs optimum is

    N* = argmin_N  L(N_law(N), C / F(N))

where N runs over the family's smooth shapes (:func:`llmplan.arch.families.smooth_model`) and
N_law(N) is the count the law was fitted on: all parameters for Hoffmann et al. 2022 and Epoch AI's
refit (``counts_embeddings``), non-embedding parameters for Kaplan et al. 2020
(:mod:`llmplan.arch.counts`). The 6ND answer it is compared with minimises the same loss on the
law's own convention, D = C / (6 N_law(N)), which is the law's eq. 4 optimum for the
Chinchilla-form laws; for Kaplan et al. it is the minimum of their eq. 1.5 along 6ND, not their
eq. 6.1 frontier (which the main allocation table shows), so that the two numbers differ only
by the FLOPs count. Laws without a loss (approaches 1 and 2, tokens per parameter) keep their N,
and the exact FLOPs only shorten D = C / F(N).

For an MoE family N is the active count (FLOPs follow active parameters; the dense laws are fed
the active count, the dense model of equal cost per token; see :mod:`llmplan.plan.architecture`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Final

import numpy as np

from llmplan.arch.families import Basis, Template, smooth_model
from llmplan.arch.flops import Convention, six_n
from llmplan.core.optimise import argmin_on_interval
from llmplan.laws.base import Law

#: Search window around the law's own 6ND optimum, in factors of N.
WINDOW: Final = 300.0


@dataclass(frozen=True)
class ExactAllocation:
    """One law's allocation with 6ND and with the family's exact FLOPs per token.

    ``params`` are in the family's basis (all parameters; active ones for MoE), ``params_law``
    in the law's (see :attr:`law_counts`); changes are exact / 6ND of the law's N and of D.
    """

    law: str
    law_name: str
    law_counts: str
    method: str
    convention: str
    flops: float
    params_6nd: float
    params_law_6nd: float
    tokens_6nd: float
    loss_6nd: float | None
    params: float
    params_law: float
    tokens: float
    loss: float | None
    flops_per_token: float
    ratio_to_6n: float
    params_change: float
    tokens_change: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _law_count(law: Law, basis: Basis) -> str:
    if law.counts_embeddings:
        return basis
    return "non_embedding" if basis == "total" else "active_non_embedding"


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def exact_allocation(
    law: Law,
    flops: float,
    t: Template,
    *,
    convention: Convention = "palm",
    basis: Basis = "total",
) -> ExactAllocation:
    """``law``'s allocation of ``flops`` with 6ND and with the exact FLOPs of template ``t``.

    Parameters
    ----------
    law
        Any law of the registry.
    flops
        The budget C in model FLOPs.
    t
        The family template (sequence length, vocabulary, MoE layout).
    convention
        How FLOPs per token are counted (:data:`llmplan.arch.flops.CONVENTIONS`).
    basis
        "total" for a dense family, "active" for an MoE one.
    """
    count = _law_count(law, basis)
    n0 = float(np.asarray(law.optimal(flops)[0]).ravel()[0])

    def at(log_n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        model = smooth_model(np.exp(log_n), t, basis=basis)
        return model.counts[basis], model.counts[count], model.flops_per_token(convention)

    if law.has_loss:

        def loss_6nd(log_n: np.ndarray) -> np.ndarray:
            _, n_law, _ = at(log_n)
            return law.loss(n_law, flops / six_n(n_law))

        def loss_exact(log_n: np.ndarray) -> np.ndarray:
            _, n_law, per_token = at(log_n)
            return law.loss(n_law, flops / per_token)

        # the law's N0 is in its own count; start from the family N with that count roughly
        lo, hi = math.log(n0 / WINDOW), math.log(n0 * WINDOW)
        x6 = argmin_on_interval(loss_6nd, lo, hi)
        x = argmin_on_interval(loss_exact, lo, hi)
        method = "loss"
    else:  # no loss to minimise: the law's N, fewer tokens
        x6 = x = math.log(n0)
        method = "fixed-n"
    n6, n6_law, _ = (float(v[0]) for v in at(np.array([x6])))
    n, n_law, per_token = (float(v[0]) for v in at(np.array([x])))
    tokens_6nd = flops / float(six_n(n6_law))
    if method == "fixed-n":  # the law's own numbers, unchanged by the exact FLOPs
        n6_law = n_law = n0
        tokens_6nd = flops / float(six_n(n0))
    tokens = flops / per_token
    loss6 = loss = None
    if law.has_loss:
        loss6 = _finite(float(law.loss(n6_law, tokens_6nd)))
        loss = _finite(float(law.loss(n_law, tokens)))
    return ExactAllocation(
        law=law.id,
        law_name=law.name,
        law_counts=count,
        method=method,
        convention=convention,
        flops=flops,
        params_6nd=n6,
        params_law_6nd=n6_law,
        tokens_6nd=tokens_6nd,
        loss_6nd=loss6,
        params=n,
        params_law=n_law,
        tokens=tokens,
        loss=loss,
        flops_per_token=per_token,
        ratio_to_6n=per_token / float(six_n(n)),
        params_change=n_law / n6_law,
        tokens_change=tokens / tokens_6nd,
    )
