"""Helpers of the workflow tests: a copy of the repository, Snakemake on the small test config."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from conftest import REPO

COPY = ("Snakefile", "config", "workflow", "data", "profiles", ".test")
#: The small config every workflow test runs with (two scenarios, 20 bootstrap resamples).
TEST_CONFIG = (".test/config.yaml",)


def snakemake(workdir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``snakemake --cores 2 ARGS --configfile .test/config.yaml`` in ``workdir`` (the config
    last: ``--configfile`` would take targets after it for more config files)."""
    return subprocess.run(
        [sys.executable, "-m", "snakemake", "--cores", "2", *args, "--configfile", *TEST_CONFIG],
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
    paths += [f"reports/fits/synthetic-isoflop/fit.zh.{ext}" for ext in ("html", "pdf")]
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


def report_digests(work: Path) -> dict[str, str]:
    """SHA-256 of every report file (logs, last good copies and failure markers aside)."""
    out = {}
    for path in sorted((work / "reports").rglob("*")):
        rel = path.relative_to(work).as_posix()
        if path.is_file() and not rel.startswith("reports/logs/") and "/." not in rel:
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def start_snakemake(work: Path, *args: str) -> subprocess.Popen[str]:
    """Snakemake in its own process group (to signal it whole), its output on a pipe.

    It starts with Ctrl-C's default meaning even when the tests do not have it: a shell starts a
    background job (``pytest &``) with SIGINT ignored, which its children would inherit, and a
    SIGINT sent to the run would then do nothing."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "snakemake",
                "--cores",
                "2",
                *args,
                "--configfile",
                *TEST_CONFIG,
            ],
            cwd=work,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)


def wait_for_job(proc: subprocess.Popen[str], rule: str, timeout: float = 300) -> list[str]:
    """Read the run's output until a job of ``rule`` starts; the lines read."""
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError("the run ended before a job of " + rule + ":\n" + "".join(lines))
        lines.append(line)
        if line.strip() in (f"rule {rule}:", f"localrule {rule}:"):
            return lines
    raise AssertionError(f"no job of {rule} started in {timeout} s")


def kill_group(proc: subprocess.Popen[str], sig: signal.Signals) -> None:
    """Send ``sig`` to the run and every job it started; wait for it."""
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=180)  # Snakemake shuts down its jobs after a SIGINT
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
