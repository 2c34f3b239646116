"""The workflow's steps as functions of paths: read inputs, call the pure library, write outputs.

The Snakemake scripts in ``workflow/scripts/`` are one call each into this module (so the steps
can be tested and run without Snakemake). Every output is written atomically (to a temporary
file, then renamed), so an interrupted run never leaves a half-written report behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from llmplan.catalog import Catalog, load_catalog
from llmplan.errors import LlmplanError
from llmplan.scenario import Settings, load_scenario

PACKAGES = ("llmplan", "numpy", "scipy", "pandas", "matplotlib", "jinja2", "weasyprint")


# ---------------------------------------------------------------- small I/O helpers
def _clean(value: Any) -> Any:
    """JSON-ready copy: NaN and inf become None, tuples lists, numpy scalars floats."""
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def dumps(data: Any) -> str:
    """Deterministic JSON text (stable key order as built, no NaN)."""
    return json.dumps(_clean(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write ``content`` to ``path`` via a temporary file and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        if isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def read_json(path: Path | str) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def sha256_file(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sha256_files(paths: Sequence[Path | str]) -> str:
    digest = hashlib.sha256()
    for path in sorted(str(p) for p in paths):
        digest.update(path.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


# ---------------------------------------------------------------- provenance
def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def build_date() -> str:
    """ISO date of the build: ``SOURCE_DATE_EPOCH`` if set, else the commit's date, else 'unknown'.

    Never the wall clock, so rebuilding the same commit gives the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or _git("log", "-1", "--format=%ct")
    if epoch is None:
        return "unknown"
    stamp = dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def provenance(inputs: Mapping[str, str]) -> dict[str, Any]:
    """Git commit, input hashes, package versions and build date."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    commit = _git("rev-parse", "HEAD")
    return {
        "git_commit": commit,
        "inputs_sha256": dict(inputs),
        "python": ".".join(map(str, sys.version_info[:3])),
        "packages": versions,
        "build_date": build_date(),
    }


# ---------------------------------------------------------------- checking inputs up front
def check_config(path: Path | str = "config/config.yaml") -> dict[str, Any]:
    """Validate a config file with file, line and field in every message; return its settings.

    Run before Snakemake reads the file (its own parser gives no line for a syntax error, and its
    ``validate()`` prints a jsonschema dump), so a mistake in ``config/config.yaml`` reads like
    one in a scenario. ``validate(config, schema=...)`` in the Snakefile stays, for values given
    with ``--config``.
    """
    from llmplan.errors import InputError, unknown_choice
    from llmplan.laws import LAW_IDS
    from llmplan.schema import validate_doc
    from llmplan.yamlio import read_yaml

    doc = read_yaml(path)
    if doc.data is None:
        raise InputError(
            doc.where(),
            "the file is empty",
            expected="a mapping of settings such as 'laws:' (every key is optional; write {} "
            "for all defaults)",
        )
    if not isinstance(doc.data, dict):
        raise InputError(
            doc.where(),
            f"found a {type(doc.data).__name__} at the top level",
            expected="a mapping of settings such as 'laws:' and 'assumptions:'",
        )
    validate_doc(doc, "config")
    for i, law in enumerate(doc.data.get("laws") or ()):
        if law not in LAW_IDS:
            raise unknown_choice(doc.where("laws", i), "law id", law, LAW_IDS)
    return dict(doc.data)


def check_inputs(
    scenario_dir: Path | str, catalog_dir: Path | str, config: Mapping[str, Any]
) -> list[str]:
    """Validate the catalog and every scenario before any job runs; return the scenario names.

    Called when Snakemake builds the DAG, so a mistake in any input stops the run before a
    single output is touched, with one message naming the file, line, entry and field.
    """
    from llmplan.errors import InputError, Where, unknown_choice
    from llmplan.laws import LAW_IDS
    from llmplan.scenario import scenario_name

    catalog = load_catalog(catalog_dir)
    settings = Settings.from_config(config)
    for i, law in enumerate(settings.laws):  # config/config.yaml is checked with its lines first;
        if law not in LAW_IDS:  # this catches law ids given with --config
            raise unknown_choice(Where("config", field=f"laws[{i}]"), "law id", law, LAW_IDS)
    scenario_dir = Path(scenario_dir)
    for stray in sorted(scenario_dir.glob("*.yml")):
        raise InputError(
            Where(str(stray)),
            "scenario files must end in .yaml",
            expected=f"{stray.with_suffix('.yaml').name}",
        )
    names: dict[str, str] = {}
    for path in sorted(scenario_dir.glob("*.yaml")):
        name = scenario_name(path)
        if name.lower() in names:
            raise InputError(
                Where(str(path)),
                f"scenario '{name}' differs from '{names[name.lower()]}' only by case",
                expected="names that stay distinct on case-insensitive file systems",
            )
        names[name.lower()] = name
        load_scenario(path, hardware=catalog.hardware, settings=settings, known_laws=LAW_IDS)
    return sorted(names.values())


# ---------------------------------------------------------------- steps
def write_catalog(
    catalog_dir: Path | str, out_json: Path | str, *, config: Mapping[str, Any]
) -> None:
    """Load, validate and normalise the catalog into ``catalog.json``, with derived columns.

    ``normalised`` holds the validated entries (what later steps rebuild the catalog from);
    ``models`` and ``hardware`` are the derived tables shown in reports.
    """
    from llmplan.catalog import catalog_json
    from llmplan.laws import all_laws

    settings = Settings.from_config(config)
    catalog = load_catalog(catalog_dir)
    laws = all_laws(tokens_per_param=settings.tokens_per_param)
    data = catalog_json(catalog, laws, mfu=settings.assumptions.mfu)
    data["normalised"] = catalog.to_dict()
    data["provenance"] = provenance(
        {"catalog": sha256_files(sorted(Path(catalog_dir).glob("*.yaml")))}
    )
    write_atomic(out_json, dumps(data))


def read_catalog(catalog_json: Path | str) -> Catalog:
    """The catalog as normalised by :func:`write_catalog`."""
    return Catalog.from_dict(read_json(catalog_json)["normalised"])


def write_plan(
    scenario_path: Path | str,
    catalog_json: Path | str,
    out_json: Path | str,
    *,
    config: Mapping[str, Any],
) -> None:
    """Validate a scenario against the normalised catalog and write its ``plan.json``."""
    from llmplan.laws import LAW_IDS
    from llmplan.plan import build_plan

    settings = Settings.from_config(config)
    catalog_data = read_json(catalog_json)
    catalog = Catalog.from_dict(catalog_data["normalised"])
    scenario = load_scenario(
        scenario_path, hardware=catalog.hardware, settings=settings, known_laws=LAW_IDS
    )
    prov = provenance(
        {
            "scenario": scenario.sha256,
            "catalog": catalog_data.get("provenance", {}).get("inputs_sha256", {}).get("catalog"),
        }
    )
    write_atomic(out_json, dumps(build_plan(scenario, catalog, provenance=prov)))


def write_scenario_report(
    plan_json: Path | str, out_html: Path | str, out_pdf: Path | str, *, config: Mapping[str, Any]
) -> None:
    from llmplan.plan import isoflop_chart
    from llmplan.report import html_to_pdf, render_html, safe_svg

    settings = Settings.from_config(config)
    plan = read_json(plan_json)
    html = render_html(
        "plan.html.j2",
        {
            "plan": plan,
            "settings": settings,
            "charts": {"isoflop": safe_svg(isoflop_chart(plan))},
        },
    )
    write_atomic(out_html, html)
    write_atomic(out_pdf, html_to_pdf(html))


def write_catalog_report(
    catalog_json: Path | str,
    out_html: Path | str,
    out_pdf: Path | str,
    *,
    config: Mapping[str, Any],
) -> None:
    """The catalog report: compute per model, N against D with each law's frontier, tables."""
    import pandas as pd

    from llmplan.catalog_charts import compute_chart_svg, params_tokens_svg
    from llmplan.laws import all_laws
    from llmplan.report import html_to_pdf, render_html, safe_svg

    settings = Settings.from_config(config)
    data = read_json(catalog_json)
    table = pd.DataFrame(data["models"])
    laws = all_laws(tokens_per_param=settings.tokens_per_param)
    html = render_html(
        "catalog.html.j2",
        {
            "catalog": data,
            "settings": settings,
            "charts": {
                "compute": safe_svg(compute_chart_svg(table)),
                "params_tokens": safe_svg(
                    params_tokens_svg(table, laws, tokens_per_param=settings.tokens_per_param)
                ),
            },
        },
    )
    write_atomic(out_html, html)
    write_atomic(out_pdf, html_to_pdf(html))


