"""Properties of parsing and allocation that hold for any valid input (hypothesis).

What tests/test_units.py, test_laws.py and test_allocate.py already cover is not repeated here:
format_si -> parse_quantity round trips, 6 N D = C and growth of N and D with C for every law
(1e10 to 1e32 FLOPs), max_params and unique_tokens bounds on 1e19 to 1e26 FLOPs. This file adds
suffixed numbers as people type them, the whole JSON of an allocation with every constraint and
hardware at once, the cost of a binding max_params, and plans far outside every law's range.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from llmplan.core.errors import InputError, Where
from llmplan.core.units import SUFFIXES, parse_quantity
from llmplan.laws.registry import LAW_IDS, all_laws
from llmplan.plan.allocate import Constraints, allocate, allocate_all

WHERE = Where("test.yaml", "entry", "field")


def non_finite(value: Any, path: str = "") -> list[str]:
    """Paths of every NaN or infinite number in a JSON-like value."""
    if isinstance(value, float):
        return [] if math.isfinite(value) else [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in non_finite(v, f"{path}.{k}")]
    if isinstance(value, list | tuple):
        return [p for i, v in enumerate(value) for p in non_finite(v, f"{path}[{i}]")]
    return []


# --- quantities ----------------------------------------------------------------------------------

mantissas = st.decimals(min_value="0.001", max_value="999999", places=3, allow_nan=False).filter(
    lambda d: d > 0
)


@settings(max_examples=300, deadline=None)
@given(
    mantissa=mantissas,
    suffix=st.sampled_from(sorted(SUFFIXES)),
    space=st.sampled_from(["", " "]),
    unit=st.sampled_from(["", " tokens", " params"]),
)
def test_suffixed_numbers_parse_to_mantissa_times_suffix(mantissa, suffix, space, unit):
    text = f"{mantissa}{space}{suffix}{unit}"
    expected = float(mantissa) * SUFFIXES[suffix]
    assert parse_quantity(text, WHERE, kind="count") == pytest.approx(expected, rel=1e-12)


@settings(max_examples=200, deadline=None)
@given(mantissa=mantissas, suffix=st.sampled_from(sorted(SUFFIXES)))
def test_doubled_or_negative_suffixes_are_refused_with_the_field(mantissa, suffix):
    for text in (
        f"{mantissa}{suffix}{suffix}",
        f"{mantissa} {suffix}{suffix}",
        f"-{mantissa}{suffix}",
    ):
        with pytest.raises(InputError) as info:
            parse_quantity(text, WHERE, kind="count")
        assert "field 'field'" in str(info.value) and "expected" in str(info.value)


@settings(max_examples=200, deadline=None)
@given(value=st.floats(allow_nan=True, allow_infinity=True))
def test_any_float_is_a_positive_finite_number_or_a_clear_error(value):
    try:
        parsed = parse_quantity(value, WHERE, kind="flops")
    except InputError as err:
        assert "test.yaml, entry 'entry', field 'field': found" in str(err)
        assert not (math.isfinite(value) and value > 0)
    else:
        assert parsed == value and math.isfinite(parsed) and parsed > 0


# --- allocation ----------------------------------------------------------------------------------

budgets = st.floats(min_value=15, max_value=28).map(lambda e: 10.0**e)


@settings(max_examples=25, deadline=None)
@given(
    flops=budgets,
    log_max=st.floats(min_value=6, max_value=13),
    log_unique=st.floats(min_value=8, max_value=14),
    log_inference=st.floats(min_value=0, max_value=16),
)
def test_every_number_of_a_fully_constrained_allocation_is_finite(
    catalog, flops, log_max, log_unique, log_inference
):
    constraints = Constraints(
        max_params=10.0**log_max, unique_tokens=10.0**log_unique, inference_tokens=10**log_inference
    )
    hardware = catalog.hardware["h100-sxm"]
    for allocation in allocate_all(
        flops, all_laws(), constraints=constraints, hardware=hardware, count=64
    ):
        data = allocation.to_dict()
        assert non_finite(data) == [], allocation.law
        json.dumps(data, allow_nan=False)
        assert 6 * data["params"] * data["tokens"] == pytest.approx(flops, rel=1e-9)
        assert data["max_params"]["params"] <= constraints.max_params * (1 + 1e-12)
        assert data["data_constrained"]["epochs"] == pytest.approx(
            data["data_constrained"]["tokens"] / constraints.unique_tokens, rel=1e-12
        )


@settings(max_examples=40, deadline=None)
@given(flops=budgets, shrink=st.floats(min_value=1.5, max_value=1e3))
def test_a_binding_max_params_never_lowers_the_loss(flops, shrink):
    for law in all_laws():
        free = allocate(flops, law)
        capped = allocate(flops, law, constraints=Constraints(max_params=free.params / shrink))
        section = capped.max_params
        assert section["binding"]
        assert section["params"] == pytest.approx(free.params / shrink, rel=1e-12)
        assert 6 * section["params"] * section["tokens"] == pytest.approx(flops, rel=1e-9)
        if free.loss is not None and law.id.startswith(("chinchilla-approach3", "epoch")):
            # laws whose frontier minimises their own loss: any other N on the IsoFLOP is worse
            assert section["loss"] >= free.loss - 1e-12


@pytest.mark.parametrize("flops", [1e12, 1e30])
def test_plan_far_outside_every_fitted_range_warns_and_stays_finite(catalog, flops):
    from llmplan.inputs.scenario import parse_scenario
    from llmplan.plan.build import build_plan
    from llmplan.steps.catalog import dumps

    peak = catalog.hardware["h100-sxm"].peak_flops
    gpu_hours = flops / (3600 * peak * 0.4)
    text = (
        f"title: Extreme\nbudget: {{hardware: h100-sxm, count: 8, gpu_hours: {gpu_hours!r}, "
        "mfu: 0.4}\n"
        f"laws: [{', '.join(LAW_IDS)}]\n"
        "constraints: {max_params: 7B, unique_tokens: 1T, inference_tokens: 1T}\n"
    )
    scenario = parse_scenario(
        text, "config/scenarios/extreme.yaml", hardware=catalog.hardware, known_laws=LAW_IDS
    )
    plan = build_plan(scenario, catalog, provenance={}, inference_loss_tolerance=0.005)
    # no NaN or inf anywhere, before JSON encoding would hide it as null
    assert non_finite(plan) == []
    decoded = json.loads(dumps(plan))
    assert len(decoded["allocations"]) == len(LAW_IDS)
    assert decoded["budget"]["flops"] == pytest.approx(flops, rel=1e-12)
    outside = [a for a in decoded["allocations"] if not a["in_range"]]
    assert len(outside) >= 5  # all but Kaplan (fitted from 8.6e11) and the 20-tokens rule
    for allocation in outside:
        assert any("extrapolation" in w for w in allocation["warnings"]), allocation["law"]
