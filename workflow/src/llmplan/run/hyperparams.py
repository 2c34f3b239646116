"""Global batch size, peak learning rate and schedule from published laws.

**DeepSeek LLM** (DeepSeek-AI 2024, arXiv:2401.02954v1, s3.1), fitted on compute budgets of 1e17
to 2e19 FLOPs and validated at 1e20:

    eta_opt = 0.3118 C^-0.1250,    B_opt = 0.2920 C^0.3271 (tokens),

with C = M D, M the "non-embedding FLOPs/token" of s3.2, 72 n_layer d_model^2 + 12 n_layer d_model
l_seq for their architecture (6 x 12 n d^2 matmul parameters plus attention, no vocabulary). For
other shapes we use 6 x (the non-embedding parameters a token uses,
:attr:`llmplan.arch.counts.ParamCounts.active_non_embedding`) + 12 n_layer d_model l_seq (our
generalisation; norms add < 0.1%). At C = 1e24: 3.118e-4 and 2.069e7 tokens. The paper's own choices follow
the law: 7B (C = 8.46e22) gives 4.25e-4 and 9.2e6 tokens, they used 4.2e-4 and 2,304 x 4,096 =
9.4e6 (Table 2).

**Kaplan critical batch** (Kaplan et al. 2020, arXiv:2001.08361, eq. 1.4 and Table 5):
B_crit(L) = B_* / L^(1/alpha_B), B_* = 2.1e8 tokens, alpha_B = 0.21, with L the loss in nats that
Kaplan's own L(N, D) (eq. 1.5, Table 2) predicts for the plan. Training near B_crit trades time
against compute evenly; above it, extra batch buys little. A second, independent view of the
batch: it depends on the loss reached, not on C.

Porian et al. 2024 (arXiv:2406.19146) also fit batch and learning-rate laws, but we could not
confirm their constants in the paper's text (only in third-party notes), so they are not used.

**Schedule**: linear warm-up, then warmup-stable-decay (WSD; Hägele et al. 2024, "Scaling Laws and
Compute-Optimal Training Beyond Fixed Training Durations", arXiv:2405.18392, eq. 1 and s3): the peak
rate held constant, then a cooldown over the last 20% of steps ("benefits ... plateau at around
20%", s3.2) with the (1-sqrt) shape f = 1 - sqrt((n - (N - N_decay)) / N_decay), which "outperforms
the linear cooldown", matching a tuned cosine schedule. Warm-up: 2,000 steps as in DeepSeek LLM
(s2.3), at most 5% of the steps for short runs (our cap).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Final

from llmplan.arch.counts import param_counts
from llmplan.arch.shape import ModelShape

DEEPSEEK_LR: Final = (0.3118, -0.1250)
DEEPSEEK_BATCH: Final = (0.2920, 0.3271)
#: C range of DeepSeek's fit (s3.1) and its validation budget.
DEEPSEEK_FIT_RANGE: Final = (1e17, 2e19)
DEEPSEEK_VALIDATED: Final = 1e20
DEEPSEEK_CITATION: Final = "DeepSeek-AI 2024, DeepSeek LLM, arXiv:2401.02954, s3.1"
KAPLAN_B_STAR: Final = 2.1e8
KAPLAN_ALPHA_B: Final = 0.21
KAPLAN_CITATION: Final = "Kaplan et al. 2020, arXiv:2001.08361, eq. 1.4, Table 5"
WARMUP_STEPS: Final = 2000
WARMUP_MAX_FRACTION: Final = 0.05
COOLDOWN_FRACTION: Final = 0.20
WSD_CITATION: Final = "Hägele et al. 2024, arXiv:2405.18392, eq. 1, s3.2"


def deepseek_flops_per_token(shape: ModelShape) -> float:
    """DeepSeek's M: 6 x non-embedding (active) parameters + 12 n_layer d_model l_seq."""
    active = param_counts(shape).active_non_embedding
    return 6.0 * active + 12.0 * shape.n_layers * shape.d_model * shape.seq_len


