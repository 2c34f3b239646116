"""Shapes the trainer and ladder tests share (run-config defaults: vocabulary 256, Llama layout)."""

from __future__ import annotations

from llmplan.arch.shape import ModelShape
from llmplan.core.errors import Where
from llmplan.train.config import trainer_shape


def shape(**fields: object) -> ModelShape:
    """A trainer shape from ``fields`` with the run-config defaults."""
    return trainer_shape(fields, Where("test"))


#: One layer of width 32, two heads, 32-token context: trains in milliseconds.
TINY_SHAPE = shape(n_layers=1, d_model=32, n_heads=2, d_ff=64, seq_len=32)
