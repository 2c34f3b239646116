"""The fit report in Chinese: rendered from a real fit document (the shipped synthetic sweep, few
resamples), its text and charts hold Chinese and no English sentence outside code, citations and
maths; every sentence the fitter can write reads in Chinese in the report; English stays English.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from report.english import chart_text, english_runs, visible_text

from conftest import REPO
from llmplan.core.messages import MESSAGES, message
from llmplan.inputs.settings import Settings
from llmplan.io.jsonio import read_json
from llmplan.io.runs_csv import read_dataset_runs
from llmplan.laws.registry import law_from_fit
from llmplan.report.context import fit_context
from llmplan.report.fonts import chart_fonts, cjk_font
from llmplan.report.i18n import language
from llmplan.report.render import render_html
from llmplan.steps.fit import write_fit
from llmplan.steps.fit_report import fit_charts
from llmplan.steps.synthetic_runs import write_synthetic_runs

pytestmark = pytest.mark.skipif(cjk_font() is None, reason="no CJK font (fonts-noto-cjk)")

CONFIG = yaml.safe_load((REPO / "config/config.yaml").read_text())
CJK = re.compile(r"[\u4e00-\u9fff]")
#: A sweep like the shipped one, smaller (the test config's five budgets x seven sizes).
SWEEP = {
    "law": "epoch-2024",
    "budgets": [6e18, 3e19, 1e20, 3e20, 1e21],
    "sizes_per_budget": 7,
    "noise_sd": 0.01,
    "seed": 2022,
}
#: Arguments for every fitter message (llmplan.core.messages_fit).
ARGS: dict[str, Any] = {
    "eigenvalue": -1e-9, "condition": 3e12, "fraction": 0.1, "gradient": 1e-4, "name": "alpha",
    "value": 2.0, "low": 0.0, "high": 2.0, "points": 100_000, "resamples": 1000, "cells": 5e6,
    "failed": 3, "usable": 1, "groups": 4, "sizes": 2, "needed": 3, "C": 1e21, "position": 0.7,
    "shift": -0.08, "factor": 0.83, "runs": 4, "dropped": 5, "offset": 0.054, "a_parabola": 0.52,
    "a_law": 0.49, "cut": 3e20, "min_test": 3,
}  # fmt: skip


def _fit(
    root: Path, name: str, sweep: dict[str, Any], bootstrap: int = 20
) -> tuple[dict[str, Any], Any]:
    spec = {"synthetic": sweep, "bootstrap": bootstrap, "seed": 0}
    runs_csv, fit_json = root / f"{name}.csv", root / f"{name}.json"
    write_synthetic_runs(sweep, runs_csv)
    write_fit(runs_csv, fit_json, dataset=name, spec=spec)
    return read_json(fit_json), read_dataset_runs(runs_csv, dataset=name, spec=spec)


def _render(
    doc: dict[str, Any], runs: Any, code: str, *, charts: bool = True
) -> tuple[str, dict[str, Any]]:
    """The report's HTML in ``code`` and its charts (or empty charts, which are faster)."""
    lang = language(code)
    if charts:
        with chart_fonts(code):
            drawn = fit_charts(doc, runs, law_from_fit(doc["dataset"], doc), lang)
    else:
        drawn = dict.fromkeys(("contours", "residuals", "isoflop", "extrapolation"), "")
    context = fit_context(doc, Settings.from_config(CONFIG), drawn, lang)
    return render_html("fit.html.j2", context, lang=lang), drawn


@pytest.fixture(scope="module")
def fits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[dict[str, Any], Any]]:
    root = tmp_path_factory.mktemp("fit-zh")
    # one budget: no backtest, no approach 2 (and no checkpoints: no approach 1)
    one_budget = {**SWEEP, "budgets": [1e20], "sizes_per_budget": 8, "seed": 0}
    return {
        "sweep": _fit(root, "synthetic-isoflop", SWEEP),
        "one-budget": _fit(root, "one-budget", one_budget, bootstrap=40),
    }


def _proper_names(doc: dict[str, Any]) -> list[str]:
    """Names the report prints as they are: the dataset and the software's packages."""
    return [doc["dataset"], *doc["provenance"]["packages"]]


