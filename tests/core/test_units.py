"""Every form of quantity people write, and the nonsense that must fail clearly."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmplan.core.compute import flops_to_pf_days, pf_days_to_flops
from llmplan.core.errors import InputError, Where
from llmplan.core.units import FLOPS_PER_PF_DAY, format_si, parse_quantity

WHERE = Where("data/catalog/models.yaml", "gpt3-175b", "params", 12)


def test_pf_day_is_8_64e19_flops() -> None:
    assert FLOPS_PER_PF_DAY == 1e15 * 86_400 == 8.64e19
    assert pf_days_to_flops(3640) == pytest.approx(3.14496e23)
    assert flops_to_pf_days(8.64e19) == 1.0


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("175B", "count", 175e9),
        ("1.4T", "count", 1.4e12),
        ("1.3M", "count", 1.3e6),
        ("70e9", "count", 70e9),
        ("355M", "count", 355e6),
        ("2k", "count", 2e3),
        ("2K", "count", 2e3),
        ("1G", "count", 1e9),
        ("1P", "count", 1e15),
        (".5T", "count", 0.5e12),
        ("1.4 T", "count", 1.4e12),
        (" 70B ", "count", 70e9),
        ("+70B", "count", 70e9),
        ("1,000", "count", 1000.0),
        ("12,345,678", "count", 12_345_678.0),
        ("1_000_000", "count", 1e6),
        ("70B params", "count", 70e9),
        ("1.4T tokens", "count", 1.4e12),
        (175e9, "count", 175e9),
        (300, "count", 300.0),
        (np.int64(5), "count", 5.0),
        (np.float64(2.5), "count", 2.5),
        # compute: PF/s-days <-> FLOPs (GPT-3 175B, Table D.1)
        ("3.64e3 PF-days", "flops", 3.64e3 * 8.64e19),
        ("3640 pf/s-days", "flops", 3640 * 8.64e19),
        ("1 petaflop/s-day", "flops", 8.64e19),
        ("5.76e23 FLOPs", "pf_days", 5.76e23 / 8.64e19),
        ("3.14e23 FLOP", "pf_days", 3.14e23 / 8.64e19),
        ("3.64e3 PF-days", "pf_days", 3640.0),
        ("5.76e23", "flops", 5.76e23),
        (3640, "pf_days", 3640.0),
        # accelerator-hours
        ("1.3M GPU-hours", "gpu_hours", 1.3e6),
        ("30.84M GPU-hours", "gpu_hours", 30.84e6),
        ("8404992 chip-hours", "gpu_hours", 8_404_992.0),
        ("82,432", "gpu_hours", 82_432.0),
        ("5M USD", "usd", 5e6),
        ("53 days", "days", 53.0),
    ],
)
def test_parses_every_form(text: object, kind: str, expected: float) -> None:
    assert parse_quantity(text, WHERE, kind=kind) == pytest.approx(expected, rel=1e-12)


def test_gpt3_pf_days_round_trip_to_paper_flops() -> None:
    # Table D.1 prints 3.64E+03 PF/s-days and 3.14E+23 FLOPs for GPT-3 175B
    flops = parse_quantity("3.64e3 PF-days", WHERE, kind="flops")
    assert flops == pytest.approx(3.14e23, rel=2e-3)
    assert parse_quantity("3.14e23 FLOPs", WHERE, kind="pf_days") == pytest.approx(3634, rel=1e-3)


@pytest.mark.parametrize(
    ("value", "kind", "problem"),
    [
        ("1.4 TT", "count", "unknown unit or suffix 'TT'"),
        ("1.4TT", "count", "unknown unit or suffix 'TT'"),
        ("70 BB", "count", "unknown unit or suffix 'BB'"),
        ("1.4t", "count", "unknown unit or suffix 't'"),
        ("-5B", "count", "negative"),
        (-5, "count", "negative"),
        ("0", "count", "zero"),
        ("1e-400", "count", "zero"),
        ("NaN", "count", "cannot read 'NaN'"),
        ("nan", "count", "cannot read 'nan'"),
        ("inf", "count", "cannot read 'inf'"),
        (math.nan, "count", "not a finite number"),
        (math.inf, "count", "not a finite number"),
        ("1e400", "count", "not a finite number"),
        (10**400, "count", "not a finite number"),
        ("", "count", "cannot read ''"),
        ("   ", "count", "cannot read"),
        (True, "count", "found True"),
        (False, "count", "found False"),
        (None, "count", "found None"),
        ([70e9], "count", "found list"),
        ("seventy billion", "count", "cannot read"),
        ("1,,0", "count", "cannot read '1,,0'"),
        ("1,00", "count", "cannot read '1,00'"),
        ("١٢", "count", "cannot read"),  # non-ASCII digits
        ("3.64e3 PF-days", "count", "which is in pf days"),
        ("1.3M GPU-hours", "flops", "which is in gpu hours"),
        ("70B parameters", "gpu_hours", "which is in count"),
        ("5 furlongs", "count", "unknown unit or suffix 'furlongs'"),
    ],
)
def test_nonsense_fails_with_where_found_and_expected(
    value: object, kind: str, problem: str
) -> None:
    with pytest.raises(InputError) as info:
        parse_quantity(value, WHERE, kind=kind)
    message = str(info.value)
    assert message.startswith("data/catalog/models.yaml:12, entry 'gpt3-175b', field 'params': "), (
        message
    )
    assert problem in message
    assert "expected" in message


def test_zero_allowed_when_asked() -> None:
    assert parse_quantity("0", WHERE, allow_zero=True) == 0.0
    with pytest.raises(InputError, match="negative"):
        parse_quantity("-1", WHERE, allow_zero=True)


def test_huge_value_is_shortened_in_the_message() -> None:
    with pytest.raises(InputError) as info:
        parse_quantity(10**400, WHERE)
    assert len(str(info.value)) < 250


def test_where_may_be_a_plain_string() -> None:
    with pytest.raises(InputError, match=r"^command line: "):
        parse_quantity("1.4 TT", "command line")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (70e9, "70B"),
        (1.4e12, "1.4T"),
        (1.3e6, "1.3M"),
        (174.6e9, "175B"),
        (355e6, "355M"),
        (2e3, "2k"),
        (0.5, "0.5"),
        (1e15, "1P"),
        (999_950, "1M"),  # rounds up into the next suffix, not "1e+03k"
        (999_499, "999k"),
        (1e18, "1e+18"),
        (math.nan, "n/a"),
    ],
)
def test_format_si(value: float, text: str) -> None:
    assert format_si(value) == text


positive = st.floats(min_value=1e-3, max_value=1e30, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(value=positive, digits=st.integers(min_value=1, max_value=6))
def test_format_then_parse_round_trips_to_the_printed_precision(value: float, digits: int) -> None:
    text = format_si(value, digits=digits)
    parsed = parse_quantity(text, WHERE, kind="count")
    # %.Ng keeps N significant digits: relative error at most half a unit in the last digit
    assert parsed == pytest.approx(value, rel=0.5 * 10 ** (1 - digits) * 1.0001)


@settings(max_examples=200, deadline=None)
@given(value=positive)
def test_format_at_full_precision_round_trips_exactly_enough(value: float) -> None:
    assert parse_quantity(format_si(value, digits=17), WHERE) == pytest.approx(value, rel=1e-14)


@settings(max_examples=200, deadline=None)
@given(value=positive)
def test_pf_days_and_flops_are_inverse(value: float) -> None:
    flops = parse_quantity(f"{value!r} PF-days", WHERE, kind="flops")
    assert parse_quantity(f"{flops!r} FLOPs", WHERE, kind="pf_days") == pytest.approx(value)
