"""The one interval convention of llmplan: the central 80%, the 10th to 90th percentiles.

Hoffmann et al. 2022 (arXiv:2203.15556) report the uncertainty of their frontier exponents as
10th and 90th percentiles of a bootstrap (Table 2); every interval llmplan prints (plans, fits,
trends, the command line) uses the same level, so numbers from different pages can be compared.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike

#: Central probability mass of every interval.
INTERVAL_LEVEL: Final = 0.80
#: The percentiles that bound it.
INTERVAL_PERCENTILES: Final = (50.0 * (1.0 - INTERVAL_LEVEL), 50.0 * (1.0 + INTERVAL_LEVEL))
#: How reports and the command line name it.
INTERVAL_TEXT: Final = "10th–90th percentile (80%) interval"
INTERVAL_SHORT: Final = "10–90%"


def percentile_interval(values: ArrayLike, *, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) percentiles of ``values`` along ``axis``, ignoring NaN."""
    low, high = np.nanpercentile(np.asarray(values, dtype=float), INTERVAL_PERCENTILES, axis=axis)
    return low, high
