"""Charts and tables that read: no overlapping labels, legends off the data, pages that fit A4
and Letter."""

from __future__ import annotations

import json

import pytest
import yaml
from report.english import unspaced_sentences, visible_text

from conftest import REPO
from llmplan.catalog.tables import model_table
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.settings import Settings
from llmplan.laws.registry import all_laws
from llmplan.report.charts.base import overlapping_texts
from llmplan.report.charts.catalog import compute_chart_figure, params_tokens_figure
from llmplan.report.charts.plan import frontier_figure, isoflop_figure
from llmplan.report.context import catalog_context, plan_context
from llmplan.report.i18n import language
from llmplan.report.render import overflows, render_html
from llmplan.steps.catalog import write_catalog
from llmplan.steps.plan import write_plan

CONFIG = yaml.safe_load((REPO / "config/config.yaml").read_text())
SCENARIOS = ("gopher-chinchilla", "startup-64xh100", "bloomberggpt")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("readable")
    write_catalog(REPO / "data/catalog", root / "catalog.json", config=CONFIG)
    plans = {}
    for name in SCENARIOS:
        write_plan(
            REPO / f"config/scenarios/{name}.yaml",
            root / "catalog.json",
            root / f"{name}.json",
            config=CONFIG,
        )
        plans[name] = json.loads((root / f"{name}.json").read_text())
    return {"catalog": json.loads((root / "catalog.json").read_text()), "plans": plans}


@pytest.mark.parametrize("name", SCENARIOS)
def test_plan_charts_have_no_overlapping_labels(built: dict, name: str) -> None:
    plan = built["plans"][name]
    for figure in (isoflop_figure(plan), frontier_figure(plan)):
        assert overlapping_texts(figure) == []


def test_catalog_charts_label_every_model_without_overlap() -> None:
    catalog = load_catalog(REPO / "data/catalog")
    laws = all_laws()
    table = model_table(catalog, laws)
    figure = params_tokens_figure(table, laws, tokens_per_param=20)
    assert figure.dropped_labels == []
    assert overlapping_texts(figure) == []
    assert overlapping_texts(compute_chart_figure(table)) == []


def test_overlap_detection_can_fail() -> None:
    """The check itself: two texts drawn on top of each other are reported."""
    from llmplan.report.charts.base import new_figure

    fig, ax = new_figure()
    ax.text(0.5, 0.5, "one label")
    ax.text(0.5, 0.5, "another label")
    assert overlapping_texts(fig) == [("one label", "another label")]


@pytest.mark.parametrize("page_size", ["A4", "Letter"])
def test_reports_fit_the_page(built: dict, page_size: str) -> None:
    settings = Settings.from_config({**CONFIG, "report": {"page_size": page_size}})
    charts = {"isoflop": "", "frontier": "", "compute": "", "params_tokens": ""}
    plan = built["plans"]["bloomberggpt"]
    pages = {
        "plan": render_html("plan.html.j2", {**plan_context(plan, settings), "charts": charts}),
        "catalog": render_html(
            "catalog.html.j2", {**catalog_context(built["catalog"], settings), "charts": charts}
        ),
    }
    for name, html in pages.items():
        assert overflows(html) == [], name


def test_a_long_unbroken_model_name_wraps_inside_the_page(tmp_path) -> None:
    """A catalog name of 46 letters without a space or hyphen (names may have up to 200) wraps in
    its cell instead of pushing the catalog's tables off the page."""
    import shutil

    long_name = "BERTBaseUncasedWholeWordMaskingFinetunedSquad"
    shutil.copytree(REPO / "data/catalog", tmp_path / "catalog")
    models = tmp_path / "catalog" / "models.yaml"
    text = models.read_text(encoding="utf-8")
    assert "name: BERT-Base\n" in text
    models.write_text(text.replace("name: BERT-Base\n", f"name: {long_name}\n"), encoding="utf-8")
    write_catalog(tmp_path / "catalog", tmp_path / "catalog.json", config=CONFIG)
    catalog = json.loads((tmp_path / "catalog.json").read_text())
    charts = {"compute": "", "params_tokens": ""}
    context = {**catalog_context(catalog, Settings.from_config(CONFIG)), "charts": charts}
    html = render_html("catalog.html.j2", context)
    assert long_name in html
    assert overflows(html) == []


