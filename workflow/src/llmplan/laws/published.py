"""Published constants of the scaling laws, each with where it was read.

The registry (:mod:`.registry`) builds the laws from these. Approaches 1 and 2 of Hoffmann et al.
2022 (arXiv:2203.15556) state only N_opt = k C^a; the paper does not print k, so it is derived here
from the paper's own projections (Table 3, Table A3) by :func:`coefficient_from_table`.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np

from llmplan.core.compute import FLOPS_PER_PF_DAY
from llmplan.core.messages import N_
from llmplan.laws.base import FloatArray

HOFFMANN: Final = (
    "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556"
)
# Hoffmann et al. trained 400+ models from 70M to 16B parameters on 5B-500B tokens (s3); the runs
# of their Figure 4, which the approach-3 fit uses, span 1.4e18 to 1.3e22 FLOPs (Epoch AI's
# extraction of those points, Besiroglu et al. 2024, arXiv:2404.10102).
HOFFMANN_RANGE: Final = (1.4e18, 1.3e22)
MASSIVETEXT: Final = N_(
    "loss in nats/token on MassiveText with the SentencePiece tokeniser of Hoffmann et al."
)

#: Hoffmann et al. 2022 Table 3 (approach 1 projections): (parameters, FLOPs, tokens).
#: SECONDARY: read in an ar5iv transcription of arXiv:2203.15556 and several independent GitHub
#: notes quoting it (all agree digit for digit); the PDF itself was not read.
HOFFMANN_TABLE3_APPROACH1: Final = (
    (400e6, 1.92e19, 8.0e9),
    (1e9, 1.21e20, 20.2e9),
    (10e9, 1.23e22, 205.1e9),
    (67e9, 5.76e23, 1.5e12),
    (175e9, 3.85e24, 3.7e12),
    (280e9, 9.90e24, 5.9e12),
    (520e9, 3.43e25, 11.0e12),
    (1e12, 1.27e26, 21.2e12),
    (10e12, 1.30e28, 216.2e12),
)

#: Hoffmann et al. 2022 Table A3, approach 2 columns: (parameters, FLOPs, tokens).
#: SECONDARY, same ar5iv transcription as :data:`HOFFMANN_TABLE3_APPROACH1`.
HOFFMANN_TABLEA3_APPROACH2: Final = (
    (400e6, 1.84e19, 7.7e9),
    (1e9, 1.20e20, 20.0e9),
    (10e9, 1.32e22, 219.5e9),
    (67e9, 6.88e23, 1.7e12),
    (175e9, 4.54e24, 4.3e12),
    (280e9, 1.18e25, 7.1e12),
    (520e9, 4.19e25, 13.4e12),
    (1e12, 1.59e26, 26.5e12),
    (10e12, 1.75e28, 292.0e12),
)

#: Exponents a of N_opt ~ C^a, Hoffmann et al. 2022 Table 2 (VERIFIED in laws.csv).
APPROACH1_EXPONENT: Final = 0.50
APPROACH2_EXPONENT: Final = 0.49


def coefficient_from_table(rows: tuple[tuple[float, float, float], ...], exponent: float) -> float:
    """k of N = k C^a fitted to (N, C) rows in log space with a fixed: exp(mean(ln N - a ln C)).

    DERIVED from the paper's projections: the paper does not print k.
    """
    params = np.array([r[0] for r in rows])
    flops = np.array([r[1] for r in rows])
    return float(np.exp(np.mean(np.log(params) - exponent * np.log(flops))))


# Hoffmann et al. 2022 approach 3, unrounded constants as used by Epoch AI
# (epoch-research/analyzing-chinchilla @92258837, data_analysis.ipynb cell 16 "true_params";
# laws.csv rows "approach3 unrounded"): A = exp(6.0073404), B = exp(6.0179186), E = exp(0.5267228).
UNROUNDED: Final = {
    "E": math.exp(0.5267228),
    "A": math.exp(6.0073404),
    "B": math.exp(6.0179186),
    "alpha": 0.33917084,
    "beta": 0.2849083,
}

EPOCH: Final = "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt, arXiv:2404.10102"
#: Epoch AI refit central values (paper table; SECONDARY: transcribed in >= 5 GitHub notes; the
#: notebook's own MLE agrees to 1e-3 relative, laws.csv).
EPOCH_2024: Final = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
#: Standard errors used to sample the Epoch law: log-space SEs of A, B, E and SEs of alpha, beta
#: from Epoch's notebook (epoch-research/analyzing-chinchilla @92258837, data_analysis.ipynb
#: cells 25 and 54, 4000 bootstraps; laws.csv, VERIFIED).
EPOCH_2024_SE: Final = {
    "log_E": 0.014,
    "log_A": 0.258,
    "log_B": 0.421,
    "alpha": 0.0154,
    "beta": 0.0206,
}
#: Correlations between (ln E, ln A, ln B, alpha, beta) of the Epoch refit. Epoch AI publish only
#: marginal standard errors; these are the correlations of 4,000 bootstrap refits (seed 42, as in
#: Epoch's notebook) that llmplan's fitter made on Epoch's extraction of the Chinchilla points (240
#: points, the 5 highest losses dropped). Their marginal SDs reproduce Epoch's published SEs within
#: 5% (ln E 0.0138 vs 0.014, ln A 0.248 vs 0.258, ln B 0.412 vs 0.421, alpha 0.0148 vs 0.0154,
#: beta 0.0202 vs 0.0206). tests/test_laws.py recomputes them when ../shared/data is present.
#: DERIVED. ln A and alpha (ln B and beta) move together almost perfectly: sampling them
#: independently would make the intervals on N_opt an order of magnitude too wide.
EPOCH_2024_CORRELATION: Final = (
    (1.0, 0.5759, 0.6196, 0.5701, 0.6172),
    (0.5759, 1.0, -0.2510, 0.9993, -0.2573),
    (0.6196, -0.2510, 1.0, -0.2611, 0.9997),
    (0.5701, 0.9993, -0.2611, 1.0, -0.2679),
    (0.6172, -0.2573, 0.9997, -0.2679, 1.0),
)
EPOCH_SAMPLE_SEED: Final = 20240416
EPOCH_SAMPLE_COUNT: Final = 2000


def epoch_samples(*, seed: int = EPOCH_SAMPLE_SEED, count: int = EPOCH_SAMPLE_COUNT) -> FloatArray:
    """Parameter draws [E, A, B, alpha, beta] for the Epoch AI refit.

    (ln E, ln A, ln B, alpha, beta) are drawn from a multivariate normal centred on the published
    values, with the published standard errors (:data:`EPOCH_2024_SE`) and the bootstrap
    correlations of :data:`EPOCH_2024_CORRELATION`. Log space keeps A, B, E positive (a normal
    with B's SE of 1293 around 2085 would not).
    """
    rng = np.random.default_rng(seed)
    se = EPOCH_2024_SE
    c = EPOCH_2024
    sd = np.array([se["log_E"], se["log_A"], se["log_B"], se["alpha"], se["beta"]])
    corr = np.array(EPOCH_2024_CORRELATION)
    cov = corr * np.outer(sd, sd)
    # the rounded correlations are nearly singular: clip tiny negative eigenvalues to keep it PSD
    values, vectors = np.linalg.eigh(cov)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    mean = np.array([math.log(c["E"]), math.log(c["A"]), math.log(c["B"]), c["alpha"], c["beta"]])
    z = mean + rng.standard_normal((count, 5)) @ root.T
    return np.column_stack([np.exp(z[:, 0]), np.exp(z[:, 1]), np.exp(z[:, 2]), z[:, 3], z[:, 4]])


KAPLAN: Final = "Kaplan et al. 2020, Scaling Laws for Neural Language Models, arXiv:2001.08361"
# Kaplan et al.'s compute-efficient frontier spans roughly 1e-8 to 10 PF/s-days of C_min (Figures 1
# and 13 axes), that is twice that in C = 2 C_min (eq. 6.7); APPROXIMATE, read off the figures, not a
# number the paper states.
KAPLAN_RANGE: Final = (2e-8 * FLOPS_PER_PF_DAY, 20.0 * FLOPS_PER_PF_DAY)
