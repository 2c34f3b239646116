"""The catalog against published numbers, and bad entries against their error messages."""

from __future__ import annotations

import csv
import json
import math
import shutil
from pathlib import Path

import pytest

from conftest import REPO, SHARED
from llmplan.catalog.tables import (
    DISCREPANCY_THRESHOLD,
    catalog_json,
    hardware_table,
    law_column,
    model_table,
)
from llmplan.core.errors import InputError
from llmplan.inputs.catalog import Catalog, load_catalog
from llmplan.laws.registry import LAW_IDS, get_law

ROOT = REPO
CATALOG_DIR = ROOT / "data" / "catalog"
REFERENCE_DIR = SHARED / "reference"

LAWS = [get_law(law_id) for law_id in LAW_IDS]

# GPT-3 Table D.1 (Brown et al. 2020, arXiv:2005.14165, App. D): name -> (PF/s-days, FLOPs),
# embedded so the test fails even without shared/reference.
TABLE_D1_LITERALS = {
    "BERT-Large": (6.16, 5.33e20),
    "RoBERTa-Large": (49.3, 4.26e21),
    "T5-11B": (382, 3.30e22),
    "GPT-3 Small": (2.60, 2.25e20),
    "GPT-3 175B": (3640, 3.14e23),
}
TABLE_D1_NAMES = [
    *("BERT-Base", "BERT-Large", "RoBERTa-Base", "RoBERTa-Large"),
    *("T5-Small", "T5-Base", "T5-Large", "T5-3B", "T5-11B"),
    *("GPT-3 Small", "GPT-3 Medium", "GPT-3 Large", "GPT-3 XL", "GPT-3 2.7B"),
    *("GPT-3 6.7B", "GPT-3 13B", "GPT-3 175B"),
]


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(CATALOG_DIR)


@pytest.fixture(scope="module")
def doc(catalog: Catalog) -> dict:
    return catalog_json(catalog, LAWS, mfu=0.4)


@pytest.fixture(scope="module")
def by_name(doc: dict) -> dict[str, dict]:
    return {m["name"]: m for m in doc["models"]}


@pytest.fixture(scope="module")
def by_id(doc: dict) -> dict[str, dict]:
    return {m["id"]: m for m in doc["models"]}


# ------------------------------------------------------------------------------ contents


def test_catalog_size_and_the_ids_scenarios_use(catalog: Catalog) -> None:
    ids = {m.id for m in catalog.models}
    assert len(catalog.models) >= 35
    assert {"bert-large", "gpt3-175b", "gopher-280b", "chinchilla-70b", "bloomberggpt-50b"} <= ids
    assert {"v100-sxm", "a100-40gb", "a100-80gb", "h100-sxm"} <= set(catalog.hardware)
    names = {m.name for m in catalog.models}
    assert set(TABLE_D1_NAMES) <= names
    for family in ("Gopher", "Chinchilla", "LaMDA", "Jurassic-1", "MT-NLG", "PaLM", "OPT"):
        assert family in {m.family for m in catalog.models}


def test_required_hardware(catalog: Catalog) -> None:
    required = {
        *("v100-sxm", "v100-pcie", "a100-40gb", "a100-40gb-pcie", "a100-80gb", "a100-80gb-pcie"),
        *("h100-sxm", "h100-pcie", "h100-nvl", "h200-sxm", "b200"),
        *("tpu-v3", "tpu-v4", "tpu-v5e", "tpu-v5p", "mi300x"),
    }
    assert required <= set(catalog.hardware)
    assert catalog.hardware["b200"].verification == "estimate"


def test_every_entry_has_a_source_and_a_known_label(catalog: Catalog) -> None:
    for item in (*catalog.models, *catalog.hardware.values()):
        assert len(item.source) > 10, item.id
        assert item.verification in ("verified", "secondary", "estimate"), item.id


def test_dense_peaks_are_never_the_sparse_headline(catalog: Catalog) -> None:
    for hw in catalog.hardware.values():
        for precision, sparse in (hw.peak_tflops_sparse or {}).items():
            assert sparse == pytest.approx(2 * hw.peak_tflops_dense[precision], rel=0.01), hw.id
    assert catalog.hardware["a100-40gb"].peak_flops == 312e12
    assert catalog.hardware["h100-sxm"].peak_flops == pytest.approx(989.4e12)
    assert catalog.hardware["v100-sxm"].training_precision == "fp16"


