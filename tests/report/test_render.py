"""Reports: reproducible to the byte, formats that read, Chinese text that renders."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO
from llmplan.report.format import fmt_num, fmt_pct, fmt_si, fmt_usd
from llmplan.report.render import html_to_pdf, render_html

BUILD = """
import sys, yaml
from llmplan.steps.catalog import write_catalog
from llmplan.steps.plan import write_plan
from llmplan.steps.scenario_report import write_scenario_report
out = sys.argv[1]
cfg = yaml.safe_load(open("config/config.yaml"))
cfg["report"]["languages"] = ["en"]
write_catalog("data/catalog", f"{out}/catalog.json", config=cfg)
for scenario in sys.argv[2:]:
    name = scenario.rsplit("/", 1)[-1].removesuffix(".yaml")
    plan = f"{out}/{name}/plan"
    write_plan(scenario, f"{out}/catalog.json", f"{plan}.json", config=cfg)
    write_scenario_report(f"{plan}.json", f"{plan}.html", f"{plan}.pdf", config=cfg)
"""
STARTUP = REPO / "config" / "scenarios" / "startup-64xh100.yaml"
GOPHER = REPO / "config" / "scenarios" / "gopher-chinchilla.yaml"


def build(out: Path, *scenarios: Path) -> dict[str, bytes]:
    """Catalog, plans and English reports of ``scenarios``, built by the workflow's steps in a
    new Python process: {path under ``out``: bytes}."""
    out.mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    env["PYTHONPATH"] = str(REPO / "workflow" / "src")
    subprocess.run(
        [sys.executable, "-c", BUILD, str(out), *map(str, scenarios)],
        cwd=REPO,
        env=env,
        check=True,
        timeout=300,
    )
    return {
        p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """One build of two scenarios, shared by the tests below (a PDF takes seconds to render)."""
    return build(tmp_path_factory.mktemp("render") / "a", STARTUP, GOPHER)


def test_rebuild_gives_byte_identical_json_html_pdf(
    first_build: dict[str, bytes], tmp_path: Path
) -> None:
    second = build(tmp_path / "b", STARTUP)
    startup = "startup-64xh100/plan"
    assert set(second) == {"catalog.json", *(f"{startup}.{ext}" for ext in ("json", "html", "pdf"))}
    for name in second:
        assert first_build[name] == second[name], f"{name} differs between two builds"
    assert b"2023-11-14 22:13 UTC" in second[f"{startup}.html"]  # the date of SOURCE_DATE_EPOCH


def test_pdf_has_title_author_subject_and_bookmarks(
    first_build: dict[str, bytes], tmp_path: Path
) -> None:
    (tmp_path / "plan.pdf").write_bytes(first_build["gopher-chinchilla/plan.pdf"])
    reader = PdfReader(tmp_path / "plan.pdf")
    meta = reader.metadata
    assert meta is not None
    assert meta.title.startswith("Gopher's budget")
    assert meta.author == "llmplan"
    assert "5.76e+23 FLOPs" in meta.subject
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert {"Budget", "Every law side by side", "Constraints"} <= set(titles)
    text = reader.pages[0].extract_text()
    assert "Train a" in text and "tokens" in text


def _has_cjk_font() -> bool:
    if shutil.which("fc-list") is None:
        return False
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


@pytest.mark.skipif(not _has_cjk_font(), reason="no CJK font installed (fonts-wqy-microhei)")
def test_chinese_text_renders_with_a_cjk_font() -> None:
    html = render_html(
        "base.html.j2",
        {"settings": {"page_size": "A4", "author": "llmplan"}},
    ).replace("<body>\n", "<body>\n<h1>悟道 2.0 与 盘古-α 模型</h1>\n", 1)
    pdf = html_to_pdf(html)
    reader = PdfReader(__import__("io").BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("WenQuanYi" in f or "CJK" in f or "Hei" in f for f in fonts), fonts
    assert "悟道" in reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("value", "expected"),
    [(7.0e10, "70B"), (1.4e12, "1.4T"), (1.3e6, "1.3M"), (None, "–"), (float("nan"), "–")],
)
def test_si_format(value: float | None, expected: str) -> None:
    assert fmt_si(value) == expected


def test_number_formats() -> None:
    assert fmt_num(46080.0) == "46,100"
    assert fmt_num(30.0) == "30.0"
    assert fmt_num(0.0123) == "0.0123"
    assert fmt_pct(0.4) == "40%"
    assert fmt_usd(115_200.0) == "$115k"
    assert fmt_usd(5e6) == "$5.0M"
    assert fmt_usd(None) == "–"
