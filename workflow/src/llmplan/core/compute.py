"""Training compute: the units it is counted in and the 6 N D rule.

Dense decoders spend about 6 FLOPs per parameter per training token: 2 in the forward pass and 4
in the backward pass (Kaplan et al. 2020, arXiv:2001.08361, s2.1, eq. 2.1), so C = 6 N D. A
petaFLOP/s-day is 1e15 FLOP/s sustained for 86,400 s, 8.64e19 FLOPs (Kaplan et al. 2020, s1.3;
Brown et al. 2020, arXiv:2005.14165, App. D). Exact counts that include attention live in
:mod:`llmplan.arch`; this module is the convention every published law was fitted with.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike, NDArray

#: FLOPs per parameter per training token for a dense decoder: 2 forward + 4 backward.
FLOPS_PER_PARAM_TOKEN: Final = 6.0
#: FLOPs per parameter per inference token (the forward pass only).
INFERENCE_FLOPS_PER_PARAM_TOKEN: Final = 2.0

SECONDS_PER_HOUR: Final = 3600.0
HOURS_PER_DAY: Final = 24.0
SECONDS_PER_DAY: Final = SECONDS_PER_HOUR * HOURS_PER_DAY
#: FLOPs in one petaFLOP/s-day: 1e15 FLOP/s for 86,400 s.
FLOPS_PER_PF_DAY: Final = 1e15 * SECONDS_PER_DAY


def train_flops(params: ArrayLike, tokens: ArrayLike) -> NDArray[np.float64]:
    """C = 6 N D (Kaplan et al. 2020, eq. 2.1)."""
    return FLOPS_PER_PARAM_TOKEN * np.asarray(params, dtype=float) * np.asarray(tokens, float)


def tokens_for_flops(flops: ArrayLike, params: ArrayLike) -> NDArray[np.float64]:
    """D = C / (6 N): the tokens a budget of C FLOPs buys for a model of N parameters."""
    return np.asarray(flops, dtype=float) / (FLOPS_PER_PARAM_TOKEN * np.asarray(params, float))


def pf_days_to_flops(pf_days: float) -> float:
    """FLOPs in ``pf_days`` petaFLOP/s-days (x 8.64e19)."""
    return pf_days * FLOPS_PER_PF_DAY


def flops_to_pf_days(flops: float) -> float:
    """PetaFLOP/s-days in ``flops`` FLOPs (/ 8.64e19)."""
    return flops / FLOPS_PER_PF_DAY
