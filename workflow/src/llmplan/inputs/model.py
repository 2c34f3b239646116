"""A scenario's ``model:`` section: the family, sequence length, vocabulary, precision and MoE.

Every key is optional; the defaults are written once, in ``workflow/schemas/scenario.schema.yaml``
(a Llama-style dense decoder, 2,048-token sequences, a 32,000-token vocabulary, the hardware's
training precision). ``hf_config`` names a Hugging Face ``config.json`` (relative to the
repository) whose shape is used as is; the family, vocabulary and experts then come from it.
``precision`` selects the accelerator's dense peak at that precision from the catalog
(:meth:`llmplan.inputs.catalog.Hardware.peak_flops_at`); a precision the accelerator has no
peak for is refused here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from llmplan.arch.families import FAMILIES, Template, template
from llmplan.arch.hf import shape_from_hf_config
from llmplan.arch.shape import ModelShape
from llmplan.core.errors import InputError, Where
from llmplan.core.units import parse_quantity
from llmplan.inputs.catalog import Hardware
from llmplan.io.schema import with_defaults


@dataclass(frozen=True)
class ModelSpec:
    """The model a scenario would build (defaults filled in)."""

    stated: bool
    family: str
    seq_len: int
    vocab: int
    precision: str | None
    causal_mask: bool
    experts: int = 1
    active: int = 1
    granularity: int = 1
    hf_config: str | None = None
    shape: ModelShape | None = None

    @property
    def is_moe(self) -> bool:
        return self.experts > 1

    def template(self) -> Template:
        """The family template (for a config: the template of its layout, at its vocabulary)."""
        family = self.family
        if self.shape is not None:
            family = "gpt3" if self.shape.positions == "learned" else "llama"
            if self.shape.is_moe:
                family = "moe"
        return template(
            family,
            vocab=self.vocab,
            seq_len=self.seq_len,
            experts=self.experts // self.granularity,
            active=self.active // self.granularity,
            granularity=self.granularity,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "stated": self.stated,
            "family": self.family,
            "seq_len": self.seq_len,
            "vocab": self.vocab,
            "precision": self.precision,
            "causal_mask": self.causal_mask,
            "experts": self.experts,
            "active": self.active,
            "granularity": self.granularity,
            "hf_config": self.hf_config,
            "shape": None if self.shape is None else self.shape.to_dict(),
        }


def _whole(value: Any, where: Where, what: str) -> int:
    number = parse_quantity(value, where, kind="count")
    if number != int(number):
        raise InputError(where, f"found {value!r}", expected=f"a whole number of {what}")
    return int(number)


def check_precision(precision: str, hardware: Hardware, where: Where) -> None:
    """Refuse a precision the accelerator has no dense peak for in the catalog."""
    if precision not in hardware.peak_tflops_dense:
        raise InputError(
            where,
            f"{hardware.id} ({hardware.name}) has no dense {precision} peak in the catalog",
            expected="one of " + ", ".join(hardware.peak_tflops_dense),
            hint="Peaks per precision are in data/catalog/hardware.yaml (peak_tflops_dense).",
        )


def parse_model(
    spec: Mapping[str, Any] | None,
    where: Where,
    *,
    hardware: Hardware | None = None,
    root: Path | str = ".",
) -> ModelSpec:
    """Turn a scenario's ``model:`` mapping (already schema-valid, or ``None``) into a spec.

    Parameters
    ----------
    spec
        The mapping as written, or ``None`` when the scenario has no ``model:`` section.
    where
        Location of the ``model`` mapping, for errors.
    hardware
        The budget's accelerator, to check ``precision`` against; ``None`` for a compute budget.
    root
        Directory ``hf_config`` is relative to (the repository).

    Raises
    ------
    InputError
        A precision the accelerator lacks, an MoE with more active experts than experts, a
        family other than ``moe`` with ``moe:``, keys the Hugging Face config already states,
        or a config.json that cannot be read (with its own file and field).
    """
    stated = spec is not None
    raw = dict(spec or {})
    full = with_defaults({"model": raw}, "scenario")["model"]
    seq_len = _whole(full["seq_len"], where.at("seq_len"), "tokens")
    vocab = _whole(full["vocab"], where.at("vocab"), "tokens")
    precision = full.get("precision")
    if precision is not None and hardware is not None:
        check_precision(precision, hardware, where.at("precision"))
    family = full["family"]
    if family not in FAMILIES:  # the schema's enum says so too; kept for callers without it
        raise InputError(where.at("family"), f"found {family!r}", expected=", ".join(FAMILIES))
    if "moe" in raw and "family" not in raw:
        family = "moe"
    if "moe" in raw and family != "moe":
        raise InputError(
            where.at("family"),
            f"'moe:' is given with family '{family}'",
            expected="family: moe (or no family) with an moe: section",
        )
    experts = active = granularity = 1
    if family == "moe":
        moe = full.get("moe") or with_defaults({"model": {"moe": {}}}, "scenario")["model"]["moe"]
        experts, active = int(moe["experts"]), int(moe["active"])
        granularity = int(moe.get("granularity", 1))
        if active > experts:
            raise InputError(
                where.at("moe").at("active"),
                f"{active} active experts out of {experts}",
                expected="at most as many active experts as experts",
            )
        experts, active = experts * granularity, active * granularity
    shape = None
    hf_config = raw.get("hf_config")
    if hf_config is not None:
        for key in ("family", "vocab", "moe"):
            if key in raw:
                raise InputError(
                    where.at(key),
                    f"'{key}' is given with hf_config",
                    expected=f"one of the two: the config.json states the {key}",
                )
        path = Path(root) / hf_config
        shape = shape_from_hf_config(
            path, seq_len=seq_len if "seq_len" in raw else None, file=str(hf_config)
        )
        family, seq_len, vocab = "hf", shape.seq_len, shape.vocab
        experts, active, granularity = shape.experts, shape.active_experts, 1
    return ModelSpec(
        stated=stated,
        family=family,
        seq_len=seq_len,
        vocab=vocab,
        precision=precision,
        causal_mask=bool(full["causal_mask"]),
        experts=experts,
        active=active,
        granularity=granularity,
        hf_config=hf_config,
        shape=shape,
    )
