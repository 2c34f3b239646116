"""Process faults inside a job: a full or read-only disk, a bug, a mistake found at run time, an
interrupt. Each leaves every previous output byte-identical (the same file), says what happened in
one line (a bug: where its traceback is), and renews the job's failure marker so that the next
run retries it (:mod:`llmplan.io.keep`, :func:`llmplan.steps.runner.run_step`).

The steps here are small functions that write like the real ones (``write_atomic``, several
outputs in turn); the real steps under Snakemake are in ``tests/workflow/test_last_good.py``.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from llmplan.core.errors import InputError
from llmplan.io import jsonio, keep
from llmplan.steps.runner import run_step

OLD = {"plan.html": b"<html>old</html>\n", "plan.pdf": b"%PDF-1.7 old\n"}
KEY = "scenario_report/scenario=x"


@pytest.fixture
def job(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A job's outputs, built once successfully (so they have last good copies)."""
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "reports" / "scenarios" / "x"
    paths = {name: out / name for name in OLD}

    def build() -> None:
        for name, content in OLD.items():
            jsonio.write_atomic(paths[name], content)

    run_step(build, log=str(tmp_path / "log"), outputs=list(paths.values()), failure_key=KEY)
    return paths


def _fail(job: dict[str, Path], step, capsys) -> tuple[str, float]:
    start = time.perf_counter()
    with pytest.raises(SystemExit) as exit_:
        run_step(step, log="reports/logs/x.log", outputs=list(job.values()), failure_key=KEY)
    assert exit_.value.code == 1
    return capsys.readouterr().err, time.perf_counter() - start


def _assert_kept(job: dict[str, Path]) -> None:
    for name, path in job.items():
        assert path.read_bytes() == OLD[name], name
        assert path.stat().st_ino == keep.kept_copy(path).stat().st_ino  # the very same file
    assert not [p for p in job["plan.html"].parent.iterdir() if ".tmp-" in p.name]


def _writes_html_then(error: BaseException, job: dict[str, Path]):
    def step() -> None:
        jsonio.write_atomic(job["plan.html"], "<html>new</html>\n")
        raise error

    return step


def test_full_disk_while_writing_the_second_output(job, capsys, monkeypatch) -> None:
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.name.startswith(".plan.pdf"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)

    def step() -> None:
        jsonio.write_atomic(job["plan.html"], "<html>new</html>\n")
        jsonio.write_atomic(job["plan.pdf"], b"%PDF-1.7 new\n")

    before = keep.failure_marker(KEY)
    err, elapsed = _fail(job, step, capsys)
    assert err.startswith("llmplan: error: cannot write ") and "No space left on device" in err
    assert err.endswith("\nllmplan: the previous outputs of this job are kept\n")
    assert err.count("\n") == 2
    assert "Traceback" not in err and elapsed < 5
    _assert_kept(job)
    assert keep.failure_marker(KEY) not in ("", before)


def test_read_only_file_system(job, capsys, monkeypatch) -> None:
    def read_only(src: object, dst: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(dst))

    monkeypatch.setattr(jsonio.os, "replace", read_only)
    err, _ = _fail(job, lambda: jsonio.write_atomic(job["plan.pdf"], b"new"), capsys)
    assert "Read-only file system" in err and "Traceback" not in err
    monkeypatch.undo()
    _assert_kept(job)


def test_a_bug_after_one_output_was_written(job, capsys) -> None:
    err, _ = _fail(job, _writes_html_then(ZeroDivisionError("a bug"), job), capsys)
    assert err.startswith("llmplan: internal error in ") and "reports/logs/x.log" in err
    log = Path("reports/logs/x.log").read_text()
    assert "ZeroDivisionError: a bug" in log and "Traceback" in log
    _assert_kept(job)


def test_a_runs_csv_that_turned_bad_after_the_check(job, capsys, tmp_path) -> None:
    """What the up-front check cannot see: the file changed while the workflow ran."""
    from llmplan.io.runs_csv import read_runs

    runs = tmp_path / "runs.csv"
    runs.write_text("N,D,loss\n1e8,2e9,3\n1e8,oops,3\n")
    err, _ = _fail(job, lambda: read_runs(runs, display="data/runs/x.csv"), capsys)
    assert err.startswith(
        "llmplan: error: data/runs/x.csv:3, entry 'row 2', field 'D': 'oops' is not a number"
    )
    assert "Traceback" not in err
    _assert_kept(job)


