"""``--lang zh``: the command line's text output in Chinese, numbers in 万 and 亿, the same answer
as the JSON (which stays English)."""

from __future__ import annotations

import json

import pytest

from llmplan.cli import main
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
    assert lines[2] == "用 1,024 张：16.8 天"
    assert lines[3].endswith("：103万美元")  # $1,031,770


def test_laws_in_chinese_keep_citations_as_published(capsys: pytest.CaptureFixture[str]) -> None:
    text = _run(capsys, "laws", "--lang", "zh")
    assert "chinchilla-approach3: Chinchilla 方法 3\n" in text
    assert "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models" in text


def test_an_unknown_language_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["allocate", "--flops", "1e23", "--lang", "fr"]) == 2
    err = capsys.readouterr().err  # one line, as every mistake on the command line
    assert err.startswith("llmplan: error: command line, field '--lang': invalid choice: 'fr'")
    assert err.count("\n") == 1
