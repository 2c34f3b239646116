"""The architecture's texts as messages: page one's sentence in Chinese, every shape's notes."""

from __future__ import annotations

import dataclasses
import typing

import pytest
from hf_configs import LLAMA3_8B, MIXTRAL_8X7B
from report.english import english_runs
from shipped_plans import plan_of

from llmplan.arch.counts import param_counts
from llmplan.arch.hf import shape_from_hf_config
from llmplan.arch.shape import Norm, Positions
from llmplan.plan.architecture import _shape_rows, arch_headline, headline_message
from llmplan.report.i18n import language


def _arch(config: dict, precision: str | None) -> dict:
    shape = shape_from_hf_config(config)
    return {
        "family": "moe" if shape.is_moe else "llama",
        "source": "rule",
        "shape": shape.to_dict(),
        "counts": param_counts(shape).to_dict(),
        "precision": {"name": precision} if precision else None,
    }


def test_headline_of_llama3_8b_in_chinese():
    """8.03B parameters is 80.3亿; names and numbers stay as they are."""
    arch = _arch(LLAMA3_8B, "fp8")
    said = headline_message(arch)
    assert said["text"] == arch_headline(arch)
    assert language("zh").message(said) == (
        "Llama 式解码器（GQA 32/8，SwiGLU 14336），32 层，隐藏维度 4096，80.3亿参数，fp8"
    )


def test_headline_of_mixtral_in_chinese():
    """Mixtral 8x7B: 46.7B parameters, 12.9B active (Jiang et al. 2024, Table 1)."""
    said = headline_message(_arch(MIXTRAL_8X7B, None))
    assert said["text"].endswith("46.7B parameters (12.9B active)")
    assert language("zh").message(said) == (
        "Mixtral 式 MoE 解码器（8 个专家，激活 2 个，GQA 32/8，SwiGLU 14336），32 层，"
        "隐藏维度 4096，467亿参数（激活 129亿）"
    )


@pytest.mark.parametrize("positions", typing.get_args(Positions))
@pytest.mark.parametrize("norm", typing.get_args(Norm))
def test_every_shape_row_has_a_message_in_both_languages(positions, norm):
    shape = dataclasses.replace(shape_from_hf_config(MIXTRAL_8X7B), positions=positions, norm=norm)
    rows = _shape_rows(shape, param_counts(shape).to_dict())
    zh = language("zh")
    for row in rows:
        assert row["messages"]["label"]["text"] == row["label"]
        assert row["note"] == (row["messages"]["note"]["text"] if row["note"] else "")
        assert english_runs(f"{zh.text(row, 'label')}：{zh.text(row, 'note')}") == []


@pytest.mark.parametrize("name", ["llama-fp8-32k", "moe-mixtral-style"])
def test_plan_json_keeps_its_english_beside_the_messages(name):
    arch = plan_of(name)["architecture"]
    said = arch["messages"]
    for key in ("headline", "family_text", "shape_rule", "convention_text"):
        assert said[key]["text"] == arch[key]
    assert [n["text"] for n in said["notes"]] == arch["notes"]
    for a in arch["allocation"]:
        assert a["messages"]["law_counts_text"]["text"] == a["law_counts_text"]
    for row in arch["flops_rows"]:
        assert row["messages"]["text"]["text"] == row["text"]
    if arch["moe"]:
        assert arch["moe"]["messages"]["law_note"]["text"] == arch["moe"]["law_note"]
