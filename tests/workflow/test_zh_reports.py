"""The Chinese reports of a real build hold no untranslated English sentence.

Every ``*.zh.html`` the workflow wrote for ``.test/config.yaml`` (plans, catalog, fit, sweep,
index) is read as a reader sees it (``report.english.visible_text``) and searched for runs of three
or more English words. What may stay in Latin script is named, not guessed: the catalog's model
names, each plan's law names and citations, the software packages of the provenance table, the
user's own scenario and sweep texts where they have no Chinese translation, and commit subjects.
"""

from __future__ import annotations

import json
from pathlib import Path

from report.english import citations, english_runs, unspaced_sentences, visible_text

from llmplan.report.changes import MAX_SUBJECT, _shortened


def _user_texts(doc: dict) -> list[str]:
    """Titles and descriptions the user wrote (shown as written when not translated)."""
    texts = [doc.get("title", ""), doc.get("description", "")]
    for local in (doc.get("translations") or {}).values():
        texts += [local.get("title", ""), local.get("description", "")]
    return [t for t in texts if t]


def _proper_names(reports: Path) -> list[str]:
    catalog = json.loads((reports / "catalog" / "catalog.json").read_text(encoding="utf-8"))
    names = [m["name"] for m in catalog["models"]] + [h["name"] for h in catalog["hardware"]]
    for plan_json in reports.glob("scenarios/*/plan.json"):
        plan = json.loads(plan_json.read_text(encoding="utf-8"))
        names += [law["name"] for law in plan["laws"]] + citations(plan)
        names += list(plan["provenance"].get("packages", {}))
        names += _user_texts(plan["scenario"])
        history = plan_json.with_name("history.json")
        if history.exists():
            previous = json.loads(history.read_text(encoding="utf-8")).get("previous") or {}
            names.append(_shortened(previous.get("subject", ""), MAX_SUBJECT))  # as shown
    for sweep_json in reports.glob("sweeps/*/sweep.json"):
        sweep = json.loads(sweep_json.read_text(encoding="utf-8"))
        names += _user_texts(sweep["sweep"])
    for fit_json in reports.glob("fits/*/fit.json"):
        names += list(
            json.loads(fit_json.read_text(encoding="utf-8"))["provenance"].get("packages", {})
        )
    return names


def test_every_chinese_report_of_a_build_is_chinese(built_once: Path) -> None:
    reports = built_once / "reports"
    pages = [p for p in sorted(reports.rglob("*.zh.html")) if ".last-good" not in p.parts]
    kinds = {p.relative_to(reports).parts[0] for p in pages}
    assert {"scenarios", "catalog", "fits", "sweeps", "index.zh.html"} <= kinds
    names = _proper_names(reports)
    left = {
        str(p.relative_to(reports)): runs
        for p in pages
        if (runs := english_runs(visible_text(p.read_text(encoding="utf-8")), proper_names=names))
    }
    assert left == {}
    # the check itself can fail: the English report of the same plan is full of English
    english = reports / "scenarios" / "one-pf-day" / "plan.html"
    assert (
        len(english_runs(visible_text(english.read_text(encoding="utf-8")), proper_names=names))
        > 20
    )


def test_sentences_are_spaced_as_their_language_spaces_them(built_once: Path) -> None:
    """Every page of a build, English and Chinese: a sentence that follows another in the same
    paragraph is separated by a space in English and by nothing but its full-width stop in
    Chinese (templates join them with ``gap``)."""
    reports = built_once / "reports"
    pages = [p for p in sorted(reports.rglob("*.html")) if ".last-good" not in p.parts]
    assert len(pages) > 10
    found = {
        str(p.relative_to(reports)): bad
        for p in pages
        if (
            bad := unspaced_sentences(
                visible_text(p.read_text(encoding="utf-8"), placeholder="x"),
                "zh" if p.name.endswith(".zh.html") else "en",
            )
        )
    }
    assert found == {}
    # the check itself can fail
    assert unspaced_sentences("Left out: Kaplan et al. 2020.Predicted losses", "en")
    assert unspaced_sentences("没有超支。 恰好用完全部预算", "zh")
