"""Running a step from Snakemake: a user's mistake is one line, a bug keeps its traceback.

The rule's log gets everything that helps the next person: every warning the step raised (Python
warnings and log records of llmplan and the libraries it drives) and, for a bug, the full
traceback. The console gets one line: the user's mistake as llmplan words it, or for a bug, where
the traceback is.
"""

from __future__ import annotations

import logging
import sys
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

from llmplan.core.errors import LlmplanError


def _write_log(log: str | None, lines: list[str]) -> None:
    if not log:
        return
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    Path(log).write_text("\n".join(lines) + "\n", encoding="utf-8")


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.levelname.lower()}: {record.name}: {record.getMessage()}")


def run_step(step: Callable[..., Any], *args: Any, log: str | None = None, **kwargs: Any) -> None:
    """Run ``step(*args, **kwargs)``; exit 1 with one clear line on failure.

    Parameters
    ----------
    step
        A function of :mod:`llmplan.steps`.
    log
        The rule's log file: gets the step's warnings, then ``ok``, the user's error, or the
        traceback of a bug.
    """
    handler = _ListHandler()
    root = logging.getLogger()
    root.addHandler(handler)
    name = getattr(step, "__module__", "step")
    lines: list[str] = [f"llmplan step {name}.{getattr(step, '__name__', '')}"]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                step(*args, **kwargs)
            finally:
                lines += [
                    f"warning: {w.category.__name__}: {w.message} ({Path(w.filename).name}:{w.lineno})"
                    for w in caught
                ]
                lines += handler.lines
    except LlmplanError as err:
        message = f"llmplan: error: {err}"
        _write_log(log, [*lines, message])
        sys.stderr.write(message + "\n")
        sys.exit(1)
    except Exception:
        trace = traceback.format_exc()
        _write_log(log, [*lines, "a bug in llmplan (please report it with this log):", trace])
        where = f"; the traceback is in {log}" if log else ""
        sys.stderr.write(f"llmplan: internal error in {name}{where}\n{trace}")
        sys.exit(1)
    finally:
        root.removeHandler(handler)
    _write_log(log, [*lines, "ok"])
