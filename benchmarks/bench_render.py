"""Time one planning report rendered in English and Chinese (the work of a scenario_report job),
against the rendering as it was before three changes, in the same process (issue 15: "the cold
default build, Chinese reports included"; issue 10: the suite renders about 30 PDFs).

The changes, each undone for the baseline:

1. log-axis tick labels written in Unicode (``10⁹``) instead of matplotlib's mathtext, whose
   parser was a third of a chart's time (``charts.base.UnicodeLogFormatter``);
2. table cells wrap long words only when they overflow (``overflow-wrap: break-word``) instead of
   at any character (``anywhere``), which made WeasyPrint measure every cell at every character to
   size the columns;
3. charts printed as SVG images instead of inline SVG, so WeasyPrint does not cascade the page's
   stylesheet over every element of every chart (``render.charts_as_images``).

The scenario is config/scenarios/bloomberggpt.yaml (the longest shipped report), planned in a
temporary folder from data/catalog. Each variant is rendered ``--repeat`` times after a warm-up;
the median CPU time is reported. Both variants must give the same number of PDF pages.

Run: python benchmarks/bench_render.py [--scenario bloomberggpt] [--repeat 2]
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import yaml
from pypdf import PdfReader

from llmplan.report import render
from llmplan.report.charts import base as chart_base
from llmplan.steps.catalog import write_catalog
from llmplan.steps.plan import write_plan
from llmplan.steps.scenario_report import write_scenario_report

REPO = Path(__file__).resolve().parents[1]
CSS = REPO / "workflow" / "templates" / "style.css.j2"
NOW, BEFORE = "td { overflow-wrap: break-word; }", "td { overflow-wrap: anywhere; }"


@contextlib.contextmanager
def as_before(template_dir: Path) -> Iterator[None]:
    """Rendering as it was: mathtext ticks, cells broken anywhere, inline SVG printed as is."""
    css = template_dir / "style.css.j2"
    text = css.read_text(encoding="utf-8")
    assert NOW in text, f"{CSS} no longer holds {NOW!r}: update the benchmark"
    css.write_text(text.replace(NOW, BEFORE), encoding="utf-8")
    render.environment.cache_clear()
    try:
        with (
            mock.patch.object(chart_base, "unicode_tick", lambda label: label),
            mock.patch.object(render, "charts_as_images", lambda html: html),
        ):
            yield
    finally:
        css.write_text(text, encoding="utf-8")
        render.environment.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="bloomberggpt")
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text(encoding="utf-8"))
    report = {"report": {**config["report"], "languages": ["en", "zh"]}}
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        templates = tmp / "templates"
        templates.mkdir()
        for path in (REPO / "workflow" / "templates").rglob("*"):
            target = templates / path.relative_to(REPO / "workflow" / "templates")
            if path.is_dir():
                target.mkdir(exist_ok=True)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
        write_catalog(REPO / "data" / "catalog", tmp / "catalog.json", config=config)
        scenario = REPO / "config" / "scenarios" / f"{args.scenario}.yaml"
        write_plan(scenario, tmp / "catalog.json", tmp / "plan.json", config=config)
        htmls = [tmp / "plan.html", tmp / "plan.zh.html"]
        pdfs = [tmp / "plan.pdf", tmp / "plan.zh.pdf"]

        def once() -> tuple[float, int]:
            start = time.process_time()
            write_scenario_report(
                tmp / "plan.json", htmls, pdfs, config=report, template_dir=templates
            )
            pages = sum(len(PdfReader(pdf).pages) for pdf in pdfs)
            return time.process_time() - start, pages

        def timed(label: str) -> tuple[float, int]:
            once()  # warm-up: fonts, imports, template compilation
            runs = [once() for _ in range(args.repeat)]
            seconds = statistics.median(run[0] for run in runs)
            print(f"{label}: {seconds:.2f} s CPU (median of {args.repeat}), {runs[0][1]} pages")
            return seconds, runs[0][1]

        print(f"one report of {args.scenario}, English and Chinese (HTML, charts and PDF)")
        with as_before(templates):
            before, pages_before = timed("before (baseline, same process)")
        after, pages_after = timed("after")
    print(f"ratio: {before / after:.2f}x faster ({before - after:.2f} s CPU less per report)")
    if pages_before != pages_after:
        raise SystemExit(f"the variants differ: {pages_before} against {pages_after} pages")


if __name__ == "__main__":
    main()
