"""The efficient frontier is Pareto: no point dominates a frontier point, and every other point
is dominated by (or ties with) one on it."""

from __future__ import annotations

import numpy as np

from llmplan.sweep.frontier import dominated_by, near_best, pareto_front, pareto_within


def test_frontier_is_pareto() -> None:
    rng = np.random.default_rng(2026)
    cost = np.round(rng.lognormal(10, 1.5, 400), 1)
    loss = np.round(2.0 + 1.0 / np.sqrt(cost) * rng.uniform(50, 150, 400), 3)
    cost[::37], loss[::53] = np.nan, np.nan  # never on the frontier
    front = pareto_front(cost, loss)
    assert front.size > 3
    ok = np.flatnonzero(np.isfinite(cost) & np.isfinite(loss))
    for i in front:
        assert not any(dominated_by(cost, loss, i, j) for j in ok), i
    for i in np.setdiff1d(ok, front):
        assert any(
            dominated_by(cost, loss, i, j) or (cost[j] == cost[i] and loss[j] == loss[i])
            for j in front
        ), i
    assert np.all(np.diff(cost[front]) > 0) and np.all(np.diff(loss[front]) < 0)


def test_ties_go_to_the_fastest_point() -> None:
    # 64 GPUs for 14 days and 128 for 7 cost the same and reach the same loss
    cost = np.array([10.0, 10.0, 20.0, 5.0])
    loss = np.array([2.0, 2.0, 1.9, 2.2])
    days = np.array([14.0, 7.0, 14.0, 7.0])
    assert pareto_front(cost, loss, days).tolist() == [3, 1, 2]
    assert pareto_front(cost, loss).tolist() == [3, 0, 2]


def test_each_cell_has_its_own_frontier() -> None:
    cost = np.array([1.0, 2.0, 3.0, 1.0, 2.0, 3.0])
    loss = np.array([3.0, 2.0, 2.5, 3.0, 3.5, 1.0])
    cells = np.array([0, 0, 0, 1, 1, 1])
    assert pareto_within(cost, loss, cells).tolist() == [True, True, False, True, False, True]


def test_recommendation_is_the_cheapest_within_tolerance_of_the_lowest_loss() -> None:
    cost = np.array([1.0, 2.0, 4.0, 8.0])
    loss = np.array([2.20, 2.05, 2.005, 2.0])
    front = pareto_front(cost, loss)
    assert near_best(cost, loss, front, 0.005) == 2  # 2.005 <= 2.0 x 1.005
    assert near_best(cost, loss, front, 0.001) == 3
    assert near_best(cost, loss, front[:0], 0.005) == -1
