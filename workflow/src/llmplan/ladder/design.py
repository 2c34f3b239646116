"""An IsoFLOP scaling ladder: compute levels, sizes centred on a law's optimum, runs reused.

**Levels and sizes.** A ladder has L compute levels C_1 < ... < C_L and k model sizes per level,
log-spaced and centred on the law's compute-optimal size (Hoffmann et al. 2022,
arXiv:2203.15556, s3.2, IsoFLOP profiles):

    N_ij = N_opt(C_i) s^(j - (k - 1) / 2),  j = 0 .. k-1,  s = spread^(2 / (k - 1)),

so a level spans N_opt / spread to N_opt x spread. Levels are spaced by r = s^(1/a), with a the
law's exponent in N_opt = k_N C^a (d ln N_opt / d ln C): then N_opt(C_(i+1)) = s N_opt(C_i), and
level i+1's sizes are level i's moved up one step. The ladder trains L + k - 1 distinct sizes
G_g = N_opt(C_1) s^(g - (k - 1) / 2), each at the levels i with g - k + 1 <= i <= g. Every law of
the registry has a power-law frontier, so the centring is exact; shapes round N (by 1% at scale,
up to ~15% for tiny models), and D absorbs it: D = C_i / (6 N) for the shape's exact N
(Kaplan et al. 2020, arXiv:2001.08361, eq. 2.1).

**Reuse.** Every (level, size) point needs its own annealed schedule. Under warmup-stable-decay
the stable phase does not depend on the length, so each size trains once, to its longest D, and
each shorter D is a cooldown branching off the stable phase (Hägele et al. 2024,
arXiv:2405.18392, s3; their scaling sweeps of s5 do this): a size costs 6 N (D_max + f sum of
the shorter D_i) instead of 6 N sum D_i, with f the cooldown fraction. In units of C:
C_top + f (sum of the lower levels' C_i) per size. ``reuse=False`` prices one run per point.

**Budget.** The cost is linear in C_1 (C_i = C_1 r^(i-1)): Q C_1, Q computed from the level
structure alone. C_1 = B / Q for a ladder budget B; then every D is rounded to whole optimizer
steps (the trainer trains whole steps) and C_1 shrinks until the rounded total is <= B.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from llmplan.arch.counts import param_counts
from llmplan.arch.shape import ModelShape
from llmplan.core.compute import FLOPS_PER_PARAM_TOKEN
from llmplan.core.errors import InputError, Where
from llmplan.laws.base import Law
from llmplan.run.hyperparams import wsd_schedule
from llmplan.train.schedule import cooldown_steps

#: The fewest optimizer steps a point may have (its warmup and cooldown need room).
MIN_STEPS: Final = 20
#: Relative step of the final shrink when rounding pushes the total over the budget.
_SHRINK: Final = 1e-6

#: ``shape_for(N) -> ModelShape``: the buildable shape nearest N parameters.
ShapeFn = Callable[[float], ModelShape]
#: ``hyperparameters(shape, tokens) -> (sequences per step, peak learning rate)``.
HyperFn = Callable[[ModelShape, float], tuple[int, float]]


@dataclass(frozen=True)
class LadderPoint:
    """One (level, size) point: a model trained to one token count, with its own final loss.

    Attributes
    ----------
    run, job
        Point id, and the id of the training run (one per size) it is a schedule of.
    level, level_flops
        1-based level and its compute C_i.
    params, tokens, steps
        N of the job's shape, D = steps x tokens per step, and the optimizer steps.
    flops
        6 N D: C_i up to the rounding of D to whole steps.
    cost_flops
        The compute this point adds: 6 N D for the job's longest schedule, 6 N (cooldown tokens)
        for a cooldown branch (all of 6 N D without reuse).
    branch
        Whether it is a cooldown branch of a longer schedule.
    """

    run: str
    job: str
    level: int
    level_flops: float
    params: int
    tokens: int
    steps: int
    flops: float
    cost_flops: float
    branch: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class LadderJob:
    """One training run: one shape, its longest schedule, and its cooldown branches."""

    job: str
    nominal_params: float
    shape: ModelShape
    params: int
    batch_size: int
    peak_lr: float
    warmup_steps: int
    points: tuple[LadderPoint, ...]

    @property
    def tokens_per_step(self) -> int:
        return self.batch_size * self.shape.seq_len

    @property
    def cost_flops(self) -> float:
        return float(sum(p.cost_flops for p in self.points))

    @property
    def longest(self) -> LadderPoint:
        return max(self.points, key=lambda p: p.steps)


@dataclass(frozen=True)
class Ladder:
    """A designed ladder (see the module docstring)."""

    target_flops: float
    budget_flops: float
    law_id: str
    exponent: float
    size_step: float
    level_ratio: float
    levels: tuple[float, ...]
    optimal_params: tuple[float, ...]
    sizes_per_level: int
    spread: float
    cooldown_fraction: float
    reuse: bool
    jobs: tuple[LadderJob, ...]

    @property
    def points(self) -> tuple[LadderPoint, ...]:
        return tuple(sorted((p for j in self.jobs for p in j.points), key=_point_order))

    @property
    def total_flops(self) -> float:
        """What the ladder costs: every job's longest schedule and its cooldowns."""
        return float(sum(j.cost_flops for j in self.jobs))

    @property
    def naive_flops(self) -> float:
        """What one run per (level, size) point would cost: sum of 6 N D."""
        return float(sum(p.flops for p in self.points))

    @property
    def reuse_factor(self) -> float:
        """naive / total: how much cheaper reuse makes the ladder."""
        return self.naive_flops / self.total_flops

    @property
    def fraction_of_target(self) -> float:
        return self.total_flops / self.target_flops

    @property
    def extrapolation(self) -> float:
        """Target over the largest level: how far the fitted law is extrapolated."""
        return self.target_flops / self.levels[-1]

    def level_points(self, level: int) -> tuple[LadderPoint, ...]:
        """The points of 1-based ``level``, smallest model first."""
        return tuple(p for p in self.points if p.level == level)


