"""A scenario file's history in git: text at a revision, commits touching it, clean errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from git_support import DAY, FIRST_EPOCH, Repo, isolated_git_env

from llmplan.core.errors import InputError
from llmplan.io.git import (
    NotInRepository,
    file_at_revision,
    file_history,
    previous_version,
    resolve_revision,
)

V1 = "title: v1\nbudget: {flops: 1e23}\n"
V2 = "title: v2\nbudget: {flops: 4e23}\n"
FILE = "config/scenarios/my-plan.yaml"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in isolated_git_env(tmp_path).items():
        monkeypatch.setenv(key, value)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """README first (the scenario absent), then v1 and v2 of the scenario, then another file."""
    repo = Repo(tmp_path / "repo")
    repo.commit("Start", {"README.md": "x\n"})
    repo.commit("Plan v1", {FILE: V1})
    repo.commit("Plan v2: 4x the compute", {FILE: V2})
    repo.commit("Unrelated", {"README.md": "y\n"})
    return repo


def test_text_at_each_revision(repo: Repo) -> None:
    path = repo.root / FILE
    commit, text = file_at_revision(path, "HEAD~2")
    assert text == V1
    assert commit.subject == "Plan v1"
    assert commit.epoch == FIRST_EPOCH + DAY and commit.date == "2024-01-02"
    assert file_at_revision(path, "HEAD")[1] == V2
    assert file_at_revision(path, commit.sha[:8])[1] == V1
    assert resolve_revision(path, "main").subject == "Unrelated"


def test_unknown_revision_names_file_and_revision(repo: Repo) -> None:
    path = repo.root / FILE
    with pytest.raises(InputError) as caught:
        file_at_revision(path, "no-such-branch")
    message = str(caught.value)
    assert message.startswith(f"{path}@no-such-branch: unknown revision 'no-such-branch'")
    assert not isinstance(caught.value, NotInRepository)


def test_file_absent_at_revision(repo: Repo) -> None:
    with pytest.raises(InputError, match=r"@HEAD~3: the file did not exist at revision 'HEAD~3'"):
        file_at_revision(repo.root / FILE, "HEAD~3")


@pytest.mark.parametrize("revision", ["--output=/tmp/x", "-p", "", "HEAD\n--all"])
def test_option_like_revisions_are_refused(repo: Repo, revision: str) -> None:
    with pytest.raises(InputError, match="is not a revision"):
        file_at_revision(repo.root / FILE, revision)


def test_outside_git_is_not_in_repository(tmp_path: Path) -> None:
    path = tmp_path / "plain" / "my-plan.yaml"
    path.parent.mkdir()
    path.write_text(V1)
    with pytest.raises(NotInRepository, match="not inside a git repository"):
        file_at_revision(path, "HEAD")
    with pytest.raises(NotInRepository):
        previous_version(path, V1)


def test_a_git_that_does_not_answer_in_time_is_an_error(repo: Repo) -> None:
    with pytest.raises(InputError, match="git did not answer within"):
        file_at_revision(repo.root / FILE, "HEAD", timeout=1e-6)


def test_history_lists_only_commits_touching_the_file(repo: Repo) -> None:
    subjects = [c.subject for c in file_history(repo.root / FILE)]
    assert subjects == ["Plan v2: 4x the compute", "Plan v1"]


def test_previous_version_stays_put_when_the_edit_is_committed(repo: Repo) -> None:
    path = repo.root / FILE
    commit, text = previous_version(path, V2) or (None, None)
    assert commit is not None and commit.subject == "Plan v1" and text == V1
    # an uncommitted edit: the previous version is the last commit
    v3 = V2.replace("4e23", "8e23")
    path.write_text(v3)
    before = previous_version(path, v3)
    assert before is not None and before[0].subject == "Plan v2: 4x the compute"
    # committing the edit changes nothing: the previous version is still v2
    repo.commit("Plan v3")
    after = previous_version(path, v3)
    assert after is not None and after[0] == before[0]
    # a commit elsewhere changes nothing either
    repo.commit("Unrelated again", {"README.md": "z\n"})
    assert previous_version(path, v3) == after


def test_previous_version_of_a_file_committed_once_or_untracked(repo: Repo) -> None:
    once = repo.root / "config/scenarios/once.yaml"
    repo.commit("Once", {"config/scenarios/once.yaml": V1})
    assert previous_version(once, V1) is None
    untracked = repo.write("config/scenarios/new.yaml", V1)
    assert file_history(untracked) == []
    assert previous_version(untracked, V1) is None


def test_a_reverted_text_compares_with_the_commit_that_differs(repo: Repo) -> None:
    path = repo.root / FILE
    repo.commit("Back to v1", {FILE: V1})
    found = previous_version(path, V1)
    assert found is not None and found[1] == V2
