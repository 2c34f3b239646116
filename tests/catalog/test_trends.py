"""Catalog trends: log-log regressions recover known slopes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from llmplan.catalog.trends import compute_vs_year, fit_line, tokens_vs_params
from llmplan.core.errors import InputError


def _catalog():
    rng = np.random.default_rng(4)
    year = np.repeat(np.arange(2018, 2026), 4).astype(float)
    params = 10 ** rng.uniform(8, 11.5, year.size)
    # before 2022 tokens ~ 300B flat; from 2022 tokens = 20 params
    tokens = np.where(year < 2022, 3e11 * 10 ** rng.normal(0, 0.05, year.size), 20 * params)
    flops = 10 ** (0.6 * (year - 2018) + 21)  # x 10^0.6 ~ 3.98 per year
    return pd.DataFrame({"params": params, "tokens": tokens, "train_flops": flops, "year": year})


def test_tokens_vs_params_slopes():
    trend = tokens_vs_params(_catalog())
    assert trend.fits["from_2022"].slope == pytest.approx(1.0, abs=1e-9)
    assert trend.fits["from_2022"].intercept == pytest.approx(np.log10(20), abs=1e-9)
    assert abs(trend.fits["before_2022"].slope) < 0.1
    lo, hi = trend.fits["before_2022"].slope_interval
    assert lo < 0 < hi or abs(trend.fits["before_2022"].slope) < 0.05
    assert trend.to_dict()["fits"]["all"]["n"] == 32


def test_compute_growth_and_doubling():
    trend = compute_vs_year(_catalog())
    assert trend.growth_per_year == pytest.approx(10**0.6, rel=1e-9)
    assert trend.doubling_months == pytest.approx(12 * np.log10(2) / 0.6, rel=1e-9)
    assert trend.fit.r2 == pytest.approx(1.0)


def test_line_interval_closed_form():
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 1.0, 1.0, 3.0])
    line = fit_line(x, y, level=0.9)
    # slope = Sxy / Sxx = 4.5 / 5 = 0.9; residual sd^2 = SSE / 2 = 0.7 / 2
    assert line.slope == pytest.approx(0.9)
    se = np.sqrt(0.35 / 5)
    from scipy import stats

    t = stats.t.ppf(0.95, 2)
    assert line.slope_interval[1] == pytest.approx(0.9 + t * se)


def test_too_few_points():
    with pytest.raises(InputError, match="at least 3 points"):
        fit_line([1, 2], [1, 2])
