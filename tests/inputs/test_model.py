"""A scenario's ``model:`` section: defaults, precision (the fp8 peak), MoE, hf_config, errors."""

from __future__ import annotations

import json
import textwrap

import pytest
from hf_configs import LLAMA3_8B

from conftest import REPO
from llmplan.core.errors import InputError
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.scenario import load_scenario, parse_scenario

HARDWARE = load_catalog(REPO / "data" / "catalog").hardware
BUDGET = "budget: {hardware: h100-sxm, count: 256, days: 30, mfu: 0.3}\n"


def scenario(body: str, **kwargs):
    text = "title: t\n" + BUDGET + textwrap.dedent(body)
    return parse_scenario(text, "config/scenarios/t.yaml", hardware=HARDWARE, **kwargs)


def test_defaults_come_from_the_schema():
    model = scenario("").model
    assert model is not None and not model.stated
    assert (model.family, model.seq_len, model.vocab) == ("llama", 2048, 32000)
    assert model.precision is None and not model.causal_mask and not model.is_moe


def test_fp8_budget_uses_the_fp8_dense_peak():
    """H100 SXM: 1,978.9 TFLOP/s dense FP8 (3,958 with sparsity), twice the BF16 989.4."""
    bf16 = scenario("")
    fp8 = scenario("model: {family: llama, seq_len: 32768, precision: fp8}\n")
    assert fp8.budget.flops == pytest.approx(256 * 30 * 86400 * 1978.9e12 * 0.3, rel=1e-12)
    assert fp8.budget.flops == pytest.approx(2 * bf16.budget.flops, rel=1e-3)
    shown = fp8.budget.to_dict()
    assert (shown["precision"], shown["peak_tflops_dense"]) == ("fp8", 1978.9)
    assert bf16.budget.to_dict()["precision"] == "bf16"
    assert fp8.model.seq_len == 32768


def test_shipped_fp8_scenario_budget_uses_the_fp8_peak():
    sc = load_scenario(REPO / "config/scenarios/llama-fp8-32k.yaml", hardware=HARDWARE)
    assert sc.model.precision == "fp8" and sc.model.seq_len == 32768
    b = sc.budget
    assert b.flops == pytest.approx(b.count * b.days * 86400 * 1978.9e12 * b.mfu, rel=1e-12)


def test_a_precision_the_hardware_lacks_is_refused_with_its_line():
    text = "title: t\nbudget: {hardware: a100-80gb, count: 8, days: 10}\nmodel:\n  precision: fp8\n"
    with pytest.raises(InputError) as err:
        parse_scenario(text, "config/scenarios/t.yaml", hardware=HARDWARE)
    e = err.value
    assert (e.where.field, e.where.line) == ("model.precision", 4)
    assert "no dense fp8 peak" in e.problem and "bf16" in e.expected


def test_unknown_precision_and_keys_are_schema_errors():
    with pytest.raises(InputError, match="one of bf16"):
        scenario("model: {precision: fp4}\n")
    with pytest.raises(InputError, match="unknown key 'experts'"):
        scenario("model: {experts: 8}\n")


def test_moe_section():
    model = scenario("model:\n  moe: {experts: 16, active: 2, granularity: 2}\n").model
    assert model.family == "moe" and model.is_moe
    assert (model.experts, model.active, model.granularity) == (32, 4, 2)
    t = model.template()
    assert (t.experts, t.active, t.granularity) == (32, 4, 2)
    assert scenario("model: {family: moe}\n").model.experts == 8  # Mixtral's, from the schema


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("model:\n  moe: {experts: 4, active: 6}\n", "model.moe.active"),
        ("model:\n  family: gpt3\n  moe: {experts: 8}\n", "model.family"),
        ("model: {seq_len: 2048.5}\n", "model.seq_len"),
    ],
)
def test_bad_model_sections(body, field):
    with pytest.raises(InputError) as err:
        scenario(body)
    assert err.value.where.field == field
    assert err.value.where.line is not None


def test_hf_config_relative_to_the_root(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "config.json").write_text(json.dumps(LLAMA3_8B))
    model = scenario("model: {hf_config: models/config.json, seq_len: 4096}\n", root=tmp_path).model
    assert model.family == "hf" and model.shape is not None
    assert (model.shape.d_ff, model.vocab, model.seq_len) == (14336, 128256, 4096)
    assert model.template().family == "llama"
    with pytest.raises(InputError, match="'vocab' is given with hf_config"):
        scenario("model: {hf_config: models/config.json, vocab: 32000}\n", root=tmp_path)


def test_errors_inside_the_config_name_the_config(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({**LLAMA3_8B, "hidden_size": "big"}))
    with pytest.raises(InputError) as err:
        scenario("model: {hf_config: config.json}\n", root=tmp_path)
    assert err.value.where.file == "config.json"
    assert err.value.where.field == "hidden_size"
