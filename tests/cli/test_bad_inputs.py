"""The corpus of bad inputs in tests/bad_inputs/: each one ends in the message it documents.

Every case is a file (a scenario, a catalog file, a config or a command line) whose header says
what is wrong with it and the exact message it must produce::

    # a misspelt budget key                         <- what is wrong
    # expect: config/scenarios/x.yaml:3, ...        <- the message; '...' matches anything
    # not-applicable: line                          <- parts the message cannot name (optional)

A case runs through the real entry point, in a temporary copy of the repository's config and
catalog: scenarios, catalog files and configs through ``pipeline.check_config`` and
``pipeline.check_inputs`` (what Snakemake runs before its first job), command lines through
``llmplan.cli.main``. Besides the exact message, every case must name the file, the line (YAML),
the entry and the field, unless its header says one does not apply, say what was expected, and
show no traceback.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO
from llmplan.cli import main
from llmplan.core.errors import InputError
from llmplan.plan.check import check_config, check_inputs

CORPUS = REPO / "tests" / "bad_inputs"
KINDS = ("scenarios", "catalog", "config", "cli")
PARTS = ("line", "entry", "field")
#: Written by the python-object case's payload if it were ever executed.
CANARY = "PWNED"


@dataclass(frozen=True)
class Case:
    kind: str
    path: Path  # the case file, or a directory of files for a multi-file case
    expect: str
    not_applicable: frozenset[str]

    @property
    def id(self) -> str:
        return f"{self.kind}/{self.path.name}"


def _header(path: Path) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"#\s*(expect|not-applicable):\s*(.*)$", line)
        if match:
            fields[match[1]] = match[2].strip()
    return fields


def load_cases() -> list[Case]:
    cases = []
    for kind in KINDS:
        for path in sorted((CORPUS / kind).iterdir()):
            files = sorted(path.iterdir()) if path.is_dir() else [path]
            headers = [h for h in map(_header, files) if "expect" in h]
            assert len(headers) == 1, f"{path}: exactly one file must hold '# expect:'"
            (header,) = headers
            listed = header.get("not-applicable", "").split("(")[0]  # "(why)" is for the reader
            not_applicable = {p.strip() for p in listed.split(",")}
            if kind in ("config", "cli"):
                not_applicable.add("entry")  # a config has no entries; a command line neither
            if kind == "cli":
                not_applicable.add("line")
            cases.append(Case(kind, path, header["expect"], frozenset(not_applicable - {""})))
    return cases


CASES = load_cases()


def _workspace(tmp: Path) -> None:
    """The repository's config and catalog in ``tmp``, with no scenario."""
    (tmp / "config" / "scenarios").mkdir(parents=True)
    shutil.copy2(REPO / "config" / "config.yaml", tmp / "config" / "config.yaml")
    shutil.copytree(REPO / "data" / "catalog", tmp / "data" / "catalog")


def run_case(case: Case, tmp: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    """Run a case in ``tmp`` (the current directory); return its message and installed file."""
    _workspace(tmp)
    if case.kind == "cli":
        lines = [ln for ln in case.path.read_text().splitlines() if ln and not ln.startswith("#")]
        argv = shlex.split(lines[-1])
        assert argv[0] == "llmplan"
        capsys.readouterr()
        code = main(argv[1:])
        out, err = capsys.readouterr()
        assert code == 2, f"exit code {code}; stdout {out!r}"
        assert "Traceback" not in err
        assert err.startswith("llmplan: error: ") and err.count("\n") == 1, err
        return err.removeprefix("llmplan: error: ").rstrip("\n"), "command line"
    if case.kind == "scenarios":
        target = Path("config/scenarios")
    elif case.kind == "catalog":
        target = Path("data/catalog")
    else:
        target = Path("config")
    if case.path.is_dir():
        for file in case.path.iterdir():
            shutil.copy2(file, target / file.name)
        installed = str(target)
    elif case.kind == "config":
        shutil.copy2(case.path, target / "config.yaml")
        installed = str(target / "config.yaml")
    else:
        shutil.copy2(case.path, target / case.path.name)
        installed = str(target / case.path.name)
    with pytest.raises(InputError) as info:
        config = check_config("config/config.yaml")
        check_inputs("config/scenarios", "data/catalog", config)
    return str(info.value), installed


def _pattern(expect: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in expect.split("...")), re.DOTALL)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 30
    assert {c.kind for c in CASES} == set(KINDS)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_gives_its_message(
    case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    message, installed = run_case(case, tmp_path, capsys)
    assert _pattern(case.expect).fullmatch(message), (
        f"\nexpected: {case.expect}\nfound:    {message}"
    )
    assert "Traceback" not in message and "\n" not in message
    assert installed in message, "the message must name the file"
    assert message.startswith(("config/", "data/", "command line"))
    if "line" not in case.not_applicable:
        assert re.match(r"[^:]+:\d+[,:]", message), "the message must give the line"
    if "entry" not in case.not_applicable:
        assert ", entry '" in message
    if "field" not in case.not_applicable:
        assert ", field '" in message
    assert "; expected " in message
    assert not (tmp_path / CANARY).exists(), "a YAML tag was executed"
