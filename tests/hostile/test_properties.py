"""Random YAML documents and random CSV bytes through ``llmplan check``'s functions and the
readers: every outcome is a clean result or a clean :class:`InputError` (never another
exception), within a small deadline.

Derandomized (the same examples every run) and without an example database.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from llmplan.core.errors import InputError
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.scenario import parse_scenario
from llmplan.io.runs_csv import read_runs
from llmplan.io.yamldoc import parse_yaml
from llmplan.plan.check import check_config

CHECK = settings(
    max_examples=100,
    deadline=2000,  # ms per example
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# text with what YAML and CSV parsers trip on: indicators, quotes, control characters, bidi
# overrides, non-BMP characters
TRICKY = st.text(
    st.sampled_from(
        [
            *":-?[]{},#&*!|>'\"%@`\t\n\r \\0123456789.eE+x_yesnoNUL~",
            *("\x00", "\x1b", "\u202e", "\x85", "\ufeff", "é", "😀"),
        ]
    ),
    max_size=80,
)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=True, allow_infinity=True)
    | TRICKY
    | st.sampled_from(
        [
            "010",
            "0x1E",
            "0o17",
            "0b1000",
            "1:30",
            "yes",
            "off",
            "1e400",
            "1_000",
            ".5",
            "2024-01-01",
            "5e-324",
            "70B",
            "1.4T",
            "3640 PF-days",
            "h100-sxm",
            "epoch-2024",
            "<<",
        ]
    )
)
DOCS = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.one_of(TRICKY, st.integers(), st.none()), inner, max_size=4)
    ),
    max_leaves=20,
)
BUDGET_KEYS = [
    "flops",
    "pf_days",
    "hardware",
    "count",
    "days",
    "gpu_hours",
    "usd",
    "price_per_hour",
    "mfu",
]
SCENARIOS = st.fixed_dictionaries(
    {"budget": st.dictionaries(st.sampled_from(BUDGET_KEYS), SCALARS, max_size=4)},
    optional={
        "title": SCALARS,
        "description": SCALARS,
        "laws": st.lists(st.sampled_from(["epoch-2024", "kaplan-2020", "x"]) | SCALARS, max_size=3),
        "primary_law": SCALARS,
        "tokens_per_param": SCALARS,
        "constraints": st.dictionaries(
            st.sampled_from(["max_params", "unique_tokens", "inference_tokens", "y"]), SCALARS
        ),
        "assumptions": st.dictionaries(st.sampled_from(["pue", "grid_kg_co2_per_kwh"]), SCALARS),
    },
)


def _dump(data: Any) -> str:
    try:
        return yaml.safe_dump(data, allow_unicode=True)
    except yaml.YAMLError:  # data PyYAML cannot write (a NUL in a key): write its repr instead
        return repr(data)


def _clean(call) -> Any:
    """The result of ``call()`` or None for an InputError; any other exception fails."""
    try:
        return call()
    except InputError as err:
        message = err.message
        assert message and all(line and "\x1b" not in line for line in message.split("\n"))
        return None


@CHECK
@given(TRICKY | st.text(max_size=200))
def test_any_text_parses_or_is_refused_cleanly(text: str) -> None:
    _clean(lambda: parse_yaml(text, "x.yaml"))
    _clean(lambda: parse_yaml(text, "config.yaml", config=True))


@CHECK
@given(DOCS)
def test_any_document_is_a_scenario_or_refused_cleanly(catalog, data: Any) -> None:
    text = _dump(data)
    _clean(lambda: parse_scenario(text, "config/scenarios/x.yaml", hardware=catalog.hardware))


@CHECK
@given(SCENARIOS)
def test_scenario_shaped_documents(catalog, data: dict[str, Any]) -> None:
    text = _dump(data)
    scenario = _clean(
        lambda: parse_scenario(text, "config/scenarios/x.yaml", hardware=catalog.hardware)
    )
    if scenario is not None:  # accepted: then within the documented bounds
        assert 1e11 <= scenario.budget.flops <= 1e32
        assert len(scenario.title) <= 200


@settings(CHECK, max_examples=60)
@given(DOCS)
def test_any_document_as_config_or_catalog(data: Any) -> None:
    text = _dump(data)
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.yaml"
        config.write_text(text, encoding="utf-8")
        _clean(lambda: check_config(config))
        (Path(folder) / "mine.yaml").write_text(text, encoding="utf-8")
        _clean(lambda: load_catalog(folder))


CELLS = (
    st.sampled_from(
        [
            "1e8",
            "2e9",
            "3.0",
            "",
            "nan",
            "-1",
            "inf",
            "abc",
            '"',
            "1,5",
            "0x10",
            "\x00",
            "\x1b",
            "25",
            "1e400",
            " 7 ",
        ]
    )
    | TRICKY
)
HEADERS = st.lists(st.sampled_from(["N", "D", "C", "loss", "run", "step", "x", ""]), max_size=7)


@CHECK
@given(
    st.binary(max_size=400)
    | st.builds(
        lambda header, rows: (
            ",".join(header) + "\n" + "\n".join(",".join(r) for r in rows)
        ).encode("utf-8", "surrogatepass"),
        HEADERS,
        st.lists(st.lists(CELLS, max_size=7), max_size=12),
    )
)
def test_any_csv_bytes_read_or_are_refused_cleanly(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "runs.csv"
        path.write_bytes(data)
        runs = _clean(lambda: read_runs(path))
    if runs is not None:
        assert len(runs) >= 1 and (runs[["N", "D", "C", "loss"]] > 0).all().all()
