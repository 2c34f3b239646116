"""Helpers of the workflow tests: a copy of the repository, Snakemake on the small test config."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from pypdf import PdfReader

from conftest import REPO

COPY = ("Snakefile", "config", "workflow", "data", "profiles", ".test")
#: The small config every workflow test runs with (two scenarios, 20 bootstrap resamples).
TEST_CONFIG = (".test/config.yaml",)


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``snakemake --cores 2 --configfile .test/config.yaml ARGS`` in ``workdir``."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile", *TEST_CONFIG, *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def scenario_names(work: Path) -> list[str]:
    """The scenarios of the small test config."""
    return sorted(p.stem for p in (work / ".test" / "scenarios").glob("*.yaml"))


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
