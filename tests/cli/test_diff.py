"""``llmplan diff``: two scenarios, or one at two git revisions; clean errors, exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from exact_support import exact_params
from git_support import Repo, isolated_git_env

from conftest import REPO
from llmplan.cli import main
from llmplan.cli.common import width
from llmplan.laws.published import UNROUNDED

FILE = "config/scenarios/my-plan.yaml"
LAW = "laws: [chinchilla-approach3]\nprimary_law: chinchilla-approach3\n"
V1 = f"title: My plan\nbudget: {{flops: 1.0e+23}}\n{LAW}"
V2 = f"title: My plan\nbudget: {{flops: 4.0e+23}}\n{LAW}"
#: N moves as the exact-FLOPs optimum (tests/exact_support.py) moves from V1 to V2
MOVED = exact_params("chinchilla-approach3", 4e23) / exact_params("chinchilla-approach3", 1e23)
#: The project's own config and catalog, wherever a test runs.
PROJECT = ["--config", str(REPO / "config/config.yaml"), "--catalog", str(REPO / "data/catalog")]


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Repo:
    """A project whose scenario my-plan went from 1e23 to 4e23 FLOPs in its last commit."""
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    repo = Repo(tmp_path / "project")
    repo.commit("Plan at 1e23", {FILE: V1})
    repo.commit("Four times the compute", {FILE: V2})
    monkeypatch.chdir(repo.root)
    return repo


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args, *PROJECT])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_revision_against_now_shows_the_budget_and_the_moved_recommendation(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "my-plan@HEAD~1", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["a"]["revision"] == "HEAD~1" and doc["a"]["commit"]["subject"] == "Plan at 1e23"
    assert doc["b"]["revision"] is None
    assert doc["inputs"] == [
        {"field": "budget.flops", "a": 1e23, "b": 4e23, "change": None, "change_kind": None}
    ]
    moved = {row["field"]: row for row in doc["recommendation"]}
    a = UNROUNDED["beta"] / (UNROUNDED["alpha"] + UNROUNDED["beta"])
    assert moved["recommendation.params"]["change"] == pytest.approx(MOVED, rel=1e-6)
    assert MOVED == pytest.approx(4**a, rel=1e-3)  # eq. 4, on exact FLOPs
    assert moved["recommendation.train_flops"]["change"] == pytest.approx(4.0)
    assert moved["recommendation.loss"]["change"] < 0


def test_the_terminal_table(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "my-plan@HEAD~1", "my-plan")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"A  {FILE}@HEAD~1 (") and lines[0].endswith(": Plan at 1e23)")
    assert lines[1] == f"B  {FILE} (as it is now)"
    assert "Inputs: 1 changed" in lines
    row = next(line for line in lines if "budget.flops" in line)
    assert row.split() == ["budget.flops", "1e23", "FLOPs", "->", "4e23", "FLOPs"]
    size = next(line for line in lines if line.lstrip().startswith("Model size"))
    assert size.split()[-1] == f"+{(4**0.4565 - 1) * 100:.0f}%"  # 4^a, a = 0.4565


def test_the_terminal_table_in_chinese(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    """``--lang zh`` says the comparison in Chinese (it printed English): headings, labels,
    numbers in 亿, the model to build in the words of the Chinese report, columns aligned for
    characters two columns wide."""
    code, out, _ = run(capsys, "my-plan@HEAD~1", "my-plan", "--lang", "zh")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith(f"A  {FILE}@HEAD~1（") and lines[0].endswith("：Plan at 1e23）")
    assert lines[1] == f"B  {FILE}（当前版本）"
    assert "输入：1 项变化" in lines
    assert any(line.startswith("推荐方案：") and line.endswith(" 项变化") for line in lines)
    size = next(line for line in lines if line.lstrip().startswith("模型规模"))
    assert size.split()[1].endswith("亿") and size.split()[-1].endswith("%")
    tokens = next(line for line in lines if line.lstrip().startswith("训练 token 数"))
    assert width(size[: size.index("->")]) == width(tokens[: tokens.index("->")])
    at = lines.index("  模型结构")  # the model to build, as the Chinese report words it
    assert "解码器" in lines[at + 1] and "解码器" in lines[at + 2]
    why = lines[lines.index("  依据") + 1]  # the basis, its clauses joined as Chinese joins them
    assert why.startswith("    A: 计算最优") and "；" in why and "; " not in why
    assert not any(word in out for word in ("changed", "Inputs", "Recommendation", "decoder"))


def test_identical_versions_show_no_difference(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "my-plan@HEAD", "my-plan", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["inputs"] == [] and doc["recommendation"] == []
    code, out, _ = run(capsys, "my-plan@HEAD", f"{FILE}")
    assert "No difference: the inputs and the recommendation are the same." in out


def test_html_and_pdf_reports(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    html, pdf = tmp_path / "diff.html", tmp_path / "diff.pdf"
    code, _, err = run(capsys, "my-plan@HEAD~1", "--html", str(html), "--pdf", str(pdf))
    assert code == 0, err
    text = html.read_text()
    assert "What changed" in text and "budget.flops" in text and "Plan at 1e23" in text
    assert "1e23 FLOPs" in text and "4e23 FLOPs" in text
    assert pdf.read_bytes().startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("my-plan@nope", f"{FILE}@nope: unknown revision 'nope'"),
        ("my-plan@HEAD~5", f"{FILE}@HEAD~5: unknown revision 'HEAD~5'"),
        ("my-plan@--exec=x", f"{FILE}@--exec=x: '--exec=x' is not a revision"),
        ("other@HEAD", "config/scenarios/other.yaml@HEAD: the file did not exist at revision"),
        ("my-plan@", "field 'my-plan@': nothing after '@'"),
        ("my-plan", "field 'B': one scenario as it is now has nothing to be compared with"),
    ],
)
def test_bad_revisions_are_one_line_and_exit_2(
    repo: Repo, capsys: pytest.CaptureFixture[str], spec: str, message: str
) -> None:
    (repo.root / "config/scenarios/other.yaml").write_text(V1)
    code, out, err = run(capsys, spec)
    assert code == 2 and out == ""
    assert err.startswith("llmplan: error: ") and message in err, err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_an_old_version_that_no_longer_validates_names_its_revision(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.commit(
        "Bad MFU", {FILE: "title: x\nbudget:\n  hardware: h100-sxm\n  gpu_hours: 1e5\n  mfu: 1.5\n"}
    )
    repo.commit("Fixed", {FILE: V2})
    code, _, err = run(capsys, "my-plan@HEAD~1")
    assert code == 2
    assert err.startswith(f"llmplan: error: {FILE}@HEAD~1:5, entry 'my-plan', field 'budget.mfu'")


def test_outside_git_a_revision_is_a_clean_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)
    (tmp_path / "config/scenarios").mkdir(parents=True)
    (tmp_path / FILE).write_text(V1)
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "my-plan@HEAD~1")
    assert code == 2 and "the file is not inside a git repository" in err
    assert err.count("\n") == 1


def test_two_scenarios_of_the_project(capsys: pytest.CaptureFixture[str], monkeypatch) -> None:
    monkeypatch.chdir(REPO)
    code, out, _ = run(capsys, "lab-8xa100", "startup-64xh100", "--json")
    assert code == 0
    doc = json.loads(out)
    inputs = {row["field"]: (row["a"], row["b"]) for row in doc["inputs"]}
    assert inputs["budget.hardware"] == ("a100-80gb", "h100-sxm")
    assert inputs["budget.count"] == (8, 64)
    moved = {row["field"] for row in doc["recommendation"]}
    assert {"recommendation.params", "recommendation.days", "training_run.layout.text"} <= moved
