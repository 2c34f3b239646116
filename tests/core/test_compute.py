"""Compute units against published figures, and the one interval convention."""

from __future__ import annotations

import numpy as np
import pytest

from llmplan.core.compute import FLOPS_PER_PF_DAY, flops_to_pf_days, train_flops
from llmplan.core.intervals import INTERVAL_PERCENTILES, percentile_interval


def test_pf_day_and_gpt3_table_d1() -> None:
    assert FLOPS_PER_PF_DAY == 8.64e19
    # Brown et al. 2020, Table D.1: GPT-3 175B took 3.14e23 FLOPs = 3,640 PF/s-days
    assert flops_to_pf_days(3.14e23) == pytest.approx(3640, rel=2e-3)
    # and 6 N D with Table D.1's 174,600M parameters and 300B tokens gives that compute
    assert float(train_flops(174.6e9, 300e9)) == pytest.approx(3.14e23, rel=2e-3)


def test_interval_is_the_10th_to_90th_percentile() -> None:
    assert INTERVAL_PERCENTILES == (10.0, 90.0)
    low, high = percentile_interval(np.arange(101.0))
    assert (low, high) == (10.0, 90.0)
