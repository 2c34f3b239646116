"""Where an output came from: git commit, hashes of inputs and code, package versions, date.

Reports are reproducible: the build date is ``SOURCE_DATE_EPOCH`` or the commit's time, never the
wall clock, so rebuilding the same commit gives the same bytes.

:func:`code_version` hashes exactly the code a workflow step runs: the step's module and every
llmplan module it imports, transitively (read from the source, so imports inside
functions count), plus the templates it renders with everything they extend or include. Rules take
the hash as a parameter, so editing a chart reruns only the reports that draw it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Final

#: Packages whose versions every output records.
PACKAGES = ("llmplan", "numpy", "scipy", "pandas", "matplotlib", "jinja2", "weasyprint")

PACKAGE_DIR = Path(__file__).resolve().parents[1]
TEMPLATE_DIR = Path(__file__).resolve().parents[3] / "templates"


def sha256_file(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256_files(paths: Sequence[Path | str]) -> str:
    """One hash of several files, their names included (order-independent)."""
    digest = hashlib.sha256()
    for path in sorted(str(p) for p in paths):
        digest.update(path.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------- code hashes
# Each Snakemake run hashes the code of every rule while it reads the workflow, so what the steps
# below read is cached: a file's imports, template references and bytes are read once however
# many rules share them (a dry run of the built default workflow: 4.6 -> 2.8 s CPU). The caches
# are keyed by the file's absolute path, size and modification time, so an edited file is read
# again in a long-lived process.
def _state(path: Path) -> tuple[Path, int, int]:
    stat = path.stat()
    return path.resolve(), stat.st_size, stat.st_mtime_ns


@cache
def _module_file(module: str) -> Path | None:
    """The source file of an llmplan module (``llmplan.plan.build``), or None."""
    parts = module.split(".")
    if parts[0] != "llmplan":
        return None
    base = PACKAGE_DIR.joinpath(*parts[1:])
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


#: An absolute import of an llmplan module, at any indentation (imports inside functions count):
#: ``import llmplan.x``, or ``from llmplan.x import a, b as c`` with the names on one line or in
#: parentheses over several. Read with a regular expression rather than :mod:`ast`, 24 times
#: faster (every Snakemake run reads every module); tests/io/test_provenance.py checks that both
#: find the same imports in every module of the package.
_IMPORT: Final = re.compile(
    r"^[ \t]*(?:from[ \t]+(llmplan[\w.]*)[ \t]+import[ \t]+(\((?:#[^\n]*|[^)#])*\)|[^\n]*)"
    r"|import[ \t]+(llmplan[\w.]*))",
    re.M,
)


@cache
def _imports(state: tuple[Path, int, int]) -> tuple[str, ...]:
    """llmplan modules imported anywhere in the file (absolute imports, as the house style uses):
    each ``from`` import gives its module and module.name for each name (a name may be a
    submodule)."""
    found: list[str] = []
    for match in _IMPORT.finditer(state[0].read_text(encoding="utf-8")):
        module, names, plain = match.groups()
        if plain:
            found.append(plain)
            continue
        found.append(module)
        for name in re.sub(r"#[^\n]*", "", names).strip("()").split(","):
            words = name.split()
            if words:
                found.append(f"{module}.{words[0]}")
    return tuple(found)


def module_closure(modules: Iterable[str]) -> list[Path]:
    """Source files of ``modules`` and of every llmplan module they import, transitively.

    A package's ``__init__`` counts for each module inside it (Python runs it on import).
    """
    seen: set[Path] = set()
    stack = list(modules)
    while stack:
        name = stack.pop()
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):  # parents' __init__ run first
            path = _module_file(".".join(parts[:depth]))
            if path is None or path in seen:
                continue
            seen.add(path)
            stack.extend(_imports(_state(path)))
    return sorted(seen)


def template_closure(templates: Iterable[str], template_dir: Path = TEMPLATE_DIR) -> list[Path]:
    """The template files ``templates`` and every template they extend, include or import."""
    seen: set[Path] = set()
    stack = list(templates)
    while stack:
        path = template_dir / stack.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        stack.extend(_template_references(_state(path)))
    return sorted(seen)


#: A template named in ``{% extends/include/import/from "name" %}``; ``{# comments #}`` are
#: removed first. Same answer as jinja2.meta.find_referenced_templates on every shipped template
#: (tested), a hundred times faster. A name given by a variable is not found (nor is it by jinja2).
_TEMPLATE_REFERENCE: Final = re.compile(
    r"""\{%[-+]?\s*(?:extends|include|import|from)\s+(["'])([^"']+)\1"""
)
_TEMPLATE_COMMENT: Final = re.compile(r"\{#.*?#\}", re.S)


@cache
def _template_references(state: tuple[Path, int, int]) -> tuple[str, ...]:
    """The templates the file extends, includes or imports."""
    text = _TEMPLATE_COMMENT.sub("", state[0].read_text(encoding="utf-8"))
    return tuple(match.group(2) for match in _TEMPLATE_REFERENCE.finditer(text))


@cache
def _file_bytes(state: tuple[Path, int, int]) -> bytes:
    return state[0].read_bytes()


def code_version(
    modules: Iterable[str], templates: Iterable[str] = (), *, extra: Iterable[Path] = ()
) -> str:
    """A short hash of the code a step runs: ``modules`` and their imports, ``templates``."""
    digest = hashlib.sha256()
    files = [*module_closure(modules), *template_closure(templates), *extra]
    for path in files:
        digest.update(path.name.encode())
        digest.update(_file_bytes(_state(path)))
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- git and dates
def git(*args: str) -> str | None:
    """Output of a git command in the working directory, or None outside git."""
    try:
        out = subprocess.run(
            ["git", *args], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def build_epoch() -> int | None:
    """Seconds since 1970 of the build: ``SOURCE_DATE_EPOCH`` if set, else the commit's time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or git("log", "-1", "--format=%ct")
    try:
        return int(epoch) if epoch is not None else None
    except ValueError:
        return None


def build_date() -> str:
    """The build time as text (see :func:`build_epoch`), or 'unknown' outside git."""
    epoch = build_epoch()
    if epoch is None:
        return "unknown"
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def provenance(inputs: Mapping[str, str | None]) -> dict[str, Any]:
    """Git commit, input hashes, package versions and build date of an output."""
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    changed = git("status", "--porcelain", "--", "Snakefile", "config", "data", "workflow")
    return {
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(changed),
        "inputs_sha256": dict(inputs),
        "python": ".".join(map(str, sys.version_info[:3])),
        "packages": versions,
        "build_date": build_date(),
        "build_epoch": build_epoch(),
    }
