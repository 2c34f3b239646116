"""Reports in Chinese: numbers as Chinese readers write them, a catalog that covers every message
the code and templates can show, translations that keep their placeholders, and the wording that
only a language knows (footers, lists, sentence ends)."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from llmplan.core.messages import MESSAGES, render
from llmplan.io.provenance import TEMPLATE_DIR
from llmplan.laws.registry import all_laws, law_from_fit
from llmplan.report.i18n import LOCALE_DIR, format_chinese, language, locale_dir
from llmplan.report.render import environment, page_counter

REPO = Path(__file__).resolve().parents[2]
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / "llmplan.po"
PLACEHOLDER = re.compile(r"\{[a-z_]+(?::[a-z0-9_]+)?\}|%\([a-z_]+\)s|%%")


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (70e9, "700亿"),  # Chinchilla: 700亿, not the "70亿" (seven billion) of a shared explainer
        (1.4e12, "1.4万亿"),  # its tokens
        (175e9, "1750亿"),  # GPT-3
        (7e9, "70亿"),
        (405e9, "4050亿"),
        (15.6e12, "15.6万亿"),
        (8.03e9, "80.3亿"),
        (124e6, "1.24亿"),
        (115_200, "11.5万"),
        (9_999.6e8, "1万亿"),  # rounds up across the unit, never "10000亿"
        (860_000, "86万"),
        (3_200, "3200"),
    ],
)
def test_counts_are_written_in_wan_and_yi(value: float, written: str) -> None:
    assert format_chinese(value) == written


def test_money_and_dates_in_chinese() -> None:
    import datetime as dt

    zh = language("zh")
    assert zh.formats["usd"](115_200) == "11.5万美元"
    assert zh.formats["usd"](2_500) == "2,500美元"
    assert zh.date(dt.datetime(2026, 12, 1, 9, 5, tzinfo=dt.UTC)) == "2026年12月1日 09:05 UTC"


def _extracted() -> set[str]:
    """Every message Babel extracts from the code and templates with the project's babel.cfg."""
    method_map = [
        ("workflow/src/llmplan/**.py", "python"),
        ("workflow/templates/**.j2", "jinja2"),
    ]
    options = {
        "workflow/templates/**.j2": {
            "extensions": "jinja2.ext.i18n",
            "newstyle_gettext": "true",
            "trim_blocks": "true",
            "lstrip_blocks": "true",
        }
    }
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO),
        method_map=method_map,
        options_map=options,
        keywords={"N_": None, "_": None, "gettext": None},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_chinese_catalog_translates_every_extracted_message() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(_extracted() - set(translated))
    assert missing == [], "run pybabel extract/update (babel.cfg) and translate: " + repr(missing)


def test_translations_keep_every_placeholder() -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle)
    wrong = [
        (m.id, m.string)
        for m in catalog
        if m.id
        and m.string
        and sorted(PLACEHOLDER.findall(m.id)) != sorted(PLACEHOLDER.findall(m.string))
    ]
    assert wrong == []


def test_every_library_message_renders_in_chinese_with_chinese_numbers() -> None:
    zh = language("zh")
    args = {
        "ratio": 20.0, "dataset": "runs", "source": "you", "mfu": 0.4, "layout": "TP8",
        "count": 64, "factor": 2.0, "price": 2.5, "change": 0.2, "law": "Chinchilla",
        "cap": 7e10, "unique": 1.4e12, "demand": 2e12, "tolerance": 0.005, "low": 7e10,
        "high": 1.75e11, "epochs": 4.0, "params": 7e10, "needed": 128, "hardware": "H100",
        # the fitter's (llmplan.core.messages_fit)
        "eigenvalue": -1e-9, "condition": 3e12, "fraction": 2e-6, "gradient": 1e-4,
        "name": "alpha", "value": 2.0, "points": 100_000, "resamples": 1000, "cells": 5e6,
        "failed": 3, "usable": 1, "groups": 4, "sizes": 3, "C": 1e21, "position": 0.7,
        "shift": -0.08, "runs": 4, "dropped": 5, "offset": 0.054, "a_parabola": 0.52,
        "a_law": 0.49, "cut": 3e20, "min_test": 3,
    }  # fmt: skip
    for code, template in MESSAGES.items():
        fields = {name: spec for _, name, spec, _ in string.Formatter().parse(template) if name}
        used = set(fields)
        for name, spec in fields.items():  # the run's and the architecture's own arguments
            if name not in args:
                args[name] = (
                    ["A", "B"]
                    if spec in ("list", "semicolons", "sentences")
                    else ("X" if spec == "" else 3.0)
                )
        text = zh.render(template, {k: args[k] for k in used})
        assert "{" not in text, code
        # translated, or nothing to translate (a unit and a number: "MFU 40%")
        names = code in ("arch.norm.rms", "arch.norm.layer")  # RMSNorm, LayerNorm
        assert names or re.search(r"[\u4e00-\u9fff]", text) or not re.search(r"[a-z]{3,}", text), (
            code,
            text,
        )
        if "si}" in template and "params" in used:
            assert "700亿" in text, (code, text)
        # English keeps its own numbers
        assert "{" not in render(template, {k: args[k] for k in used})


