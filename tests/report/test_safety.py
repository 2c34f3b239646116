"""Safety: user text is never markup, rendering fetches nothing, YAML never builds Python objects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from conftest import REPO
from llmplan.core.errors import InputError
from llmplan.io.yamldoc import parse_yaml
from llmplan.report import render

# WeasyPrint warns on import where the system lacks libharfbuzz-subset (a packaging matter).
pytestmark = pytest.mark.filterwarnings(
    "ignore:HarfBuzz-Subset will be required:DeprecationWarning"
)

HOSTILE_TITLE = '<img src="file:///etc/passwd">'
PAYLOAD = (REPO / "tests/bad_inputs/scenarios/python-object.yaml").read_text()


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every URL WeasyPrint asks the report's fetcher for."""
    urls: list[str] = []
    cls = render._fetcher_class()
    original = cls.fetch

    def recording(self, url, headers=None):
        urls.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(cls, "fetch", recording)
    return urls


def test_fetcher_refuses_every_url_but_data() -> None:
    fetcher = render.refusing_fetcher()
    for url in (
        "file:///etc/passwd",
        "http://example.com/x.png",
        "https://example.com/x.css",
        "ftp://example.com/x",
        "/etc/passwd",
        "../../etc/passwd",
    ):
        with pytest.raises(ValueError, match="fetch nothing"):
            fetcher(url)
    pixel = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
        "YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    assert fetcher(pixel).read().startswith(b"\x89PNG")


def test_injected_markup_in_a_pdf_render_fetches_nothing(fetched: list[str]) -> None:
    html = (
        "<html><head><link rel='stylesheet' href='http://example.com/x.css'></head><body>"
        "<img src='file:///etc/passwd'><img src='https://example.com/x.png'>"
        "<p style=\"background: url('file:///etc/hostname')\">text</p></body></html>"
    )
    pdf = render.html_to_pdf(html)
    assert pdf.startswith(b"%PDF-")
    assert {u for u in fetched if not u.startswith("data:")} <= {
        "http://example.com/x.css",
        "file:///etc/passwd",
        "https://example.com/x.png",
        "file:///etc/hostname",
    }
    # each was asked for and refused: the PDF holds none of them
    passwd = Path("/etc/passwd")
    if passwd.exists():
        assert passwd.read_bytes()[:20] not in pdf


def test_hostile_title_is_escaped_in_html_and_the_pdf_fetches_nothing(
    tmp_path: Path, fetched: list[str]
) -> None:
    from llmplan.steps.catalog import write_catalog
    from llmplan.steps.plan import write_plan
    from llmplan.steps.scenario_report import write_scenario_report

    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    scenario = tmp_path / "hostile.yaml"
    scenario.write_text(
        f"title: '{HOSTILE_TITLE}'\ndescription: '<script>alert(1)</script>'\n"
        "budget: {flops: 1e23}\n"
    )
    shutil.copytree(REPO / "data/catalog", tmp_path / "catalog")
    write_catalog(tmp_path / "catalog", tmp_path / "catalog.json", config=config)
    write_plan(scenario, tmp_path / "catalog.json", tmp_path / "plan.json", config=config)
    config["report"]["languages"] = ["en", "zh"]
    write_scenario_report(
        tmp_path / "plan.json",
        [tmp_path / "plan.html", tmp_path / "plan.zh.html"],
        [tmp_path / "plan.pdf", tmp_path / "plan.zh.pdf"],
        config=config,
    )
    html = (tmp_path / "plan.html").read_text()
    assert HOSTILE_TITLE not in html and "<script>" not in html
    zh = (tmp_path / "plan.zh.html").read_text()
    assert HOSTILE_TITLE not in zh and "<script>" not in zh
    assert "&lt;img src=" in html and "&lt;script&gt;" in html
    assert [u for u in fetched if not u.startswith("data:")] == []
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "plan.pdf").pages)
    assert "file:///etc/passwd" in text  # shown as text


def test_the_payload_would_run_under_an_unsafe_loader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Control for the corpus case: its tag does run a command when loaded unsafely."""
    monkeypatch.chdir(tmp_path)
    yaml.unsafe_load(PAYLOAD)
    assert (tmp_path / "PWNED").exists()


@pytest.mark.parametrize(
    "text",
    [
        PAYLOAD,
        "a: !!python/object/new:os.system [touch PWNED]\n",
        "a: !!python/name:os.system\n",
        "a: !!python/module:os\n",
        "a: !!binary aGVsbG8=\n",  # not code, but not a plain value either: refused too
    ],
)
def test_parse_yaml_refuses_python_tags_without_running_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    monkeypatch.chdir(tmp_path)
    try:
        parse_yaml(text, "x.yaml")
    except InputError as err:
        assert "x.yaml:" in str(err)
    else:
        assert text.startswith("a: !!binary"), "a Python tag was accepted"
    assert not (tmp_path / "PWNED").exists()


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(InputError, match="expands to more than"):
        parse_yaml("\n".join(lines) + "\n", "bomb.yaml")
