"""Messages: one registry, arguments that are messages or lists, each language's separators."""

from __future__ import annotations

from llmplan.core.messages import ENGLISH, MESSAGES, _Formatter, message, render
from llmplan.core.messages_arch import ARCH_MESSAGES
from llmplan.core.messages_run import RUN_MESSAGES
from llmplan.report.i18n import language


def test_one_registry_holds_every_stage():
    assert RUN_MESSAGES.items() <= MESSAGES.items()
    assert ARCH_MESSAGES.items() <= MESSAGES.items()
    assert len(MESSAGES) >= len(RUN_MESSAGES) + len(ARCH_MESSAGES)


def test_a_message_argument_renders_in_the_same_language():
    inner = message("run.layout.microbatch", size=4)
    outer = message("run.why.fits", layout=inner)
    assert outer["text"] == "fits: micro-batch 4"
    assert language("zh").message(outer) == "可行：微批次 4"


def test_lists_join_as_each_language_joins_them():
    parts = ["TP 2", message("run.layout.microbatch", size=1), message("run.recompute.full")]
    layout = message("run.layout", parts=parts)
    assert layout["text"] == "TP 2, micro-batch 1, full recomputation"
    assert language("zh").message(layout) == "TP 2，微批次 1，全量激活重计算"
    two = message("text.sentences", sentences=[message("arch.note.levine"), "Second."])
    assert two["text"].endswith("log3(d). Second.")
    assert "log3(d)。Second." in language("zh").message(two)  # no space between zh sentences


def test_text_arguments_that_are_marked_strings_are_translated():
    assert render("{precision}", {"precision": "16-bit"}) == "16-bit"
    zh = language("zh")
    assert zh.render("{precision} working copy", {"precision": "16-bit"}) == "工作副本（16 位）"
    # a proper name has no entry in the catalog and stays as it is; "" is not the catalog header
    assert zh.render("{hardware}", {"hardware": "NVIDIA H100 SXM5 80GB"}) == "NVIDIA H100 SXM5 80GB"
    assert zh.render("[{x}]", {"x": ""}) == "[]"


def test_fields_keep_their_english_and_carry_messages_beside_them():
    zh, en = language("zh"), language("en")
    said = message("run.memory.weights")
    row = {"label": said["text"], "note": "", "messages": {"label": said}}
    assert (en.text(row, "label"), zh.text(row, "label")) == ("Weights", "权重")
    assert zh.text(row, "note") == ""  # not gettext(""), the catalog's header
    old = {"label": "Weights"}  # plan.json written before messages: the catalog translates it
    assert zh.text(old, "label") == "权重"
    listed = {"notes": ["x"], "messages": {"notes": [message("arch.note.levine")]}}
    assert zh.text(listed, "notes") == [
        "该结构的层数低于 Levine et al. 2020 给出的深度阈值 log3(d)。"
    ]


def test_no_space_falls_between_two_ideographs_around_an_argument():
    """A Chinese message spaces a placeholder off for a Latin argument and drops the space for an
    argument that begins or ends in Chinese; Python's formatting is otherwise unchanged."""
    template = "预算是 {law} 所依据的 {n:.2f} 倍"
    assert render(template, {"law": "Epoch AI", "n": 2}) == "预算是 Epoch AI 所依据的 2.00 倍"
    assert render(template, {"law": "Epoch AI 的重新拟合", "n": 2}) == (
        "预算是 Epoch AI 的重新拟合所依据的 2.00 倍"
    )
    assert render(template, {"law": "方法 3", "n": 2}) == "预算是方法 3 所依据的 2.00 倍"
    law = "Epoch AI refit of Chinchilla approach 3"  # its Chinese name ends in 重新拟合
    zh = language("zh")
    said = zh.message(message("risk.extrapolation", factor=77, law=law))
    assert f"{zh.gettext(law)}所依据" in said
    # English and attribute, index, conversion and nested specs read as Python reads them
    args = {"a": {"k": [1, 2]}, "s": "x y", "w": 6}
    assert render("{a[k][1]} {s!r:>{w}} and {s}", args) == "2  'x y' and x y"
    formatter = _Formatter(ENGLISH, str)  # positional fields, numbered as Python numbers them
    assert formatter.format("{} and {}", "x", "y") == "x and y"
    assert formatter.format("{{literal}} {}", "x") == "{literal} x"
