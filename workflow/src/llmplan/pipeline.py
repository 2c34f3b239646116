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
from llmplan.errors import InputError, LlmplanError, Where
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


def code_version(*folders: Path | str) -> str:
    """A short hash of the code and templates under ``folders`` (*.py, *.j2).

    Rules take it as a parameter, so a change of the library or a template reruns the jobs it
    affects (Snakemake's params trigger) without listing every source file as an input.
    """
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix in (".py", ".j2", ".css") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# ---------------------------------------------------------------- provenance
def _git(*args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", *args], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return out or None


def build_epoch() -> int | None:
    """Seconds since 1970 of the build: ``SOURCE_DATE_EPOCH`` if set, else the commit's time.

    Never the wall clock, so rebuilding the same commit gives the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or _git("log", "-1", "--format=%ct")
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


def _pdf(html: str) -> bytes:
    from llmplan.report import html_to_pdf

    return html_to_pdf(html, epoch=build_epoch() or 0)


def provenance(inputs: Mapping[str, str]) -> dict[str, Any]:
    """Git commit, input hashes, package versions and build date."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    commit = _git("rev-parse", "HEAD")
    changed = _git("status", "--porcelain", "--", "Snakefile", "config", "data", "workflow")
    return {
        "git_commit": commit,
        "git_dirty": bool(changed),
        "inputs_sha256": dict(inputs),
        "python": ".".join(map(str, sys.version_info[:3])),
        "packages": versions,
        "build_date": build_date(),
    }


# ---------------------------------------------------------------- checking inputs up front
def known_law_ids(config: Mapping[str, Any]) -> tuple[str, ...]:
    """The built-in law ids and ``fit:<name>`` for every dataset under ``fits:`` in the config."""
    from llmplan.laws import LAW_IDS

    return (*LAW_IDS, *(f"fit:{name}" for name in sorted(config.get("fits") or {})))


def check_config(path: Path | str = "config/config.yaml") -> dict[str, Any]:
    """Validate a config file with file, line and field in every message; return its settings.

    Run before Snakemake reads the file (its own parser gives no line for a syntax error, and its
    ``validate()`` prints a jsonschema dump), so a mistake in ``config/config.yaml`` reads like
    one in a scenario. ``validate(config, schema=...)`` in the Snakefile stays, for values given
    with ``--config``.
    """
    from llmplan.errors import InputError, unknown_choice
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
    known = known_law_ids(doc.data)
    for i, law in enumerate(doc.data.get("laws") or ()):
        if law not in known:
            raise unknown_choice(doc.where("laws", i), "law id", law, known)
    if "primary_law" in doc.data and doc.data["primary_law"] not in known:
        raise unknown_choice(doc.where("primary_law"), "law id", doc.data["primary_law"], known)
    return dict(doc.data)


def check_inputs(
    scenario_dir: Path | str, catalog_dir: Path | str, config: Mapping[str, Any]
) -> dict[str, tuple[str, ...]]:
    """Validate the catalog and every scenario before any job runs.

    Called when Snakemake builds the DAG, so a mistake in any input stops the run before a
    single output is touched, with one message naming the file, line, entry and field.

    Returns
    -------
    dict
        Scenario name to the law ids it compares (the workflow needs the fits they use).
    """
    from llmplan.errors import unknown_choice
    from llmplan.scenario import scenario_name

    for name, spec in sorted((config.get("fits") or {}).items()):
        if "path" in spec and not Path(spec["path"]).is_file():
            raise InputError(
                Where("config/config.yaml", entry=f"fits.{name}", field="path"),
                f"runs file '{spec['path']}' not found",
                expected="a CSV path relative to the repository",
            )
    known = known_law_ids(config)
    catalog = load_catalog(catalog_dir)
    settings = Settings.from_config(config)
    for i, law in enumerate(settings.laws):  # config/config.yaml is checked with its lines first;
        if law not in known:  # this catches law ids given with --config
            raise unknown_choice(Where("config", field=f"laws[{i}]"), "law id", law, known)
    scenario_dir = Path(scenario_dir)
    for stray in sorted(scenario_dir.glob("*.yml")):
        raise InputError(
            Where(str(stray)),
            "scenario files must end in .yaml",
            expected=f"{stray.with_suffix('.yaml').name}",
        )
    names: dict[str, str] = {}
    laws: dict[str, tuple[str, ...]] = {}
    for path in sorted(scenario_dir.glob("*.yaml")):
        name = scenario_name(path)
        if name.lower() in names:
            raise InputError(
                Where(str(path)),
                f"scenario '{name}' differs from '{names[name.lower()]}' only by case",
                expected="names that stay distinct on case-insensitive file systems",
            )
        names[name.lower()] = name
        scenario = load_scenario(
            path, hardware=catalog.hardware, settings=settings, known_laws=known
        )
        laws[name] = scenario.laws
    return dict(sorted(laws.items()))


# ---------------------------------------------------------------- steps
def write_catalog(
    catalog_dir: Path | str, out_json: Path | str, *, config: Mapping[str, Any]
) -> None:
    """Load, validate and normalise the catalog into ``catalog.json``, with derived columns.

    ``normalised`` holds the validated entries (what later steps rebuild the catalog from);
    ``models`` and ``hardware`` are the derived tables shown in reports.
    """
    from llmplan.catalog import catalog_json, model_table
    from llmplan.laws import all_laws
    from llmplan.trends import compute_vs_year, tokens_vs_params

    settings = Settings.from_config(config)
    catalog = load_catalog(catalog_dir)
    laws = all_laws(tokens_per_param=settings.tokens_per_param)
    data = catalog_json(catalog, laws, mfu=settings.assumptions.mfu)
    table = model_table(catalog, laws)
    data["trends"] = {
        "tokens_vs_params": tokens_vs_params(table).to_dict(),
        "compute_vs_year": compute_vs_year(table).to_dict(),
    }
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
    fit_jsons: Mapping[str, Path | str] | None = None,
) -> None:
    """Validate a scenario against the normalised catalog and write its ``plan.json``.

    ``fit_jsons`` maps dataset names to the fit.json of every ``fit:<name>`` law it uses.
    """
    from llmplan.plan import build_plan

    settings = Settings.from_config(config)
    catalog_data = read_json(catalog_json)
    catalog = Catalog.from_dict(catalog_data["normalised"])
    scenario = load_scenario(
        scenario_path,
        hardware=catalog.hardware,
        settings=settings,
        known_laws=known_law_ids(config),
    )
    inputs = {
        "scenario": scenario.sha256,
        "catalog": catalog_data.get("provenance", {}).get("inputs_sha256", {}).get("catalog"),
    }
    for name, path in sorted((fit_jsons or {}).items()):
        inputs[f"fit:{name}"] = sha256_file(path)
    plan = build_plan(
        scenario, catalog, provenance=provenance(inputs), fitted=fitted_laws(fit_jsons or {})
    )
    write_atomic(out_json, dumps(plan))


