"""What issue 12 decided besides refusing: how plain YAML values read, a scenario without a title,
mistakes reported together, and a 100,000-row runs CSV read quickly within bounds."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import numpy as np
import pytest

from llmplan.core.errors import InputError, InputErrors, error_lines
from llmplan.inputs.scenario import parse_scenario
from llmplan.io.runs_csv import read_runs
from llmplan.io.yamldoc import parse_yaml


def test_plain_values_read_as_yaml_1_2() -> None:
    data = parse_yaml(
        "a: .5\nb: 1e23\nc: yes\nd: 2024-01-01\ne: 1_000\nf: ~\ng: True\nh: 1:30\ni: 0b1000\n"
        "j: -7\nk: +3.5e-2\nl: off\n",
        "x.yaml",
    ).data
    assert data == {
        "a": 0.5,
        "b": 1e23,
        "c": "yes",
        "d": "2024-01-01",
        "e": "1_000",
        "f": None,
        "g": True,
        "h": "1:30",
        "i": "0b1000",
        "j": -7,
        "k": 0.035,
        "l": "off",
    }


def test_text_that_yaml_1_1_would_turn_into_numbers_is_a_fine_title(catalog) -> None:
    for title in ("yes", "1:30", "0b1000", "2024-01-01", "Null island"):
        scenario = parse_scenario(
            f"title: {title}\nbudget: {{flops: 1e23}}\n",
            "config/scenarios/x.yaml",
            hardware=catalog.hardware,
        )
        assert scenario.title == title


def test_a_config_value_both_versions_read_alike_is_accepted() -> None:
    data = parse_yaml(
        "a: '1e3'\nb: 1.0e+3\nc: 1000\nd: true\ne: 'yes'\nf: '2024-01-01'\n", "c.yaml", config=True
    ).data
    assert data == {"a": "1e3", "b": 1000.0, "c": 1000, "d": True, "e": "yes", "f": "2024-01-01"}


def test_a_quantity_reads_underscores_and_suffixes(catalog) -> None:
    scenario = parse_scenario(
        "budget: {flops: 1_000e20}\n", "config/scenarios/x.yaml", hardware=catalog.hardware
    )
    assert scenario.budget.flops == pytest.approx(1e23)


def test_a_scenario_without_a_title_is_named_by_its_file(catalog) -> None:
    scenario = parse_scenario(
        "budget: {pf_days: 1}\n", "config/scenarios/my-plan.yaml", hardware=catalog.hardware
    )
    assert scenario.title == "my-plan"


def test_errors_of_a_file_come_together_one_line_each_with_a_count(catalog) -> None:
    text = "title: 42\nbudget: {flops: 1e23, flop: 2}\nlaws: [epoch-2024, epoch-2024]\n"
    with pytest.raises(InputErrors) as info:
        parse_scenario(text, "config/scenarios/x.yaml", hardware=catalog.hardware)
    lines = error_lines(info.value)
    assert len(lines) == len(info.value.errors) + 1 >= 3
    assert lines[-1] == f"llmplan: {len(info.value.errors)} errors in 1 file"
    assert all(line.startswith("llmplan: error: config/scenarios/x.yaml:") for line in lines[:-1])
    assert isinstance(info.value, InputError)  # where one error is expected, it is the first


def test_a_message_never_prints_a_control_character() -> None:
    err = InputError("x.yaml", "found 'a\x1b[2J\nb\u202e'", expected="text")
    assert err.message == "x.yaml: found 'a\\x1b[2J\\nb\\u202e'; expected text."


def test_a_100000_row_runs_csv_is_read_quickly_within_bounds(tmp_path: Path) -> None:
    rng = np.random.default_rng(12)
    n, d = 10 ** rng.uniform(7, 10, 100_000), 10 ** rng.uniform(9, 11, 100_000)
    loss = 1.82 + 482 / n**0.348 + 2085 / d**0.366
    lines = [
        f"r{i % 500},{i + 1},{a:.6g},{b:.6g},{6 * a * b:.6g},{c:.6g}"
        for i, (a, b, c) in enumerate(zip(n, d, loss, strict=True))
    ]
    path = tmp_path / "runs.csv"
    path.write_text("run,step,N,D,C,loss\n" + "\n".join(lines) + "\n")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()
    runs = read_runs(path)
    cpu = time.process_time() - start
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
    assert len(runs) == 100_000 and runs["loss"].min() > 1.8
    assert cpu < 5, f"{cpu:.1f} s of CPU"
    assert grown < 512 << 20, f"{grown / 2**20:.0f} MiB"