# ------------------------------------------------------------------------------ Table D.1


@pytest.mark.parametrize(("name", "published"), TABLE_D1_LITERALS.items())
def test_table_d1_literals_within_2_percent(
    by_name: dict[str, dict], name: str, published: tuple[float, float]
) -> None:
    pf_days, flops = published
    row = by_name[name]
    assert row["pf_days"] == pytest.approx(pf_days, rel=0.02)
    assert row["train_flops"] == pytest.approx(flops, rel=0.02)
    assert row["estimated_flops"] == pytest.approx(flops, rel=0.02)


def _table_d1_rows() -> list[dict[str, str]]:
    path = REFERENCE_DIR / "gpt3_table_d1.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.skipif(not _table_d1_rows(), reason="shared/reference/gpt3_table_d1.csv absent")
def test_every_table_d1_row_within_2_percent(by_name: dict[str, dict]) -> None:
    rows = _table_d1_rows()
    assert len(rows) == 17
    for row in rows:
        model = by_name[row["model"]]
        paper_pf_days = float(row["total_train_compute_pf_days"])
        assert model["pf_days"] == pytest.approx(paper_pf_days, rel=0.02), row["model"]
        assert model["train_flops"] == pytest.approx(
            float(row["total_train_compute_flops"]), rel=0.02
        )
        assert model["params"] == pytest.approx(float(row["params_millions"]) * 1e6)
        assert model["tokens"] == pytest.approx(float(row["training_tokens_billions"]) * 1e9)
        assert model["flops_per_param_token"] == float(row["flops_per_param_per_token"])
        assert model["flops_source"] == "reported"
        assert not model["compute_flag"], row["model"]


def test_t5_uses_three_flops_per_param_token(by_id: dict[str, dict]) -> None:
    t5 = by_id["t5-11b"]
    assert t5["architecture"] == "encoder-decoder"
    assert t5["flops_per_param_token"] == 3
    assert t5["estimated_flops"] == pytest.approx(3 * 11e9 * 1e12)


# ------------------------------------------------------------------------------ derived


def test_tokens_per_param_published(by_id: dict[str, dict]) -> None:
    assert by_id["chinchilla-70b"]["tokens_per_param"] == pytest.approx(20.0)
    assert by_id["gpt3-175b"]["tokens_per_param"] == pytest.approx(1.7, abs=0.02)
    assert by_id["gopher-280b"]["tokens_per_param"] == pytest.approx(300 / 280)


def test_chinchilla_is_70_billion_on_1_4_trillion(by_id: dict[str, dict]) -> None:
    row = by_id["chinchilla-70b"]
    assert row["params"] == 70e9
    assert row["tokens"] == 1.4e12
    assert row["flops_source"] == "estimate"
    assert row["train_flops"] == pytest.approx(5.88e23)


def test_bloomberggpt_mfu_from_512_gpus_for_53_days(by_id: dict[str, dict]) -> None:
    row = by_id["bloomberggpt-50b"]
    # the 1.3M GPU-hours budget is not the run: 512 x 53 days x 24 h
    assert row["accelerator_hours"] == 512 * 53 * 24
    assert row["accelerator_hours_source"] == "derived"
    expected = 2.36e23 / (512 * 53 * 86_400 * 312e12)
    assert row["implied_mfu"] == pytest.approx(expected)
    assert 0.32 <= row["implied_mfu"] <= 0.33


def test_llama_65b_mfu_from_gpu_hours_matches_its_throughput(by_id: dict[str, dict]) -> None:
    row = by_id["llama-65b"]
    assert row["accelerator_hours"] == 1_022_362
    assert row["accelerator_hours_source"] == "reported"
    from_hours = 6 * 65.2e9 * 1.4e12 / (1_022_362 * 3600 * 312e12)
    assert row["implied_mfu"] == pytest.approx(from_hours)
    # Touvron et al. 2023 s2.4: ~380 tokens/s/GPU -> 6 N x 380 / 312 TFLOP/s
    from_throughput = 6 * 65.2e9 * 380 / 312e12
    assert row["implied_mfu"] == pytest.approx(from_throughput, rel=0.01)


def test_mfu_only_where_hours_and_hardware_are_known(by_id: dict[str, dict]) -> None:
    assert by_id["gpt3-175b"]["implied_mfu"] is None  # V100, but no published hours
    assert by_id["chinchilla-70b"]["implied_mfu"] is None
    for row in by_id.values():
        if row["implied_mfu"] is not None:
            assert 0.05 < row["implied_mfu"] < 0.7, row["id"]