def write_scenario_report(
    plan_json: Path | str, out_html: Path | str, out_pdf: Path | str, *, config: Mapping[str, Any]
) -> None:
    from llmplan.plan_charts import frontier_chart, isoflop_chart, sensitivity_chart
    from llmplan.report import render_html, safe_svg

    settings = Settings.from_config(config)
    plan = read_json(plan_json)
    html = render_html(
        "plan.html.j2",
        {
            "plan": plan,
            "settings": settings,
            "charts": {
                "isoflop": safe_svg(isoflop_chart(plan)),
                "frontier": safe_svg(frontier_chart(plan)),
                "sensitivity": safe_svg(sensitivity_chart(plan)),
            },
        },
    )
    write_atomic(out_html, html)
    write_atomic(out_pdf, _pdf(html))


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
    from llmplan.report import render_html, safe_svg

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
    write_atomic(out_pdf, _pdf(html))


def write_synthetic_runs(spec: Mapping[str, Any], out_csv: Path | str) -> None:
    """Generate the synthetic IsoFLOP sweep of a ``fits.<name>.synthetic`` config entry."""
    from llmplan.laws import ParametricLaw, get_law
    from llmplan.runs import synthetic_isoflop

    law = get_law(spec["law"], where=Where("config/config.yaml", field="fits.synthetic.law"))
    if not isinstance(law, ParametricLaw):
        raise InputError(
            Where("config/config.yaml", field="fits.synthetic.law"),
            f"'{law.id}' predicts no loss",
            expected="a parametric law (chinchilla-approach3, chinchilla-approach3-unrounded, "
            "epoch-2024)",
        )
    runs = synthetic_isoflop(
        law,
        [float(c) for c in spec["budgets"]],
        int(spec["sizes_per_budget"]),
        noise_sd=float(spec["noise_sd"]),
        seed=int(spec["seed"]),
    )
    runs = runs.dropna(axis="columns", how="all")  # no checkpoints: no step column
    write_atomic(out_csv, runs.to_csv(index=False, float_format="%.10g"))


