"""``llmplan arch``: the JSON contract, the shape rule from the command line, and its errors."""

from __future__ import annotations

import json

import pytest
from hf_configs import LLAMA2_7B, MIXTRAL_8X7B

from llmplan.cli import main

CONTRACT = (
    "params_total",
    "params_embedding",
    "params_non_embedding",
    "params_active",
    "flops_per_token",
    "shape",
)


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict:
    assert main(["arch", *args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_hf_config_json(tmp_path, capsys):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(LLAMA2_7B))
    out = run_json(capsys, "--hf-config", str(path), "--seq-len", "4096")
    assert all(key in out for key in CONTRACT)
    assert out["params_total"] == 6_738_415_616
    assert out["params_embedding"] == 2 * 32000 * 4096
    assert out["params_non_embedding"] == 6_738_415_616 - 2 * 32000 * 4096
    assert out["params_active"] == out["params_total"]
    # PaLM App. B: 6N + 12 L H Q T at 4,096 tokens
    assert out["flops_per_token"] == 6 * 6_738_415_616 + 12 * 32 * 32 * 128 * 4096
    assert out["shape"]["d_ff"] == 11008


def test_mixtral_active(tmp_path, capsys):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(MIXTRAL_8X7B))
    out = run_json(capsys, "--hf-config", str(path), "--causal")
    assert (out["params_total"], out["params_active"]) == (46_702_792_704, 12_879_925_248)
    assert out["flops_convention"] == "palm-causal"
    assert out["flops_per_token"] == 6 * 12_879_925_248 + 6 * 32 * 32 * 128 * 32768


def test_family_and_params(capsys):
    out = run_json(
        capsys, "--family", "llama", "--params", "8.03B", "--vocab", "128256", "--seq-len", "8192"
    )
    s = out["shape"]
    assert (s["n_layers"], s["d_model"], s["n_kv_heads"], s["d_ff"]) == (32, 4096, 8, 14336)
    assert out["params_total"] == 8_030_261_248


def test_moe_family(capsys):
    out = run_json(
        capsys, "--family", "moe", "--params", "46.7B", "--moe-experts", "8", "--moe-active", "2"
    )
    assert out["shape"]["experts"] == 8
    assert out["params_total"] == pytest.approx(46.7e9, rel=0.02)
    assert out["params_active"] < out["params_total"] / 3


def test_text_output(capsys):
    assert main(["arch", "--family", "gpt3", "--params", "175B"]) == 0
    text = capsys.readouterr().out
    assert "96 layers, d_model 12288" in text and "PaLM, App. B" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--params", "7B"], "neither --hf-config nor --family"),
        (["--family", "gpt4", "--params", "7B"], "unknown family 'gpt4'"),
        (["--family", "llama", "--params", "7B", "--moe-experts", "8"], "MoE options"),
        (["--family", "moe", "--params", "7B", "--moe-active", "9"], "at most --moe-experts"),
        (["--family", "llama"], "exactly one of --params and --active-params"),
        (["--family", "llama", "--params", "seven"], "--params"),
    ],
)
def test_mistakes_exit_2_with_a_message(capsys, args, message):
    assert main(["arch", *args]) == 2
    assert message in capsys.readouterr().err
