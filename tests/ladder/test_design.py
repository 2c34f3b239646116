"""The ladder's geometry and budget against closed forms (not against its own code)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from llmplan.arch.counts import param_counts
from llmplan.arch.small import propose_small_shape
from llmplan.core.errors import InputError
from llmplan.inputs.settings import defaults
from llmplan.io.yamldoc import YamlDoc
from llmplan.ladder.design import design_ladder, straddles
from llmplan.ladder.document import run_config, run_configs
from llmplan.ladder.spec import ladder_spec, make_ladder
from llmplan.laws.registry import get_law
from llmplan.train.config import run_config_from_dict, total_steps

#: Epoch AI's refit (Besiroglu et al. 2024, arXiv:2404.10102): E, A, B, alpha, beta.
EPOCH = (1.8172, 482.01, 2085.43, 0.3478, 0.3658)


def epoch_n_opt(flops: float) -> float:
    """Hoffmann et al. 2022, eq. 4: N_opt = G (C/6)^(beta/(alpha+beta)), G = (alpha A/(beta B))^
    (1/(alpha+beta)), written out here from the published constants."""
    _, a_coef, b_coef, alpha, beta = EPOCH
    g = (alpha * a_coef / (beta * b_coef)) ** (1 / (alpha + beta))
    return g * (flops / 6) ** (beta / (alpha + beta))


def spec_for(data: dict, name: str = "t"):
    return ladder_spec(YamlDoc(data=data, file="test"), settings=defaults(), name=name)


@pytest.fixture(scope="module")
def big():
    """The issue's contract case: 1e22 FLOPs target, 1% ladder, Epoch's law (the default)."""
    spec = spec_for({"target": {"flops": 1e22}, "budget": {"fraction": 0.01}})
    return spec, make_ladder(spec)


def test_each_level_straddles_the_laws_optimum(big) -> None:
    spec, ladder = big
    assert spec.law_id == "epoch-2024" and len(ladder.levels) == 4
    for i, c in enumerate(ladder.levels):
        params = [p.params for p in ladder.level_points(i + 1)]
        assert len(params) == 5 == len(set(params))
        n_opt = epoch_n_opt(c)
        assert ladder.optimal_params[i] == pytest.approx(n_opt, rel=1e-12)
        assert min(params) < n_opt < max(params)
        # the sizes are centred: their geometric mean within a quarter-decade of N_opt
        assert abs(np.mean(np.log10(params)) - math.log10(n_opt)) < 0.25
    assert all(straddles(ladder))


def test_levels_move_the_optimum_one_size_step(big) -> None:
    # sizes 2x apart (spread 4 over 5 sizes: 4^(2/4)); levels r = 2^(1/a) apart, so N_opt doubles
    _, ladder = big
    a = EPOCH[4] / (EPOCH[3] + EPOCH[4])
    assert ladder.size_step == pytest.approx(2.0)
    ratios = np.array(ladder.levels[1:]) / np.array(ladder.levels[:-1])
    assert ratios == pytest.approx(2 ** (1 / a), rel=1e-12)
    assert epoch_n_opt(ladder.levels[3]) / epoch_n_opt(ladder.levels[0]) == pytest.approx(8)


def test_every_run_is_6nd_at_its_level_and_the_total_fits_the_budget(big) -> None:
    _, ladder = big
    runs = ladder.points
    assert len(runs) == 20
    for p in runs:
        assert p.flops == pytest.approx(6 * p.params * p.tokens, rel=1e-9)
        job = next(j for j in ladder.jobs if j.job == p.job)
        # D is whole steps: 6 N D is the level's C up to half a step of tokens
        assert abs(p.flops / p.level_flops - 1) <= 0.5 * job.tokens_per_step / p.tokens + 1e-12
    total = math.fsum(j.cost_flops for j in ladder.jobs)
    assert total == pytest.approx(ladder.total_flops, rel=1e-12)
    assert total <= 1e20
    assert total > 0.999 * 1e20  # the ladder spends its budget
    assert ladder.fraction_of_target == pytest.approx(0.01, rel=1e-3)


def test_reuse_saves_the_hand_computed_factor() -> None:
    """tokens-per-param (a = 1/2 exactly), 4 levels x 5 sizes, spread 4: sizes 2x and levels 4x
    apart, 8 sizes in all. Size g trains at levels max(0, g-4)..min(3, g); without reuse the
    ladder costs 5 (1 + 4 + 16 + 64) = 425 C_1; with reuse each size pays its top level plus
    f x its lower ones: 1 + 4 + 16 + 5 x 64 + f (1 + 5 + 21 + 21 + 20 + 16) = 341 + 84 f."""
    f = 0.2
    spec = spec_for(
        {
            "target": {"flops": 1e24},
            "budget": {"fraction": 0.01},
            "law": "tokens-per-param",
            "schedule": {"cooldown_fraction": f},
        }
    )
    ladder = make_ladder(spec)
    assert ladder.level_ratio == pytest.approx(4.0)
    assert ladder.levels[0] == pytest.approx(1e22 / (341 + 84 * f), rel=1e-4)
    assert ladder.naive_flops == pytest.approx(425 * ladder.levels[0], rel=1e-4)
    assert ladder.reuse_factor == pytest.approx(425 / (341 + 84 * f), rel=1e-4)
    naive = make_ladder(spec_for({**spec_dict(spec), "schedule": {"reuse": False}}))
    assert naive.total_flops == pytest.approx(naive.naive_flops, rel=1e-12)
    assert naive.levels[0] == pytest.approx(1e22 / 425, rel=1e-4)
    assert len(naive.jobs) == 20 and len(ladder.jobs) == 8


def spec_dict(spec) -> dict:
    return {"target": {"flops": spec.target_flops}, "budget": {"flops": spec.budget_flops},
            "law": spec.law_id}  # fmt: skip


def test_accounting_equals_the_trainers_steps(big) -> None:
    """Each job's cost is 6 N x the optimizer steps the trainer takes (run + branch cooldowns)."""
    spec, ladder = big
    for job in ladder.jobs:
        config = run_config(job, spec)
        assert config.cooldown_branches == tuple(sorted(p.tokens for p in job.points if p.branch))
        steps = total_steps(config)
        assert job.cost_flops == pytest.approx(6 * job.params * steps * job.tokens_per_step)
        assert param_counts(config.shape).total == job.params


def test_run_configs_survive_json() -> None:
    spec = spec_for(
        {
            "target": {"flops": 1e13},
            "budget": {"flops": 1e12},
            "levels": 3,
            "sizes": 4,
            "spread": 2.4,
            "shape": {"rule": "small", "vocab": 256, "seq_len": 64},
        }
    )
    ladder = make_ladder(spec)
    assert ladder.total_flops <= 1e12
    for name, config in run_configs(ladder, spec).items():
        again = run_config_from_dict(config.to_dict(), source=name)
        assert again == config and again.shape.vocab == 256


def test_a_budget_too_small_for_its_batch_is_refused() -> None:
    # 1e12 FLOPs over ~47 C_1 gives C_1 ~ 2e10; a 5k-parameter model at 1,000 x 64 tokens a step
    # trains 2e10 / (6 x 5e3 x 64,000) ~ 10 steps there: fewer than 20
    with pytest.raises(InputError, match=r"only \d+ steps"):
        design_ladder(
            target_flops=1e13,
            budget_flops=1e12,
            law=get_law("epoch-2024"),
            shape_for=lambda n: propose_small_shape(n, vocab=256, seq_len=64),
            hyperparameters=lambda shape, tokens: (1000, 1e-2),
            levels=3,
            sizes=4,
            spread=2.4,
        )
