"""Shapes of tiny decoders (1e3 to 1e7 parameters) for ladders a CPU can train.

The rule of :func:`llmplan.arch.families.propose_shape` is calibrated on published models of
1e8 parameters and up: heads of width 64 or 128, an aspect ratio d_model / n_layers of 64 to 128,
FFN widths rounded to 256. Below about 1e6 parameters no such shape exists (one layer of width 64
with a 256-byte vocabulary already has 98,000 parameters, and the rounding of its FFN alone
changes N by 20%). :func:`propose_small_shape` keeps the same template (Llama's: SwiGLU, RMSNorm,
RoPE, untied embeddings, no biases) and the same choice among candidates (rule 5 of
:mod:`llmplan.arch.families`: the least |ln(N / target)| + 0.05 |ln(aspect / target aspect)|),
with constants for tiny models:

1. Widths in steps of half a head (``head_dim`` / 2, default 4: at 1e4 parameters one step of 8
   changes N by 40%), multi-head attention (n_kv_heads = n_heads) with the number of heads h
   that divides d_model into even head widths (rotary pairs) nearest ``head_dim`` in log; widths
   with no such head width within a factor sqrt 2 of ``head_dim`` are skipped (28, 44, 52):
   d 12 -> 2 heads of 6, d 20 -> 2 of 10, d 32 -> 4 of 8, d 40 -> 5 of 8. Measured on the
   byte-level King James text (docs/train.md, smoke ladders): at 1e11 FLOPs three seeds of a
   one-head shape of width 20 spread over 0.13 nats, three of two heads of width 8 over 0.02.
2. Aspect ratio d_model / n_layers near ``aspect_ratio`` (default 16), accepted within a factor
   2 (rule 2's band is sqrt 2; tiny models have few widths to choose from). Kaplan et al. 2020
   (arXiv:2001.08361, s3.1, Figure 5): the aspect ratio can vary by a factor of 40 at a loss cost
   of a few per cent.
3. SwiGLU width 2/3 x 4 d rounded up to a multiple of 8 (the LLaMA paper's 8/3 d, Touvron et al.
   2023, arXiv:2302.13971, s2; Meta's rounding :func:`~llmplan.arch.families.llama_ffn` with
   multiplier 1 and multiple 8; :func:`llmplan.train.config.default_ffn_width` is the same).

The exact N (:func:`llmplan.arch.counts.param_counts`, embeddings included) of the result is what
a ladder reports and trains.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Final

from llmplan.arch.counts import count_from_dims
from llmplan.arch.families import ASPECT_WEIGHT, llama_ffn
from llmplan.arch.shape import ModelShape

#: Rule 1: width of one attention head.
SMALL_HEAD_DIM: Final = 8
#: Rule 1: accepted head widths lie within this factor of ``head_dim``.
SMALL_HEAD_BAND: Final = math.sqrt(2.0)
#: Rule 2: target aspect ratio d_model / n_layers, and the factor within which shapes are accepted.
SMALL_ASPECT: Final = 16.0
SMALL_ASPECT_BAND: Final = 2.0
#: Rule 3: SwiGLU width multiplier and rounding.
SMALL_FFN_MULTIPLIER: Final = 1.0
SMALL_FFN_MULTIPLE: Final = 8
#: Deepest shape considered.
SMALL_MAX_LAYERS: Final = 24


def small_shape(
    n_layers: int,
    d_model: int,
    *,
    vocab: int,
    seq_len: int,
    head_dim: int = SMALL_HEAD_DIM,
    name: str = "",
) -> ModelShape:
    """The tiny Llama-style shape of depth ``n_layers`` and width ``d_model`` (rules 1 and 3)."""
    heads = small_heads(d_model, head_dim=head_dim)
    if heads is None:
        raise ValueError(f"d_model {d_model} splits into no head width near {head_dim}")
    return ModelShape(
        family="llama",
        n_layers=n_layers,
        d_model=d_model,
        n_heads=heads,
        n_kv_heads=heads,
        d_ff=llama_ffn(d_model, multiplier=SMALL_FFN_MULTIPLIER, multiple_of=SMALL_FFN_MULTIPLE),
        vocab=vocab,
        seq_len=seq_len,
        name=name,
    )


def _total(n_layers: int, d_model: int, *, vocab: int, seq_len: int) -> int:
    """N of the tiny shape (multi-head attention: the head count does not change it)."""
    d_ff = llama_ffn(d_model, multiplier=SMALL_FFN_MULTIPLIER, multiple_of=SMALL_FFN_MULTIPLE)
    counts = count_from_dims(
        d=d_model, q_width=d_model, kv_width=d_model, d_ff=d_ff, n_layers=n_layers, vocab=vocab,
        seq_len=seq_len, mlp="swiglu", norm="rms", positions="rope", biases=False, tied=False,
    )  # fmt: skip
    return int(counts["total"])


def small_heads(d_model: int, *, head_dim: int = SMALL_HEAD_DIM) -> int | None:
    """Rule 1: the head count h dividing ``d_model`` into even widths nearest ``head_dim`` in log
    (``None`` when no even width lies within a factor sqrt 2 of ``head_dim``).

    Examples
    --------
    >>> [small_heads(d) for d in (8, 12, 20, 28, 32, 40)]
    [1, 2, 2, None, 4, 5]
    """
    choices = [
        h
        for h in range(1, d_model + 1)
        if d_model % h == 0
        and (d_model // h) % 2 == 0
        and abs(math.log(d_model / h / head_dim)) <= math.log(SMALL_HEAD_BAND) + 1e-12
    ]
    if not choices:
        return None
    return min(choices, key=lambda h: (abs(math.log(d_model / h / head_dim)), h))


def propose_small_shape(
    params: float,
    *,
    vocab: int,
    seq_len: int,
    head_dim: int = SMALL_HEAD_DIM,
    aspect_ratio: float = SMALL_ASPECT,
) -> ModelShape:
    """The tiny shape nearest ``params`` total parameters (see the module docstring).

    Raises
    ------
    ValueError
        For a non-positive target, head width or aspect ratio, or a head width that is odd
        (rotary embeddings rotate pairs of dimensions).
    """
    if not (math.isfinite(params) and params > 0):
        raise ValueError(f"params must be a positive number, got {params!r}")
    if head_dim < 2 or head_dim % 2 or not aspect_ratio > 0:
        raise ValueError(f"head_dim {head_dim} must be even and >= 2, aspect {aspect_ratio} > 0")
    best: tuple[float, ModelShape] | None = None
    step = head_dim // 2
    for n_layers in range(1, SMALL_MAX_LAYERS + 1):
        low = aspect_ratio / SMALL_ASPECT_BAND * n_layers
        high = aspect_ratio * SMALL_ASPECT_BAND * n_layers
        d = max(head_dim, step * math.ceil(low / step))
        if _total(n_layers, d, vocab=vocab, seq_len=seq_len) > 2 * params:
            break  # deeper shapes are larger still
        while d <= high:
            count = _total(n_layers, d, vocab=vocab, seq_len=seq_len)
            if count > 2 * params:
                break
            if small_heads(d, head_dim=head_dim) is not None:
                score = abs(math.log(count / params)) + ASPECT_WEIGHT * abs(
                    math.log(d / n_layers / aspect_ratio)
                )
                if best is None or score < best[0]:
                    shape = small_shape(
                        n_layers, d, vocab=vocab, seq_len=seq_len, head_dim=head_dim
                    )
                    best = (score, shape)
            d += step
    if best is None:  # below the smallest shape: one layer of one head
        return small_shape(
            1, head_dim, vocab=vocab, seq_len=seq_len, head_dim=head_dim, name="proposed (small)"
        )
    return replace(best[1], name="proposed (small)")
