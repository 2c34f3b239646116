"""Time what every Snakemake run does while it reads the workflow: hash the code of each rule's
step (its modules and their llmplan imports, transitively, and its templates), against reading
the imports with Python's parser and the templates with Jinja's, as before, in the same process
(issue 10: every dry run and every Snakemake run of the tests pays this once).

Each variant starts with empty caches, as a new Snakemake process does, and must give the same
hashes. Run: python benchmarks/bench_code_hash.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import ast
import functools
import statistics
import time
from pathlib import Path
from typing import Any
from unittest import mock

import jinja2
from jinja2 import meta

from llmplan.io import provenance

REPO = Path(__file__).resolve().parents[1]
#: The steps of the rules (workflow/rules/*.smk: step_code) and the reports' templates.
STEPS = sorted(
    f"llmplan.steps.{path.stem}"
    for path in (provenance.PACKAGE_DIR / "steps").glob("*.py")
    if path.stem != "__init__"
)
TEMPLATES = sorted(p.name for p in provenance.TEMPLATE_DIR.glob("*.html.j2"))


def imports_by_parser(state: tuple[Path, int, int]) -> tuple[str, ...]:
    """The imports as read before: Python's parser over the whole module."""
    found: list[str] = []
    for node in ast.walk(ast.parse(state[0].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return tuple(name for name in found if name.split(".")[0] == "llmplan")


def references_by_jinja(state: tuple[Path, int, int]) -> tuple[str, ...]:
    """The template references as read before: Jinja's parser."""
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    parsed = env.parse(state[0].read_text(encoding="utf-8"))
    return tuple(t for t in meta.find_referenced_templates(parsed) if t)


def hashes(imports: Any, references: Any) -> tuple[float, list[str]]:
    """CPU seconds and hashes of every step's code, from empty caches (as a new Snakemake process
    starts), reading imports and template references with the given functions, cached per file
    as the library caches them."""
    provenance._file_bytes.cache_clear()
    provenance._module_file.cache_clear()
    with (
        mock.patch.object(provenance, "_imports", functools.cache(imports)),
        mock.patch.object(provenance, "_template_references", functools.cache(references)),
    ):
        start = time.process_time()
        out = [provenance.code_version(["llmplan.steps.runner", step]) for step in STEPS]
        out.append(provenance.code_version([], TEMPLATES))
        return time.process_time() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"code hashes of {len(STEPS)} steps and {len(TEMPLATES)} report templates, cold caches")
    runs = [hashes(imports_by_parser, references_by_jinja) for _ in range(args.repeat)]
    before, before_hashes = statistics.median(r[0] for r in runs), runs[0][1]
    print(f"before (ast and jinja2 parsers, same process): {before:.3f} s CPU")
    library = (provenance._imports.__wrapped__, provenance._template_references.__wrapped__)
    runs = [hashes(*library) for _ in range(args.repeat)]
    after, after_hashes = statistics.median(r[0] for r in runs), runs[0][1]
    print(f"after (regular expressions): {after:.3f} s CPU")
    print(
        f"ratio: {before / after:.1f}x faster ({before - after:.2f} s CPU less per Snakemake run)"
    )
    if before_hashes != after_hashes:
        raise SystemExit("the variants give different code hashes")


if __name__ == "__main__":
    main()