def test_discrepancy_flags(by_id: dict[str, dict]) -> None:
    flagged = {mid for mid, row in by_id.items() if row["compute_flag"]}
    assert {"bloomberggpt-50b", "lamda-137b"} <= flagged
    assert not {"gpt3-175b", "gopher-280b", "palm-540b", "llama3.1-405b"} & flagged
    bbg = by_id["bloomberggpt-50b"]
    assert bbg["compute_discrepancy"] == pytest.approx(2.36e23 / (6 * 50.6e9 * 569e9) - 1)
    assert "recomputation" in bbg["compute_flag_reason"]
    assert "+37%" in bbg["compute_flag_reason"]
    for row in by_id.values():
        if row["flops_source"] == "estimate":
            assert row["compute_discrepancy"] is None and not row["compute_flag"]
        else:
            assert row["compute_flag"] == (abs(row["compute_discrepancy"]) > DISCREPANCY_THRESHOLD)


def test_d_over_dopt_for_every_law(catalog: Catalog) -> None:
    table = model_table(catalog, LAWS)
    for law in LAWS:
        column = law_column(law.id)
        assert column in table
        for _, row in table.iterrows():
            _, d_opt = law.optimal(row["train_flops"])
            assert row[column] == pytest.approx(row["tokens"] / float(d_opt))
    if "tokens-per-param" in LAW_IDS:
        # D = 20 N with C = 6 N D: Chinchilla itself sits exactly on the 20-tokens line
        chin = table.set_index("id").loc["chinchilla-70b"]
        assert chin[law_column("tokens-per-param")] == pytest.approx(1.0)
        # closed form for 6ND models: D / D_opt = sqrt((D / N) / 20)
        gpt3 = table.set_index("id").loc["gpt3-175b"]
        assert gpt3[law_column("tokens-per-param")] == pytest.approx(
            math.sqrt(gpt3["tokens_per_param"] / 20), rel=0.01
        )


def test_lower_bound_tokens_are_marked(by_id: dict[str, dict]) -> None:
    assert by_id["llama3-8b"]["tokens_lower_bound"] is True
    assert by_id["llama3-70b"]["tokens_lower_bound"] is True
    assert by_id["llama-65b"]["tokens_lower_bound"] is False


def test_hardware_table_dense_and_sparse(catalog: Catalog) -> None:
    table = hardware_table(catalog, mfu=0.4).set_index("id")
    assert table.loc["v100-sxm", "gpus_per_pflops_dense"] == pytest.approx(8.0)
    assert table.loc["a100-40gb", "gpus_per_pflops_dense"] == pytest.approx(3.205, abs=1e-3)
    assert table.loc["a100-40gb", "gpus_per_pflops_sparse"] == pytest.approx(1.603, abs=1e-3)
    assert table.loc["h100-sxm", "gpus_per_pflops_dense"] == pytest.approx(1.011, abs=1e-3)
    assert math.isnan(table.loc["tpu-v4", "gpus_per_pflops_sparse"])
    assert table.loc["a100-40gb", "pf_days_per_gpu_day"] == pytest.approx(0.312 * 0.4)
    assert table.loc["v100-sxm", "pf_days_per_gpu_day"] == pytest.approx(0.125 * 0.4)


@pytest.mark.parametrize("mfu", [0.0, -0.1, 1.5, math.nan])
def test_hardware_table_refuses_a_meaningless_mfu(catalog: Catalog, mfu: float) -> None:
    with pytest.raises(ValueError, match="mfu"):
        hardware_table(catalog, mfu=mfu)


def test_catalog_json_is_strict_json(catalog: Catalog, doc: dict) -> None:
    text = json.dumps(doc, allow_nan=False)
    again = json.loads(text)
    required = {"id", "name", "params", "tokens", "train_flops", "pf_days", "tokens_per_param"}
    for row in again["models"]:
        assert required <= set(row)
    assert {law["column"] for law in again["laws"]} == {law_column(i) for i in LAW_IDS}
    assert "pf_days_per_gpu_day" in again["hardware"][0]
    without_mfu = catalog_json(catalog, LAWS)
    assert "pf_days_per_gpu_day" not in without_mfu["hardware"][0]


# ------------------------------------------------------------------------------ bad entries

