"""Running a step from Snakemake: a user's mistake is one line, a bug keeps its traceback, and a
failure never costs the last good outputs.

The rule's log gets everything that helps the next person: every warning the step raised (Python
warnings and log records of llmplan and the libraries it drives) and, for a bug, the full
traceback. The console gets one line: the user's mistake as llmplan words it, a disk that is full
or read-only, or for a bug, where the traceback is. Whatever the failure (or an interrupt), every
output is put back to its last good copy (:mod:`llmplan.io.keep`).
"""

from __future__ import annotations

import errno
import importlib
import logging
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from llmplan.core.errors import LlmplanError, error_lines
from llmplan.io import keep


def _write_log(log: str | None, lines: list[str]) -> None:
    if not log:
        return
    try:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        Path(log).write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as err:  # a full disk: the console still says what happened
        sys.stderr.write(f"llmplan: could not write the log {log}: {err.strerror}\n")


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname.lower()}: {record.name}: {record.getMessage()}")


#: Errors of the machine, not of llmplan or its input: one line, not a bug report.
_ENVIRONMENT = {errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.EDQUOT, errno.EIO}


def run_step(
    step: Callable[..., Any] | str,
    *args: Any,
    log: str | None = None,
    outputs: Sequence[str | Path] = (),
    failure_key: str | None = None,
    **kwargs: Any,
) -> None:
    """Run ``step(*args, **kwargs)``; exit 1 with one clear line on failure.

    Parameters
    ----------
    step
        A function of :mod:`llmplan.steps`, or its dotted name (``llmplan.steps.plan.write_plan``):
        then it is imported after the outputs are put back, so that a job killed while it loads
        its libraries (seconds) leaves the previous outputs in place too.
    log
        The rule's log file: gets the step's warnings, then ``ok``, the user's error, or the
        traceback of a bug.
    outputs
        The rule's outputs: restored from their last good copies when the step starts and when it
        fails, kept when it succeeds.
    failure_key
        The job (:func:`llmplan.io.keep.job_key`) whose failure marker a failure renews.
    """
    started = (time.perf_counter(), time.process_time())
    handler = _ListHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    snapshot = keep.begin(outputs)
    name, _, function = step.rpartition(".") if isinstance(step, str) else (step.__module__, "", "")
    function = function or getattr(step, "__name__", "")
    lines: list[str] = [f"llmplan step {name}.{function}"]
    kept = "llmplan: the previous outputs of this job are kept\n" if outputs else ""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                if isinstance(step, str):
                    step = getattr(importlib.import_module(name), function)
                step(*args, **kwargs)
            finally:
                lines += [
                    f"warning: {w.category.__name__}: {w.message} ({Path(w.filename).name}:{w.lineno})"
                    for w in caught
                ]
                lines += handler.lines
    except LlmplanError as err:
        lines += _undo(outputs, snapshot, failure_key)
        messages = error_lines(err)
        _write_log(log, [*lines, *messages])
        sys.stderr.write("\n".join(messages) + "\n" + kept)
        sys.exit(1)
    except OSError as err:
        if err.errno not in _ENVIRONMENT:
            _bug(name, log, lines, outputs, snapshot, failure_key)
        lines += _undo(outputs, snapshot, failure_key)
        message = f"llmplan: error: cannot write {err.filename or 'an output'}: {err.strerror}"
        _write_log(log, [*lines, message, traceback.format_exc()])
        sys.stderr.write(message + "\n" + kept)
        sys.exit(1)
    except Exception:
        _bug(name, log, lines, outputs, snapshot, failure_key)
    except BaseException:  # KeyboardInterrupt, SystemExit: the outputs as they were, then go on
        _undo(outputs, snapshot, failure_key)
        raise
    finally:
        root.removeHandler(handler)
    keep.commit(outputs)
    wall, cpu = time.perf_counter() - started[0], time.process_time() - started[1]
    _write_log(log, [*lines, f"ok in {wall:.1f} s ({cpu:.1f} s CPU)"])


def _undo(
    outputs: Sequence[str | Path], snapshot: keep.Snapshot, failure_key: str | None
) -> list[str]:
    problems = keep.rollback(outputs, snapshot)
    keep.mark_failed(failure_key)
    return problems


def _bug(
    name: str,
    log: str | None,
    lines: list[str],
    outputs: Sequence[str | Path],
    snapshot: keep.Snapshot,
    failure_key: str | None,
) -> None:
    trace = traceback.format_exc()
    lines = [*lines, *_undo(outputs, snapshot, failure_key)]
    _write_log(log, [*lines, "a bug in llmplan (please report it with this log):", trace])
    where = f"; the traceback is in {log}" if log else ""
    kept = "llmplan: the previous outputs of this job are kept\n" if outputs else ""
    sys.stderr.write(f"llmplan: internal error in {name}{where}\n{trace}{kept}")
    sys.exit(1)


def job_options(smk: Any) -> dict[str, Any]:
    """The options of :func:`run_step` for the job of a Snakemake script (its ``snakemake``
    object): the log, the outputs and the failure marker."""
    return {
        "log": smk.log[0] if smk.log else None,
        "outputs": [str(path) for path in smk.output],
        "failure_key": keep.job_key(smk.rule, smk.wildcards),
    }
