"""End to end: the real workflow in a temporary copy of the repository.

One cold run builds every contract output; a rerun with nothing changed runs no job; a new
scenario runs only its own jobs; a broken scenario stops the run with one clear message and
touches no output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO

pytestmark = pytest.mark.slow

COPY = ("Snakefile", "config", "workflow", "data", "profiles")


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def contract_paths(names: list[str]) -> list[str]:
    paths = [
        "reports/index.html",
        "reports/catalog/catalog.json",
        "reports/catalog/catalog.html",
        "reports/catalog/catalog.pdf",
    ]
    for name in names:
        paths += [f"reports/scenarios/{name}/plan.{ext}" for ext in ("json", "html", "pdf")]
    paths += [f"reports/fits/synthetic-isoflop/fit.{ext}" for ext in ("json", "html", "pdf")]
    return paths


def planned_jobs(output: str) -> dict[str, int]:
    """The 'Job stats' table of a dry run as {rule: count}."""
    jobs: dict[str, int] = {}
    lines = output.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Job stats"))
    for line in lines[start + 3 :]:
        parts = line.split()
        if len(parts) != 2 or parts[0] == "total":
            break
        jobs[parts[0]] = int(parts[1])
    return jobs


def assert_valid_pdf(path: Path) -> None:
    assert path.read_bytes().startswith(b"%PDF-")
    assert len(PdfReader(path).pages) >= 1


def copy_repo(work: Path) -> None:
    """The files the workflow needs, copied into ``work``."""
    for name in COPY:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, work / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, work / name)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("llmplan")
    copy_repo(work)
    result = snakemake(work)
    assert result.returncode == 0, result.stderr[-3000:]
    return work


def test_cold_run_builds_every_contract_output(built: Path) -> None:
    names = sorted(p.stem for p in (built / "config" / "scenarios").glob("*.yaml"))
    assert len(names) >= 5
    for rel in contract_paths(names):
        path = built / rel
        assert path.is_file() and path.stat().st_size > 0, rel
        if rel.endswith(".pdf"):
            assert_valid_pdf(path)
    plan = json.loads((built / "reports/scenarios/gopher-chinchilla/plan.json").read_text())
    assert plan["budget"]["flops"] == pytest.approx(5.76e23)
    laws = {a["law"]: a for a in plan["allocations"]}
    # Hoffmann et al. 2022 approach 3, rounded constants: ~93 tokens per parameter at 5.76e23
    assert laws["chinchilla-approach3"]["tokens_per_param"] == pytest.approx(92.6, rel=0.01)
    assert laws["tokens-per-param"]["tokens_per_param"] == pytest.approx(20.0)
    # the fitted law joins the registry: the one-PF/s-day scenario compares it with the others
    small = json.loads((built / "reports/scenarios/one-pf-day/plan.json").read_text())
    fitted = {a["law"]: a for a in small["allocations"]}["fit:synthetic-isoflop"]
    assert fitted["intervals"] is not None
    assert fitted["params"] * fitted["tokens"] * 6 == pytest.approx(8.64e19, rel=1e-9)
    fit = json.loads((built / "reports/fits/synthetic-isoflop/fit.json").read_text())
    assert fit["synthetic"]["law"] == "epoch-2024" and fit["n_points"] == 81
    assert "Synthetic data" in (built / "reports/fits/synthetic-isoflop/fit.html").read_text()
    index = (built / "reports/index.html").read_text()
    for name in names:
        assert f"scenarios/{name}/plan.pdf" in index


def test_rerun_with_nothing_changed_runs_no_job(built: Path) -> None:
    result = snakemake(built)
    assert result.returncode == 0
    assert "Nothing to be done" in result.stdout + result.stderr


def test_new_scenario_runs_only_its_own_jobs(built: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (built / "reports/scenarios").rglob("plan.*")}
    (built / "config/scenarios/my-plan.yaml").write_text(
        'title: "My plan"\nbudget:\n  hardware: a100-80gb\n  gpu_hours: 1e5\n  mfu: 0.35\n'
    )
    result = snakemake(built, "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert planned_jobs(result.stdout + result.stderr) == {
        "all": 1,
        "index": 1,
        "plan": 1,
        "scenario_report": 1,
    }
    result = snakemake(built)
    assert result.returncode == 0, result.stderr[-3000:]
    assert_valid_pdf(built / "reports/scenarios/my-plan/plan.pdf")
    after = {p: p.stat().st_mtime_ns for p in before}
    assert after == before, "other scenarios' outputs were rebuilt"


def test_broken_scenario_stops_before_any_job_with_one_clear_message(built: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (built / "reports").rglob("*.*")}
    bad = built / "config/scenarios/zz-broken.yaml"
    bad.write_text(
        'title: "Broken"\nbudget:\n  hardware: h100-sxm\n  count: 8\n  days: 3\n  mfu: 1.5\n'
    )
    try:
        result = snakemake(built)
    finally:
        bad.unlink()
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "config/scenarios/zz-broken.yaml:6" in message
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
