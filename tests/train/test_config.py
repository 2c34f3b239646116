"""Run configs: JSON round trip, defaults and messages that name the field."""

from __future__ import annotations

import json

import pytest

from llmplan.core.errors import InputError
from llmplan.train.config import RunConfig, default_ffn_width, run_config_from_dict
from train_shapes import shape


def test_round_trip_through_json() -> None:
    config = RunConfig(
        run="r1",
        shape=shape(n_layers=2, d_model=64, n_heads=4, n_kv_heads=2, d_ff=176),
        tokens=10_000,
        batch_size=4,
        peak_lr=1e-3,
        schedule="wsd",
        cooldown_branches=(2_000, 5_000),
    )
    again = run_config_from_dict(json.loads(json.dumps(config.to_dict())))
    assert again == config


def test_steps_and_defaults() -> None:
    data = {"run": "r", "shape": {"n_layers": 4, "d_model": 128, "n_heads": 4}}
    config = run_config_from_dict({**data, "tokens": 100_000, "batch_size": 16, "peak_lr": 0.01})
    assert config.shape.d_ff == default_ffn_width(128) == 344  # 8 * ceil(8 * 128 / 3 / 8)
    assert config.tokens_per_step == 16 * 128
    assert config.steps == round(100_000 / 2048) == 49
    assert config.warmup_steps == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tokens": 0}, "tokens"),
        ({"schedule": "linear"}, "schedule"),
        ({"cooldown_branches": [500]}, "cooldown_branches"),
        ({"schedule": "wsd", "cooldown_branches": [20_000]}, "cooldown_branches[0]"),
        ({"shape": {"n_layers": 1, "d_model": 30, "n_heads": 4}}, "n_heads"),
        ({"learning_rate": 1}, "learning_rate"),
        ({"shape": {"n_layers": 1, "d_model": 32, "n_heads": 2, "mlp": "gelu"}}, "shape.mlp"),
        ({"shape": {"n_layers": 1, "d_model": 32, "n_heads": 4, "n_kv_heads": 3}}, "n_kv_heads"),
        ({"shape": {"n_layers": 1, "d_model": 32, "n_heads": 2, "vocab_size": 9}}, "vocab_size"),
    ],
)
def test_mistakes_name_the_field(change: dict, field: str) -> None:
    data = {
        "run": "r",
        "shape": {"n_layers": 1, "d_model": 32, "n_heads": 2},
        "tokens": 10_000,
        "batch_size": 2,
        "peak_lr": 1e-3,
    }
    with pytest.raises(InputError) as err:
        run_config_from_dict({**data, **change}, source="ladder.json")
    assert "ladder.json" in str(err.value)
    assert f"'{field}" in str(err.value) or f".{field}'" in str(err.value)
