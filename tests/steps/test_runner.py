"""Rule logs hold what helps: warnings, the user's error in one line, a bug's traceback."""

from __future__ import annotations

import logging
import re
import warnings
from pathlib import Path

import pytest

from llmplan.core.errors import InputError
from llmplan.steps.runner import run_step


def _warns() -> None:
    warnings.warn("a warning the step raised", RuntimeWarning, stacklevel=1)
    logging.getLogger("llmplan.tests").warning("a library's warning")


def _user_error() -> None:
    raise InputError("config/scenarios/x.yaml", "found 40", expected="a fraction")


def _bug() -> None:
    raise ZeroDivisionError("a bug")


def test_warnings_reach_the_log(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "x.log"
    run_step(_warns, log=str(log))
    text = log.read_text()
    assert "RuntimeWarning: a warning the step raised" in text
    assert "llmplan.tests: a library's warning" in text and re.search(
        r"\nok in \d+\.\d s \(\d+\.\d s CPU\)\n\Z", text
    )


def test_user_error_is_one_line_on_the_console_and_in_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "x.log"
    with pytest.raises(SystemExit) as exit_:
        run_step(_user_error, log=str(log))
    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert err == "llmplan: error: config/scenarios/x.yaml: found 40; expected a fraction.\n"
    assert "Traceback" not in log.read_text() and "found 40" in log.read_text()


def test_a_bug_keeps_its_traceback_in_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = tmp_path / "x.log"
    with pytest.raises(SystemExit):
        run_step(_bug, log=str(log))
    text = log.read_text()
    assert "Traceback" in text and "ZeroDivisionError: a bug" in text
    assert f"the traceback is in {log}" in capsys.readouterr().err
