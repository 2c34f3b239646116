"""``--lang zh``: the command line's text output in Chinese, numbers in 万 and 亿, the same answer
as the JSON (which stays English)."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from llmplan.cli import main
from llmplan.core.units import format_si as si
from llmplan.report.i18n import format_chinese


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_allocate_in_chinese_says_what_the_json_says(capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(_run(capsys, "allocate", "--flops", "5.76e23", "--json"))
    text = _run(capsys, "allocate", "--flops", "5.76e23", "--lang", "zh")
    first = text.splitlines()[2]
    assert first.startswith("推荐（epoch-2024）")
    # 72.2B parameters on 1.33T tokens, as a Chinese reader writes them
    assert f"{format_chinese(doc['params'])}参数" in first
    assert f"{format_chinese(doc['tokens'])} token" in first
    assert "亿参数" in first and "B parameters" not in text
    assert "依据：" in text and "各定律（施加约束之前）：" in text


def test_cost_in_chinese_writes_money_in_wan(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["cost", "--params", "70B", "--tokens", "1.4T", "--gpu", "h100-sxm", "--count", "1024"]
    text = _run(capsys, *args, "--price", "2.5", "--lang", "zh")
    lines = text.splitlines()
    assert lines[0].startswith("700亿参数，1.4万亿 token")
    assert lines[1].endswith("：41.3万卡时")  # 412,708 accelerator-hours
    assert lines[2] == "用 1,024 张：16.8 天"
    assert lines[3].endswith("：103万美元")  # $1,031,770


def test_laws_in_chinese_keep_citations_as_published(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run(capsys, "laws", "--lang", "zh")
    assert "chinchilla-approach3: Chinchilla 方法 3\n" in text
    assert "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models" in text
    # a rule of thumb has no fitted range (it printed "0 至 inf FLOPs")
    assert "拟合范围：不适用（经验法则）" in text and "inf" not in text
    assert "fitted range none (a rule of thumb)" in _run(capsys, "laws")


def test_an_unknown_language_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocate", "--flops", "1e23", "--lang", "fr"]) == 2
    err = capsys.readouterr().err  # one line, as every mistake on the command line
    assert err.startswith("llmplan: error: command line, field '--lang': invalid choice: 'fr'")
    assert err.count("\n") == 1


def test_allocate_says_an_moe_n_counts_its_active_parameters(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """For a scenario's mixture of experts, the line under the recommendation says what N counts
    and the model's size, in each language; a dense scenario has no such line."""
    scenario = str(REPO / "config/scenarios/moe-mixtral-style.yaml")
    total = json.loads(_run(capsys, "allocate", "--scenario", scenario, "--json"))["memory"]
    total = total["params"]  # the model to build: every parameter (plan.json's memory check)
    en = _run(capsys, "allocate", "--scenario", scenario).splitlines()
    zh = _run(capsys, "allocate", "--scenario", scenario, "--lang", "zh").splitlines()
    assert en[3] == f"  a mixture of experts: these are its active parameters, {si(total)} in all"
    assert zh[3] == f"  混合专家模型：以上为激活参数，总参数 {format_chinese(total)}"
    dense = _run(capsys, "allocate", "--scenario", str(REPO / "config/scenarios/lab-8xa100.yaml"))
    assert "mixture of experts" not in dense
