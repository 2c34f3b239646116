"""Each rule depends on exactly the code it runs: import closures and template closures."""

from __future__ import annotations

from pathlib import Path

from conftest import REPO
from llmplan.io.provenance import PACKAGE_DIR, code_version, module_closure, template_closure


def _names(paths: list) -> set[str]:
    return {str(p.relative_to(PACKAGE_DIR)) for p in paths}


def test_closure_follows_imports_and_leaves_out_unrelated_stages() -> None:
    report = _names(module_closure(["llmplan.steps.scenario_report"]))
    assert {"report/charts/plan.py", "report/render.py", "steps/scenario_report.py"} <= report
    assert "report/charts/catalog.py" not in report and "fit/search.py" not in report
    catalog = _names(module_closure(["llmplan.steps.catalog"]))
    assert "catalog/tables.py" in catalog and "laws/registry.py" in catalog
    assert not any(name.startswith("report/") for name in catalog)
    # packages' __init__ files run on import, so they count
    assert "report/charts/__init__.py" in report and "__init__.py" in report


def test_template_closure_follows_extends_and_includes() -> None:
    found = {p.name for p in template_closure(["plan.html.j2"], REPO / "workflow/templates")}
    assert found == {
        "plan.html.j2",
        "base.html.j2",
        "style.css.j2",
        "architecture.html.j2",
        "training_run.html.j2",
        "history.html.j2",  # the changed-since section, which includes changes.html.j2
        "changes.html.j2",
    }


def test_code_versions_differ_between_steps_and_are_stable() -> None:
    a = code_version(["llmplan.steps.catalog"])
    assert a == code_version(["llmplan.steps.catalog"])
    assert a != code_version(["llmplan.steps.plan"])


def test_an_edited_template_changes_the_closure_in_the_same_process(tmp_path: Path) -> None:
    """The code hashes are cached per file state: an edit is seen without a new process."""
    (tmp_path / "a.j2").write_text("a\n")
    (tmp_path / "b.j2").write_text("b\n")
    assert [p.name for p in template_closure(["a.j2"], tmp_path)] == ["a.j2"]
    (tmp_path / "a.j2").write_text('{% include "b.j2" %}\n')
    assert [p.name for p in template_closure(["a.j2"], tmp_path)] == ["a.j2", "b.j2"]
