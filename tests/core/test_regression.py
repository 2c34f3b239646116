"""The one line fit: exact lines, scipy's standard errors, masked batches."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from llmplan.core.errors import InputError
from llmplan.core.intervals import INTERVAL_LEVEL
from llmplan.core.regression import fit_line, fit_lines, r_squared


def test_exact_line_is_recovered() -> None:
    x = np.array([1.0, 2.0, 3.0, 5.0])
    line = fit_line(x, 2.0 + 3.0 * x)
    assert line.slope == pytest.approx(3.0, rel=1e-12)
    assert line.intercept == pytest.approx(2.0, rel=1e-12)
    assert line.r2 == pytest.approx(1.0)
    assert line.slope_interval[0] == pytest.approx(3.0) and line.slope_interval[1] == pytest.approx(
        3.0
    )


def test_intervals_match_scipy_linregress_at_the_house_level() -> None:
    rng = np.random.default_rng(3)
    x = np.linspace(0, 10, 30)
    y = 1.0 - 0.5 * x + rng.normal(0, 0.4, x.size)
    ref = stats.linregress(x, y)
    t = stats.t.ppf(0.5 + INTERVAL_LEVEL / 2, x.size - 2)
    line = fit_line(x, y)
    assert line.level == INTERVAL_LEVEL == 0.8
    assert line.slope == pytest.approx(ref.slope, rel=1e-12)
    assert line.slope_interval[1] - line.slope == pytest.approx(t * ref.stderr, rel=1e-9)
    assert line.intercept_interval[1] - line.intercept == pytest.approx(
        t * ref.intercept_stderr, rel=1e-9
    )
    assert line.r2 == pytest.approx(ref.rvalue**2, rel=1e-12)


def test_batched_lines_use_only_their_masked_points() -> None:
    x = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([[1.0, 3.0, 5.0, 100.0], [0.0, -1.0, 7.0, -3.0]])
    mask = np.array([[True, True, True, False], [True, True, False, True]])
    lines = fit_lines(x, y, mask)
    np.testing.assert_allclose(lines[0], [2.0, 1.0], rtol=1e-12)  # y = 1 + 2x, the outlier masked
    np.testing.assert_allclose(lines[1], [-1.0, 0.0], rtol=1e-12, atol=1e-12)  # y = -x
    assert np.isnan(fit_lines(x, y, np.array([True, False, False, False]))[:, 0]).all()


def test_r_squared_of_a_constant_is_nan_and_too_few_points_are_refused() -> None:
    assert np.isnan(r_squared([1, 2, 3], [4, 4, 4], 0.0, 4.0))
    with pytest.raises(InputError, match="at least 3 points"):
        fit_line([1.0, 2.0], [1.0, 2.0], x_name="year", y_name="log10 FLOPs")