def test_a_mistake_reported_after_writing_keeps_the_old_outputs(job, capsys) -> None:
    error = InputError("config/scenarios/x.yaml", "found 40", expected="a fraction")
    err, _ = _fail(job, _writes_html_then(error, job), capsys)
    assert err == (
        "llmplan: error: config/scenarios/x.yaml: found 40; expected a fraction.\n"
        "llmplan: the previous outputs of this job are kept\n"
    )
    _assert_kept(job)


def test_ctrl_c_mid_step_restores_then_stops(job) -> None:
    with pytest.raises(KeyboardInterrupt):
        run_step(
            _writes_html_then(KeyboardInterrupt(), job),
            outputs=list(job.values()),
            failure_key=KEY,
        )
    _assert_kept(job)


def test_outputs_snakemake_removed_are_back_while_the_job_runs(job, capsys) -> None:
    for path in job.values():
        path.unlink()  # what Snakemake does when a job starts
    seen = {}

    def step() -> None:
        seen.update({name: path.read_bytes() for name, path in job.items()})
        raise InputError("x", "a mistake")

    _fail(job, step, capsys)
    assert seen == OLD  # a kill at any moment of the job leaves the old report in place
    _assert_kept(job)


def test_without_a_previous_output_a_failure_leaves_no_half_set(tmp_path, capsys) -> None:
    paths = {name: tmp_path / name for name in OLD}
    with pytest.raises(SystemExit):
        run_step(_writes_html_then(RuntimeError("x"), paths), outputs=list(paths.values()))
    assert not any(p.exists() for p in paths.values())
    capsys.readouterr()


def test_success_keeps_the_new_outputs_and_no_marker_changes(job) -> None:
    marker = keep.failure_marker(KEY)

    def step() -> None:
        jsonio.write_atomic(job["plan.html"], "<html>new</html>\n")

    run_step(step, outputs=list(job.values()), failure_key=KEY)
    assert keep.kept_copy(job["plan.html"]).read_bytes() == b"<html>new</html>\n"
    assert job["plan.html"].stat().st_ino == keep.kept_copy(job["plan.html"]).stat().st_ino
    assert keep.failure_marker(KEY) == marker


def test_each_failure_renews_the_marker(job, capsys) -> None:
    markers = []
    for _ in range(2):
        _fail(job, _writes_html_then(InputError("x", "bad"), job), capsys)
        markers.append(keep.failure_marker(KEY))
    assert markers[0] and markers[0] != markers[1]


def test_a_copy_that_cannot_be_refreshed_is_dropped(job, monkeypatch) -> None:
    """On a full disk the last good copy cannot follow a new output: it is removed rather than
    left to bring back an older report later."""

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(keep.os, "link", full)
    monkeypatch.setattr(keep.shutil, "copyfile", full)
    run_step(lambda: jsonio.write_atomic(job["plan.html"], "new"), outputs=list(job.values()))
    assert not keep.kept_copy(job["plan.html"]).exists()


def test_no_room_for_the_log_still_says_what_happened(job, capsys, monkeypatch) -> None:
    def full(self: Path, *args: object, **kwargs: object) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(Path, "write_text", full)
    err, _ = _fail(job, lambda: (_ for _ in ()).throw(InputError("x", "bad")), capsys)
    assert "could not write the log" in err and "llmplan: error: x: bad" in err
    _assert_kept(job)


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 64 KiB tmpfs (needs root; skipped elsewhere)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_really_full_disk(tiny_disk: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(tiny_disk)
    paths = {name: tiny_disk / name for name in OLD}
    run_step(
        lambda: [jsonio.write_atomic(p, OLD[n]) for n, p in paths.items()],
        outputs=list(paths.values()),
    )
    shutil.copyfile(paths["plan.pdf"], tiny_disk / "before.pdf")

    def step() -> None:
        jsonio.write_atomic(paths["plan.html"], "<html>new</html>\n")
        jsonio.write_atomic(paths["plan.pdf"], b"%PDF" + b"x" * 200_000)  # more than the disk

    with pytest.raises(SystemExit):
        run_step(step, outputs=list(paths.values()))
    assert "No space left on device" in capsys.readouterr().err
    assert {n: p.read_bytes() for n, p in paths.items()} == OLD