def test_the_chinese_fit_report_holds_no_english_sentence(fits: dict) -> None:
    doc, runs = fits["sweep"]
    html, charts = _render(doc, runs, "zh")
    text = visible_text(html)
    assert english_runs(text, proper_names=_proper_names(doc)) == []
    assert len(CJK.findall(text)) > 1000
    # what the fitter said, in Chinese: the backtest's held-out runs and approach 2's bias note
    assert "去掉最大算力预算（C = 1e+21 FLOPs）下的训练后重新拟合" in text
    assert "方法 2 本身的偏差可以忽略" in text
    assert "2：IsoFLOP 曲线" in text and "1：训练曲线包络" in text
    assert '<html lang="zh-CN">' in html
    # the charts: titles, axes and legends in Chinese, in the Simplified Chinese face
    assert charts.keys() == {"contours", "residuals", "isoflop", "extrapolation"}
    for name, svg in charts.items():
        words = chart_text(svg)
        assert CJK.search(words), name
        assert english_runs(words) == [], name
        assert 'lang="zh-CN"' in svg, name


def test_every_sentence_of_the_fitter_reads_in_chinese_in_the_report(fits: dict) -> None:
    """Each fitter message among the warnings of a report: rendered in Chinese with its numbers."""
    doc, runs = fits["sweep"]
    codes = sorted(code for code in MESSAGES if code.startswith("fit."))
    doc = copy.deepcopy(doc)
    doc["warnings"] = [message(code, **ARGS) for code in codes]
    doc["approach2"]["warnings"] = doc["warnings"][:3]
    html, _ = _render(doc, runs, "zh", charts=False)
    text = visible_text(html)
    assert english_runs(text, proper_names=_proper_names(doc)) == []
    assert "最优点的 alpha = 2 落在初始化网格 [0, 2] 的边界上或边界之外" in text
    assert "数据点有 100,000 个，1,000 次自助法（bootstrap）重采样作线性化处理" in text
    assert "方法 2：" in text


def test_a_fit_without_backtest_or_approaches_1_and_2_says_why_in_chinese(fits: dict) -> None:
    doc, runs = fits["one-budget"]
    assert not doc["extrapolation"]["supported"]
    assert not doc["approach2"]["supported"] and not doc["approach1"]["supported"]
    html, charts = _render(doc, runs, "zh")
    text = visible_text(html)
    assert english_runs(text, proper_names=_proper_names(doc)) == []
    assert "无回测：所有训练都在同一个算力预算下，没有可外推的目标。" in text
    assert "此数据集不支持：1 个算力分组中有 1 个能拟合出可用的 IsoFLOP 抛物线" in text
    assert "此数据集不支持：这些训练没有 run id" in text or "没有任何训练带中间检查点" in text
    assert charts.keys() == {"contours", "residuals"}


def test_the_english_report_reads_as_before(fits: dict) -> None:
    doc, runs = fits["sweep"]
    html, charts = _render(doc, runs, "en")
    text = " ".join(visible_text(html).split())
    assert (
        "Backtest: fitted without the runs at the largest compute budget, C = 1e+21 FLOPs, "
        "approach 3 predicts those 7 runs' losses to" in text
    )
    assert "approach 2 adds no material bias of its own." in text
    assert "Synthetic data." in text and not CJK.search(html)
    assert all(not CJK.search(chart_text(svg)) for svg in charts.values())


def test_the_helper_finds_english_and_spares_names_code_and_maths() -> None:
    """The check itself can fail: an English sentence among Chinese is found."""
    html = (
        "<p>拟合 synthetic-isoflop：the fit is poor here。</p><p><code>keep this as is</code> "
        "Hoffmann et al. 2022，图 4；L = E + A/N<sup>alpha beta gamma</sup></p>"
    )
    assert english_runs(visible_text(html)) == ["the fit is poor here"]
    assert english_runs("numpy 2.1, scipy 1.14, pandas 2.2") == ["numpy scipy pandas"]
    assert english_runs("numpy 2.1, scipy 1.14, pandas 2.2", proper_names=["numpy", "scipy"]) == []