def write_index(
    plan_jsons: Sequence[Path | str],
    catalog_json: Path | str,
    out_html: Path | str,
    *,
    config: Mapping[str, Any],
) -> None:
    from llmplan.report import render_html

    settings = Settings.from_config(config)
    plans = sorted((read_json(p) for p in plan_jsons), key=lambda p: p["scenario"]["name"])
    catalog = read_json(catalog_json)
    html = render_html(
        "index.html.j2",
        {
            "plans": plans,
            "catalog": catalog,
            "settings": settings,
            "build_date": build_date(),
            "git_commit": _git("rev-parse", "HEAD"),
        },
    )
    write_atomic(out_html, html)


# ---------------------------------------------------------------- running a step from Snakemake
def run_step(step: Callable[..., None], *args: Any, log: str | None = None, **kwargs: Any) -> None:
    """Run a workflow step; a user's mistake becomes one clear paragraph and exit code 1.

    Errors go to stderr and, if given, to the rule's log file. Anything that is not an
    :class:`LlmplanError` is a bug in llmplan and keeps its traceback.
    """
    try:
        step(*args, **kwargs)
    except LlmplanError as err:
        message = f"llmplan: error: {err}\n"
        sys.stderr.write(message)
        if log:
            Path(log).parent.mkdir(parents=True, exist_ok=True)
            Path(log).write_text(message, encoding="utf-8")
        sys.exit(1)
    if log:
        Path(log).parent.mkdir(parents=True, exist_ok=True)
        Path(log).write_text("ok\n", encoding="utf-8")
