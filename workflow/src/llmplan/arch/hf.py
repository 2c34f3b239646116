"""A Hugging Face ``config.json`` read into a :class:`~.shape.ModelShape`.

Supported ``model_type`` values and the keys read (the defaults are those of the transformers
configuration classes of the same name):

- ``llama``, ``mistral``, ``mixtral`` (``LlamaConfig``, ``MistralConfig``, ``MixtralConfig``):
  ``hidden_size``, ``num_hidden_layers``, ``num_attention_heads``, ``intermediate_size``,
  ``vocab_size``; ``num_key_value_heads`` (default: ``num_attention_heads``), ``head_dim``
  (default ``hidden_size / num_attention_heads``), ``tie_word_embeddings`` (default false),
  ``attention_bias`` and ``mlp_bias`` (default false; Llama only), ``max_position_embeddings``;
  Mixtral also ``num_local_experts`` and ``num_experts_per_tok``. SwiGLU, RMSNorm, RoPE.
- ``gpt2`` (``GPT2Config``): ``n_embd``, ``n_layer``, ``n_head``, ``vocab_size``, ``n_positions``,
  ``n_inner`` (default 4 ``n_embd``). GELU, LayerNorm, biases, learned positions, tied embeddings
  (GPT-2's LM head always shares the token embedding).

The training sequence length is not part of a config: ``seq_len`` is the caller's, else
``max_position_embeddings`` (for learned positions the table has ``n_positions`` rows, so that is
the sequence length). A field missing or of the wrong type is an
:class:`~llmplan.core.errors.InputError` naming the file, the field and what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from llmplan.arch.shape import ModelShape, shape_problems
from llmplan.core.errors import InputError, Where

LLAMA_TYPES: Final = ("llama", "mistral", "mixtral")
MODEL_TYPES: Final = (*LLAMA_TYPES, "gpt2")


def read_config(path: Path | str, *, shown: str | None = None) -> dict[str, Any]:
    """The JSON object in ``path``; an :class:`InputError` if it is missing or not an object."""
    shown = shown or str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise InputError(
            Where(shown), f"cannot read the file ({err.strerror or err})", expected="a config.json"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise InputError(
            Where(shown, line=err.lineno), f"not valid JSON ({err.msg})", expected="a config.json"
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            Where(shown), f"found a JSON {type(data).__name__}", expected="a JSON object"
        )
    return data


def _int(config: Mapping[str, Any], key: str, where: Where, default: Any = None) -> int:
    value = config.get(key)
    if value is None:  # absent, or null as in GPT-2's "n_inner": null
        value = default
    if value is None:
        raise InputError(where.at(key), f"missing '{key}'", expected="a positive whole number")
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InputError(where.at(key), f"found {value!r}", expected="a positive whole number")
    return value


def _bool(config: Mapping[str, Any], key: str, where: Where, default: bool) -> bool:
    value = config.get(key, default)
    if not isinstance(value, bool):
        raise InputError(where.at(key), f"found {value!r}", expected="true or false")
    return value


def _model_type(config: Mapping[str, Any], where: Where) -> str:
    model_type = config.get("model_type")
    if model_type is None:  # configs written by hand or by old versions: infer from the keys
        archs = " ".join(str(a) for a in config.get("architectures") or ())
        if "Mixtral" in archs or "num_local_experts" in config:
            model_type = "mixtral"
        elif "n_embd" in config:
            model_type = "gpt2"
        elif "hidden_size" in config:
            model_type = "llama"
    if model_type not in MODEL_TYPES:
        raise InputError(
            where.at("model_type"),
            f"unsupported model_type {model_type!r}",
            expected="one of " + ", ".join(MODEL_TYPES),
            hint="Other architectures: describe the model with 'family:' instead.",
        )
    return str(model_type)


def shape_from_hf_config(
    config: Mapping[str, Any] | Path | str,
    *,
    seq_len: int | None = None,
    file: str | None = None,
    name: str = "",
) -> ModelShape:
    """The shape described by a Hugging Face ``config.json`` (a mapping or a path).

    Parameters
    ----------
    config
        The parsed JSON object, or the path of the file.
    seq_len
        Training sequence length; default ``max_position_embeddings`` (``n_positions``).
    file
        Path shown in errors (default: the path given, else ``config.json``).
    name
        Label of the shape in reports (default: ``_name_or_path`` of the config, else the file).

    Raises
    ------
    InputError
        Unsupported ``model_type``, a missing field, a value of the wrong type, or a shape that
        cannot be built (heads not dividing the width, ...).
    """
    if not isinstance(config, Mapping):
        file = file or str(config)
        config = read_config(config, shown=file)
    file = file or "config.json"
    model_type = _model_type(config, Where(file))
    where = Where(file, model_type)
    name = name or str(config.get("_name_or_path") or file)
    if model_type == "gpt2":
        d = _int(config, "n_embd", where)
        positions = _int(config, "n_positions", where, config.get("n_ctx"))
        if seq_len is not None and seq_len != positions:
            raise InputError(
                where.at("n_positions"),
                f"a sequence length of {seq_len} was asked for, but the learned position table "
                f"has {positions} rows",
                expected="seq_len equal to n_positions for a model with learned positions",
            )
        shape = ModelShape(
            family="hf",
            n_layers=_int(config, "n_layer", where),
            d_model=d,
            n_heads=_int(config, "n_head", where),
            n_kv_heads=_int(config, "n_head", where),
            d_ff=_int(config, "n_inner", where, 4 * d),
            vocab=_int(config, "vocab_size", where),
            seq_len=positions,
            mlp="gelu",
            tied_embeddings=True,
            positions="learned",
            norm="layer",
            biases=True,
            name=name,
        )
    else:
        shape = _llama_like(config, model_type, where, seq_len=seq_len, name=name)
    for field, expected in shape_problems(shape):
        raise InputError(where.at(field), "the shape cannot be built", expected=expected)
    return shape


def _llama_like(
    config: Mapping[str, Any], model_type: str, where: Where, *, seq_len: int | None, name: str
) -> ModelShape:
    d = _int(config, "hidden_size", where)
    heads = _int(config, "num_attention_heads", where)
    head_dim = config.get("head_dim")
    override = None
    if head_dim is not None:
        override = _int(config, "head_dim", where)
        if override * heads == d:
            override = None  # the default, written out (transformers >= 4.45 adds it)
    attention_bias = _bool(config, "attention_bias", where, False)
    mlp_bias = _bool(config, "mlp_bias", where, False)
    if attention_bias != mlp_bias:
        raise InputError(
            where.at("attention_bias"),
            f"attention_bias is {attention_bias} but mlp_bias is {mlp_bias}",
            expected="both true or both false (a shape has one 'biases' switch)",
        )
    experts = active = 1
    if model_type == "mixtral":
        experts = _int(config, "num_local_experts", where)
        active = _int(config, "num_experts_per_tok", where)
    if seq_len is None:
        seq_len = _int(config, "max_position_embeddings", where)
    return ModelShape(
        family="hf",
        n_layers=_int(config, "num_hidden_layers", where),
        d_model=d,
        n_heads=heads,
        n_kv_heads=_int(config, "num_key_value_heads", where, heads),
        d_ff=_int(config, "intermediate_size", where),
        vocab=_int(config, "vocab_size", where),
        seq_len=seq_len,
        mlp="swiglu",
        tied_embeddings=_bool(config, "tie_word_embeddings", where, False),
        positions="rope",
        norm="rms",
        biases=attention_bias,
        experts=experts,
        active_experts=active,
        name=name,
        head_dim_override=override,
    )
