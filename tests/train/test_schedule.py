"""Learning-rate schedules against their closed forms (Hägele et al. 2024; Loshchilov & Hutter 2017)."""

from __future__ import annotations

import math

import pytest

from llmplan.train.schedule import cooldown_start, cooldown_steps, lr_at


def wsd(step: int, total: int = 100, **kw: object) -> float:
    options = {"peak_lr": 1.0, "warmup_steps": 10, "schedule": "wsd", "cooldown_fraction": 0.2}
    options.update(kw)
    return lr_at(step, total_steps=total, **options)  # type: ignore[arg-type]


def test_wsd_linear_closed_form() -> None:
    # warmup 10 steps: (s + 1) / 10; stable to step 79; cooldown over 80..99: 1 - (s - 80) / 20
    assert wsd(0) == pytest.approx(0.1)
    assert wsd(4) == pytest.approx(0.5)
    assert wsd(9) == 1.0
    assert wsd(10) == wsd(50) == wsd(79) == wsd(80) == 1.0
    assert wsd(85) == pytest.approx(0.75)
    assert wsd(90) == pytest.approx(0.5)
    assert wsd(99) == pytest.approx(0.05)
    assert cooldown_steps(100, cooldown_fraction=0.2) == 20
    assert cooldown_start(100, cooldown_fraction=0.2) == 80


def test_wsd_one_minus_sqrt_and_floor() -> None:
    # q = (s - 80) / 20; lr = 1 - (1 - r) sqrt(q) with r = 0.1
    assert wsd(85, cooldown_shape="1-sqrt", min_lr_ratio=0.1) == pytest.approx(1 - 0.9 * 0.5)
    assert wsd(95, cooldown_shape="1-sqrt") == pytest.approx(1 - math.sqrt(0.75))
    assert wsd(90, min_lr_ratio=0.2) == pytest.approx(0.6)


def test_cosine_closed_form() -> None:
    def cos(step: int) -> float:
        return lr_at(step, total_steps=110, peak_lr=2.0, warmup_steps=10, min_lr_ratio=0.1)

    # p = (s - 10) / 100; lr = 0.2 + 1.8 (1 + cos(pi p)) / 2
    assert cos(9) == 2.0
    assert cos(10) == 2.0
    assert cos(60) == pytest.approx(0.2 + 0.9)
    assert cos(35) == pytest.approx(0.2 + 0.9 * (1 + math.cos(math.pi / 4)))


def test_wsd_stable_phase_is_shared_by_every_length() -> None:
    for short in (20, 37, 50, 99):
        for step in range(cooldown_start(short, cooldown_fraction=0.2)):
            assert wsd(step, short) == wsd(step, 100)


def test_bad_steps_are_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        wsd(100)
    with pytest.raises(ValueError, match="no wsd decay"):
        wsd(0, 10, warmup_steps=9)
