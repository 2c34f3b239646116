"""Each rule depends on exactly the code it runs: import closures and template closures."""

from __future__ import annotations

import ast
from pathlib import Path

import jinja2
from jinja2 import meta

from conftest import REPO
from llmplan.io import provenance
from llmplan.io.provenance import (
    PACKAGE_DIR,
    TEMPLATE_DIR,
    code_version,
    module_closure,
    template_closure,
)


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


def _imports_by_ast(text: str) -> set[str]:
    """The oracle: llmplan imports as Python's own parser reads them."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.split(".")[0] == "llmplan"}


def _read_imports(path: Path) -> set[str]:
    return set(provenance._imports(provenance._state(path)))


def test_imports_read_as_pythons_parser_reads_them_in_every_module() -> None:
    files = sorted(provenance.PACKAGE_DIR.rglob("*.py"))
    assert len(files) > 100
    for path in files:
        assert _read_imports(path) == _imports_by_ast(path.read_text(encoding="utf-8")), path


def test_imports_in_every_form_the_house_writes(tmp_path: Path) -> None:
    text = (
        "import os\n"
        "import llmplan.core.units\n"
        "from llmplan.laws import hoffmann as h, kaplan\n"
        "from llmplan.plan.build import (  # the builder (cached)\n"
        "    build_plan,\n"
        "    # a comment between names\n"
        "    plan_document as document,\n"
        ")\n"
        "from numpy import llmplan_lookalike\n"
        "def late():\n"
        "    from llmplan.report import render\n"
        "    import llmplan.fit.bootstrap as bootstrap\n"
    )
    path = tmp_path / "module.py"
    path.write_text(text, encoding="utf-8")
    assert (
        _read_imports(path)
        == _imports_by_ast(text)
        == {
            "llmplan.core.units",
            "llmplan.laws",
            "llmplan.laws.hoffmann",
            "llmplan.laws.kaplan",
            "llmplan.plan.build",
            "llmplan.plan.build.build_plan",
            "llmplan.plan.build.plan_document",
            "llmplan.report",
            "llmplan.report.render",
            "llmplan.fit.bootstrap",
        }
    )


def test_template_references_as_jinja_reads_them_in_every_template(tmp_path: Path) -> None:
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])

    def by_jinja(path: Path) -> set[str]:
        parsed = env.parse(path.read_text(encoding="utf-8"))
        return {name for name in meta.find_referenced_templates(parsed) if name}

    edge = tmp_path / "edge.html.j2"
    edge.write_text(
        '{# {% include "commented-out.j2" %} #}\n{%- extends "base.html.j2" -%}\n'
        "{% from 'partials/changes.html.j2' import change_table %}\n"
        '{% if x %}{% include "a.j2" %}{% endif %}{% include name %}\n',
        encoding="utf-8",
    )
    files = [*sorted(TEMPLATE_DIR.rglob("*.j2")), edge]
    assert len(files) > 10
    for path in files:
        found = set(provenance._template_references(provenance._state(path)))
        assert found == by_jinja(path), path
    assert by_jinja(edge) == {"base.html.j2", "partials/changes.html.j2", "a.j2"}
