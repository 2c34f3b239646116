"""``llmplan layout``: the issue's command line, a scenario, and an infeasible run."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from llmplan.cli import main

CATALOG = str(REPO / "data" / "catalog")


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["layout", *args, "--catalog", CATALOG, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_issue_command_gives_the_promised_keys(capsys):
    out = run_json(
        capsys,
        "--params", "70B", "--tokens", "1.4T", "--gpu", "h100-sxm", "--count", "1024",
        "--seq-len", "8192",
    )  # fmt: skip
    for key in (
        "feasible", "why", "layout", "memory_gb_per_gpu", "mfu", "days", "global_batch_tokens",
        "peak_learning_rate",
    ):  # fmt: skip
        assert key in out, key
    assert out["feasible"] is True
    assert out["layout"]["gpus"] == 1024 and out["layout"]["tp"] <= 8
    assert out["shape"]["seq_len"] == 8192
    assert 0 < out["memory_gb_per_gpu"] <= 80
    assert 0.2 < out["mfu"] < 0.8
    # 6.6e23+ FLOPs on 1,024 H100 at that MFU: days follow from the throughput
    assert out["days"] == pytest.approx(
        1.4e12 / out["step"]["tokens_per_s"] / 86400 / out["calendar"]["effective_fraction"]
    )


def test_too_few_gpus_is_infeasible_with_why(capsys):
    out = run_json(
        capsys, "--params", "70B", "--tokens", "1.4T", "--gpu", "h100-sxm", "--count", "8"
    )
    assert out["feasible"] is False
    assert "needs at least" in out["why"] and out["why"].endswith("you have 8")


def test_scenario(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    out = run_json(capsys, "--scenario", "startup-64xh100")
    assert out["feasible"] is True and out["layout"]["gpus"] == 64


def test_missing_flags_are_a_clear_error(capsys):
    assert main(["layout", "--params", "7B", "--catalog", CATALOG]) == 2
    err = capsys.readouterr().err
    assert "--tokens" in err and "Traceback" not in err


def test_text_output(capsys):
    args = ["layout", "--params", "7B", "--tokens", "1T", "--gpu", "a100-80gb", "--count", "64"]
    assert main([*args, "--catalog", CATALOG]) == 0
    out = capsys.readouterr().out
    assert "MFU" in out and "days" in out and "memory per GPU" in out
