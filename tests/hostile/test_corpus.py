"""Issue 12's hostile inputs (``corpus.py``): each one exits 2 with one line per mistake naming the
file, line, entry and field, shows no traceback, stays within time and memory bounds, and leaves
the previous good report byte-identical.

Every case runs in-process through ``llmplan.cli.main`` (``llmplan check`` is exactly the checks
Snakemake runs before its first job), under an alarm that turns a hang into a failure, its memory
bounded by the process's high-water mark. The heaviest cases also run in a separate process with
its address space and CPU time limited (``resource.setrlimit``), where exceeding the bound would
kill the process or raise ``MemoryError``.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

import llmplan.plan.check  # noqa: F401 (imported before any case is timed)
from conftest import REPO
from hostile.corpus import CASES, Case
from llmplan.cli import main

#: Bounds every case must keep: wall time, memory above what the process held before it.
SECONDS = 5.0
PEAK_BYTES = 256 << 20
#: The bounded process: address space and CPU seconds.
PROCESS_BYTES = 1 << 30
PROCESS_SECONDS = 30
#: What a hang is turned into (seconds).
ALARM = 30

GOOD = {
    "reports/scenarios/good/plan.pdf": b"%PDF-1.7\n% a previous good report\n",
    "reports/scenarios/good/plan.html": b"<!doctype html><title>good</title>\n",
}


def _workspace(root: Path, case: Case) -> None:
    (root / "config" / "scenarios").mkdir(parents=True)
    (root / "data" / "runs").mkdir(parents=True)
    shutil.copytree(REPO / "data" / "catalog", root / "data" / "catalog")
    config = root / "config" / "config.yaml"
    if case.config is None:
        shutil.copy2(REPO / "config" / "config.yaml", config)
    else:
        config.write_text(case.config)
    for rel, content in GOOD.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    for rel, content in case.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if case.make:
        case.make(root)


def _hang(signum: int, frame: object) -> None:
    raise TimeoutError(f"the case ran for more than {ALARM} s")


def test_the_corpus_is_large_and_covers_every_class() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)
    kinds = Counter(c.id.split("/")[0] for c in CASES)
    assert set(kinds) == {"scenario", "catalog", "config", "runs", "cli"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_hostile_input(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _workspace(tmp_path, case)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    previous = signal.signal(signal.SIGALRM, _hang)
    signal.alarm(ALARM)
    rss, high = _rss(), _high_water()
    start = time.perf_counter()
    try:
        code = main(list(case.argv))
    finally:
        elapsed = time.perf_counter() - start
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    _assert_outcome(case, code, out, err)
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
    # the high-water mark rose above both the old one and the bound: the case used too much
    assert _high_water() <= max(high, rss + PEAK_BYTES), "memory bound exceeded"
    for rel, content in GOOD.items():
        assert (tmp_path / rel).read_bytes() == content


def _rss() -> int:
    """Resident memory of this process now, in bytes."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _high_water() -> int:
    """The most resident memory this process ever held, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _assert_outcome(case: Case, code: int, out: str, err: str) -> None:
    assert code == 2, f"exit {code}; stdout {out[-500:]!r}; stderr {err[-500:]!r}"
    lines = err.rstrip("\n").split("\n")
    assert "Traceback" not in err
    assert all(line.startswith("llmplan: ") for line in lines), err
    for where, words in case.expect:
        prefix = where if where.startswith("llmplan: ") else f"llmplan: error: {where}"
        assert any(line.startswith(prefix) and words in line for line in lines), (
            f"\nwanted:  {prefix} ... {words}\nfound:\n" + "\n".join(lines)
        )


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (PROCESS_BYTES, PROCESS_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (PROCESS_SECONDS, PROCESS_SECONDS))


HEAVY = (
    "runs/rows-200001",
    "scenario/two-mib",
    "scenario/title-100k",
    "scenario/brackets-1000",
    "scenario/fifo",
    "scenario/dev-zero",
)


#: The bounded process runs each heavy case in turn and prints one JSON line per case.
SCRIPT = """
import contextlib, io, json, os, sys, time
from llmplan.cli import main
import llmplan.plan.check  # imported before any case is timed
for folder, *argv in json.loads(sys.argv[1]):
    os.chdir(folder)
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    print(json.dumps([code, out.getvalue(), err.getvalue(), time.perf_counter() - start]))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux")
def test_heaviest_inputs_in_a_bounded_process(tmp_path: Path) -> None:
    """The heaviest cases in a process of at most 1 GiB of address space and 30 CPU seconds:
    exceeding either would kill it or raise MemoryError."""
    cases = [c for c in CASES if c.id in HEAVY]
    assert len(cases) == len(HEAVY)
    jobs = []
    for i, case in enumerate(cases):
        (tmp_path / str(i)).mkdir()
        _workspace(tmp_path / str(i), case)
        jobs.append([str(tmp_path / str(i)), *case.argv])
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(jobs)],
        capture_output=True,
        text=True,
        timeout=ALARM * 2,
        preexec_fn=_limits,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcomes = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(outcomes) == len(cases)
    for i, (case, (code, out, err, elapsed)) in enumerate(zip(cases, outcomes, strict=True)):
        _assert_outcome(case, code, out, err)
        assert elapsed < SECONDS, f"{case.id}: {elapsed:.1f} s"
        for rel, content in GOOD.items():
            assert (tmp_path / str(i) / rel).read_bytes() == content