def deepseek_learning_rate(flops: float) -> float:
    """eta_opt = 0.3118 C^-0.1250 (C = M D in FLOPs)."""
    a, b = DEEPSEEK_LR
    return a * flops**b


def deepseek_batch_tokens(flops: float) -> float:
    """B_opt = 0.2920 C^0.3271 tokens (C = M D in FLOPs)."""
    a, b = DEEPSEEK_BATCH
    return a * flops**b


def kaplan_critical_batch(loss_nats: float) -> float:
    """B_crit(L) = 2.1e8 / L^(1/0.21) tokens (Kaplan et al. 2020, eq. 1.4)."""
    return KAPLAN_B_STAR / loss_nats ** (1.0 / KAPLAN_ALPHA_B)


@dataclass(frozen=True)
class Schedule:
    """Warm-up, constant and cooldown steps of a WSD schedule."""

    steps: int
    warmup_steps: int
    stable_steps: int
    cooldown_steps: int
    shape: str = "1-sqrt"
    final_lr_fraction: float = 0.0

    def lr_fraction(self, step: int) -> float:
        """Learning rate at ``step`` as a fraction of the peak (Hägele eq. 1)."""
        if step < self.warmup_steps:
            return step / self.warmup_steps
        start = self.steps - self.cooldown_steps
        if step <= start:
            return 1.0
        return 1.0 - math.sqrt(min(1.0, (step - start) / self.cooldown_steps))


def wsd_schedule(steps: int) -> Schedule:
    """Warm-up (2,000 steps, at most 5%), constant, (1-sqrt) cooldown over the last 20%."""
    steps = max(1, steps)
    warmup = min(WARMUP_STEPS, max(1, int(WARMUP_MAX_FRACTION * steps)))
    cooldown = max(1, round(COOLDOWN_FRACTION * steps))
    return Schedule(steps, warmup, max(0, steps - warmup - cooldown), cooldown)


@dataclass(frozen=True)
class Hyperparameters:
    """Suggested starting batch and learning rate, with the laws behind them."""

    deepseek_flops: float
    peak_learning_rate: float
    global_batch_tokens: float
    global_batch_sequences: int
    critical_batch_tokens: float | None
    kaplan_loss: float | None
    extrapolated: bool
    schedule: Schedule

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["schedule"] = asdict(self.schedule)
        out["sources"] = {
            "learning_rate": DEEPSEEK_CITATION,
            "batch": DEEPSEEK_CITATION,
            "critical_batch": KAPLAN_CITATION,
            "schedule": WSD_CITATION,
            "not_used": "Porian et al. 2024 (arXiv:2406.19146): constants not confirmed in the "
            "paper's text",
        }
        out["fit_range_flops"] = list(DEEPSEEK_FIT_RANGE)
        return out


def suggest(
    shape: ModelShape, tokens: float, *, kaplan_loss: float | None = None
) -> Hyperparameters:
    """Batch, learning rate and schedule for training ``shape`` on ``tokens`` tokens.

    ``kaplan_loss`` is Kaplan's predicted loss for the plan (nats), for the critical batch.
    """
    flops = deepseek_flops_per_token(shape) * tokens
    batch_tokens = deepseek_batch_tokens(flops)
    sequences = max(1, round(batch_tokens / shape.seq_len))
    steps = max(1, math.ceil(tokens / (sequences * shape.seq_len)))
    return Hyperparameters(
        deepseek_flops=flops,
        peak_learning_rate=deepseek_learning_rate(flops),
        global_batch_tokens=batch_tokens,
        global_batch_sequences=sequences,
        critical_batch_tokens=None if kaplan_loss is None else kaplan_critical_batch(kaplan_loss),
        kaplan_loss=kaplan_loss,
        extrapolated=flops > DEEPSEEK_VALIDATED,
        schedule=wsd_schedule(steps),
    )
