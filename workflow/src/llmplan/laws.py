"""Published scaling laws as a registry of compute-optimal allocations.

Every law maps a training compute budget C (FLOPs) to parameters N and tokens D with C = 6 N D
(Kaplan et al. 2020, arXiv:2001.08361, s2.1; Hoffmann et al. 2022, arXiv:2203.15556, s3), and,
where it has one, predicts the final pre-training loss L(N, D) in nats per token.

Parametric laws (Hoffmann et al. 2022, eq. 2):

    L(N, D) = E + A / N^alpha + B / D^beta

have the closed-form efficient frontier of Hoffmann et al. 2022, eq. 4:

    G = (alpha A / (beta B))^(1 / (alpha + beta)),  a = beta / (alpha + beta),  b = alpha / (alpha + beta)
    N_opt(C) = G (C / 6)^a,   D_opt(C) = G^-1 (C / 6)^b.

All functions are vectorised over numpy arrays of budgets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

from llmplan.errors import Where, unknown_choice

#: FLOPs per parameter per training token for a dense decoder: 2 forward + 4 backward
#: (Kaplan et al. 2020, s2.1, eq. 2.1).
FLOPS_PER_PARAM_TOKEN: Final = 6.0

FloatArray = NDArray[np.float64]


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
        Range of training compute (FLOPs) the law was fitted on; outside it, a warning.
    loss_note
        What the predicted loss is measured on (dataset, tokeniser), or why there is none.
    """

    id: str
    name: str
    citation: str
    counts_embeddings: bool
    flops_range: tuple[float, float]
    loss_note: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def has_loss(self) -> bool:
        return False

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        """Compute-optimal (N, D) for budgets ``flops``; satisfies 6 N D = C."""
        raise NotImplementedError

    def loss(self, params: ArrayLike, tokens: ArrayLike) -> FloatArray:
        """Predicted loss at (N, D); NaN where the law predicts none."""
        shape = np.broadcast(np.asarray(params), np.asarray(tokens)).shape
        return np.full(shape, np.nan)

    def in_range(self, flops: ArrayLike) -> NDArray[np.bool_]:
        """True where the budget lies within a factor 10 of the fitted range."""
        c = np.asarray(flops, dtype=float)
        low, high = self.flops_range
        return (c >= low / 10.0) & (c <= high * 10.0)


@dataclass(frozen=True)
class ParametricLaw(Law):
    """L(N, D) = E + A / N^alpha + B / D^beta with the eq. 4 closed-form frontier."""

    E: float = 0.0
    A: float = 0.0
    B: float = 0.0
    alpha: float = 0.0
    beta: float = 0.0

    @property
    def has_loss(self) -> bool:
        return True

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
        return float(
            (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))
        )

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        c6 = np.asarray(flops, dtype=float) / FLOPS_PER_PARAM_TOKEN
        params = self.G * c6**self.a
        return params, c6 / params

    def loss(self, params: ArrayLike, tokens: ArrayLike) -> FloatArray:
        n = np.asarray(params, dtype=float)
        d = np.asarray(tokens, dtype=float)
        return self.E + self.A / n**self.alpha + self.B / d**self.beta


@dataclass(frozen=True)
class TokensPerParamLaw(Law):
    """D = r N with C = 6 N D, so N = sqrt(C / (6 r)) and D = r N."""

    ratio: float = 20.0

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        c6 = np.asarray(flops, dtype=float) / FLOPS_PER_PARAM_TOKEN
        params = np.sqrt(c6 / self.ratio)
        return params, c6 / params


_HOFFMANN: Final = (
    "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556"
)
# Hoffmann et al. trained 400+ models from 70M to 16B parameters on 5B-500B tokens; their
# IsoFLOP budgets span 6e18 to 3e21 FLOPs (s3.2, Figure 3).
_HOFFMANN_RANGE: Final = (6e18, 3e21)
_MASSIVETEXT: Final = (
    "loss in nats/token on MassiveText with the SentencePiece tokeniser of Hoffmann et al."
)


def _builtin_laws(tokens_per_param: float = 20.0) -> dict[str, Law]:
    laws: list[Law] = [
        ParametricLaw(
            id="chinchilla-approach3",
            name="Chinchilla approach 3 (rounded constants)",
            citation=f"{_HOFFMANN}, s3.3 eq. 2 and 4; constants App. D.2 eq. 10",
            counts_embeddings=True,
            flops_range=_HOFFMANN_RANGE,
            loss_note=_MASSIVETEXT,
            E=1.69,
            A=406.4,
            B=410.7,
            alpha=0.34,
            beta=0.28,
        ),
        TokensPerParamLaw(
            id="tokens-per-param",
            name=f"{tokens_per_param:g} tokens per parameter",
            citation=(
                f"{_HOFFMANN}, Table 3 (about 20 tokens per parameter at the compute-optimal "
                "frontier); C = 6 N D, Kaplan et al. 2020 arXiv:2001.08361 eq. 2.1"
            ),
            counts_embeddings=True,
            flops_range=(0.0, np.inf),
            loss_note="a rule of thumb: predicts no loss",
            ratio=tokens_per_param,
        ),
    ]
    return {law.id: law for law in laws}


LAW_IDS: Final = tuple(_builtin_laws())


def get_law(law_id: str, *, tokens_per_param: float = 20.0, where: Where | None = None) -> Law:
    """The law with id ``law_id``.

    Raises
    ------
    InputError
        For an unknown id, with the nearest valid ids.
    """
    laws = _builtin_laws(tokens_per_param)
    if law_id not in laws:
        raise unknown_choice(where or Where("law"), "law id", law_id, laws)
    return laws[law_id]
