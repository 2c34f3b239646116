"""Published shapes in the catalog: each exact count within 2% of the entry's params."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from llmplan.arch.counts import param_counts
from llmplan.arch.shape import ModelShape
from llmplan.core.errors import InputError
from llmplan.inputs.catalog import Catalog, load_catalog

CATALOG_DIR = REPO / "data" / "catalog"
WITH_SHAPES = {
    *("gpt3-small", "gpt3-medium", "gpt3-large", "gpt3-xl", "gpt3-2.7b", "gpt3-6.7b"),
    *("gpt3-13b", "gpt3-175b", "gopher-280b", "chinchilla-70b", "palm-540b"),
    *("llama-7b", "llama-13b", "llama-33b", "llama-65b", "llama2-7b", "llama2-13b", "llama2-70b"),
    *("llama3-8b", "llama3-70b", "llama3.1-8b", "llama3.1-70b", "llama3.1-405b"),
}


def test_the_published_shapes_are_there(catalog: Catalog) -> None:
    assert {m.id for m in catalog.models if m.shape} == WITH_SHAPES
    for m in catalog.models:
        if m.shape:
            assert len(m.shape["source"]) > 20, m.id


def test_every_shape_counts_within_2_percent_of_params(catalog: Catalog) -> None:
    for model in catalog.models:
        if model.shape:
            total = param_counts(ModelShape.from_dict({"family": "x", **model.shape})).total
            assert total == pytest.approx(model.params, rel=0.02), model.id


@pytest.mark.parametrize(
    ("model_id", "exact"),
    [
        ("llama2-7b", 6_738_415_616),
        ("llama3.1-8b", 8_030_261_248),
        ("llama3.1-70b", 70_553_706_496),
        ("llama3.1-405b", 405_853_388_800),
        ("gpt3-175b", 174_604_259_328),
    ],
)
def test_exact_counts_of_catalog_shapes(catalog: Catalog, model_id: str, exact: int) -> None:
    shape = ModelShape.from_dict({"family": "x", **catalog.model(model_id).shape})
    assert param_counts(shape).total == exact


def test_shapes_survive_the_normalised_json(catalog: Catalog) -> None:
    again = Catalog.from_dict(catalog.to_dict())
    assert again.model("palm-540b").shape == catalog.model("palm-540b").shape
    palm = ModelShape.from_dict({"family": "x", **again.model("palm-540b").shape})
    assert palm.head_dim == 256 and palm.n_kv_heads == 1


SHAPED_ENTRY = """\
models:
  - id: test-model
    name: Test
    family: Test
    year: 2024
    architecture: decoder
    params: 8.03B
    tokens: 15T
    source: "a test"
    shape:
      n_layers: 32
      d_model: 4096
      n_heads: 32
      n_kv_heads: 8
      d_ff: 14336
      vocab: 128256
      seq_len: 8192
      mlp: swiglu
      tied_embeddings: false
      positions: rope
      norm: rms
      biases: false
      source: "a test"
"""


def _catalog_dir(tmp_path: Path, models_yaml: str) -> Path:
    shutil.copy(CATALOG_DIR / "hardware.yaml", tmp_path / "hardware.yaml")
    (tmp_path / "models.yaml").write_text(models_yaml, encoding="utf-8")
    return tmp_path


def test_a_good_shape_loads(tmp_path: Path) -> None:
    catalog = load_catalog(_catalog_dir(tmp_path, SHAPED_ENTRY))
    assert catalog.model("test-model").shape["d_ff"] == 14336


@pytest.mark.parametrize(
    ("old", "new", "field", "expected"),
    [
        ("n_kv_heads: 8", "n_kv_heads: 5", "shape.n_kv_heads", "a divisor of n_heads = 32"),
        ("n_heads: 32", "n_heads: 30", "shape.n_heads", "a divisor of d_model = 4096"),
        ("mlp: swiglu", "mlp: relu", "shape.mlp", "one of swiglu, gelu"),
        ("      norm: rms\n", "", "shape.norm", "RMSNorm"),
    ],
)
def test_bad_shapes_name_entry_and_field(
    tmp_path: Path, old: str, new: str, field: str, expected: str
) -> None:
    directory = _catalog_dir(tmp_path, SHAPED_ENTRY.replace(old, new))
    with pytest.raises(InputError) as err:
        load_catalog(directory)
    assert err.value.where.entry == "test-model"
    assert err.value.where.field == field
    assert expected in err.value.message
