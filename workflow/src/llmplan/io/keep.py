"""The last good copy of every output: a failed or killed job never costs a good report.

Snakemake removes a job's outputs when the job starts (``remove_existing_output`` in
``snakemake/jobs.py``) and, unless told to keep them (``--keep-incomplete``), again when it fails
(``Job.cleanup``). Its own remedy, the ``update()`` output flag, backs an output up and restores it
on failure, but in Snakemake 9 a failed job is post-processed twice: the first pass restores the
backup and deletes it, the second finds no backup and removes the restored file (checked on 9.27;
a backup cut short by a full disk would even be copied over the good file). So llmplan keeps the
copies itself:

- after a step succeeds, each output is hard-linked into ``.last-good/`` beside it (no extra disk
  space; a copy where the file system has no hard links);
- when a step starts, every output Snakemake removed is linked back from its last good copy, so
  while the job runs, and after it is killed, the previous report is in place, whole;
- when a step fails (a mistake in its input, a full or read-only disk, a bug), every output is
  linked back from its last good copy, so it is byte-identical to before (the same file); an
  output the step wrote that has no previous copy is removed, so no half set of outputs remains;
- a failed step also leaves a marker, ``reports/.failed/<rule>/<wildcards>``, with a new value
  each time; the rules pass its content as a param (:func:`failure_marker`), so the next
  ``snakemake`` runs the job again instead of taking the kept outputs for the results of the failed
  attempt (Snakemake records a failed job's params as if it had finished, and with
  ``keep-incomplete`` leaves its outputs). The param depends on the wildcards only: Snakemake
  ignores params derived from a job's outputs when it looks for changes.

``profiles/default/config.yaml`` sets ``keep-incomplete`` so that Snakemake does not delete the
restored outputs after a failure. Every output is written atomically
(:func:`llmplan.io.jsonio.write_atomic`), so an output is always either the old file or the new one.
"""

from __future__ import annotations

import contextlib
import datetime
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

#: Folder, beside each output, of its last good copy.
KEEP_DIR: Final = ".last-good"
#: Folder of the failure markers, relative to the workflow's working directory.
FAILED_DIR: Final = Path("reports/.failed")


def kept_copy(output: Path | str) -> Path:
    """Where the last good copy of ``output`` lives."""
    output = Path(output)
    return output.parent / KEEP_DIR / output.name


def job_key(rule: str, wildcards: Any = None) -> str:
    """``plan/scenario=small-lab``: a job by its rule and wildcards (``catalog/all`` without)."""
    items = dict(wildcards.items()) if wildcards is not None else {}
    return f"{rule}/" + (",".join(f"{k}={v}" for k, v in sorted(items.items())) or "all")


def marker(key: str) -> Path:
    """The failure marker of the job ``key`` (:func:`job_key`)."""
    return FAILED_DIR / key


def failure_marker(key: str) -> str:
    """The marker's content, or '' if the job never failed (a rule param: when it changes,
    Snakemake reruns the job)."""
    try:
        return marker(key).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return ""


def _link_over(source: Path, target: Path) -> None:
    """Make ``target`` the same file as ``source`` (a copy without hard links), atomically."""
    tmp = target.with_name(f".{target.name}.link-{os.getpid()}")
    try:
        tmp.unlink(missing_ok=True)
        try:
            os.link(source, tmp)
        except OSError:
            shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _identity(path: Path) -> tuple[int, int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_ino, info.st_mtime_ns, info.st_size)


Snapshot = dict[Path, tuple[int, int, int] | None]


def begin(outputs: Sequence[Path | str]) -> Snapshot:
    """Before a step: restore the outputs Snakemake removed from their last good copies, make
    present outputs the last good copies (they are what the user has), and note what each output
    is (to undo the step).

    Best effort: a file system that refuses leaves the outputs as they are.
    """
    snapshot: Snapshot = {}
    for output in map(Path, outputs):
        kept = kept_copy(output)
        with contextlib.suppress(OSError):
            if not output.exists() and kept.is_file():
                _link_over(kept, output)
            elif output.is_file() and _identity(output) != _identity(kept):
                kept.parent.mkdir(exist_ok=True)
                _link_over(output, kept)
        snapshot[output] = _identity(output)
    return snapshot


def commit(outputs: Iterable[Path | str]) -> None:
    """After a step succeeded: its outputs become the last good copies.

    Where a copy cannot be made (a full disk), the stale one is removed, so that a later failure
    never brings back something older than the current output.
    """
    for output in map(Path, outputs):
        kept = kept_copy(output)
        try:
            if output.is_file():
                kept.parent.mkdir(exist_ok=True)
                _link_over(output, kept)
        except OSError:
            with contextlib.suppress(OSError):
                kept.unlink(missing_ok=True)


def rollback(outputs: Sequence[Path | str], snapshot: Snapshot) -> list[str]:
    """After a step failed: every output back to its last good copy; an output the step wrote
    that has no copy is removed. Returns what could not be restored (for the log)."""
    problems = []
    for output in map(Path, outputs):
        kept = kept_copy(output)
        try:
            if kept.is_file():
                if _identity(output) != _identity(kept):
                    _link_over(kept, output)
            elif _identity(output) != snapshot.get(output):
                output.unlink(missing_ok=True)  # written by the failed step: not a good report
        except OSError as err:
            problems.append(f"could not restore {output}: {err.strerror or err}")
    return problems


def mark_failed(key: str | None) -> None:
    """Leave a new failure marker for the job ``key`` (so the next run retries it); best effort."""
    if not key:
        return
    path = marker(key)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        when = datetime.datetime.now().isoformat(sep=" ", timespec="milliseconds")
        path.write_text(f"failed at {when} (process {os.getpid()})\n", encoding="utf-8")
