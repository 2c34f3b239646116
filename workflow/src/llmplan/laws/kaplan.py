"""Kaplan et al. 2020, Scaling Laws for Neural Language Models (arXiv:2001.08361).

Compute-efficient frontier (eq. 6.1 and Table 6): N_opt = 1.3e9 (C / 1 PF/s-day)^0.73 non-embedding
parameters, with D = C / 6N here, and the joint loss (eq. 1.5, constants Table 2)

    L(N, D) = [ (N_c / N)^(alpha_N / alpha_D) + D_c / D ]^alpha_D.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from llmplan.core.compute import FLOPS_PER_PF_DAY, tokens_for_flops
from llmplan.laws.base import FloatArray, Law


@dataclass(frozen=True, kw_only=True)
class KaplanLaw(Law):
    """Kaplan et al. 2020: N_opt = N_e (C / PF-day)^p_N, D = C / 6N; loss from eq. 1.5."""

    n_e: float
    p_n: float
    n_c: float
    d_c: float
    alpha_n: float
    alpha_d: float

    @property
    def has_loss(self) -> bool:
        return True

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        c = np.asarray(flops, dtype=float)
        params = self.n_e * (c / FLOPS_PER_PF_DAY) ** self.p_n
        return params, tokens_for_flops(c, params)

    def loss(self, params: ArrayLike, tokens: ArrayLike) -> FloatArray:
        n = np.asarray(params, dtype=float)
        d = np.asarray(tokens, dtype=float)
        return ((self.n_c / n) ** (self.alpha_n / self.alpha_d) + self.d_c / d) ** self.alpha_d

    def tokens_for_loss(self, params: ArrayLike, loss: ArrayLike) -> FloatArray:
        """D = D_c / (L^(1/alpha_D) - (N_c/N)^(alpha_N/alpha_D)); inf where that is <= 0."""
        n = np.asarray(params, dtype=float)
        gap = np.asarray(loss, dtype=float) ** (1 / self.alpha_d) - (self.n_c / n) ** (
            self.alpha_n / self.alpha_d
        )
        with np.errstate(divide="ignore"):
            tokens = np.where(gap > 0, self.d_c / np.where(gap > 0, gap, 1.0), np.inf)
        return np.asarray(tokens, dtype=float)
