"""The training run and the architecture in Chinese: every message translated, no English left.

The zh catalog must translate every ``run.*`` / ``arch.*`` message and every literal of the two
partials and the memory chart, with the same placeholders; each message renders in English and
Chinese; and the sections rendered in Chinese for shipped scenarios and for the runs that cannot
be laid out hold no run of three English words (tests/report/english.py: proper names, units and
code aside). Law names come from the plan's catalog (``plan.laws``) and are checked where the
whole report is.
"""

from __future__ import annotations

import functools
import io
import json
import re
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from hf_configs import LLAMA2_7B
from markupsafe import Markup
from pypdf import PdfReader
from report.english import citations, english_runs, visible_text
from shipped_plans import catalog, plan_of

from conftest import REPO
from llmplan.core.messages import message
from llmplan.core.messages_arch import ARCH_MESSAGES
from llmplan.core.messages_run import RUN_MESSAGES
from llmplan.inputs.scenario import parse_scenario
from llmplan.inputs.settings import defaults
from llmplan.io.jsonio import dumps
from llmplan.plan.build import build_plan
from llmplan.report.charts.run import memory_chart
from llmplan.report.context import plan_context
from llmplan.report.fonts import chart_fonts
from llmplan.report.i18n import LOCALE_DIR, language
from llmplan.report.render import environment, html_to_pdf
from llmplan.run.training import training_run

CATALOG = catalog()
PARTIALS = ("partials/architecture.html.j2", "partials/training_run.html.j2")
TEMPLATES = REPO / "workflow" / "templates"
#: Messages that are names, the same in every language.
NAMES_ONLY = ("arch.norm.rms", "arch.norm.layer")
#: Python files whose N_/_ strings the two sections show.
SOURCES = ("report/charts/run.py", "run/calendar.py", "run/tables.py")


@functools.cache
def _catalog():
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / "llmplan.po").open("rb") as handle:
        return read_po(handle)


def _placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{[^{}]*\}|%\(\w+\)s|%%", text))


def _section_msgids() -> set[str]:
    ids = set(RUN_MESSAGES.values()) | set(ARCH_MESSAGES.values())
    for partial in PARTIALS:
        found = extract_from_file(
            "jinja2",
            str(TEMPLATES / partial),
            keywords={"_": None, "gettext": None},
            options={"extensions": "jinja2.ext.i18n"},
        )
        ids |= {m if isinstance(m, str) else m[0] for _, m, _, _ in found}
    src = REPO / "workflow" / "src" / "llmplan"
    for module in SOURCES:
        found = extract_from_file("python", str(src / module), keywords={"N_": None, "_": None})
        ids |= {m for _, m, _, _ in found}
    return ids


def test_every_msgid_of_the_sections_is_translated_with_its_placeholders():
    catalog = _catalog()
    ids = _section_msgids()
    assert len(ids) > 200
    missing = sorted(i for i in ids if catalog.get(i) is None or not catalog[i].string)
    assert missing == []
    wrong = [i for i in ids if _placeholders(i) != _placeholders(catalog[i].string)]
    assert wrong == []


def _sample(spec: str):
    if spec in ("list", "semicolons", "sentences"):
        return ["A", message("run.recompute.full")]
    if spec == "":
        return "X"
    return 1.25e9


@pytest.mark.parametrize("code", sorted(RUN_MESSAGES | ARCH_MESSAGES))
def test_every_message_renders_in_english_and_chinese(code):
    fields = {
        name: _sample(spec)
        for _, name, spec, _ in string.Formatter().parse(
            RUN_MESSAGES.get(code) or ARCH_MESSAGES[code]
        )
        if name
    }
    item = message(code, **fields)
    zh = language("zh").message(item)
    assert language("en").message(item) == item["text"]
    assert "{" not in zh and "}" not in zh and "%(" not in zh
    # every message reads differently in Chinese but the names of the two norms
    assert (zh == item["text"]) == (code in NAMES_ONLY), zh


def _plan_json(name: str, text: str, root: str) -> str:
    scenario = parse_scenario(
        text, f"config/scenarios/{name}.yaml", hardware=CATALOG.hardware, root=root
    )
    plan = build_plan(
        scenario,
        CATALOG,
        provenance={},
        inference_loss_tolerance=defaults().inference_loss_tolerance,
    )
    return dumps(plan)


@pytest.fixture(scope="module")
def hf_plan(tmp_path_factory) -> dict:
    """A scenario that states a Hugging Face config (Llama 2 7B) on accelerators no published
    run calibrates (B200): the hf_config texts and the uncalibrated note."""
    root = tmp_path_factory.mktemp("hf")
    (root / "config.json").write_text(json.dumps(LLAMA2_7B))
    text = (
        "title: hf\nbudget: {hardware: b200, count: 64, days: 5, mfu: 0.4}\n"
        "model: {hf_config: config.json}\n"
    )
    return json.loads(_plan_json("hf-b200", text, str(root)))


def _sections(plan: dict, code: str) -> str:
    env = environment(lang=code)
    run = plan.get("training_run")
    charts = {}
    if run:
        with chart_fonts(code):
            charts["run_memory"] = Markup(memory_chart(run, language(code)))
    html = ""
    if "architecture" in plan:
        html += env.get_template(PARTIALS[0]).render(plan=plan)
    if run:
        html += env.get_template(PARTIALS[1]).render(plan=plan, charts=charts)
    return html