def write_fit(
    runs_csv: Path | str,
    out_json: Path | str,
    out_html: Path | str,
    out_pdf: Path | str,
    *,
    dataset: str,
    config: Mapping[str, Any],
) -> None:
    """Fit approaches 1-3 to a dataset's runs; write fit.json and its HTML and PDF report."""
    from llmplan import fit as fit3
    from llmplan.cli_fit import fit_document, fit_objects
    from llmplan.fit_charts import (
        extrapolation_check,
        extrapolation_svg,
        iso_loss_svg,
        isoflop_svg,
        residuals_svg,
    )
    from llmplan.report import render_html, safe_svg
    from llmplan.runs import read_runs

    settings = Settings.from_config(config)
    spec = dict(config["fits"][dataset])
    synthetic = spec.get("synthetic")
    shown = spec.get("path") or f"synthetic sweep fits.{dataset}"
    runs = read_runs(
        runs_csv,
        columns=spec.get("columns"),
        drop_highest=int(spec.get("drop_highest_loss", 0)),
        display=shown,
    )
    fits = fit_objects(
        runs,
        approach="all",
        n_bootstrap=int(spec.get("bootstrap", fit3.DEFAULT_BOOTSTRAP)),
        seed=int(spec.get("seed", 0)),
        budgets=fit3.DEFAULT_BUDGETS,
    )
    doc = fit_document(runs, fits)
    charts: dict[str, Any] = {
        "contours": safe_svg(iso_loss_svg(fits["3"].law(), runs)),
        "residuals": safe_svg(residuals_svg(fits["3"], runs)),
    }
    if fits["2"].supported:
        charts["isoflop"] = safe_svg(isoflop_svg(runs, fits["2"]))
    try:
        check = extrapolation_check(runs)
    except InputError as err:
        doc["extrapolation"] = {"supported": False, "reason": err.problem}
    else:
        doc["extrapolation"] = {"supported": True, **check.to_dict()}
        charts["extrapolation"] = safe_svg(extrapolation_svg(check))
    doc["dataset"] = dataset
    doc["synthetic"] = synthetic
    doc["flops_range"] = [float(runs["C"].min()), float(runs["C"].max())]
    doc["law_id"] = f"fit:{dataset}"
    doc["provenance"] = provenance({"runs": sha256_file(runs_csv)})
    write_atomic(out_json, dumps(doc))
    generating = None
    if synthetic:
        from llmplan.laws import get_law

        law = get_law(synthetic["law"])
        generating = {k: getattr(law, k, None) for k in ("E", "A", "B", "alpha", "beta", "a", "b")}
    html = render_html(
        "fit.html.j2",
        {"fit": _clean(doc), "settings": settings, "charts": charts, "generating": generating},
    )
    write_atomic(out_html, html)
    write_atomic(out_pdf, _pdf(html))


def fitted_laws(fit_jsons: Mapping[str, Path | str]) -> dict[str, Any]:
    """The laws ``fit:<name>`` of written fit.json files, by law id."""
    from llmplan.laws import law_from_fit

    laws = {}
    for name, path in fit_jsons.items():
        law = law_from_fit(name, read_json(path))
        laws[law.id] = law
    return laws


def write_index(
    plan_jsons: Sequence[Path | str],
    fit_jsons: Sequence[Path | str],
    catalog_json: Path | str,
    out_html: Path | str,
    *,
    config: Mapping[str, Any],
) -> None:
    from llmplan.report import render_html

    settings = Settings.from_config(config)
    plans = sorted((read_json(p) for p in plan_jsons), key=lambda p: p["scenario"]["name"])
    fits = sorted((read_json(p) for p in fit_jsons), key=lambda f: f["dataset"])
    catalog = read_json(catalog_json)
    html = render_html(
        "index.html.j2",
        {
            "plans": plans,
            "fits": fits,
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
