"""End to end: the real workflow on the small test config, in a temporary copy of the repository.

One cold run builds every contract output; a rerun with nothing changed runs no job; each kind of
edit reruns only the jobs that read what changed (a report option, a template, one scenario, a new
scenario); a broken scenario or config stops the run with one clear message and touches no output.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from workflow_support import (
    assert_valid_pdf,
    contract_paths,
    planned_jobs,
    scenario_names,
    snakemake,
)

pytestmark = pytest.mark.slow


def dry_run(work: Path) -> dict[str, int]:
    result = snakemake(work, "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    output = result.stdout + result.stderr
    return {} if "Nothing to be done" in output else planned_jobs(output)


def test_cold_run_builds_every_contract_output(built: Path) -> None:
    names = scenario_names(built)
    assert names == ["one-pf-day", "small-lab"]
    for rel in contract_paths(names):
        path = built / rel
        assert path.is_file() and path.stat().st_size > 0, rel
        if rel.endswith(".pdf"):
            assert_valid_pdf(path)
    small = json.loads((built / "reports/scenarios/one-pf-day/plan.json").read_text())
    assert small["budget"]["flops"] == pytest.approx(8.64e19)
    fitted = {a["law"]: a for a in small["allocations"]}["fit:synthetic-isoflop"]
    assert fitted["intervals"] is not None
    fit = json.loads((built / "reports/fits/synthetic-isoflop/fit.json").read_text())
    # the test config's sweep (5 budgets x 7 sizes, 20 resamples), not the default one
    assert fit["n_points"] == 35 and fit["n_bootstrap"] == 20
    assert fit["synthetic"]["law"] == "epoch-2024"
    assert "Synthetic data" in (built / "reports/fits/synthetic-isoflop/fit.html").read_text()
    index = (built / "reports/index.html").read_text()
    for name in names:
        assert f"scenarios/{name}/plan.pdf" in index
    # a copy without .git builds; its reports say in one line that there is no history
    history = json.loads((built / "reports/scenarios/small-lab/history.json").read_text())
    assert history["status"] == "no_git"
    assert (
        "the scenario file is not under git"
        in (built / "reports/scenarios/small-lab/plan.html").read_text()
    )
    log = (built / "reports/logs/plan/small-lab.log").read_text()
    assert log.startswith("llmplan step llmplan.steps.plan.write_plan") and re.search(
        r"\nok in \d+\.\d s \(\d+\.\d s CPU\)\n\Z", log
    )


def test_the_chinese_fit_report_embeds_a_cjk_font_and_reads_as_chinese(built: Path) -> None:
    """report.languages (config/config.yaml: en, zh) gives fit.zh.html/.pdf beside fit.html/.pdf,
    printed in the CJK font, its text extractable as Chinese; the Chinese index links it."""
    folder = built / "reports/fits/synthetic-isoflop"
    assert "合成数据" in (folder / "fit.zh.html").read_text()
    reader = PdfReader(folder / "fit.zh.pdf")
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts
    first = reader.pages[0].extract_text()
    assert "缩放定律拟合" in first and "方法 3 拟合得到" in first
    assert len(re.findall(r"[\u4e00-\u9fff]", first)) > 100
    assert "fits/synthetic-isoflop/fit.zh.pdf" in (built / "reports/index.zh.html").read_text()
    assert "fits/synthetic-isoflop/fit.pdf" in (built / "reports/index.html").read_text()


def test_rerun_with_nothing_changed_runs_no_job(built: Path) -> None:
    result = snakemake(built)
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def _jobs_after_edit(built: Path, name: str, old: str, new: str) -> dict[str, int]:
    """The jobs a dry run plans with ``old`` replaced by ``new`` in the file ``name``, which is then
    put back as it was."""
    path = built / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
    try:
        return dry_run(built)
    finally:
        path.write_text(text)


def test_report_author_reruns_reports_only(built: Path) -> None:
    jobs = _jobs_after_edit(built, "config/config.yaml", "author: llmplan", "author: Someone Else")
    assert jobs.keys() <= {
        "all",
        "scenario_report",
        "catalog_report",
        "fit_report",
        "index",
        "sweep_report",
        "sweep_points",
    }
    assert jobs["scenario_report"] == 2 and "catalog" not in jobs and "fit" not in jobs


def test_comment_in_plan_template_reruns_only_plan_reports(built: Path) -> None:
    jobs = _jobs_after_edit(
        built,
        "workflow/templates/plan.html.j2",
        "{% block body %}",
        "{# a comment #}{% block body %}",
    )
    # the sweep's frontier points get planning reports from the same template
    assert jobs == {"all": 1, "scenario_report": 2, "sweep_points": 1}


def test_a_changed_translation_reruns_every_report_and_nothing_else(built: Path) -> None:
    jobs = _jobs_after_edit(
        built, "workflow/locale/zh/LC_MESSAGES/llmplan.po", 'msgstr "计算最优', 'msgstr "计算最优化'
    )
    assert jobs == {
        "all": 1,
        "catalog_report": 1,
        "fit_report": 1,
        "index": 1,
        "scenario_report": 2,
        "sweep_points": 1,
        "sweep_report": 1,
    }


def test_editing_one_scenario_reruns_only_its_jobs_and_the_index(built: Path) -> None:
    jobs = _jobs_after_edit(built, ".test/scenarios/small-lab.yaml", "days: 14", "days: 15")
    assert jobs == {"all": 1, "plan": 1, "scenario_report": 1, "index": 1}


def test_new_scenario_runs_only_its_own_jobs(built: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (built / "reports/scenarios").rglob("plan.*")}
    new = built / ".test/scenarios/my-plan.yaml"
    new.write_text(
        'title: "My plan"\nbudget:\n  hardware: a100-80gb\n  gpu_hours: 1e5\n  mfu: 0.35\n'
    )
    try:
        assert dry_run(built) == {
            "all": 1,
            "index": 1,
            "plan": 1,
            "scenario_report": 1,
        }
        result = snakemake(built)
        assert result.returncode == 0, result.stderr[-3000:]
        assert_valid_pdf(built / "reports/scenarios/my-plan/plan.pdf")
    finally:
        new.unlink()
    after = {p: p.stat().st_mtime_ns for p in before}
    assert after == before, "other scenarios' outputs were rebuilt"


def test_broken_scenario_stops_before_any_job_with_one_clear_message(built: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (built / "reports").rglob("*.*")}
    bad = built / ".test/scenarios/zz-broken.yaml"
    bad.write_text(
        'title: "Broken"\nbudget:\n  hardware: h100-sxm\n  count: 8\n  days: 3\n  mfu: 1.5\n'
    )
    try:
        result = snakemake(built)
    finally:
        bad.unlink()
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert ".test/scenarios/zz-broken.yaml:6" in message
    assert "budget.mfu" in message and "0 < mfu <= 1" in message
    assert "Traceback" not in message
    assert not (built / "reports/scenarios/zz-broken").exists()
    after = {p: p.stat().st_mtime_ns for p in before}
    assert after == before


def test_broken_config_stops_with_llmplan_message_not_a_schema_dump(built: Path) -> None:
    config = built / "config/config.yaml"
    good = config.read_text()
    before = {p: p.stat().st_mtime_ns for p in (built / "reports").rglob("*.*")}
    try:
        config.write_text(good.replace("  mfu: 0.40", "  mfu: [0.4"))
        syntax = snakemake(built)
        config.write_text(good.replace("  - tokens-per-param", "  - tokens-per-parm"))
        law = snakemake(built)
    finally:
        config.write_text(good)
    for result in (syntax, law):
        message = result.stdout + result.stderr
        assert result.returncode != 0
        assert "llmplan: error: config/config.yaml:" in message
        assert "Traceback" not in message and "ValidationError" not in message
    assert "YAML syntax error" in syntax.stderr
    assert "field 'laws[6]': unknown law id 'tokens-per-parm'" in law.stderr
    assert "Did you mean 'tokens-per-param'?" in law.stderr
    assert {p: p.stat().st_mtime_ns for p in before} == before
