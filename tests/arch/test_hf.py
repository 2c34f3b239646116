"""Hugging Face config.json into a shape: the fields read, and errors that name file and field."""

from __future__ import annotations

import json

import pytest
from hf_configs import GPT2_SMALL, LLAMA3_8B, MIXTRAL_8X7B

from llmplan.arch.counts import param_counts
from llmplan.arch.hf import shape_from_hf_config
from llmplan.core.errors import InputError


def test_llama3_fields():
    shape = shape_from_hf_config(LLAMA3_8B)
    assert (shape.n_layers, shape.d_model, shape.n_heads, shape.n_kv_heads) == (32, 4096, 32, 8)
    assert (shape.d_ff, shape.vocab, shape.seq_len) == (14336, 128256, 8192)
    assert shape.head_dim == 128 and shape.head_dim_override is None
    assert not shape.tied_embeddings and shape.mlp == "swiglu" and shape.norm == "rms"


def test_seq_len_overrides_max_position_embeddings():
    assert shape_from_hf_config(LLAMA3_8B, seq_len=2048).seq_len == 2048


def test_mixtral_experts():
    shape = shape_from_hf_config(MIXTRAL_8X7B)
    assert (shape.experts, shape.active_experts) == (8, 2)


def test_explicit_head_dim_other_than_width_over_heads():
    """A config whose heads are wider than d_model / n_heads (head_dim 256 x 16 heads = 4096
    on a 2048-wide model): q and o are 2048 x 4096, k and v 2048 x (4 x 256)."""
    config = {
        **LLAMA3_8B,
        "hidden_size": 2048,
        "num_attention_heads": 16,
        "num_key_value_heads": 4,
        "head_dim": 256,
        "num_hidden_layers": 2,
    }
    counts = param_counts(shape_from_hf_config(config))
    assert counts.attention_per_layer == 2 * 2048 * 4096 + 2 * 2048 * 1024


def test_missing_model_type_is_inferred():
    config = {k: v for k, v in GPT2_SMALL.items() if k != "model_type"}
    assert shape_from_hf_config(config).positions == "learned"


def test_a_file(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps(LLAMA3_8B))
    assert param_counts(shape_from_hf_config(path)).total == 8_030_261_248


@pytest.mark.parametrize(
    ("change", "field", "expected"),
    [
        ({"hidden_size": None}, "hidden_size", "a positive whole number"),
        ({"num_hidden_layers": "32"}, "num_hidden_layers", "a positive whole number"),
        ({"num_key_value_heads": 5}, "n_kv_heads", "a divisor of n_heads = 32"),
        ({"tie_word_embeddings": "no"}, "tie_word_embeddings", "true or false"),
        ({"model_type": "t5"}, "model_type", "one of llama"),
        ({"attention_bias": True}, "attention_bias", "both true or both false"),
    ],
)
def test_bad_fields_name_file_field_and_expectation(change, field, expected):
    config = {**LLAMA3_8B, **change}
    config = {k: v for k, v in config.items() if v is not None}
    with pytest.raises(InputError) as err:
        shape_from_hf_config(config, file="models/x/config.json")
    assert err.value.where.file == "models/x/config.json"
    assert err.value.where.field == field
    assert expected in err.value.message


def test_learned_positions_fix_the_sequence_length():
    with pytest.raises(InputError, match="n_positions"):
        shape_from_hf_config(GPT2_SMALL, seq_len=2048)


def test_unreadable_files(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        shape_from_hf_config(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"hidden_size": 4096,\n oops}')
    with pytest.raises(InputError, match="not valid JSON") as err:
        shape_from_hf_config(bad)
    assert err.value.where.line == 2
    listing = tmp_path / "list.json"
    listing.write_text("[1, 2]")
    with pytest.raises(InputError, match="a JSON object"):
        shape_from_hf_config(listing)
