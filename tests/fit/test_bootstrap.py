"""Bootstrap refits: seeded, the linearised path agrees with full refits on many points, and no
allocation grows with points x starts or points x resamples."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from llmplan.core.intervals import percentile_interval
from llmplan.fit.bootstrap import WEIGHT_CELLS, bootstrap_fits, resample_weights
from llmplan.fit.objective import MAX_CELLS, block_shape, evaluate, make_data
from llmplan.fit.search import fit_grid
from llmplan.fit.synthetic import synthetic_checkpoints

LAW = dict(E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)  # Besiroglu et al. 2024


def _curves(sizes: int, checkpoints: int, seed: int = 0):
    runs = synthetic_checkpoints(
        LAW, np.logspace(7, 9.5, sizes), [10, 40], checkpoints, noise_sd=0.01, seed=seed
    )
    return runs["N"].to_numpy(), runs["D"].to_numpy(), runs["loss"].to_numpy()


def test_resample_weights_are_n_draws_and_seeded():
    w = resample_weights(np.random.default_rng(3), 50, 400)
    assert w.shape == (400, 50) and (w.sum(axis=1) == 50).all()
    # each point is drawn Binomial(50, 1/50) times: mean 1, variance 49/50
    assert w.mean() == pytest.approx(1.0, abs=1e-12)
    assert w.var() == pytest.approx(0.98, rel=0.05)
    np.testing.assert_array_equal(w, resample_weights(np.random.default_rng(3), 50, 400))


def test_refits_are_seeded_and_converge():
    n, d, loss = _curves(10, 6)
    best = fit_grid(n, d, loss).theta
    one = bootstrap_fits(n, d, loss, best, n_resamples=40, seed=5)
    two = bootstrap_fits(n, d, loss, best, n_resamples=40, seed=5)
    three = bootstrap_fits(n, d, loss, best, n_resamples=40, seed=6)
    np.testing.assert_array_equal(one.theta, two.theta)
    assert not np.array_equal(one.theta, three.theta)
    assert one.method == "refit" and one.converged.all()


def test_linearised_bootstrap_matches_refits_on_many_points():
    """Above the exact limit each resample is one Newton step with the full-data Hessian; on
    thousands of points its 10-90% intervals match those of full refits of the same resamples."""
    n, d, loss = _curves(40, 75)  # 6,000 checkpoints
    best = fit_grid(n, d, loss).theta
    refit = bootstrap_fits(n, d, loss, best, n_resamples=150, seed=1, exact_cells=10**9)
    step = bootstrap_fits(n, d, loss, best, n_resamples=150, seed=1, exact_cells=0)
    assert (refit.method, step.method) == ("refit", "one-step")
    for k in (3, 4):  # alpha, beta
        lo_r, hi_r = percentile_interval(refit.theta[:, k])
        lo_s, hi_s = percentile_interval(step.theta[:, k])
        width = hi_r - lo_r
        assert abs(lo_s - lo_r) < 0.1 * width and abs(hi_s - hi_r) < 0.1 * width
    # the resamples are the same: the two estimates agree resample by resample
    assert np.corrcoef(refit.theta[:, 3], step.theta[:, 3])[0, 1] > 0.95


def test_blocks_bound_the_cells():
    for m, n in [(1, 10**6), (4500, 240), (20, 100_000), (1000, 7)]:
        bm, bn = block_shape(m, n)
        assert bm * bn <= MAX_CELLS and bm >= 1 and bn >= 1


def _peak_bytes(run) -> int:
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_points_times_starts():
    """Peak allocation of an evaluation: the blocks plus O(points) and O(starts) arrays, never
    points x starts (16 MB per array for the 16,000 x 128 case below if held at once)."""
    rng = np.random.default_rng(0)

    def case(m: int, n: int) -> int:
        data = make_data(
            10 ** rng.uniform(7, 10, n), 10 ** rng.uniform(9, 12, n), 2 + rng.random(n), delta=1e-3
        )
        theta = np.tile([6.0, 7.0, 0.5, 0.35, 0.37], (m, 1))
        return _peak_bytes(lambda: evaluate(theta, data, None))

    small, large = case(16, 2_000), case(128, 16_000)  # 64x the cells
    assert large < 60 * MAX_CELLS * 8  # a few dozen blocks' worth at most
    assert large < 0.15 * 128 * 16_000 * 8  # a fraction of one points x starts array
    assert large < 2 * small + 128 * 25 * 8 * 4  # grows by the per-start outputs only


def test_bootstrap_memory_does_not_grow_with_points_times_resamples():
    n, d, loss = _curves(20, 50)  # 2,000 points: weights of 524 resamples per block
    best = fit_grid(n, d, loss).theta

    def run(resamples: int) -> int:
        return _peak_bytes(
            lambda: bootstrap_fits(n, d, loss, best, n_resamples=resamples, exact_cells=0)
        )

    some, many = run(1_100), run(4_400)
    assert some < 3 * WEIGHT_CELLS * 8  # weights of at most two blocks alive, and small arrays
    assert many < some + 3_300 * 5 * 8 * 4  # grows by the outputs only, not by 4,400 x 2,000
