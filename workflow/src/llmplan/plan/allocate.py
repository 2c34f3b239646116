"""Allocate a compute budget under a scaling law, with the constraints real plans have.

Unconstrained: (N, D) = ``law.optimal(C)`` with 6 N D = C (see :mod:`llmplan.laws.base`).

``max_params`` (a serving or memory limit). Loss at fixed C is unimodal in ln N for every law with a
loss here, so the best plan with N <= N_max is N = min(N_opt, N_max), D = C / 6N.

``unique_tokens``: the data-constrained optimum of Muennighoff et al. 2023
(:mod:`llmplan.laws.data_constrained`), and how many epochs the row's own plan would need. The
constants are the authors' own fit (C4, GPT-2 tokeniser), whichever law the row belongs to.

``inference_tokens``: the inference-aware model of Sardana et al. 2023 (:mod:`.inference`).

Memory (when the hardware is known): :mod:`.memory`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from llmplan.core.compute import tokens_for_flops
from llmplan.core.errors import InputError, Where
from llmplan.core.messages import message
from llmplan.inputs.catalog import Hardware
from llmplan.inputs.constraints import NO_CONSTRAINTS, Constraints
from llmplan.laws.base import Law, ParametricLaw
from llmplan.laws.data_constrained import (
    MUENNIGHOFF_CITATION,
    R_D_STAR,
    SATURATION_EPOCHS,
    data_constrained_loss,
    data_constrained_optimum,
)
from llmplan.plan.inference import SARDANA_CITATION, inference_optimum
from llmplan.plan.memory import memory_plan


@dataclass(frozen=True)
class Allocation:
    """One law's answer to a budget. Sections for constraints are ``None`` when not asked."""

    law: str
    law_name: str
    citation: str
    counts_embeddings: bool
    flops: float
    params: float
    tokens: float
    loss: float | None
    loss_note: str
    intervals: dict[str, list[float]] | None
    in_range: bool
    extrapolation_factor: float
    #: messages (:mod:`llmplan.core.messages`); :attr:`warnings` is their English
    warning_messages: tuple[dict[str, Any], ...] = ()
    max_params: dict[str, Any] | None = None
    data_constrained: dict[str, Any] | None = None
    inference: dict[str, Any] | None = None
    memory: dict[str, Any] | None = None

    @property
    def tokens_per_param(self) -> float:
        return self.tokens / self.params

    @property
    def warnings(self) -> tuple[str, ...]:
        """The warnings in English."""
        return tuple(str(w["text"]) for w in self.warning_messages)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready types; constraint sections only when set."""
        out: dict[str, Any] = {
            "law": self.law,
            "law_name": self.law_name,
            "citation": self.citation,
            "counts_embeddings": self.counts_embeddings,
            "flops": float(self.flops),
            "params": float(self.params),
            "tokens": float(self.tokens),
            "tokens_per_param": float(self.tokens_per_param),
            "loss": None if self.loss is None else float(self.loss),
            "loss_note": self.loss_note,
            "intervals": self.intervals,
            "in_range": bool(self.in_range),
            "extrapolation_factor": float(self.extrapolation_factor),
            "warnings": list(self.warnings),
        }
        if self.warning_messages:  # each warning in any language (Language.text)
            out["messages"] = {"warnings": list(self.warning_messages)}
        for key in ("max_params", "data_constrained", "inference", "memory"):
            section = getattr(self, key)
            if section is not None:
                out[key] = section
        return out


def _loss_or_none(law: Law, params: float, tokens: float) -> float | None:
    if not law.has_loss:
        return None
    value = float(law.loss(params, tokens))
    return value if math.isfinite(value) else None


def _range_warning(law: Law, flops: float) -> dict[str, Any] | None:
    if bool(law.in_range(flops)):
        return None
    low, high = law.flops_range
    code, factor = (
        ("allocation.above", flops / high) if flops > high else ("allocation.below", low / flops)
    )
    return message(code, law=law.id, flops=flops, factor=factor, low=low, high=high)


def allocate(
    flops: float,
    law: Law,
    *,
    constraints: Constraints = NO_CONSTRAINTS,
    hardware: Hardware | None = None,
    count: float | None = None,
) -> Allocation:
    """Allocate ``flops`` training FLOPs under ``law`` with ``constraints``.

    Parameters
    ----------
    flops
        Training compute C in FLOPs (finite, positive).
    law
        A registry law (:func:`llmplan.laws.get_law`).
    constraints
        Optional limits (:func:`parse_constraints`).
    hardware, count
        The accelerator and how many the plan has, for the memory section (omitted without
        hardware).

    Raises
    ------
    InputError
        A budget that is not finite and positive, or so extreme the law overflows.
    """
    if not (isinstance(flops, int | float) and math.isfinite(flops) and flops > 0):
        raise InputError(
            Where("budget"), f"found {flops!r} FLOPs", expected="a finite positive budget"
        )
    flops = float(flops)
    params, tokens = (float(v) for v in law.optimal(flops))
    if not (math.isfinite(params) and math.isfinite(tokens) and params > 0 and tokens > 0):
        raise InputError(
            Where("budget"),
            f"law '{law.id}' cannot evaluate a budget of {flops:.3g} FLOPs",
            expected="a budget within many orders of magnitude of today's training runs",
        )
    warnings: list[dict[str, Any]] = []
    if (w := _range_warning(law, flops)) is not None:
        warnings.append(w)

    sections: dict[str, Any] = {}
    if constraints.max_params is not None:
        capped = min(params, constraints.max_params)
        capped_tokens = float(tokens_for_flops(flops, capped))
        capped_loss = _loss_or_none(law, capped, capped_tokens)
        base_loss = _loss_or_none(law, params, tokens)
        sections["max_params"] = {
            "max_params": constraints.max_params,
            "binding": params > constraints.max_params,
            "params": capped,
            "tokens": capped_tokens,
            "tokens_per_param": capped_tokens / capped,
            "loss": capped_loss,
            "loss_increase": (
                capped_loss - base_loss
                if capped_loss is not None and base_loss is not None
                else None
            ),
        }
    if constraints.unique_tokens is not None:
        u = constraints.unique_tokens
        best = data_constrained_optimum(flops, u)
        own = data_constrained_loss(params, tokens, u)
        sections["data_constrained"] = {
            "unique_tokens": u,
            "constants": MUENNIGHOFF_CITATION,
            **best,
            "tokens_per_param": best["tokens"] / best["params"],
            "law_plan_epochs": tokens / u,
            "law_plan_loss": float(own["loss"]),
            "binding": tokens > u,
        }
        if best["epochs"] > SATURATION_EPOCHS:
            warnings.append(
                message(
                    "allocation.saturated", law=law.id, epochs=best["epochs"], limit=4 * R_D_STAR
                )
            )
    if constraints.inference_tokens:
        # Sardana et al. hold the loss of the compute-optimal model fixed. That presumes the law's
        # allocation minimises its own L(N, D) at fixed compute, which only the parametric laws
        # do (Kaplan's frontier is not the minimum of its L(N, D)), so only they get a plan.
        if isinstance(law, ParametricLaw):
            plan = inference_optimum(flops, law, constraints.inference_tokens)
            assert plan is not None
            if all(math.isfinite(v) for v in plan.values()):
                sections["inference"] = {"method": SARDANA_CITATION, **plan}
                # Training beyond the budget is the point of the method (the saving is in lifetime
                # FLOPs); reports show it in the inference section, not as a warning.
                sections["inference"]["extra_train_fraction"] = plan["train_flops"] / flops - 1
            else:
                warnings.append(message("allocation.no_inference", law=law.id))
        # Other laws get no inference-aware plan; reports say so once rather than per law.
    if hardware is not None:
        memory = memory_plan(params, hardware, count)
        sections["memory"] = memory
        if memory["min_devices"] is None:
            warnings.append(message("allocation.activations", law=law.id, hardware=hardware.id))
        elif memory["fits"] is False:
            warnings.append(
                message(
                    "allocation.memory",
                    law=law.id,
                    params=params,
                    needed=memory["min_devices"],
                    hardware=hardware.id,
                    count=count,
                )
            )

    return Allocation(
        law=law.id,
        law_name=law.name,
        citation=law.citation,
        counts_embeddings=law.counts_embeddings,
        flops=flops,
        params=params,
        tokens=tokens,
        loss=_loss_or_none(law, params, tokens),
        loss_note=law.loss_note,
        intervals=law.intervals(flops),
        in_range=bool(law.in_range(flops)),
        extrapolation_factor=float(law.extrapolation(flops)),
        warning_messages=tuple(warnings),
        **sections,
    )


def allocate_all(
    flops: float,
    laws: Sequence[Law],
    *,
    constraints: Constraints = NO_CONSTRAINTS,
    hardware: Hardware | None = None,
    count: float | None = None,
) -> list[Allocation]:
    """:func:`allocate` under every law in ``laws``, in order."""
    return [
        allocate(flops, law, constraints=constraints, hardware=hardware, count=count)
        for law in laws
    ]
