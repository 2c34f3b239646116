"""Shape templates and the rule that turns a target parameter count N into a shape you can build.

Templates (what a family fixes; :func:`template`):

- ``llama``: grouped-query attention with 8 key/value heads (Llama 3 8B/70B/405B all use 8; Llama
  Team 2024, arXiv:2407.21783, Table 3), SwiGLU, RMSNorm, RoPE, untied output projection, no
  biases (Meta's reference code, meta-llama/llama3 ``llama/model.py``);
- ``gpt3``: multi-head attention, GELU MLP of width 4 d_model, LayerNorm, biases, learned
  positions, tied embeddings (Brown et al. 2020, arXiv:2005.14165, s2.1 and Table 2.1: "the same
  model and architecture as GPT-2"; GPT-2's vocabulary of 50,257);
- ``moe``: the llama template with each MLP replaced by ``experts`` experts of the dense MLP's size
  of which ``active`` are used per token (Mixtral 8x7B: 8 and 2, Jiang et al. 2024,
  arXiv:2401.04088, Table 1), optionally split ``granularity`` ways (each expert d_ff / G wide,
  G x as many experts, G x as many routed: Krajewski et al. 2024, arXiv:2402.07871, s3).

The rule (:func:`propose_shape`), each choice with its source:

1. Head dimension 128 from d_model = 2048 up (Llama 1/2/3, Mixtral, Chinchilla and Gopher's
   "key/value size" 128, GPT-3 XL to 175B), 64 below (GPT-3 Small and Medium).
2. Aspect ratio d_model / n_layers: 128 from 10B parameters up (GPT-3 6.7B to 175B, LLaMA 7B and
   13B, Llama 3 8B, 3.1 405B), 64 up to 1B (GPT-3 Small and Large; the d_model = 64 n_blocks of
   Krajewski et al. 2024, s6.1), log-linear in N between. Kaplan et al. 2020 (arXiv:2001.08361,
   s3.1, Figure 5) found that "aspect ratio ... can vary by a factor of 40 while only slightly
   impacting performance" (loss within 3%), so the choice follows what large runs used, and
   shapes within a factor sqrt(2) of it are accepted. Levine et al. 2020 (arXiv:2006.12467) put a
   depth threshold at log_3(d_model) layers (8.6 for d = 12,288) below which depth pays off
   doubly; every shape proposed here is far deeper. Their fitted optimum (d = exp(5.039 +
   0.0555 L), a SECONDARY transcription) would make models above ~100B shallower and wider than
   this rule; published models do not follow it, so it is reported, not used.
3. Width a multiple of one head (multi-head attention) or, when grouped, of 8 heads from d_model
   4096 up, of 4 heads from 1024 and of one head below (steps of 8 heads would be too coarse for
   small models); 8 key/value heads when 8 divide the query heads, else 4 when 4 do, else as
   many as query heads (Llama 3 8B to 405B: 32, 64, 128 query heads over 8).
4. FFN width by Meta's code: hidden = int(2/3 x 4 d); int(ffn_dim_multiplier x hidden); rounded up
   to ``multiple_of`` (LLaMA paper: "2/3 4d instead of 4d as in PaLM"). ffn_dim_multiplier 1.3
   (Llama 3 8B and 70B, Llama 2 70B; 405B used 1.2) and multiple_of 256 below d = 4096, 1024
   below 8192, 4096 above (the values of meta-llama/llama-models ``sku_list.py``). GPT-3: 4 d.
5. Among the shapes of rules 1-4 whose aspect ratio is within sqrt(2) of rule 2's, the one that
   minimises |ln(N / target)| + 0.05 |ln(aspect / rule 2's)|: 1% off in N weighs as much as
   20% off in aspect ratio, which by Kaplan et al. costs far less loss.

The exact N of the result is reported. Calibration (tests/arch/test_families.py): given the
parameter count of each of the 22 published shapes of the catalog (GPT-3, LLaMA 1/2/3, Chinchilla,
Gopher), the rule proposes exactly the published depth and width for 11 of them (Llama 3 8B and
70B, GPT-3 175B, 13B and 2.7B among them) and Mixtral's for 46.7B; its N is within 1% of the
target every time; depth and width are within a factor 1.4 of the published ones except for
Gopher 280B (aspect ratio 205, 1.6 times the rule's; the rule is 41% deeper). The farthest
others are LLaMA 65B and 33B (multi-head attention, aspect ratios 102 and 111: the rule is 26%
and 20% shallower).

:func:`smooth_model` is the same rule without rounding (continuous n_layers and d_model), so
that parameter counts and FLOPs per token are smooth functions of N for the exact-FLOPs
allocation of :mod:`.allocation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Final, Literal

import numpy as np

from llmplan.arch.counts import count_from_dims, param_counts
from llmplan.arch.flops import attention_flops, six_n
from llmplan.arch.shape import ModelShape
from llmplan.core.messages import MESSAGES

FAMILIES: Final = ("llama", "gpt3", "moe")
Basis = Literal["total", "active"]

#: Rule 2: aspect ratio 64 at and below SMALL_N, 128 at and above LARGE_N.
ASPECT_SMALL: Final = 64.0
ASPECT_LARGE: Final = 128.0
SMALL_N: Final = 1e9
LARGE_N: Final = 1e10
#: Rule 5: accepted aspect ratios are within this factor of rule 2's.
ASPECT_BAND: Final = math.sqrt(2.0)
#: Rule 5: weight of |ln(aspect / rule)| against |ln(N / target)|.
ASPECT_WEIGHT: Final = 0.05
#: Rule 4 (Meta's code): ffn_dim_multiplier of Llama 3 8B and 70B.
FFN_DIM_MULTIPLIER: Final = 1.3
#: Rule 3: key/value heads of a grouped-query template, and the head multiple of its width.
KV_HEADS: Final = 8
HEAD_MULTIPLE: Final = 4

#: What each family is (the messages ``arch.family.<family>``, :mod:`llmplan.core.messages_arch`).
FAMILY_TEXT: Final = {f: MESSAGES[f"arch.family.{f}"] for f in ("llama", "gpt3", "moe")}


@dataclass(frozen=True, kw_only=True)
class Template:
    """What a family fixes; :func:`propose_shape` chooses depth and width."""

    family: str
    vocab: int
    seq_len: int
    grouped: bool
    mlp: Literal["swiglu", "gelu"]
    positions: Literal["rope", "learned"]
    norm: Literal["rms", "layer"]
    biases: bool
    tied: bool
    experts: int = 1
    active: int = 1
    granularity: int = 1

    @property
    def description(self) -> str:
        return FAMILY_TEXT[self.family]


def template(
    family: str,
    *,
    vocab: int,
    seq_len: int,
    experts: int = 8,
    active: int = 2,
    granularity: int = 1,
) -> Template:
    """The template of ``family``; ``experts``, ``active``, ``granularity`` apply to ``moe``."""
    if family not in FAMILIES:
        raise ValueError(f"unknown family '{family}'")
    if family == "gpt3":
        return Template(
            family=family,
            vocab=vocab,
            seq_len=seq_len,
            grouped=False,
            mlp="gelu",
            positions="learned",
            norm="layer",
            biases=True,
            tied=True,
        )
    moe = family == "moe"
    return Template(
        family=family,
        vocab=vocab,
        seq_len=seq_len,
        grouped=True,
        mlp="swiglu",
        positions="rope",
        norm="rms",
        biases=False,
        tied=False,
        experts=experts * granularity if moe else 1,
        active=active * granularity if moe else 1,
        granularity=granularity if moe else 1,
    )


def head_dim(d_model: float) -> int:
    """Rule 1: 128 from d_model = 2048 up, else 64."""
    return 128 if d_model >= 2048 else 64


def aspect_ratio(params: Any) -> Any:
    """Rule 2: 64 up to 1B parameters, 128 from 10B, log-linear in N between."""
    x = np.clip(np.log10(np.asarray(params, dtype=float) / SMALL_N), 0.0, 1.0)
    return ASPECT_SMALL * (ASPECT_LARGE / ASPECT_SMALL) ** x


def llama_ffn(
    d_model: int, *, multiplier: float = FFN_DIM_MULTIPLIER, multiple_of: int | None = None
) -> int:
    """Rule 4: Meta's FFN width (meta-llama/llama3 ``llama/model.py``, ``FeedForward``)."""
    if multiple_of is None:
        multiple_of = 256 if d_model < 4096 else (1024 if d_model < 8192 else 4096)
    hidden = int(2 * (4 * d_model) / 3)
    hidden = int(multiplier * hidden)
    return multiple_of * ((hidden + multiple_of - 1) // multiple_of)


def _width_quantum(d_model: int, t: Template) -> int:
    hd = head_dim(d_model)
    if not t.grouped or d_model < 1024:
        return hd
    return hd * (KV_HEADS if d_model >= 4096 else HEAD_MULTIPLE)


def build_shape(n_layers: int, d_model: int, t: Template, *, name: str = "") -> ModelShape:
    """The shape of template ``t`` at depth ``n_layers`` and width ``d_model`` (rules 1, 3, 4)."""
    hd = head_dim(d_model)
    n_heads = max(d_model // hd, 1)
    kv = n_heads
    if t.grouped and n_heads % KV_HEADS == 0:
        kv = KV_HEADS
    elif t.grouped and n_heads % HEAD_MULTIPLE == 0 and n_heads > HEAD_MULTIPLE:
        kv = HEAD_MULTIPLE
    if t.mlp == "gelu":
        d_ff = 4 * d_model
    else:
        d_ff = llama_ffn(d_model)
        if t.granularity > 1:
            d_ff = max(128, 128 * round(d_ff / t.granularity / 128))
    return ModelShape(
        family=t.family,
        n_layers=n_layers,
        d_model=d_model,
        n_heads=n_heads,
        n_kv_heads=kv,
        d_ff=d_ff,
        vocab=t.vocab,
        seq_len=t.seq_len,
        mlp=t.mlp,
        tied_embeddings=t.tied,
        positions=t.positions,
        norm=t.norm,
        biases=t.biases,
        experts=t.experts,
        active_experts=t.active,
        name=name,
    )


# ------------------------------------------------------------------------ smooth (continuous) form


@dataclass(frozen=True)
class SmoothModel:
    """Rules 1-4 without rounding: arrays over target N of depth, width, counts and FLOPs."""

    n_layers: np.ndarray
    d_model: np.ndarray
    counts: dict[str, np.ndarray]
    seq_len: int

    def flops_per_token(self, convention: str = "palm") -> np.ndarray:
        """Training FLOPs per token (conventions of :mod:`.flops`; q_width = d_model)."""
        c = self.counts
        if convention == "6n":
            return np.asarray(six_n(c["active"]))
        if convention == "kaplan":
            return np.asarray(
                six_n(c["active_non_embedding"]) + 6.0 * self.n_layers * self.seq_len * self.d_model
            )
        causal = convention == "palm-causal"
        attention = attention_flops(self.n_layers, self.d_model, self.seq_len, causal=causal)
        return np.asarray(six_n(c["active"]) + attention)


def _smooth_counts(n_layers: np.ndarray, d: np.ndarray, t: Template) -> dict[str, np.ndarray]:
    # rule 1's step from 64 to 128 at d = 2048, made continuous (linear from d = 1024) so that
    # counts have no jump an optimiser could mistake for a minimum
    hd = np.clip(d / 16.0, 64.0, 128.0)
    kv_width = np.minimum(d, KV_HEADS * hd) if t.grouped else d
    d_ff = 4.0 * d if t.mlp == "gelu" else FFN_DIM_MULTIPLIER * (8.0 / 3.0) * d / t.granularity
    return count_from_dims(
        d=d,
        q_width=d,
        kv_width=kv_width,
        d_ff=d_ff,
        n_layers=n_layers,
        vocab=t.vocab,
        seq_len=t.seq_len,
        mlp=t.mlp,
        norm=t.norm,
        positions=t.positions,
        biases=t.biases,
        tied=t.tied,
        experts=t.experts,
        active_experts=t.active,
    )


def smooth_model(params: Any, t: Template, *, basis: Basis = "total") -> SmoothModel:
    """Continuous depth and width whose ``basis`` count (total or active) equals ``params``.

    d_model = aspect_ratio(N) x n_layers (rule 2); n_layers solves count(n_layers) = N in log
    space (the count increases with depth, about as its cube): secant steps from N = 12 d^2 L,
    then bisection for any element they leave more than 1e-13 from its target. Vectorised over
    ``params``; ``benchmarks/bench_smooth.py`` times it against plain bisection.
    """
    target = np.atleast_1d(np.asarray(params, dtype=float))
    aspect = aspect_ratio(target)
    log_target = np.log(target)
    lo = np.full_like(target, math.log(1e-3))
    hi = np.full_like(target, math.log(1e5))

    def error(x: np.ndarray) -> np.ndarray:  # log count at e^x layers over the target's
        layers = np.exp(x)
        return np.log(_smooth_counts(layers, aspect * layers, t)[basis]) - log_target

    x0 = np.clip(np.log(target / (12.0 * aspect**2)) / 3.0, lo, hi)
    x1 = np.clip(x0 + 0.05, lo, hi)
    e0, e1 = error(x0), error(x1)
    for _ in range(SECANT_STEPS):
        step = x1 - x0
        slope = np.where(step != 0.0, (e1 - e0) / np.where(step != 0.0, step, 1.0), 3.0)
        slope = np.where(slope > 0.0, slope, 3.0)
        x0, e0 = x1, e1
        x1 = np.clip(x1 - e1 / slope, lo, hi)
        e1 = error(x1)
        if np.all(np.abs(e1) <= 1e-15):
            break
    off = np.flatnonzero(~(np.abs(e1) <= 1e-13))
    if off.size:  # bisection where the secant did not converge (never seen; kept as a guard)
        x1[off] = _bisect_layers(target[off], aspect[off], t, basis)
    layers = np.exp(x1)
    d = aspect * layers
    return SmoothModel(layers, d, _smooth_counts(layers, d, t), t.seq_len)


#: Secant steps of :func:`smooth_model` (it converges to float precision in about six).
SECANT_STEPS: Final = 30


def _bisect_layers(target: np.ndarray, aspect: np.ndarray, t: Template, basis: Basis) -> np.ndarray:
    """ln n_layers whose count equals ``target``, by bisection in log space."""
    lo = np.full_like(target, math.log(1e-3))
    hi = np.full_like(target, math.log(1e5))
    for _ in range(56):  # 2^-56 of a 18-wide log interval: exact to float precision
        mid = 0.5 * (lo + hi)
        layers = np.exp(mid)
        count = _smooth_counts(layers, aspect * layers, t)[basis]
        above = count > target
        hi = np.where(above, mid, hi)
        lo = np.where(above, lo, mid)
    return 0.5 * (lo + hi)


# ------------------------------------------------------------------------------ the rule itself


def propose_shape(params: float, t: Template, *, basis: Basis = "total") -> ModelShape:
    """Rule 5: the buildable shape of template ``t`` nearest ``params`` (see the module docstring).

    ``basis`` says which count ``params`` is: "total" (every parameter) or "active" (MoE: the
    parameters a token passes through).
    """
    if not (math.isfinite(params) and params > 0):
        raise ValueError(f"params must be a positive number, got {params!r}")
    target_aspect = float(aspect_ratio(params))
    layers0 = float(smooth_model(params, t, basis=basis).n_layers[0])
    best: tuple[float, ModelShape] | None = None
    for n_layers in range(max(1, math.floor(0.75 * layers0)), math.ceil(1.3 * layers0) + 1):
        low = target_aspect / ASPECT_BAND * n_layers
        high = target_aspect * ASPECT_BAND * n_layers
        d = _width_quantum(int(low), t)
        d = max(d, d * math.ceil(low / d))
        while d <= high:
            shape = build_shape(n_layers, d, t)
            count = getattr(param_counts(shape), basis)
            score = abs(math.log(count / params)) + ASPECT_WEIGHT * abs(
                math.log(d / n_layers / target_aspect)
            )
            if best is None or score < best[0]:
                best = (score, shape)
            d += _width_quantum(d, t)
    if best is None:  # a model smaller than one layer of the narrowest width
        return build_shape(1, _width_quantum(1, t), t, name="proposed")
    return replace(best[1], name="proposed")


def levine_width(n_layers: float) -> float:
    """Levine et al. 2020's fitted optimal width exp(5.039 + 0.0555 L) (SECONDARY transcription)."""
    return math.exp(5.039 + 0.0555 * n_layers)


def levine_depth_threshold(d_model: float) -> float:
    """Levine et al. 2020's depth threshold log_3(d_model) (abstract of arXiv:2006.12467 v1)."""
    return math.log(d_model, 3)
