"""The fine-grained Mixture-of-Experts scaling law of Krajewski et al. 2024 (arXiv:2402.07871).

Eq. 9, with the Table 1 constants (read in two independent full-text copies of the paper;
/work/notes/arch-facts.md s6):

    L(N, D, G) = c + (g / G^gamma + a) / N^alpha + b / D^beta

    MoE (E = 64):  a 18.1, alpha 0.115, b 30.8, beta 0.147, g 2.1, gamma 0.58, c 0.47
    dense (Eq. 1): a 16.3, alpha 0.126, b 26.7, beta 0.127,                    c 0.47

App. D, Table 8 refits Eq. 9 at E = 16 (a 19.64, alpha 0.124, b 57.07, beta 0.169, g 1.18,
gamma 0.986, c 0.472), also provided.

Conventions, in the paper's words and notation:

- N is the "total number of non-embedding parameters" (s5): all experts counted, routing
  excluded. Their parameter model is N = d_model^2 (8E + 4) n_blocks with a two-matrix MLP of
  width 4 d_model (no SwiGLU), so N = (8E + 4) / 12 x N_act where N_act = 12 d_model^2 n_blocks
  are the "non-embedding parameters used to produce output for a single token, except routing"
  (the "100M" of "64 x 100M"). E is the expansion rate (all experts' parameters over one dense
  MLP's), G the granularity: a token is routed to G experts, each d_ff / G wide, so N_act does
  not grow with G.
- D is training tokens; the loss is the smoothed training loss on C4 with the GPT-2 tokenizer:
  not comparable with Hoffmann et al.'s MassiveText losses.
- FLOPs (Eq. 10-11): F = (12 d_model^2 c_f + d_model E G c_r) D n_blocks with c_f = 6 ("following
  Hoffmann et al.") and c_r = 14 for the router ("between 6 and 20"), d_model = 64 n_blocks
  (s6.1); "we exclude embedding and unembedding from the FLOPs calculations", and attention-score
  FLOPs are not counted.
- Fitted on 129M to 3.7B parameters and 16B to 130B tokens with G from 1 to 16, at E = 64: every
  row of their Table 2 above 64 x 85M is an extrapolation, and so is anything here beyond that.

What reproduces (tests/arch/test_moe.py): the FLOPs column of Table 2 within 1% (:func:`moe_flops`);
the loss column only within 0.025 (always 0.011-0.023 above Eq. 9 with the rounded Table 1
constants and N = 43 N_act, slightly more than the paper's stated fit RMSE of 0.015 and validation
RMSE of 0.019: the table was most likely computed with unrounded constants); the compute-optimal D
and G of :func:`compute_optimal` fall inside the paper's bootstrap intervals (Table 6).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Final

import numpy as np

from llmplan.core.optimise import argmin_on_interval

KRAJEWSKI: Final = (
    "Krajewski et al. 2024, Scaling Laws for Fine-Grained Mixture of Experts, arXiv:2402.07871"
)


@dataclass(frozen=True)
class MoELawConstants:
    """Constants of Eq. 9 (g = gamma = 0 for the dense law, Eq. 1) at expansion rate E."""

    a: float
    alpha: float
    b: float
    beta: float
    c: float
    g: float = 0.0
    gamma: float = 0.0
    expansion: int = 1
    source: str = ""


#: Table 1, MoE row (E = 64).
MOE_E64: Final = MoELawConstants(
    a=18.1,
    alpha=0.115,
    b=30.8,
    beta=0.147,
    c=0.47,
    g=2.1,
    gamma=0.58,
    expansion=64,
    source=f"{KRAJEWSKI}, Eq. 9 and Table 1 (MoE, E = 64)",
)
#: Table 1, dense row (Eq. 1).
DENSE: Final = MoELawConstants(
    a=16.3, alpha=0.126, b=26.7, beta=0.127, c=0.47, source=f"{KRAJEWSKI}, Eq. 1 and Table 1"
)
#: App. D, Table 8 (E = 16).
MOE_E16: Final = MoELawConstants(
    a=19.64,
    alpha=0.124,
    b=57.07,
    beta=0.169,
    c=0.472,
    g=1.18,
    gamma=0.986,
    expansion=16,
    source=f"{KRAJEWSKI}, App. D, Table 8 (E = 16)",
)
#: Eq. 11: FLOPs per parameter per token (c_f) and per router parameter per token (c_r).
C_F: Final = 6.0
C_R: Final = 14.0
#: s6.1: d_model = 64 n_blocks.
WIDTH_PER_BLOCK: Final = 64.0
#: The granularities searched: powers of two (the paper's Table 2 uses 8 to 64); above 16 is
#: outside the fitted range.
GRANULARITIES: Final = (1, 2, 4, 8, 16, 32, 64)
FITTED_MAX_GRANULARITY: Final = 16
#: Fitted ranges (s5): parameters (N_act as the paper labels its models) and tokens.
FITTED_PARAMS: Final = (129e6, 3.7e9)
FITTED_TOKENS: Final = (16e9, 130e9)


def total_from_active(n_active: Any, expansion: int) -> Any:
    """N = (8E + 4) / 12 x N_act: all experts' and attention's non-embedding parameters."""
    return (8 * expansion + 4) / 12 * np.asarray(n_active, dtype=float)


def law_loss(n_total: Any, tokens: Any, granularity: Any, k: MoELawConstants = MOE_E64) -> Any:
    """Eq. 9: c + (g / G^gamma + a) / N^alpha + b / D^beta (Eq. 1 for :data:`DENSE`)."""
    n = np.asarray(n_total, dtype=float)
    d = np.asarray(tokens, dtype=float)
    g_term = k.g / np.asarray(granularity, dtype=float) ** k.gamma if k.g else 0.0
    return k.c + (g_term + k.a) / n**k.alpha + k.b / d**k.beta


def moe_flops_per_token(n_active: Any, granularity: Any, *, expansion: int = 64) -> Any:
    """Eq. 10-11 per token: (12 d^2 c_f + d E G c_r) n_blocks, d = 64 n_blocks, 12 d^2 n_blocks = N_act."""
    n_act = np.asarray(n_active, dtype=float)
    n_blocks = (n_act / (12.0 * WIDTH_PER_BLOCK**2)) ** (1.0 / 3.0)
    d = WIDTH_PER_BLOCK * n_blocks
    return (12.0 * d**2 * C_F + d * expansion * np.asarray(granularity, float) * C_R) * n_blocks


def moe_flops(n_active: Any, tokens: Any, granularity: Any, *, expansion: int = 64) -> Any:
    """Eq. 10-11: training FLOPs F = (12 d^2 c_f + d E G c_r) D n_blocks."""
    per_token = moe_flops_per_token(n_active, granularity, expansion=expansion)
    return per_token * np.asarray(tokens, dtype=float)


@dataclass(frozen=True)
class MoEOptimum:
    """The compute-optimal model of the law at a budget of FLOPs (the paper's FLOPs)."""

    flops: float
    params_active: float
    params_total: float
    tokens: float
    granularity: int
    loss: float
    dense_params: float
    dense_tokens: float
    dense_loss: float
    expansion: int
    extrapolated: bool
    source: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _best_active(flops: float, granularity: int, k: MoELawConstants) -> tuple[float, float]:
    def loss(log_n: np.ndarray) -> np.ndarray:
        n_act = np.exp(log_n)
        tokens = flops / moe_flops_per_token(n_act, granularity, expansion=k.expansion)
        return law_loss(total_from_active(n_act, k.expansion), tokens, granularity, k)

    guess = math.log(math.sqrt(flops / 6.0 / 20.0))  # 20 tokens per parameter
    log_n = argmin_on_interval(loss, guess - 8.0, guess + 8.0)
    return math.exp(log_n), float(loss(np.array([log_n]))[0])


def dense_optimum(flops: float, k: MoELawConstants = DENSE) -> tuple[float, float, float]:
    """(N, D, loss) minimising Eq. 1 on F = 6 N D (the paper's dense FLOPs, c_f = 6)."""

    def loss(log_n: np.ndarray) -> np.ndarray:
        n = np.exp(log_n)
        return law_loss(n, flops / (C_F * n), 1.0, k)

    guess = math.log(math.sqrt(flops / 6.0 / 20.0))
    log_n = argmin_on_interval(loss, guess - 8.0, guess + 8.0)
    n = math.exp(log_n)
    return n, flops / (C_F * n), float(loss(np.array([log_n]))[0])


def compute_optimal(
    flops: float,
    *,
    constants: MoELawConstants = MOE_E64,
    granularities: tuple[int, ...] = GRANULARITIES,
) -> MoEOptimum:
    """Minimise Eq. 9 over N_act and G at fixed FLOPs (Eq. 10-11), D = F / per-token FLOPs.

    The paper optimises the same way (s6.1); G is searched over powers of two. The dense optimum
    of Eq. 1 at the same FLOPs is returned beside it.
    """
    best: tuple[float, float, int] | None = None
    for granularity in granularities:
        n_act, loss = _best_active(flops, granularity, constants)
        if best is None or loss < best[1]:
            best = (n_act, loss, granularity)
    assert best is not None
    n_act, loss, granularity = best
    tokens = flops / float(moe_flops_per_token(n_act, granularity, expansion=constants.expansion))
    dense_n, dense_d, dense_loss = dense_optimum(flops)
    extrapolated = (
        not FITTED_PARAMS[0] <= n_act <= FITTED_PARAMS[1]
        or not FITTED_TOKENS[0] <= tokens <= FITTED_TOKENS[1]
        or granularity > FITTED_MAX_GRANULARITY
    )
    return MoEOptimum(
        flops=flops,
        params_active=n_act,
        params_total=float(total_from_active(n_act, constants.expansion)),
        tokens=tokens,
        granularity=granularity,
        loss=loss,
        dense_params=dense_n,
        dense_tokens=dense_d,
        dense_loss=dense_loss,
        expansion=constants.expansion,
        extrapolated=extrapolated,
        source=constants.source,
    )
