"""Calendar days with failures: Llama 3's >90% effective time, and the band's arithmetic."""

from __future__ import annotations

import pytest

from llmplan.run.calendar import (
    FAILURE_RATE_PER_GPU_HOUR,
    HOURS_LOST_PER_INTERRUPTION,
    calendar,
    effective_fraction,
)


def test_central_values_reproduce_llama3():
    """Llama 3 s3.3.4: 466 interruptions in 54 days on up to 16,384 H100, ">90% effective
    training time"."""
    rate = FAILURE_RATE_PER_GPU_HOUR[1]
    assert rate * 16384 * 54 * 24 == pytest.approx(466, rel=0.05)
    fraction = effective_fraction(16384, rate=rate, hours_lost=HOURS_LOST_PER_INTERRUPTION[1])
    assert 0.90 <= fraction < 0.92


def test_days_band_and_cost():
    tokens, rate, gpus = 1e12, 1e6, 1024
    c = calendar(tokens, rate, gpus, tokens_per_s_band=(0.9e6, 1.1e6), price_per_hour=2.0)
    assert c.compute_days == pytest.approx(tokens / rate / 86400)
    assert c.days == pytest.approx(c.compute_days / c.effective_fraction)
    assert c.days_low < c.compute_days < c.days < c.days_high
    assert c.effective_fraction_low < c.effective_fraction < c.effective_fraction_high < 1
    assert c.usd == pytest.approx(c.days * 24 * gpus * 2.0)
    assert c.usd_low < c.usd < c.usd_high


def test_small_runs_lose_almost_nothing():
    assert effective_fraction(8, rate=2.2e-5, hours_lost=17 / 60) > 0.999
