"""Shared fixtures: paths of the repository and of ../shared (present on developers' machines)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


#: Modules whose tests share the one build of the small test config (tests/workflow/conftest.py)
#: and run in one process, first: that process builds while the other runs the rest.
BUILT_GROUP = ("tests/workflow/test_workflow.py", "tests/workflow/test_sweep.py")
#: Modules that start from a copy of that build: last, when the build is surely there.
AFTER_BUILD = (
    "tests/workflow/test_history.py",
    "tests/workflow/test_interrupted.py",
    "tests/workflow/test_last_good.py",
)
#: Modules of many seconds (renders, module fixtures), started early so that none runs alone at
#: the end.
HEAVY = (
    "tests/plan/test_decide.py",
    "tests/workflow/test_ladder_dag.py",
    "tests/report/test_render.py",
    "tests/report/test_safety.py",
    "tests/report/test_readable.py",
)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """How ``pytest -n 2 --dist loadgroup`` (the default, pyproject.toml) shares the work: the
    tests of one module in one process (its module fixtures are built once), the modules in the
    order above, then in their usual order."""

    def path(item: pytest.Item) -> str:
        return item.nodeid.split("::")[0]

    def rank(item: pytest.Item) -> int:
        name = path(item)
        if name in BUILT_GROUP:
            return 0
        if name in HEAVY:
            return 1
        return 3 if name in AFTER_BUILD else 2

    grouped = config.pluginmanager.hasplugin("xdist")  # its mark is unknown without it
    for item in items:
        if grouped and item.get_closest_marker("xdist_group") is None:
            group = "built" if path(item) in BUILT_GROUP else path(item)
            item.add_marker(pytest.mark.xdist_group(group))
    items.sort(key=rank)  # stable: the usual order within each rank


@pytest.hookimpl(optionalhook=True)  # a run without pytest-xdist (-p no:xdist) never calls it
def pytest_xdist_node_collection_finished(node: Any, ids: list[str]) -> None:
    """Stop a run whose groups pytest-xdist did not take (read in the main process, from what a
    worker collected): it would pass, but build every module fixture, and wait for the shared
    build, in both processes: twice the work."""
    if node.config.getvalue("dist") != "loadgroup":
        return
    lost = [nodeid for nodeid in ids if "@" not in nodeid.rsplit("]", 1)[-1]]
    if lost:
        pytest.exit(
            f"pytest-xdist did not group {len(lost)} of {len(ids)} tests (first: {lost[0]}):"
            " with this pytest, --dist loadgroup no longer groups (pytest-dev/pytest-xdist#1386)."
            " Install the versions of pyproject.toml's dev extra: pip install -e '.[dev]'",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )
