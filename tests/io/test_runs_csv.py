"""Runs tables: reading, column mapping, errors naming file/row/column, synthetic sweeps."""

from __future__ import annotations

import numpy as np
import pytest

from llmplan.core.errors import InputError
from llmplan.fit.synthetic import synthetic_isoflop
from llmplan.io.runs_csv import drop_highest_loss, parse_columns, read_runs


def _write(tmp_path, text, name="runs.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_d_from_c_and_mapping(tmp_path):
    path = _write(tmp_path, "Model Size,Training FLOP,loss\n1e8,6e18,3.0\n2e8,6e18,2.9\n")
    runs = read_runs(path, columns={"N": "Model Size", "C": "Training FLOP"})
    assert list(runs.columns) == ["N", "D", "C", "loss", "run", "step"]
    np.testing.assert_allclose(runs["D"], [1e10, 5e9])


def test_c_from_d(tmp_path):
    runs = read_runs(_write(tmp_path, "N,D,loss\n1e8,2e9,3.0\n"))
    assert runs["C"].iloc[0] == pytest.approx(6 * 1e8 * 2e9)


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("", ["runs.csv", "empty"]),
        ("N,D,loss\n", ["runs.csv", "no rows"]),
        ("N,D\n1e8,1e9\n", ["runs.csv", "'loss'", "missing"]),
        ("N,loss\n1e8,3\n", ["runs.csv", "D", "C"]),
        (
            "N,D,loss\n1e8,1e9,3\n2e8,abc,3\n",
            ["runs.csv:3", "row 2", "'D'", "'abc' is not a number"],
        ),
        ("N,D,loss\n1e8,1e9,-3\n", ["runs.csv:2", "row 1", "'loss'", "not positive"]),
        ("N,D,loss\n1e8,1e9,3\n1e8,1e9,3\n0,1e9,3\n", ["row 3", "'N'", "not positive"]),
        ("N,D,loss\n1e8,nan,3\n", ["row 1", "'D'", "positive"]),
        ("N,D,loss\n1e8,inf,3\n", ["row 1", "'D'", "not finite"]),
        ("N,D,loss\n1e8,,3\n", ["row 1", "'D'", "empty"]),
    ],
)
def test_bad_csv_messages_name_file_row_column(tmp_path, text, needles):
    with pytest.raises(InputError) as err:
        read_runs(_write(tmp_path, text))
    for needle in needles:
        assert needle in str(err.value)


def test_mapped_column_missing(tmp_path):
    with pytest.raises(InputError, match=r"'Model Size'.*missing"):
        read_runs(_write(tmp_path, "N,D,loss\n1,1,1\n"), columns={"N": "Model Size"})


def test_parse_columns():
    assert parse_columns('N="Model Size",C="Training FLOP"') == {
        "N": "Model Size",
        "C": "Training FLOP",
    }
    with pytest.raises(InputError, match="--columns"):
        parse_columns("X=1")


def test_drop_highest_loss():
    runs = synthetic_isoflop(
        dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28), [1e19], 6, noise_sd=0.0, seed=0
    )
    out = drop_highest_loss(runs, 2)
    assert len(out) == 4
    assert out["loss"].max() <= np.sort(runs["loss"])[-3]


def test_synthetic_isoflop_is_seeded_and_labelled():
    law = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
    one = synthetic_isoflop(law, [1e19, 1e20], 5, noise_sd=0.01, seed=3)
    two = synthetic_isoflop(law, [1e19, 1e20], 5, noise_sd=0.01, seed=3)
    assert one.attrs["label"] == "synthetic"
    assert one.equals(two)
    np.testing.assert_allclose(6 * one["N"] * one["D"], one["C"])
    clean = synthetic_isoflop(law, [1e19], 3, noise_sd=0.0, seed=3)
    expected = 1.69 + 406.4 / clean["N"] ** 0.34 + 410.7 / clean["D"] ** 0.28
    np.testing.assert_allclose(clean["loss"], expected, rtol=1e-12)
