"""The training run's texts as messages: English kept in plan.json, layouts in both languages."""

from __future__ import annotations

import pytest
from shipped_plans import plan_of

from llmplan.report.i18n import language
from llmplan.run.parallel import RECOMPUTE, Layout


def test_plan_json_keeps_its_english_beside_the_messages():
    run = plan_of("startup-64xh100")["training_run"]
    said = run["messages"]
    assert said["why"]["text"] == run["why"] and run["why"].startswith("fits: TP ")
    assert [n["text"] for n in said["notes"]] == run["notes"]
    assert {key: item["text"] for key, item in said["texts"].items()} == run["texts"]
    for row in run["memory_rows"] + run["step_rows"]:
        assert all(item["text"] == row[key] for key, item in row["messages"].items())
    assert run["layout"]["messages"]["text"]["text"] == run["layout"]["text"]
    # the calendar's sources are still listed in English for JSON readers
    assert run["calendar"]["sources"][0].startswith("Llama Team 2024, arXiv:2407.21783")


@pytest.mark.parametrize("recompute", RECOMPUTE)
def test_a_layout_in_english_and_chinese(recompute):
    layout = Layout(
        tp=2, cp=2, pp=4, dp=8, ep=2, virtual_stages=2, microbatch=1, zero=3, recompute=recompute
    )
    words = {"none": "no", "selective": "selective", "full": "full"}[recompute]
    assert layout.describe() == (
        "TP 2, CP 2, PP 4, DP 8, EP 2, 2 virtual stages, micro-batch 1, FSDP (ZeRO-3), "
        f"{words} recomputation"
    )
    zh = {"none": "无", "selective": "选择性", "full": "全量"}[recompute]
    assert language("zh").message(layout.as_message()) == (
        f"TP 2，CP 2，PP 4，DP 8，EP 2，2 个虚拟流水线阶段，微批次 1，FSDP (ZeRO-3)，{zh}激活重计算"
    )
    assert layout.to_dict()["text"] == layout.describe()
