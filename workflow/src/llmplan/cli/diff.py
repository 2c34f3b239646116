"""``llmplan diff A B``: what changed between two scenarios, or one scenario at two git revisions.

``A`` and ``B`` are scenario names (``config/scenarios/<name>.yaml``) or ``.yaml`` paths, either
optionally followed by ``@REV`` for the file as it was at a git revision (``my-plan@HEAD~3``, read
with ``git show REV:FILE``, :mod:`llmplan.io.git`). ``B`` defaults to ``A`` as it is now, so
``llmplan diff my-plan@HEAD~1`` is the last change of ``my-plan``.

Both versions are planned by :func:`llmplan.plan.build.build_plan`, the workflow's own code path,
with today's config, catalog and fits: only the scenario differs. The output lists the inputs that
changed (:func:`llmplan.plan.compare.diff_inputs`) and how the recommendation moved
(:func:`llmplan.plan.compare.diff_recommendations`): as a table, as JSON (``--json``), or as a
small HTML or PDF report (``--html``, ``--pdf``). A user's mistake (unknown revision, file absent
at that revision, not a git repository) is one line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from llmplan.cli.check import DEFAULT_SCENARIOS, scenario_file
from llmplan.cli.common import DEFAULT_CATALOG, load_fits, pad, width
from llmplan.core.errors import InputError, Where
from llmplan.core.msgid import N_
from llmplan.inputs.catalog import Catalog, load_catalog
from llmplan.inputs.scenario import parse_scenario
from llmplan.inputs.settings import Settings, known_law_ids
from llmplan.io.git import Commit, file_at_revision
from llmplan.io.jsonio import dumps, write_atomic
from llmplan.io.yamldoc import read_text
from llmplan.laws.base import Law
from llmplan.laws.registry import KNOWN_IDS
from llmplan.plan.build import build_plan
from llmplan.plan.check import load_settings
from llmplan.plan.compare import compare
from llmplan.report.changes import ChangeRow, change_rows
from llmplan.report.i18n import LANGUAGES, Language, language

TEMPLATE = "diff.html.j2"
#: Values longer than this are printed below their field rather than in the table's columns.
COLUMN_WIDTH = 28


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "diff",
        help="what changed between two scenarios, or one scenario at two git revisions",
        description=(
            "Plan two scenarios and show what changed in the inputs and in the recommendation. "
            "A and B are scenario names (config/scenarios/<name>.yaml) or .yaml paths, each "
            "optionally NAME@REV for the file at a git revision (my-plan@HEAD~3). B defaults to "
            "A as it is now. Both are planned with today's config, catalog and fits."
        ),
    )
    p.add_argument("a", metavar="A", help="scenario, path, or either @REV (my-plan@HEAD~3)")
    p.add_argument("b", metavar="B", nargs="?", help="the same forms (default: A as it is now)")
    p.add_argument("--json", action="store_true", help="print {a, b, inputs, recommendation}")
    p.add_argument("--html", metavar="OUT.html", help="also write the comparison as HTML")
    p.add_argument("--pdf", metavar="OUT.pdf", help="also write the comparison as PDF")
    p.add_argument(
        "--lang", default="en", choices=sorted(LANGUAGES), help="language of the text and reports"
    )
    p.add_argument("--config", default=None, help="settings file (default config/config.yaml)")
    p.add_argument("--catalog", default=DEFAULT_CATALOG, help="catalog directory")
    p.add_argument("--scenario-dir", default=DEFAULT_SCENARIOS, help="scenario directory")
    p.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="FIT.json",
        help="a fit.json adding the law fit:<dataset> (default: every reports/fits/*/fit.json)",
    )
    p.set_defaults(func=run_diff)


@dataclass(frozen=True)
class Version:
    """One side of a comparison: a scenario file, at a revision or as it is now, and its text."""

    path: Path
    revision: str | None
    commit: Commit | None
    text: str

    @property
    def shown(self) -> str:
        """The file as errors name it: ``path`` or ``path@REV``."""
        return str(self.path) if self.revision is None else f"{self.path}@{self.revision}"

    def describe(self) -> dict[str, Any]:
        out = {
            "file": str(self.path),
            "revision": self.revision,
            "commit": None if self.commit is None else self.commit.to_dict(),
        }
        return {**out, "label": label(out, language("en"))}


#: The terminal's words (``--lang`` picks their translation).
TEXT: Final = {
    "now": N_("{file} (as it is now)"),
    "at": N_("{file}@{revision} ({commit}, {date}: {subject})"),
    "inputs": N_("Inputs"),
    "recommendation": N_("Recommendation"),
    "unchanged": N_("{title}: unchanged"),
    "changed": N_("{title}: {n} changed"),
    "same": N_("No difference: the inputs and the recommendation are the same."),
}


def label(side: Mapping[str, Any], lang: Language) -> str:
    """One side of a comparison as its heading names it: the file as it is now, or at a
    revision with its commit."""
    commit = side["commit"]
    if commit is None:
        return lang.gettext(TEXT["now"]).format(file=side["file"])
    subject = commit["subject"]
    subject = subject if len(subject) <= 60 else subject[:59].rstrip() + "…"
    return lang.gettext(TEXT["at"]).format(
        file=side["file"],
        revision=side["revision"],
        commit=commit["short"],
        date=commit["date"],
        subject=subject,
    )


def split_spec(spec: str, scenario_dir: Path | str = DEFAULT_SCENARIOS) -> tuple[Path, str | None]:
    """``my-plan@HEAD~3`` -> (config/scenarios/my-plan.yaml, "HEAD~3"); no ``@``: revision None.

    An existing file whose name holds an ``@`` is that file. Scenario names never hold one.
    """
    if "@" in spec and not Path(spec).is_file():
        name, _, revision = spec.partition("@")
        if not revision:
            raise InputError(
                Where("command line", field=spec),
                "nothing after '@'",
                expected="NAME@REV with a git revision such as HEAD~1",
            )
        return scenario_file(name, scenario_dir), revision
    return scenario_file(spec, scenario_dir), None


def read_version(spec: str, scenario_dir: Path | str = DEFAULT_SCENARIOS) -> Version:
    """The text of one side: the file now, or at its revision (:func:`llmplan.io.git`)."""
    path, revision = split_spec(spec, scenario_dir)
    if revision is None:
        return Version(path, None, None, read_text(path, str(path)))
    commit, text = file_at_revision(path, revision)
    return Version(path, revision, commit, text)


def plan_version(
    version: Version, *, catalog: Catalog, settings: Settings, fitted: dict[str, Law]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The scenario's mapping as written and its plan (JSON-ready), errors naming ``path@REV``."""
    known = (*known_law_ids({"fits": {key: {} for key in settings.fits}}, KNOWN_IDS), *fitted)
    try:
        scenario = parse_scenario(
            version.text,
            str(version.path),
            hardware=catalog.hardware,
            settings=settings,
            known_laws=known,
        )
    except InputError as err:
        if err.where.file != str(version.path) or version.revision is None:
            raise
        raise InputError(
            replace(err.where, file=version.shown),
            err.problem,
            expected=err.expected,
            hint=err.hint,
        ) from None
    plan = build_plan(
        scenario,
        catalog,
        provenance={},
        fitted=fitted,
        inference_loss_tolerance=settings.inference_loss_tolerance,
    )
    return dict(scenario.doc.data), json.loads(dumps(plan))


