"""MFU calibration: its constants refit, its error bounds, and the published conventions it reads."""

from __future__ import annotations

import pytest

from llmplan.run.mfu import FITTED, VALIDATION_BAND, fit, mfu_band, predict_all, validation_band
from llmplan.run.published_runs import RUNS, runs

#: The issue's bound on every validation run (relative error of throughput, hence of MFU).
VALIDATION_BOUND = 0.15


@pytest.fixture(scope="module")
def predictions(catalog):
    return {p.run.id: p for p in predict_all(catalog.hardware)}


def test_roles_are_train_validation_reported_and_at_least_five_runs():
    assert len(RUNS) >= 5
    assert {r.role for r in RUNS} == {"train", "validation", "reported"}
    assert len(runs("validation")) >= len(runs("train"))
    assert all(r.why for r in RUNS)


def test_every_validation_run_is_within_15_percent(predictions):
    for run in runs("validation"):
        p = predictions[run.id]
        assert abs(p.relative_error) <= VALIDATION_BOUND, (run.id, p.relative_error)
        assert p.fits_memory, run.id  # the published layout fits the memory model


def test_train_runs_are_fitted_closely(predictions):
    for run in runs("train"):
        assert abs(predictions[run.id].relative_error) <= 0.05, run.id


def test_stored_band_is_the_validation_band(catalog):
    low, high = validation_band(catalog.hardware)
    assert (low, high) == pytest.approx(VALIDATION_BAND, abs=1e-3)


def test_refit_reproduces_the_stored_constants(catalog):
    refit = fit(catalog.hardware)
    for family, value in FITTED["compute"].items():
        assert refit["compute"][family] == pytest.approx(value, abs=0.005)
    assert refit["comm"] == pytest.approx(FITTED["comm"], abs=0.01)
    assert refit["gemm_width"] == pytest.approx(FITTED["gemm_width"], rel=0.03)


def test_uncalibrated_hardware_gets_a_wider_band():
    narrow = mfu_band(0.4, "h100-sxm")
    wide = mfu_band(0.4, "b200")
    assert wide[0] < narrow[0] and wide[1] > narrow[1]
    assert narrow[0] < 0.4 < narrow[1]


def _run(run_id):
    return next(r for r in RUNS if r.id == run_id)


def test_megatron_eq3_reproduces_opts_published_compute():
    """metaseq final_update.md: OPT-175B took ~4.30e23 FLOPs for 300B tokens, which is
    Megatron-LM's eq. 3 (recomputation counted), so its 147 TFLOP/s are hardware FLOPs."""
    assert _run("opt-175b").flops_per_token() * 300e9 == pytest.approx(4.30e23, rel=0.005)


def test_palm_convention_reproduces_palms_mfu():
    """PaLM s4.1: 238.3K tokens/s on 6,144 TPU v4 (275 TFLOP/s) is 46.2% MFU."""
    palm = _run("palm-540b")
    tokens_per_s = palm.tokens_per_s_per_gpu(275e12) * 6144
    assert tokens_per_s == pytest.approx(238.3e3, rel=0.005)


def test_causal_convention_reproduces_megascales_mfu():
    """MegaScale Table 2: 1,984.0k tokens/s on 12,288 A100 is 55.2% MFU (with 6 N + 6 L h s)."""
    run = _run("megascale-175b-12288")
    assert run.tokens_per_s_per_gpu(312e12) * 12288 == pytest.approx(1984.0e3, rel=0.005)


def test_llama3_drops_from_8k_to_16k_gpus(predictions):
    """Table 4: 430 -> 400 TFLOP/s from fewer micro-batches per pipeline; the model must drop."""
    drop = (
        predictions["llama3-405b-16k"].predicted_tokens_per_s_per_gpu
        / predictions["llama3-405b-8k"].predicted_tokens_per_s_per_gpu
    )
    assert drop == pytest.approx(400 / 430, abs=0.03)
