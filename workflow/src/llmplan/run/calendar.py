"""Calendar days of a run: compute time, plus what failures and restarts cost, as a band.

Compute days are tokens / throughput. Failures stretch them: a job on N accelerators is
interrupted about ``rate x N`` times an hour, and each interruption loses the work since the last
checkpoint plus the time to detect, restart and catch up, ``lost`` hours. The effective fraction
of elapsed time spent training is then ``1 / (1 + rate x N x lost)`` and calendar days are
compute days over it. Checkpoints are assumed saved asynchronously, as DeepSeek LLM does "every 5
minutes asynchronously" (arXiv:2401.02954, s2.4), so saving itself costs nothing extra.

Constants, from published experience (the project's run notes give the arithmetic):

- Llama 3 405B (arXiv:2407.21783, s3.3.4): 466 interruptions (47 planned) in a 54-day snapshot on
  up to 16,384 H100, "higher than 90% effective training time": 2.2e-5 interruptions per GPU-hour,
  and at most 17 minutes lost per interruption for the fraction to stay above 0.90 at that scale.
  These are the central values; they reproduce Llama 3's 0.90 by construction.
- MegaScale (arXiv:2402.15627, s6.2-6.3): detection and diagnosis "less than 10 minutes", catch-up
  "within 15 minutes" of the last checkpoint, "over 90% effective training time" on more than
  10,000 GPUs: the pessimistic loss, 30 minutes an interruption.
- OPT-175B (arXiv:2205.01068, s2.5; metaseq chronicles): "~2 machines go down every day" of 128
  8-GPU nodes on a 2021 cloud, about 8e-5 per GPU-hour: the pessimistic rate. The optimistic rate
  1e-5 and loss 10 minutes bracket automated stacks with spare nodes.

The band runs from the fastest throughput with the optimistic failures to the slowest throughput
with the pessimistic ones. Cost is accelerator-hours of the calendar time (you pay while it is
down) times the price.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Final

from llmplan.core.compute import HOURS_PER_DAY, SECONDS_PER_DAY
from llmplan.core.msgid import N_

#: Interruptions per accelerator-hour: optimistic, central (Llama 3), pessimistic (OPT era).
FAILURE_RATE_PER_GPU_HOUR: Final = (1.0e-5, 2.2e-5, 8.0e-5)
#: Hours lost per interruption: optimistic, central (Llama 3 > 90%), pessimistic (MegaScale).
HOURS_LOST_PER_INTERRUPTION: Final = (10 / 60, 17 / 60, 30 / 60)
#: The published runs behind the rates: citation and what it reports.
SOURCE_FINDINGS: Final = (
    (
        "Llama Team 2024, arXiv:2407.21783, s3.3.4",
        N_("466 interruptions in 54 days, effective time >90%"),
    ),
    (
        "Jiang et al. 2024 (MegaScale), arXiv:2402.15627, s6.2-6.3",
        N_("<10 min detection, 15 min catch-up"),
    ),
    ("Zhang et al. 2022 (OPT), arXiv:2205.01068, s2.5", N_("hardware failures, manual restarts")),
)
SOURCES: Final = tuple(f"{citation} ({finding})" for citation, finding in SOURCE_FINDINGS)


def effective_fraction(gpus: int, *, rate: float, hours_lost: float) -> float:
    """Share of elapsed time spent training: 1 / (1 + rate x gpus x hours_lost)."""
    return 1.0 / (1.0 + rate * gpus * hours_lost)


@dataclass(frozen=True)
class Calendar:
    """Days and cost of a run, central with a low-high band."""

    compute_days: float
    days: float
    days_low: float
    days_high: float
    effective_fraction: float
    effective_fraction_low: float
    effective_fraction_high: float
    interruptions: float
    gpu_hours: float
    usd: float | None
    usd_low: float | None
    usd_high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "sources": list(SOURCES)}


def calendar(
    tokens: float,
    tokens_per_s: float,
    gpus: int,
    *,
    tokens_per_s_band: tuple[float, float] | None = None,
    price_per_hour: float | None = None,
) -> Calendar:
    """Calendar days and cost of ``tokens`` at ``tokens_per_s`` on ``gpus`` accelerators.

    ``tokens_per_s_band`` (slowest, fastest) widens the band by the throughput's uncertainty.
    """
    slow, fast = tokens_per_s_band or (tokens_per_s, tokens_per_s)
    compute = tokens / tokens_per_s / SECONDS_PER_DAY
    fractions = [
        effective_fraction(gpus, rate=r, hours_lost=h)
        for r, h in zip(FAILURE_RATE_PER_GPU_HOUR, HOURS_LOST_PER_INTERRUPTION, strict=True)
    ]
    best, central, worst = fractions
    days = compute / central
    low = tokens / fast / SECONDS_PER_DAY / best
    high = tokens / slow / SECONDS_PER_DAY / worst
    gpu_hours = days * HOURS_PER_DAY * gpus
    interruptions = FAILURE_RATE_PER_GPU_HOUR[1] * gpus * days * HOURS_PER_DAY

    def cost(d: float) -> float | None:
        return None if price_per_hour is None else d * HOURS_PER_DAY * gpus * price_per_hour

    return Calendar(
        compute_days=compute,
        days=days,
        days_low=low,
        days_high=high,
        effective_fraction=central,
        effective_fraction_low=worst,
        effective_fraction_high=best,
        interruptions=interruptions,
        gpu_hours=gpu_hours,
        usd=cost(days),
        usd_low=cost(low),
        usd_high=cost(high),
    )