def test_sentences_end_and_lists_join_the_way_each_language_writes_them() -> None:
    en, zh = language("en"), language("zh")
    assert en.join(["a", "b."]) == "a; b."
    assert zh.join(["甲", "乙。"]) == "甲；乙。"
    assert zh.items(["A", "B"]) == "A、B"


def test_the_page_footer_is_css_with_counters_in_any_language() -> None:
    assert page_counter("page {page} of {pages}") == '"page " counter(page) " of " counter(pages)'
    zh = language("zh")
    assert page_counter(zh.gettext("page {page} of {pages}")) == (
        '"第 " counter(page) " 页，共 " counter(pages) " 页"'
    )
    assert page_counter('a "quoted" \\ {page}') == '"a \\"quoted\\" \\\\ " counter(page)'


def test_the_chinese_glossary_is_bilingual() -> None:
    """A Chinese reader meets the English terms in papers: each translated term keeps it beside."""
    from llmplan.report.context import _bilingual

    zh, en = language("zh"), language("en")
    assert _bilingual(zh.gettext("Compute-optimal"), "Compute-optimal", zh) == (
        "计算最优 / Compute-optimal"
    )
    assert _bilingual("Loss", "Loss", en) == "Loss"
    assert _bilingual("区间（10–90%）", "Interval (10–90%)", zh) == "区间（10–90%） / Interval"
    assert _bilingual("IsoFLOP（等算力）", "IsoFLOP", zh) == "IsoFLOP（等算力）"  # kept already


def test_a_report_reads_the_words_beside_its_templates(tmp_path: Path) -> None:
    """A project's templates are rendered with the message catalog beside them (the one its
    report rules depend on), not the installed package's: a changed translation shows."""
    shutil.copytree(TEMPLATE_DIR, tmp_path / "templates")
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    po = tmp_path / "locale/zh/LC_MESSAGES/llmplan.po"
    po.write_text(
        po.read_text().replace('msgid "Loss"\nmsgstr "损失"', 'msgid "Loss"\nmsgstr "损耗"')
    )
    (tmp_path / "templates/word.j2").write_text('{{ _("Loss") }}')
    assert locale_dir(tmp_path / "templates") == tmp_path / "locale"
    ours = environment(str(tmp_path / "templates"), "zh").get_template("word.j2").render()
    assert ours == "损耗"
    assert language("zh", tmp_path / "locale").gettext("Loss") == "损耗"
    assert language("zh").gettext("Loss") == "损失"  # the package's own, untouched


def test_law_citations_read_in_chinese_around_the_papers_own_references() -> None:
    """Where a law's constants come from (``llmplan laws``, a plan's sources) is Chinese in a
    Chinese report, the papers' authors, titles and arXiv numbers kept as published; English
    keeps its text."""
    zh, en = language("zh"), language("en")
    fitted = law_from_fit("runs", {"E": 1.8, "A": 400.0, "B": 400.0, "alpha": 0.3, "beta": 0.3})
    for law in [*all_laws(tokens_per_param=20), fitted]:
        described = law.describe()
        assert en.law_text(described, "citation") == law.citation, law.id
        text = zh.law_text(described, "citation")
        for value in described["messages"]["citation"]["args"].values():
            assert value in text, (law.id, value)
            text = text.replace(value, "")
        text = re.sub(r"[A-Z][a-z]+ et al\. \d{4}|arXiv:\S+|llmplan|notebook|Epoch AI", "", text)
        assert re.search(r"[\u4e00-\u9fff]", text), law.id
        assert not re.search(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}", text), (law.id, text)
