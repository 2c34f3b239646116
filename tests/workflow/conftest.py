"""One cold build of the small test config, shared by every workflow test that can start from it.

The build is made once per test run, also when pytest-xdist runs the tests in several processes:
the first process to ask builds it under a file lock in the folder the processes share, the
others wait for it. Nothing writes to it: a test that edits or reruns works on a copy.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest
from workflow_support import copy_repo, snakemake


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with every output of ``.test/config.yaml`` built (read only)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # shared by the workers of one run
    work, done = root / "built", root / "built.ok"
    with (root / "built.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir()
            copy_repo(work)
            result = snakemake(work)
            assert result.returncode == 0, result.stderr[-3000:]
            done.touch()
    return work


@pytest.fixture(scope="module")
def built(built_once: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the shared build for the tests of one module, which restore what they change."""
    work = tmp_path_factory.mktemp("built") / "work"
    shutil.copytree(built_once, work, symlinks=True)  # modification times kept: all up to date
    return work


@pytest.fixture
def work(built_once: Path, tmp_path: Path) -> Path:
    """A copy of the shared build for one test."""
    work = tmp_path / "work"
    shutil.copytree(built_once, work, symlinks=True)
    return work
