"""Temporary git repositories for tests: fixed identities and dates, no user or system config."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

#: Commit times of the commits a test makes, one a day from 2024-01-01 00:00 UTC.
FIRST_EPOCH = 1704067200
DAY = 86400


def isolated_git_env(ceiling: Path) -> dict[str, str]:
    """Environment for git in tests: no global or system config, and no repository above
    ``ceiling`` is discovered (a test's tmp folder is never mistaken for part of another repo)."""
    return {
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CEILING_DIRECTORIES": str(ceiling),
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }


def git(repo: Path, *args: str, epoch: int | None = None) -> str:
    env = dict(os.environ)
    if epoch is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{epoch} +0000"
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=30,
    )
    return done.stdout.strip()


class Repo:
    """A git repository in ``root`` where each :meth:`commit` is one day after the last."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.count = 0
        root.mkdir(parents=True, exist_ok=True)
        git(root, "init", "-q", "-b", "main")

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def commit(self, message: str, files: dict[str, str] | None = None) -> str:
        """Write ``files`` (relative path -> text), commit everything; the new commit's sha."""
        for rel, text in (files or {}).items():
            self.write(rel, text)
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--allow-empty", "-m", message, epoch=self.epoch_next())
        return git(self.root, "rev-parse", "HEAD")

    def epoch_next(self) -> int:
        epoch = FIRST_EPOCH + self.count * DAY
        self.count += 1
        return epoch