def test_page_fit_detection_can_fail() -> None:
    wide = "<table><tr>" + "".join(f"<td>{'x' * 40}{i}</td>" for i in range(8)) + "</tr></table>"
    html = (
        f"<html><head><style>td {{ white-space: nowrap }}</style></head><body>{wide}</body></html>"
    )
    assert overflows(html) != []


@pytest.mark.parametrize("code", ["en", "zh"])
def test_sentences_run_on_with_the_right_spacing(built: dict, code: str) -> None:
    """The shipped scenarios between them reach the paragraphs that join generated sentences
    (a soft budget's alternative, laws left out of the range, the law notes): English sentences
    are spaced, Chinese ones are not."""
    settings = Settings.from_config(CONFIG)
    charts = {"isoflop": "", "frontier": "", "compute": "", "params_tokens": ""}
    lang = language(code)
    pages = {
        name: render_html(
            "plan.html.j2", {**plan_context(plan, settings, lang), "charts": charts}, lang=lang
        )
        for name, plan in built["plans"].items()
    }
    pages["catalog"] = render_html(
        "catalog.html.j2",
        {**catalog_context(built["catalog"], settings, lang), "charts": charts},
        lang=lang,
    )
    bad = {
        name: unspaced_sentences(visible_text(html, placeholder="x"), code)
        for name, html in pages.items()
    }
    assert {name: found for name, found in bad.items() if found} == {}


def test_a_chinese_catalog_gives_the_numbers_of_a_flagged_compute_figure(built: dict) -> None:
    """The reason a reported compute differs from 6 N D is English prose from the source; the
    Chinese report gives the two numbers and their ratio itself, and points to the English one."""
    lang = language("zh")
    charts = {"isoflop": "", "frontier": "", "compute": "", "params_tokens": ""}
    context = catalog_context(built["catalog"], Settings.from_config(CONFIG), lang)
    html = render_html("catalog.html.j2", {**context, "charts": charts}, lang=lang)
    lamda = next(m for m in context["flagged"] if m["name"].startswith("LaMDA"))
    assert lamda["compute_ratio"] == pytest.approx(3.55e23 / 1.38096e23)  # LaMDA s10; 6 N D
    sci = "&#8201;×&#8201;10<sup>23</sup>"
    assert (
        f"<strong>LaMDA 137B</strong>（+157%）：公开算力 3.55{sci} FLOPs 是估算值 6 × N × D = "
        f"1.38{sci} FLOPs 的 2.57 倍" in html
    )
    assert "（二手来源）" in html and "(二手来源)" not in html  # full-width parentheses


@pytest.mark.parametrize("code", ["en", "zh"])
def test_a_risk_is_headed_as_each_language_heads_it(built: dict, code: str) -> None:
    """ "Extrapolation. The budget ..." in English; "外推：预算是 ..." in Chinese (it read
    "外推. 预算是", an English full stop and space in a Chinese sentence)."""
    lang = language(code)
    charts = {"isoflop": "", "frontier": "", "compute": "", "params_tokens": ""}
    plan = built["plans"]["gopher-chinchilla"]  # 44x beyond Hoffmann's largest run
    context = plan_context(plan, Settings.from_config(CONFIG), lang)
    html = render_html("plan.html.j2", {**context, "charts": charts}, lang=lang)
    head = {
        "en": "<strong>Extrapolation.</strong> The budget is",
        "zh": "<strong>外推：</strong>预算是",
    }
    assert head[code] in html


@pytest.mark.parametrize("code", ["en", "zh"])
def test_page_one_says_the_law_s_size_range_is_before_the_constraints(
    built: dict, code: str
) -> None:
    """startup-64xh100 plans 12.8B for its inference demand beside a law's range of 19B-29.2B:
    the row says the range is before the constraints the Why line names; a plan no constraint
    binds (gopher-chinchilla) says nothing of the kind."""
    lang = language(code)
    words = {"en": "before the constraints named under Why", "zh": "未计入上方“依据”中所列的约束"}
    for name, binds in (("startup-64xh100", True), ("gopher-chinchilla", False)):
        plan = built["plans"][name]
        assert bool(plan["recommendation"]["binding"]) is binds
        context = plan_context(plan, Settings.from_config(CONFIG), lang)
        charts = {"isoflop": "", "frontier": ""}
        html = render_html("plan.html.j2", {**context, "charts": charts}, lang=lang)
        size_row = html[html.index('class="keyfacts"') :].split("</tr>")[0]
        assert (words[code] in size_row) is binds, name
