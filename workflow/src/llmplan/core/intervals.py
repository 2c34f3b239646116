"""The one interval convention of llmplan: the central 80%, the 10th to 90th percentiles.

Hoffmann et al. 2022 (arXiv:2203.15556) report the uncertainty of their frontier exponents as
10th and 90th percentiles of a bootstrap (Table 2); every interval llmplan prints (plans, fits,
trends, the command line) uses the same level, so numbers from different pages can be compared.
"""

from __future__ import annotations

from typing import Final

import numpy as np
from numpy.typing import ArrayLike

#: The percentiles that bound every interval.
INTERVAL_PERCENTILES: Final = (10.0, 90.0)
#: The central probability mass between them.
INTERVAL_LEVEL: Final = (INTERVAL_PERCENTILES[1] - INTERVAL_PERCENTILES[0]) / 100.0
#: How reports and the command line name it.
INTERVAL_TEXT: Final = "10th–90th percentile (80%) interval"
INTERVAL_SHORT: Final = "10–90%"


def percentile_interval(values: ArrayLike, *, axis: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(low, high) percentiles of ``values`` along ``axis``, ignoring NaN."""
    low, high = np.nanpercentile(np.asarray(values, dtype=float), INTERVAL_PERCENTILES, axis=axis)
    return low, high