def _english_left(plan: dict, html: str) -> list[str]:
    names = [law["name"] for law in plan.get("laws", [])]  # the plan catalog's, checked elsewhere
    names += citations(plan.get("architecture", {})) + citations(plan.get("training_run", {}))
    return english_runs(visible_text(html), proper_names=names)


@pytest.mark.parametrize(
    "name", ["llama-fp8-32k", "moe-mixtral-style", "startup-64xh100", "gopher-chinchilla"]
)
def test_shipped_scenarios_have_no_english_in_chinese(name):
    plan = plan_of(name)
    zh = _sections(plan, "zh")
    assert _english_left(plan, zh) == []
    assert plan["architecture"]["headline"] not in zh
    # the English report still says it all in English
    en = _sections(plan, "en")
    assert plan["architecture"]["headline"] in en
    assert _english_left(plan, en) != []


def test_hf_config_on_uncalibrated_hardware_in_chinese(hf_plan):
    arch, run = hf_plan["architecture"], hf_plan["training_run"]
    assert arch["source"] == "hf_config" and arch["shape_rule"] == "As stated in config.json."
    assert any(n["code"] == "run.note.uncalibrated" for n in run["messages"]["notes"])
    zh = _sections(hf_plan, "zh")
    assert "按 config.json 中的定义。" in zh and "config.json 的解码器" in zh
    assert _english_left(hf_plan, zh) == []


@pytest.mark.parametrize("case", ["no_count", "too_few", "no_hardware"])
def test_runs_without_a_layout_in_chinese(case):
    h100 = CATALOG.hardware["h100-sxm"]
    run = {
        "no_count": lambda: training_run(7e9, 1.4e11, hardware=h100, count=None),
        "too_few": lambda: training_run(70e9, 1.4e12, hardware=h100, count=8),
        "no_hardware": lambda: training_run(7e9, 1.4e11, hardware=None, count=None),
    }[case]()
    plan = {"training_run": json.loads(dumps(run))}
    zh = _sections(plan, "zh")
    assert _english_left(plan, zh) == []
    expected = {"no_count": "加上 count", "too_few": "不可行", "no_hardware": "预算中没有硬件"}
    assert expected[case] in zh


def test_page_one_names_the_model_in_chinese():
    plan = plan_of("llama-fp8-32k")
    context = plan_context(plan, defaults(), language("zh"))
    sentence = context["model_sentence"]
    assert sentence.startswith("Llama 式解码器（GQA 64/8，SwiGLU 28672），62 层，隐藏维度 8192，")
    assert sentence.endswith("亿参数，fp8")


def test_memory_chart_speaks_chinese():
    plan = plan_of("startup-64xh100")
    with chart_fonts("zh"):
        svg = memory_chart(plan["training_run"], language("zh"))
    texts = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))
    assert "每张加速卡的显存占用（按用途）" in texts and "权重" in texts
    assert english_runs(texts) == []


def test_scenario_report_draws_the_memory_chart_in_each_language(tmp_path: Path, monkeypatch):
    """The step passes the language to the chart (PDFs left out: the HTML is what differs)."""
    from llmplan.steps import scenario_report

    monkeypatch.setattr(scenario_report, "html_to_pdf", lambda html, epoch=0: b"")
    monkeypatch.setattr(scenario_report, "isoflop_chart", lambda plan, lang: "")
    monkeypatch.setattr(scenario_report, "frontier_chart", lambda plan, lang: "")
    plan = plan_of("startup-64xh100")
    plan["provenance"] = {
        "git_commit": None,
        "git_dirty": False,
        "build_date": "2026-12-01",
        "inputs_sha256": {"catalog": "0" * 64},
        "python": "3",
        "packages": {},
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    htmls = [tmp_path / "plan.html", tmp_path / "plan.zh.html"]
    pdfs = [tmp_path / "plan.pdf", tmp_path / "plan.zh.pdf"]
    scenario_report.write_scenario_report(
        tmp_path / "plan.json", htmls, pdfs, config={"report": {"languages": ["en", "zh"]}}
    )
    assert "Memory per accelerator, by what it holds" in htmls[0].read_text()
    assert "每张加速卡的显存占用（按用途）" in htmls[1].read_text()


def test_a_chinese_chart_is_drawn_in_the_simplified_chinese_face() -> None:
    """Printed, a chart's Chinese text uses the Simplified Chinese face of the Noto CJK collection,
    not its Japanese one (whose forms of shared characters differ): matplotlib's family list
    "'DejaVu Sans', 'Noto Sans CJK SC'" is written so that WeasyPrint reads both names."""
    with chart_fonts("zh"):
        svg = memory_chart(plan_of("startup-64xh100")["training_run"], language("zh"))
    pdf = html_to_pdf(f'<html lang="zh-CN"><body><figure>{svg}</figure></body></html>')
    faces: dict[str, list[str]] = {}

    def visit(text: str, cm: object, tm: object, font: dict | None, size: float) -> None:
        if font and re.search(r"[\u4e00-\u9fff]", text):
            faces.setdefault(str(font["/BaseFont"]).split("+")[-1], []).append(text)

    for page in PdfReader(io.BytesIO(pdf)).pages:
        page.extract_text(visitor_text=visit)
    assert any("CJK-SC" in face for face in faces), faces
    assert [face for face in faces if "CJK-SC" not in face] == [], faces
