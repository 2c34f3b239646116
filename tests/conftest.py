"""Shared fixtures: paths of the repository and of ../shared (present on developers' machines)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def catalog():
    from llmplan.inputs.catalog import load_catalog

    return load_catalog(REPO / "data" / "catalog")
