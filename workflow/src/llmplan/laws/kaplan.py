"""Kaplan et al. 2020, Scaling Laws for Neural Language Models (arXiv:2001.08361).

Compute-efficient frontier (eq. 6.1 and Table 6): N_opt = 1.3e9 (C_min / 1 PF/s-day)^0.73
non-embedding parameters, where C_min is the compute of training at a batch far below the critical
batch. A real budget C is spent at the critical batch size, where Kaplan et al. give C = 2 C_min
(eq. 6.7: "If we train at the critical batch size (i.e. C = 2C_min)"). So

    N_opt(C) = 1.3e9 (C / (2 x 8.64e19 FLOPs))^0.73,    D = C / 6N,

which is how Hoffmann et al. 2022 (arXiv:2203.15556, App. D.4) read Kaplan: "From Kaplan et al.
(2020), we find that the optimal model size should be 4.68 billion parameters" at 1e21 FLOPs;
this gives 4.683B. Feeding the whole budget as C_min instead overstates N by 2^0.73 = 66%.

The joint loss (eq. 1.5, constants Table 2) is

    L(N, D) = [ (N_c / N)^(alpha_N / alpha_D) + D_c / D ]^alpha_D.

Kaplan's allocation is not the minimum of this L along the IsoFLOP line (the frontier comes from
the compute-efficient stopping rule, not from eq. 1.5), so charts that draw loss against N at fixed
compute leave Kaplan out rather than mark a point that is not its curve's minimum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from llmplan.core.compute import FLOPS_PER_PF_DAY, tokens_for_flops
from llmplan.laws.base import FloatArray, Law


@dataclass(frozen=True, kw_only=True)
class KaplanLaw(Law):
    """Kaplan et al. 2020: N_opt = N_e (C_min / PF-day)^p_N with C_min = C / 2, D = C / 6N."""

    @property
    def allocation_minimises_loss(self) -> bool:
        return False

    n_e: float
    p_n: float
    c_min_per_c: float
    n_c: float
    d_c: float
    alpha_n: float
    alpha_d: float

    @property
    def has_loss(self) -> bool:
        return True

    def optimal(self, flops: ArrayLike) -> tuple[FloatArray, FloatArray]:
        c = np.asarray(flops, dtype=float)
        params = self.n_e * (self.c_min_per_c * c / FLOPS_PER_PF_DAY) ** self.p_n
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
