"""A scenario file's history in git: its text at a revision, and the commits that touched it.

Users version their scenarios in git, so "what did this plan say three commits ago?" is a question
about one file at one revision. Every call here is one bounded ``git`` subprocess (a timeout of
:data:`GIT_TIMEOUT_S` seconds, no standard input, no prompt) run in the file's own folder, so the
answer depends on the repository the file lives in, not on the working directory of the caller.

Mistakes are :class:`~llmplan.core.errors.InputError` naming the file and the revision: not in a
git repository (:class:`NotInRepository`, which callers that can do without history may catch),
an unknown revision, a file absent at that revision. A revision may not start with ``-``, so no
argument is ever read by git as an option.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from llmplan.core.errors import InputError, Where

#: Longest a single git command may take, seconds.
GIT_TIMEOUT_S: Final = 10.0
#: Most commits :func:`previous_version` looks back through for a text that differs.
HISTORY_LIMIT: Final = 20
#: Characters of a commit id shown to people (the plan report's provenance line uses as many).
SHORT_SHA: Final = 10
_FIELD_SEP: Final = "\x1f"
_LOG_FORMAT: Final = f"--format=%H{_FIELD_SEP}%ct{_FIELD_SEP}%s"


class NotInRepository(InputError):
    """The file is not inside a git working tree (or git is not installed)."""


@dataclass(frozen=True)
class Commit:
    """A commit as a report names it: id, commit time (seconds since 1970, UTC) and subject."""

    sha: str
    epoch: int
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:SHORT_SHA]

    @property
    def date(self) -> str:
        """The commit date, ``YYYY-MM-DD`` in UTC."""
        return dt.datetime.fromtimestamp(self.epoch, tz=dt.UTC).strftime("%Y-%m-%d")

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "short": self.short, "date": self.date}


def _run(
    args: Sequence[str], path: Path, *, where: Where, timeout: float
) -> subprocess.CompletedProcess[bytes]:
    """``git -C <folder of path> ARGS``; a missing git or a timeout is an error naming ``where``."""
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        return subprocess.run(
            ["git", "-C", str(path.parent), *args],
            capture_output=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
            check=False,
            env=env,
        )
    except FileNotFoundError:
        raise NotInRepository(
            where, "git is not installed", expected="the git command on the PATH"
        ) from None
    except subprocess.TimeoutExpired:
        raise InputError(
            where,
            f"git did not answer within {timeout:g} s",
            expected="a local repository git can read quickly",
        ) from None


def _require_repository(path: Path, where: Where, timeout: float) -> None:
    done = _run(["rev-parse", "--is-inside-work-tree"], path, where=where, timeout=timeout)
    if done.returncode != 0 or done.stdout.strip() != b"true":
        raise NotInRepository(
            where,
            "the file is not inside a git repository",
            expected="a scenario file in a git working tree (git init, git add, git commit)",
        )


def _check_revision(revision: str, where: Where) -> None:
    if not revision or revision.startswith("-") or "\x00" in revision or "\n" in revision:
        raise InputError(
            where,
            f"{revision!r} is not a revision",
            expected="a commit id, branch, tag or expression such as HEAD~3",
        )


def _parse_log(stdout: bytes) -> list[Commit]:
    commits = []
    for line in stdout.decode("utf-8", errors="replace").splitlines():
        sha, epoch, subject = line.split(_FIELD_SEP, 2)
        commits.append(Commit(sha, int(epoch), subject))
    return commits


def resolve_revision(path: Path | str, revision: str, *, timeout: float = GIT_TIMEOUT_S) -> Commit:
    """The commit ``revision`` names in the repository of ``path``.

    Raises
    ------
    InputError
        Outside a git repository (:class:`NotInRepository`), or for a revision git does not know.
    """
    path = Path(path)
    where = Where(f"{path}@{revision}")
    _check_revision(revision, where)
    _require_repository(path, where, timeout)
    found = _run(
        ["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        path,
        where=where,
        timeout=timeout,
    )
    if found.returncode != 0 or not found.stdout.strip():
        raise InputError(
            where,
            f"unknown revision '{revision}'",
            expected="a commit id, branch, tag or expression such as HEAD~3 (see `git log`)",
        )
    sha = found.stdout.decode("ascii").strip()
    done = _run(["log", "-n", "1", _LOG_FORMAT, sha, "--"], path, where=where, timeout=timeout)
    return _parse_log(done.stdout)[0]


def file_at_revision(
    path: Path | str, revision: str, *, timeout: float = GIT_TIMEOUT_S
) -> tuple[Commit, str]:
    """The commit ``revision`` names and the text of ``path`` in it (``git show REV:./FILE``).

    Raises
    ------
    InputError
        Outside a git repository (:class:`NotInRepository`), for an unknown revision, for a file
        that did not exist at that revision, or for text that is not UTF-8.
    """
    path = Path(path)
    commit = resolve_revision(path, revision, timeout=timeout)
    where = Where(f"{path}@{revision}")
    done = _run(["show", f"{commit.sha}:./{path.name}"], path, where=where, timeout=timeout)
    if done.returncode != 0:
        raise InputError(
            where,
            f"the file did not exist at revision '{revision}' ({commit.short}, {commit.date})",
            expected=f"a revision at which the scenario was committed (see `git log -- {path}`)",
        )
    try:
        return commit, done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(
            where, "the file is not UTF-8 text at that revision", expected="UTF-8 YAML"
        ) from None


def file_history(
    path: Path | str, *, limit: int = HISTORY_LIMIT, timeout: float = GIT_TIMEOUT_S
) -> list[Commit]:
    """The last ``limit`` commits of the current branch that touched ``path``, newest first
    (``git log -n LIMIT -- FILE``; renames are not followed). Empty for an untracked file.

    Raises
    ------
    NotInRepository
        When ``path`` is not in a git working tree.
    """
    path = Path(path)
    where = Where(str(path))
    _require_repository(path, where, timeout)
    args = ["log", "-n", str(int(limit)), _LOG_FORMAT, "--", f"./{path.name}"]
    done = _run(args, path, where=where, timeout=timeout)
    if done.returncode != 0:  # a repository without commits yet
        return []
    return _parse_log(done.stdout)


def previous_version(
    path: Path | str,
    text: str,
    *,
    limit: int = HISTORY_LIMIT,
    timeout: float = GIT_TIMEOUT_S,
) -> tuple[Commit, str] | None:
    """The newest committed version of ``path`` whose text differs from ``text``, with its commit.

    ``text`` is the file as it is now. With uncommitted edits that is the last commit touching the
    file; once those edits are committed it is still the same commit (the newest commit now holds
    ``text`` itself and is skipped). So the answer changes only when the file's text does, or when
    history is rewritten. ``None`` when no commit among the last ``limit`` that touched the file
    holds another text (a new file, a file committed once).

    Raises
    ------
    NotInRepository
        When ``path`` is not in a git working tree.
    """
    path = Path(path)
    for commit in file_history(path, limit=limit, timeout=timeout):
        where = Where(f"{path}@{commit.short}")
        done = _run(["show", f"{commit.sha}:./{path.name}"], path, where=where, timeout=timeout)
        if done.returncode != 0:  # the commit deleted the file
            continue
        old = done.stdout.decode("utf-8", errors="replace")
        if old != text:
            return commit, old
    return None
