"""Sweep files: how many points a grid has, which point is which, and every mistake named with
its file, sweep, field and line (never a traceback)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from llmplan.core.errors import InputError
from llmplan.sweep.grid import shard_range

BASE = {"budget": {"hardware": "h100-sxm", "count": 64, "days": 30, "mfu": 0.4}}


def sweep_text(grid: str, extra: str = "") -> str:
    return (
        'title: "T"\n'
        "base:\n"
        "  budget: {hardware: h100-sxm, count: 64, days: 30, mfu: 0.4}\n"
        f"grid:\n{grid}{extra}"
    )


def test_points_are_the_cartesian_product_in_itertools_order(make_sweep) -> None:
    grid = {
        "budget.count": [8, 16, 32],
        "budget.days": [7, 14],
        "budget.mfu": {"linspace": [0.3, 0.5, 5]},
        "constraints.inference_tokens": [0, "1T"],
    }
    sweep = make_sweep({"title": "T", "base": BASE, "grid": grid})
    assert sweep.n_points == 3 * 2 * 5 * 2
    mfus = [0.3, 0.35, 0.4, 0.45, 0.5]
    expected = list(itertools.product([8, 16, 32], [7, 14], mfus, [0, "1T"]))
    for point in (0, 1, 7, 33, 59):
        values = sweep.values_at(point)
        got = tuple(values[k] for k in grid)
        assert got[:2] == expected[point][:2] and got[3] == expected[point][3]
        assert got[2] == pytest.approx(expected[point][2])
    assert sweep.point_spec(59)["budget"]["count"] == 32
    assert sweep.point_spec(59)["constraints"] == {"inference_tokens": "1T"}


def test_zip_groups_vary_together(make_sweep) -> None:
    sweep = make_sweep(
        {
            "title": "T",
            "base": BASE,
            "grid": {
                "budget.hardware": ["h100-sxm", "a100-80gb", "a100-40gb"],
                "budget.count": [8, 16],
                "budget.price_per_hour": [2.5, 1.8, 1.2],
            },
            "zip": [["budget.hardware", "budget.price_per_hour"]],
        }
    )
    assert sweep.n_points == 6 and len(sweep.groups) == 3
    pairs = {
        (v["budget.hardware"], v["budget.price_per_hour"]) for v in map(sweep.values_at, range(6))
    }
    assert pairs == {("h100-sxm", 2.5), ("a100-80gb", 1.8), ("a100-40gb", 1.2)}


def test_a_key_zipped_with_a_choice_is_not_held_fixed(make_sweep) -> None:
    """A price that varies with the hardware is the hardware's, not an assumption: by default it is
    not held fixed (before, the base cell said "assuming $2.50" and held A100 points at $1.50),
    and holding it fixed without the hardware is refused, naming the file, entry and field."""
    spec = {
        "title": "T",
        "base": BASE,
        "grid": {
            "budget.hardware": ["h100-sxm", "a100-80gb"],
            "budget.price_per_hour": [2.5, 1.5],
            "budget.mfu": [0.35, 0.45],
        },
        "zip": [["budget.hardware", "budget.price_per_hour"]],
    }
    sweep = make_sweep(spec)
    assert sweep.held_fixed == ("budget.mfu",)
    from llmplan.sweep.grid import digits

    cells = sweep.cell_of(digits(sweep.factors, np.arange(sweep.n_points)))
    base, _ = sweep.base_cell()
    prices = {
        sweep.values_at(int(p))["budget.price_per_hour"] for p in np.flatnonzero(cells == base)
    }
    assert prices == {2.5, 1.5}  # both hardware choices compete in the base cell, each at its price
    both = make_sweep({**spec, "held_fixed": ["budget.hardware", "budget.price_per_hour"]})
    assert both.held_fixed == ("budget.hardware", "budget.price_per_hour")
    message = error(make_sweep, {**spec, "held_fixed": ["budget.price_per_hour"]})
    assert "config/sweeps/s.yaml" in message and "field 'held_fixed[0]'" in message
    assert "varies together with budget.hardware (zip)" in message and "Traceback" not in message


def test_held_fixed_keys_make_cells(make_sweep) -> None:
    sweep = make_sweep(
        {
            "title": "T",
            "base": {**BASE, "constraints": {"inference_tokens": "1T"}},
            "grid": {
                "budget.count": [8, 16],
                "budget.mfu": [0.3, 0.4, 0.5],
                "constraints.inference_tokens": [0, "1T"],
            },
        }
    )
    assert sweep.held_fixed == ("budget.mfu", "constraints.inference_tokens")
    from llmplan.sweep.grid import digits

    cells = sweep.cell_of(digits(sweep.factors, np.arange(sweep.n_points)))
    assert len(set(cells)) == 6
    base, exact = sweep.base_cell()
    members = np.flatnonzero(cells == base)
    assert exact and members.size == 2
    for point in members:
        values = sweep.values_at(int(point))
        assert values["budget.mfu"] == 0.4 and values["constraints.inference_tokens"] == "1T"


def test_shards_cover_every_point_once() -> None:
    for n, shards in ((10, 3), (1_000_000, 8), (5, 8)):
        ranges = [shard_range(n, shards, i) for i in range(shards)]
        assert ranges[0][0] == 0 and ranges[-1][1] == n
        assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))
        sizes = [b - a for a, b in ranges]
        assert max(sizes) - min(sizes) <= 1


def error(make_sweep, text: str, **options) -> str:
    with pytest.raises(InputError) as caught:
        make_sweep(text, **options)
    return str(caught.value)


@pytest.mark.parametrize(
    ("grid", "extra", "expect"),
    [
        (
            "  budget.cout: [8, 16]\n",
            "",
            [
                "config/sweeps/s.yaml:5, entry 's', field 'grid.budget.cout'",
                "unknown grid key",
                "Did you mean 'budget.count'",
            ],
        ),
        (
            "  budget.count: [8, 16]\n  budget.mfu: [0.4, 40]\n",
            "",
            [
                "config/sweeps/s.yaml:6, entry 's', field 'grid.budget.mfu[1]'",
                "found 40",
                "0 < mfu <= 1",
            ],
        ),
        (
            "  budget.count: [8, 12.5]\n",
            "",
            ["field 'grid.budget.count[1]'", "a whole number of accelerators"],
        ),
        (
            "  budget.flops: [1e22]\n",
            "",
            ["field 'grid.budget.flops[0]'", "stated exactly one way, found several (flops, days)"],
        ),
        (
            "  budget.hardware: [h100-sxm, h100]\n",
            "",
            ["field 'grid.budget.hardware[1]'", "unknown hardware id 'h100'"],
        ),
        (
            "  budget.hardware: [h100-sxm, a100-80gb]\n  model.precision: [bf16, fp8]\n",
            "",
            ["field 'grid.model.precision[1]'", "budget.hardware = a100-80gb"],
        ),
        (
            "  budget.count: [8, 16]\n  budget.mfu: [0.4, 0.5]\n",
            "zip:\n  - [budget.count, budget.mfu, budget.days]\n",
            ["field 'zip[0][2]'", "unknown grid key 'budget.days'"],
        ),
        (
            "  budget.count: [8, 16]\n  budget.mfu: [0.4, 0.5, 0.6]\n",
            "zip:\n  - [budget.count, budget.mfu]\n",
            ["field 'zip[0]'", "different numbers of values (budget.count: 2, budget.mfu: 3)"],
        ),
        (
            "  budget.mfu: [0.4, auto]\n",
            "",
            ["field 'grid.budget.mfu[1]'", "mfu: auto is not planned in sweeps"],
        ),
        (
            "  primary_law: [epoch-2024, epoch-2042]\n",
            "",
            ["field 'grid.primary_law[1]'", "'epoch-2042' is not among the scenario's laws"],
        ),
        (
            "  budget.days: {geomspace: [1, 100, 0.5]}\n",
            "",
            ["field 'grid.budget.days.geomspace'", "a whole number from 1 to 10,000"],
        ),
    ],
)
def test_mistakes_name_file_sweep_field_and_line(make_sweep, grid, extra, expect) -> None:
    message = error(make_sweep, sweep_text(grid, extra))
    for part in expect:
        assert part in message
    assert "Traceback" not in message


def test_a_mistake_in_the_base_names_the_base_field(make_sweep) -> None:
    text = 'title: "T"\nbase:\n  budget: {hardware: h100-sxm, count: 64, days: 30, mfu: 1.5}\n'
    message = error(make_sweep, text + "grid:\n  budget.count: [8]\n")
    assert "config/sweeps/s.yaml:3, entry 's', field 'base.budget.mfu'" in message


def test_too_many_points_names_the_count_and_the_bound(make_sweep) -> None:
    grid = (
        "  budget.count: {linspace: [1, 100, 100]}\n"
        "  budget.days: {linspace: [1, 100, 100]}\n"
        "  budget.mfu: {linspace: [0.1, 0.9, 101]}\n"
    )
    message = error(make_sweep, sweep_text(grid), max_points=1_000_000)
    assert "field 'grid'" in message
    assert "the grid has 1,010,000 points (100 x 100 x 101)" in message
    assert "at most 1,000,000 (sweeps.max_points in config/config.yaml)" in message


def test_sweep_names_become_folders(make_sweep) -> None:
    with pytest.raises(InputError, match="not a valid sweep file name"):
        make_sweep(sweep_text("  budget.count: [8]\n"), name="my sweep")