def diff_document(args: argparse.Namespace) -> dict[str, Any]:
    """The comparison as ``--json`` prints it: ``{a, b, inputs, recommendation}``."""
    first = read_version(args.a, args.scenario_dir)
    if args.b is None:
        if first.revision is None:
            raise InputError(
                Where("command line", field="B"),
                "one scenario as it is now has nothing to be compared with",
                expected="two scenarios (A B), or A@REV to compare a revision with the file now",
            )
        second = Version(first.path, None, None, read_text(first.path, str(first.path)))
    else:
        second = read_version(args.b, args.scenario_dir)
    settings = load_settings(args.config)
    catalog = load_catalog(Path(args.catalog))
    fitted = load_fits(args.fit, Where("command line", field="--fit"))
    inputs_a, plan_a = plan_version(first, catalog=catalog, settings=settings, fitted=fitted)
    inputs_b, plan_b = plan_version(second, catalog=catalog, settings=settings, fitted=fitted)
    comparison = compare(inputs_a, inputs_b, plan_a, plan_b)
    return {"a": first.describe(), "b": second.describe(), **comparison.to_dict()}


def _table(title: str, rows: list[ChangeRow], lang: Language, *, with_change: bool) -> list[str]:
    say = lang.gettext
    if not rows:
        return [say(TEXT["unchanged"]).format(title=title)]
    lines = [say(TEXT["changed"]).format(title=title, n=len(rows))]
    short = [r for r in rows if max(width(r.a), width(r.b)) <= COLUMN_WIDTH]
    label_width = max((width(r.label) for r in rows), default=0)
    col = max((max(width(r.a), width(r.b)) for r in short), default=1)
    for r in rows:
        if r in short:
            line = f"  {pad(r.label, label_width)}  {pad(r.a, col)}  ->  {pad(r.b, col)}"
            if with_change and r.change:
                line += f"  {r.change}"
            lines.append(line.rstrip())
        else:
            lines += [f"  {r.label}", f"    A: {r.a}", f"    B: {r.b}"]
    return lines


def render_text(doc: dict[str, Any], lang: Language | None = None) -> str:
    """The comparison as the terminal shows it, in ``lang`` (default English)."""
    lang = lang or language("en")
    say = lang.gettext
    lines = [f"A  {label(doc['a'], lang)}", f"B  {label(doc['b'], lang)}", ""]
    if not doc["inputs"] and not doc["recommendation"]:
        lines.append(say(TEXT["same"]))
        return "\n".join(lines)
    inputs = change_rows(doc["inputs"], lang)
    lines += _table(say(TEXT["inputs"]), inputs, lang, with_change=False)
    lines.append("")
    recommendation = change_rows(doc["recommendation"], lang)
    lines += _table(say(TEXT["recommendation"]), recommendation, lang, with_change=True)
    return "\n".join(lines)


def write_report(
    doc: dict[str, Any], *, settings: Settings, lang: str, html: str | None, pdf: str | None
) -> None:
    """The comparison as a small HTML and/or PDF report (``diff.html.j2``)."""
    from llmplan.io.provenance import build_epoch
    from llmplan.report.changes import diff_context
    from llmplan.report.render import html_to_pdf, render_html

    chosen = language(lang)
    text = render_html(TEMPLATE, diff_context(doc, settings, chosen), lang=chosen)
    if html:
        write_atomic(html, text)
    if pdf:
        write_atomic(pdf, html_to_pdf(text, epoch=build_epoch() or 0))


def run_diff(args: argparse.Namespace) -> int:
    doc = diff_document(args)
    if args.html or args.pdf:
        write_report(
            doc, settings=load_settings(args.config), lang=args.lang, html=args.html, pdf=args.pdf
        )
    if args.json:
        sys.stdout.write(dumps(doc))
    else:
        print(render_text(doc, language(args.lang)))
    return 0