GOOD_ENTRY = """\
models:
  - id: test-7b
    name: Test 7B
    family: Test
    year: 2024
    architecture: decoder
    params: 7B
    tokens: 140B
    hardware: a100-40gb
    source: "A made-up paper, Table 1"
"""


def _catalog_dir(tmp_path: Path, models_yaml: str) -> Path:
    shutil.copy(CATALOG_DIR / "hardware.yaml", tmp_path / "hardware.yaml")
    (tmp_path / "models.yaml").write_text(models_yaml, encoding="utf-8")
    return tmp_path


def test_good_temp_entry_loads(tmp_path: Path) -> None:
    catalog = load_catalog(_catalog_dir(tmp_path, GOOD_ENTRY))
    assert catalog.model("test-7b").tokens_per_param == 20.0


@pytest.mark.parametrize(
    ("old", "new", "field", "problem"),
    [
        ("hardware: a100-40gb", "hardware: a100-40g", "hardware", "unknown hardware id 'a100-40g'"),
        ("params: 7B", "params: -5B", "params", "negative"),
        ("params: 7B", "params: -7000000000", "params", "negative"),
        ("tokens: 140B", "tokens: 1.4 TT", "tokens", "unknown unit or suffix 'TT'"),
        ("tokens: 140B", "tokens: 70 BB", "tokens", "unknown unit or suffix 'BB'"),
        ('    source: "A made-up paper, Table 1"\n', "", "source", "missing required field"),
        ("    source:", "    sorce:", "sorce", "unknown key 'sorce'"),
        ("year: 2024", "year: twenty", "year", "found text 'twenty'"),
        ("architecture: decoder", "architecture: decodr", "architecture", "found text 'decodr'"),
        (
            "tokens: 140B",
            "tokens: 140B\n    reported_compute: {pf_days: 1.4 TT}",
            "reported_compute.pf_days",
            "unknown unit",
        ),
        (
            "tokens: 140B",
            "tokens: 140B\n    accelerator_hours: 1.3M PF-days",
            "accelerator_hours",
            "pf days",
        ),
        (
            "tokens: 140B",
            "tokens: 140B\n    energy_mwh: -3",
            "energy_mwh",
            "found number -3; expected training energy in MWh as published (greater than 0)",
        ),
        (
            "tokens: 140B",
            "tokens: 140B\n    training_days: 53",
            "training_days",
            "without hardware_count",
        ),
    ],
)
def test_bad_entry_names_file_entry_and_field(
    tmp_path: Path, old: str, new: str, field: str, problem: str
) -> None:
    assert old in GOOD_ENTRY
    directory = _catalog_dir(tmp_path, GOOD_ENTRY.replace(old, new))
    with pytest.raises(InputError) as info:
        load_catalog(directory)
    message = str(info.value)
    assert str(directory / "models.yaml") in message
    assert "entry 'test-7b'" in message
    assert f"field '{field}'" in message
    assert problem in message


def test_unknown_hardware_suggests_the_nearest_ids(tmp_path: Path) -> None:
    directory = _catalog_dir(tmp_path, GOOD_ENTRY.replace("a100-40gb", "a100-40g"))
    with pytest.raises(InputError, match=r"Did you mean 'a100-40gb'"):
        load_catalog(directory)


def test_entry_without_id_is_named_by_position(tmp_path: Path) -> None:
    directory = _catalog_dir(tmp_path, GOOD_ENTRY.replace("  - id: test-7b\n    name", "  - name"))
    with pytest.raises(InputError, match=r"entry 'models\[0\]', field 'id'"):
        load_catalog(directory)


def test_duplicate_model_id(tmp_path: Path) -> None:
    twice = GOOD_ENTRY + GOOD_ENTRY.removeprefix("models:\n")
    with pytest.raises(InputError, match=r"entry 'test-7b', field 'id': duplicate model id"):
        load_catalog(_catalog_dir(tmp_path, twice))


def test_unexplained_discrepancy_gets_a_generic_reason(tmp_path: Path) -> None:
    yaml_text = GOOD_ENTRY.replace(
        "tokens: 140B", "tokens: 140B\n    reported_compute: {flops: 1.2e22}"
    )
    catalog = load_catalog(_catalog_dir(tmp_path, yaml_text))
    row = model_table(catalog, LAWS).iloc[0]
    assert row["compute_discrepancy"] == pytest.approx(1.2e22 / (6 * 7e9 * 140e9) - 1)
    assert row["compute_flag"]
    assert "No explanation recorded" in row["compute_flag_reason"]
