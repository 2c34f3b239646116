"""Every benchmark the README's Speed table names still imports what it times: a module renamed in
the library must not leave a benchmark that fails at its first line (bench_allocate.py did)."""

from __future__ import annotations

import importlib.util

import pytest

from conftest import REPO

BENCHMARKS = sorted((REPO / "benchmarks").glob("*.py"))


@pytest.mark.parametrize("path", BENCHMARKS, ids=[p.stem for p in BENCHMARKS])
def test_benchmark_imports(path) -> None:
    spec = importlib.util.spec_from_file_location(f"benchmark_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # the imports and definitions; main() runs only as a script
    assert callable(getattr(module, "main", None)), f"{path.name} has no main()"