def _point_order(p: LadderPoint) -> tuple[int, int]:
    return (p.level, p.params)


def law_exponent(law: Law, flops: float) -> float:
    """a = d ln N_opt / d ln C of ``law`` around ``flops`` (exact for a power-law frontier)."""
    n = np.asarray(law.optimal(np.array([flops, 10.0 * flops]))[0], dtype=float)
    return float(math.log10(n[1] / n[0]))


def size_step(sizes: int, spread: float) -> float:
    """s = spread^(2 / (k - 1)): the factor between neighbouring sizes of a level."""
    return spread ** (2.0 / (sizes - 1))


def job_levels(g: int, *, levels: int, sizes: int) -> range:
    """0-based levels at which grid size ``g`` is trained: g - k + 1 <= i <= g, within 0..L-1."""
    return range(max(0, g - sizes + 1), min(levels - 1, g) + 1)


def unit_cost(
    *, levels: int, sizes: int, level_ratio: float, cooldown_fraction: float, reuse: bool
) -> float:
    """Q: the ladder's cost in units of C_1, before rounding (see the module docstring)."""
    total = 0.0
    for g in range(levels + sizes - 1):
        computes = [level_ratio**i for i in job_levels(g, levels=levels, sizes=sizes)]
        lower = sum(computes) - max(computes)
        total += max(computes) + (cooldown_fraction if reuse else 1.0) * lower
    return total


def design_ladder(
    *,
    target_flops: float,
    budget_flops: float,
    law: Law,
    shape_for: ShapeFn,
    hyperparameters: HyperFn,
    levels: int = 4,
    sizes: int = 5,
    spread: float = 4.0,
    cooldown_fraction: float = 0.2,
    reuse: bool = True,
    where: Where | None = None,
) -> Ladder:
    """Design the ladder that spends at most ``budget_flops`` (see the module docstring).

    Parameters
    ----------
    target_flops, budget_flops
        The budget the law is for, and what the whole ladder may spend (FLOPs, C = 6 N D).
    law
        Its N_opt(C) centres the sizes.
    shape_for
        Buildable shape for a nominal size (:mod:`llmplan.arch.families`, :mod:`llmplan.arch.small`).
    hyperparameters
        Sequences per step and peak learning rate of a shape trained on a number of tokens; a job
        uses the values at the geometric mean of its schedules' token counts (its branches share
        one stable phase, so one batch size and one peak rate).
    levels, sizes, spread
        L levels, k sizes per level from N_opt / spread to N_opt x spread.
    cooldown_fraction, reuse
        WSD cooldown fraction f; reuse one run per size (cooldown branches) or not.
    where
        Where the request came from, for errors.

    Raises
    ------
    InputError
        When two sizes get the same shape, or the smallest point would train fewer than
        :data:`MIN_STEPS` steps (the budget is too small for the sizes asked).
    """
    where = where or Where("ladder")
    if not budget_flops > 0 or not target_flops > 0:
        raise InputError(where.at("budget"), "budgets must be positive")
    if levels < 2 or sizes < 3 or not spread > 1:
        raise InputError(where, "a ladder needs >= 2 levels, >= 3 sizes and a spread > 1")
    a = law_exponent(law, budget_flops / 100.0)
    if not (math.isfinite(a) and a > 0):
        raise InputError(where.at("law"), f"'{law.id}' gives no growing N_opt(C) (a = {a:.3g})")
    s = size_step(sizes, spread)
    r = s ** (1.0 / a)
    c1 = budget_flops / unit_cost(
        levels=levels, sizes=sizes, level_ratio=r, cooldown_fraction=cooldown_fraction, reuse=reuse
    )
    for _ in range(50):
        ladder = _build(
            c1, target_flops, budget_flops, law, shape_for, hyperparameters,
            levels=levels, sizes=sizes, spread=spread, s=s, r=r, a=a,
            cooldown_fraction=cooldown_fraction, reuse=reuse, where=where,
        )  # fmt: skip
        if ladder.total_flops <= budget_flops:
            return ladder
        c1 *= min(budget_flops / ladder.total_flops, 1.0 - _SHRINK)
    raise InputError(where.at("budget"), "the ladder does not fit its budget after rounding")


