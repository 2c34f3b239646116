"""Learning-rate schedules: linear warmup, then cosine or warmup-stable-decay (WSD).

Step s = 0, 1, ..., S - 1 updates the weights with learning rate lr(s). With peak rate eta,
final rate eta_min = r eta and W warmup steps:

    warmup (s < W):       lr(s) = eta (s + 1) / W

Cosine (Loshchilov & Hutter 2017, arXiv:1608.03983, eq. 5, one cycle; as in Hoffmann et al. 2022,
arXiv:2203.15556, s3), for s >= W with progress p = (s - W) / (S - W):

    lr(s) = eta_min + (eta - eta_min) (1 + cos(pi p)) / 2

Warmup-stable-decay (Hägele et al. 2024, arXiv:2405.18392, s3; Hu et al. 2024, MiniCPM,
arXiv:2404.06395): the rate stays at eta until the cooldown, the last K = round(f S) steps, starts
at step S - K; there, with q = (s - (S - K)) / K,

    linear:  lr(s) = eta - (eta - eta_min) q
    1-sqrt:  lr(s) = eta - (eta - eta_min) sqrt(q)        (Hägele et al. 2024, s3, Fig. 5)

Both decays are evaluated at the start of each step: the first decay step runs at eta and the
rate would reach eta_min at step S, one past the last; so no step is wasted at a zero rate.

The stable phase of WSD does not depend on S, so the first S_i - K_i steps of a run of S_i steps
equal those of any longer WSD run with the same warmup: a cooldown can branch off a long run's
stable phase and reproduce the short run exactly (Hägele et al. 2024, s3; their scaling sweeps of
s5 use it).
"""

from __future__ import annotations

import math
from typing import Final

#: Schedules :func:`lr_at` knows.
COSINE: Final = "cosine"
WSD: Final = "wsd"
SCHEDULES: Final = (COSINE, WSD)
#: Cooldown shapes of WSD (Hägele et al. 2024, s3, Fig. 5).
LINEAR: Final = "linear"
ONE_MINUS_SQRT: Final = "1-sqrt"
COOLDOWN_SHAPES: Final = (LINEAR, ONE_MINUS_SQRT)


def cooldown_steps(total_steps: int, *, cooldown_fraction: float) -> int:
    """WSD cooldown length K = round(f S), at least one step.

    Examples
    --------
    >>> cooldown_steps(100, cooldown_fraction=0.2)
    20
    """
    return max(1, round(cooldown_fraction * total_steps))


def cooldown_start(total_steps: int, *, cooldown_fraction: float) -> int:
    """First step of the WSD cooldown, S - K."""
    return total_steps - cooldown_steps(total_steps, cooldown_fraction=cooldown_fraction)


def lr_at(
    step: int,
    *,
    total_steps: int,
    peak_lr: float,
    warmup_steps: int = 0,
    schedule: str = COSINE,
    cooldown_fraction: float = 0.2,
    cooldown_shape: str = LINEAR,
    min_lr_ratio: float = 0.0,
) -> float:
    """Learning rate of step ``step`` (0-based) of a run of ``total_steps`` steps.

    Parameters
    ----------
    step
        Step index, ``0 <= step < total_steps``.
    total_steps
        Steps S of the run whose schedule this is.
    peak_lr
        eta, reached at the end of warmup.
    warmup_steps
        W; must leave room for the decay (W < S; for WSD, W <= S - K).
    schedule
        ``"cosine"`` or ``"wsd"``.
    cooldown_fraction, cooldown_shape
        WSD cooldown: fraction f of the steps and ``"linear"`` or ``"1-sqrt"``.
    min_lr_ratio
        r = eta_min / eta.

    Examples
    --------
    >>> lr_at(90, total_steps=100, peak_lr=1.0, warmup_steps=10, schedule="wsd")
    0.5
    """
    if not 0 <= step < total_steps:
        raise ValueError(f"step {step} is outside a run of {total_steps} steps")
    if schedule not in (COSINE, WSD):
        raise ValueError(f"unknown schedule '{schedule}'")
    if cooldown_shape not in COOLDOWN_SHAPES:
        raise ValueError(f"unknown cooldown shape '{cooldown_shape}'")
    k = cooldown_steps(total_steps, cooldown_fraction=cooldown_fraction)
    decay_start = warmup_steps if schedule == COSINE else total_steps - k
    if warmup_steps > decay_start or warmup_steps >= total_steps:
        raise ValueError(
            f"a warmup of {warmup_steps} steps leaves no {schedule} decay in {total_steps} steps"
        )
    if step < warmup_steps:
        return peak_lr * (step + 1) / warmup_steps
    floor = min_lr_ratio * peak_lr
    if schedule == COSINE:
        progress = (step - warmup_steps) / (total_steps - warmup_steps)
        return floor + (peak_lr - floor) * 0.5 * (1.0 + math.cos(math.pi * progress))
    if step < decay_start:
        return peak_lr
    q = (step - decay_start) / k
    shaped = q if cooldown_shape == LINEAR else math.sqrt(q)
    return peak_lr - (peak_lr - floor) * shaped
