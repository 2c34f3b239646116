"""``llmplan cost``: the time, cost and energy of training a given (N, D)."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from llmplan.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["cost", *args, "--catalog", str(REPO / "data" / "catalog"), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_llama_65b_reproduces_its_published_hours_energy_and_co2(capsys):
    """Touvron et al. 2023 (LLaMA, arXiv:2302.13971), Table 15: 65.2B on 1.4T tokens took
    1,022,362 A100-80GB hours, 449 MWh and 173 tCO2eq (400 W, PUE 1.1, 0.385 kg/kWh). At the MFU
    those hours imply, the reverse calculation must give the same hours, energy and CO2."""
    implied_mfu = 6 * 65.2e9 * 1.4e12 / (1_022_362 * 3600 * 312e12)
    out = run_json(
        capsys,
        "--params", "65.2B", "--tokens", "1.4T", "--gpu", "a100-80gb",
        "--count", "2048", "--mfu", f"{implied_mfu:.6f}", "--price", "2",
    )  # fmt: skip
    assert out["flops"] == pytest.approx(6 * 65.2e9 * 1.4e12)
    assert out["gpu_hours"] == pytest.approx(1_022_362, rel=1e-5)
    assert out["energy_kwh"] / 1000 == pytest.approx(449, rel=0.01)
    assert out["co2_t"] == pytest.approx(173, rel=0.01)
    assert out["days"] == pytest.approx(1_022_362 / 2048 / 24, rel=1e-5)  # ~21 days (s2.4)
    assert out["usd"] == pytest.approx(2 * 1_022_362, rel=1e-5)


def test_bad_mfu_is_a_clear_error(capsys):
    code = main(["cost", "--params", "7B", "--tokens", "1T", "--gpu", "h100-sxm", "--mfu", "40"])
    assert code == 2
    err = capsys.readouterr().err
    assert "--mfu" in err and "0 < mfu <= 1" in err and "Traceback" not in err
