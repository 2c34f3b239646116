"""One cold build of the small test config, shared by every workflow test that can start from it."""

from __future__ import annotations

from pathlib import Path

import pytest
from workflow_support import copy_repo, snakemake


@pytest.fixture(scope="session")
def built_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with every output of ``.test/config.yaml`` built."""
    work = tmp_path_factory.mktemp("built")
    copy_repo(work)
    result = snakemake(work)
    assert result.returncode == 0, result.stderr[-3000:]
    return work
