"""Fixtures of the trainer tests: a small synthetic corpus and tiny run configs."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from llmplan.train.config import RunConfig
from llmplan.train.data import Corpus
from train_shapes import TINY_SHAPE

#: Words the synthetic text is drawn from: a byte-level model learns their spelling quickly.
WORDS = (
    "and the of to in that he shall unto for i his a lord they be is him not them it with all "
    "thou thy was god which my me said but ye their have will thee from as are when this out were"
).split()


@pytest.fixture(scope="session")
def synthetic_corpus() -> Corpus:
    """About 120 kB of seeded random sentences over :data:`WORDS`."""
    rng = np.random.default_rng(20240501)
    lines = []
    while sum(len(x) + 1 for x in lines) < 120_000:
        n = int(rng.integers(4, 12))
        lines.append(" ".join(rng.choice(WORDS, size=n)).capitalize() + ".")
    return Corpus.from_bytes("synthetic", "\n".join(lines).encode("ascii"))


def make_tiny_config(**overrides: object) -> RunConfig:
    """A run of 60 steps of 8 x 32 tokens on the tiny shape, evaluated every 20 steps."""
    options: dict[str, object] = {
        "run": "tiny",
        "shape": TINY_SHAPE,
        "tokens": 60 * 8 * 32,
        "batch_size": 8,
        "peak_lr": 1e-2,
        "warmup_tokens": 5 * 8 * 32,
        "eval_every_tokens": 20 * 8 * 32,
        "eval_tokens": 2048,
        "seed": 7,
    }
    options.update(overrides)
    return RunConfig(**options)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def tiny_config() -> Callable[..., RunConfig]:
    """:func:`make_tiny_config`, with keyword overrides of any :class:`RunConfig` field."""
    return make_tiny_config