def _build(
    c1: float,
    target_flops: float,
    budget_flops: float,
    law: Law,
    shape_for: ShapeFn,
    hyperparameters: HyperFn,
    *,
    levels: int,
    sizes: int,
    spread: float,
    s: float,
    r: float,
    a: float,
    cooldown_fraction: float,
    reuse: bool,
    where: Where,
) -> Ladder:
    computes = tuple(c1 * r**i for i in range(levels))
    n_opt = tuple(float(x) for x in np.asarray(law.optimal(np.array(computes))[0], dtype=float))
    centre = (sizes - 1) / 2.0
    jobs: list[LadderJob] = []
    seen: dict[int, str] = {}
    for g in range(levels + sizes - 1):
        nominal = n_opt[0] * s ** (g - centre)
        shape = shape_for(nominal)
        n = param_counts(shape).total
        name = f"n{g + 1:02d}"
        if n in seen:
            raise InputError(
                where.at("sizes"),
                f"sizes {seen[n]} and {name} get the same shape ({n:,} parameters)",
                expected="fewer sizes per level, a wider spread, a larger budget, or the shape "
                "rule 'small' for models below about 1e8 parameters",
            )
        seen[n] = name
        own = job_levels(g, levels=levels, sizes=sizes)
        tokens = [computes[i] / (FLOPS_PER_PARAM_TOKEN * n) for i in own]
        batch, lr = hyperparameters(shape, float(np.exp(np.mean(np.log(tokens)))))
        tps = batch * shape.seq_len
        steps = [max(1, round(t / tps)) for t in tokens]
        if min(steps) < MIN_STEPS:
            i = own[int(np.argmin(steps))]
            raise InputError(
                where.at("budget"),
                f"level {i + 1} (C = {computes[i]:.3g}) trains the {n:,}-parameter size for only "
                f"{min(steps)} steps of {tps:,} tokens",
                expected=f">= {MIN_STEPS} steps: a larger ladder budget, fewer levels or sizes",
            )
        longest = max(steps)
        points = []
        for i, st in zip(own, steps, strict=True):
            d = st * tps
            branch = reuse and st != longest
            paid = cooldown_steps(st, cooldown_fraction=cooldown_fraction) if branch else st
            points.append(
                LadderPoint(
                    run=f"c{i + 1}-{name}",
                    job=name if reuse else f"c{i + 1}-{name}",
                    level=i + 1,
                    level_flops=computes[i],
                    params=n,
                    tokens=d,
                    steps=st,
                    flops=FLOPS_PER_PARAM_TOKEN * n * d,
                    cost_flops=FLOPS_PER_PARAM_TOKEN * n * paid * tps,
                    branch=branch,
                )
            )
        warmup = _warmup_steps(min(steps))
        groups = [points] if reuse else [[p] for p in points]
        for group in groups:
            jobs.append(
                LadderJob(
                    job=group[0].job,
                    nominal_params=nominal,
                    shape=shape,
                    params=n,
                    batch_size=batch,
                    peak_lr=lr,
                    warmup_steps=warmup if reuse else _warmup_steps(group[0].steps),
                    points=tuple(group),
                )
            )
    return Ladder(
        target_flops=target_flops,
        budget_flops=budget_flops,
        law_id=law.id,
        exponent=a,
        size_step=s,
        level_ratio=r,
        levels=computes,
        optimal_params=n_opt,
        sizes_per_level=sizes,
        spread=spread,
        cooldown_fraction=cooldown_fraction,
        reuse=reuse,
        jobs=tuple(jobs),
    )


def _warmup_steps(shortest: int) -> int:
    """The shortest schedule's own warmup (:func:`llmplan.run.hyperparams.wsd_schedule`: 2,000
    steps, at most 5%), so that it ends before any branch's cooldown starts."""
    return wsd_schedule(shortest).warmup_steps


def straddles(ladder: Ladder) -> list[bool]:
    """For each level: whether its smallest size < the law's N_opt(C_i) < its largest size."""
    out = []
    for i, n_opt in enumerate(ladder.optimal_params):
        params = [p.params for p in ladder.level_points(i + 1)]
        out.append(min(params) < n_opt < max(params))
    return out


def level_table(ladder: Ladder) -> list[dict[str, Any]]:
    """One row per level: C_i, the law's N_opt(C_i) and the sizes trained there."""
    return [
        {
            "level": i + 1,
            "C": c,
            "N_opt": n,
            "params": [p.params for p in ladder.level_points(i + 1)],
        }
        for i, (c, n) in enumerate(zip(ladder.levels, ladder.optimal_params, strict=True))
    ]
