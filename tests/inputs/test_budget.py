"""Budget conversions in every scenario form, against hand arithmetic."""

from __future__ import annotations

import math

import pytest

from llmplan.core.errors import InputError, Where
from llmplan.inputs.budget import Assumptions, budget_from_flops, resolve_budget
from llmplan.inputs.catalog import Hardware
from llmplan.inputs.settings import defaults

DEFAULTS = defaults().assumptions

H100 = Hardware(
    id="h100-sxm",
    name="NVIDIA H100 SXM5 80GB",
    peak_tflops_dense={"bf16": 989.4, "fp8": 1978.9},
    memory_gb=80,
    tdp_w=700,
    source="test",
)
HW = {"h100-sxm": H100}
WHERE = Where("test.yaml", "scenario", "budget")


def resolve(spec):
    return resolve_budget(spec, HW, WHERE, assumptions=DEFAULTS)


def test_flops_form():
    b = resolve({"flops": 5.76e23})
    assert b.flops == 5.76e23
    assert b.pf_days == pytest.approx(5.76e23 / 8.64e19, rel=1e-12)


def test_pf_day_is_8_64e19_flops():
    assert resolve({"pf_days": 1}).flops == pytest.approx(8.64e19, rel=1e-15)
    assert resolve({"pf_days": "3640 PF-days"}).flops == pytest.approx(3640 * 8.64e19, rel=1e-12)


def test_hardware_count_days_form():
    b = resolve({"hardware": "h100-sxm", "count": 64, "days": 30, "mfu": 0.4})
    assert b.flops == pytest.approx(64 * 30 * 86400 * 989.4e12 * 0.4, rel=1e-12)
    assert b.gpu_hours == pytest.approx(64 * 30 * 24, rel=1e-12)
    assert b.days == pytest.approx(30, rel=1e-12)


def test_gpu_hours_form_defaults_mfu_with_a_note():
    b = resolve({"hardware": "h100-sxm", "gpu_hours": "1.3M"})
    assert b.flops == pytest.approx(1.3e6 * 3600 * 989.4e12 * 0.40, rel=1e-12)
    assert b.mfu == 0.40
    assert any(n["code"] == "budget.mfu_assumed" for n in b.notes)


def test_usd_form():
    b = resolve({"hardware": "h100-sxm", "usd": "2M", "price_per_hour": 2.5, "mfu": 0.5})
    gpu_hours = 2e6 / 2.5
    assert b.gpu_hours == pytest.approx(gpu_hours, rel=1e-12)
    assert b.flops == pytest.approx(gpu_hours * 3600 * 989.4e12 * 0.5, rel=1e-12)
    assert b.usd == pytest.approx(2e6, rel=1e-12)


def test_energy_and_co2_formula():
    a = Assumptions(mfu=0.4, pue=1.1, grid_kg_co2_per_kwh=0.385)
    b = budget_from_flops(1e23, hardware=H100, count=1000, mfu=0.4, assumptions=a)
    gpu_hours = 1e23 / (989.4e12 * 0.4 * 3600)
    kwh = gpu_hours * 700 / 1000 * 1.1
    assert b.gpu_hours == pytest.approx(gpu_hours, rel=1e-12)
    assert b.days == pytest.approx(gpu_hours / 1000 / 24, rel=1e-12)
    assert b.energy_kwh == pytest.approx(kwh, rel=1e-12)
    assert b.co2_t == pytest.approx(kwh * 0.385 / 1000, rel=1e-12)


def test_reverse_time_and_cost_of_a_given_model():
    n, d = 7e9, 2e12
    b = budget_from_flops(
        6 * n * d, hardware=H100, count=256, mfu=0.4, price_per_hour=2.0, assumptions=DEFAULTS
    )
    hours = 6 * n * d / (989.4e12 * 0.4 * 3600)
    assert b.days == pytest.approx(hours / 256 / 24, rel=1e-12)
    assert b.usd == pytest.approx(hours * 2.0, rel=1e-12)


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ({}, "exactly one way"),
        ({"flops": 1e20, "pf_days": 3}, "several"),
        ({"hardware": "h100-sxm", "days": 3}, "missing 'count'"),
        ({"hardware": "h100-sxm", "usd": 5}, "missing 'price_per_hour'"),
        ({"hardware": "h200", "gpu_hours": 5}, "unknown hardware id"),
        ({"hardware": "h100-sxm", "gpu_hours": 5, "mfu": 40}, "mfu"),
        ({"hardware": "h100-sxm", "count": 2.5, "days": 1}, "whole number"),
        ({"flops": "lots"}, "cannot read"),
    ],
)
def test_bad_budgets_name_the_field(spec, needle):
    with pytest.raises(InputError) as err:
        resolve(spec)
    assert needle in str(err.value)
    assert "test.yaml" in str(err.value)


def test_results_are_finite():
    b = resolve({"hardware": "h100-sxm", "count": 8, "days": 1})
    assert all(math.isfinite(v) for v in (b.flops, b.gpu_hours, b.days, b.energy_kwh, b.co2_t) if v)
