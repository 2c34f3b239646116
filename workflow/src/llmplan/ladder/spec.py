"""What a ladder is asked to be: ``config/ladders/<name>.yaml`` or the flags of ``llmplan ladder``.

Both go through the schema ``workflow/schemas/ladder.schema.yaml`` (the one place the defaults
live) and :func:`ladder_spec`, which resolves the target budget (a number, or a scenario's
budget), the ladder budget (a fraction of the target, or FLOPs), the law (the scenario's primary
law, else the config's), and the vocabulary and sequence length (the scenario's model, else the
scenario schema's defaults). :func:`make_ladder` turns a spec into a :class:`~.design.Ladder`
with shapes from :mod:`llmplan.arch` and batch size and learning rate from
:mod:`llmplan.run.hyperparams` (DeepSeek-AI 2024, arXiv:2401.02954, s3.1) unless the spec fixes
them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from llmplan.arch.families import propose_shape, template
from llmplan.arch.shape import ModelShape
from llmplan.arch.small import propose_small_shape
from llmplan.core.errors import InputError, Where
from llmplan.core.units import parse_quantity
from llmplan.inputs.model import parse_model
from llmplan.inputs.scenario import Scenario
from llmplan.inputs.settings import Settings
from llmplan.io.schema import validate_doc, with_defaults
from llmplan.io.yamldoc import YamlDoc, read_yaml
from llmplan.ladder.design import HyperFn, Ladder, ShapeFn, design_ladder
from llmplan.laws.base import Law
from llmplan.laws.registry import canonical_id, get_law
from llmplan.run.hyperparams import suggest

#: Where a project keeps its ladders (relative to the repository).
LADDER_DIR: Final = "config/ladders"
#: A ladder name: it becomes a folder under reports/ladders/ and the law id fit:<name>.
NAME_PATTERN: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class LadderSpec:
    """A ladder request with every default filled in and every budget in FLOPs."""

    name: str
    file: str
    title: str
    description: str
    target_flops: float
    scenario: str | None
    budget_flops: float
    budget_fraction: float | None
    law_id: str
    levels: int
    sizes: int
    spread: float
    shape_rule: str
    vocab: int
    seq_len: int
    head_dim: int
    aspect_ratio: float
    cooldown_fraction: float
    cooldown_shape: str
    reuse: bool
    batch_size: int | None
    peak_lr: float | None
    text: str
    seed: int
    eval_tokens: int
    threads: int
    fit_bootstrap: int
    fit_seed: int

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def ladder_name(path: Path | str) -> str:
    """The name of a ladder file (its stem), checked: it names a folder and a law id."""
    name = Path(path).stem
    if not NAME_PATTERN.match(name):
        raise InputError(
            Where(str(path)),
            f"'{name}' is not a ladder name",
            expected="<name>.yaml, name of letters, digits, '-' and '_'",
        )
    return name


def read_ladder(path: Path | str, *, display: str | None = None) -> YamlDoc:
    """A ladder file parsed and checked against the schema (file, line and field in errors)."""
    doc = read_yaml(path, display=display)
    if not isinstance(doc.data, dict):
        raise InputError(
            doc.where(), "the file holds no mapping", expected="'target:' and 'budget:' at least"
        )
    validate_doc(doc, "ladder")
    return doc


def check_ladders(ladder_dir: Path | str, *, fits: Sequence[str] = ()) -> list[str]:
    """Names of the ladder files in ``ladder_dir``, each read and checked against the schema.

    Raises
    ------
    InputError
        A file name that is not a ladder name, a schema error (file, line, field), or a ladder
        named like a dataset under ``fits:`` (both would be the law ``fit:<name>``).
    """
    names = []
    for path in sorted(Path(ladder_dir).glob("*.yaml")):
        name = ladder_name(path)
        read_ladder(path)
        if name in fits:
            raise InputError(
                Where(str(path)),
                f"ladder '{name}' has the name of a dataset under fits: in the config",
                expected="distinct names (each becomes the law fit:<name>)",
            )
        names.append(name)
    return names


def scenario_of(doc: YamlDoc) -> str | None:
    """The scenario a ladder's target names (a name or a .yaml path), if any."""
    target = doc.data.get("target") or {}
    return target.get("scenario")


def ladder_spec(
    doc: YamlDoc, *, settings: Settings, scenario: Scenario | None = None, name: str = "ladder"
) -> LadderSpec:
    """Resolve a validated ladder document into a :class:`LadderSpec`.

    Parameters
    ----------
    doc
        The ladder as read (:func:`read_ladder`) or built from flags (``file="command line"``).
    settings
        The project's settings (primary law and tokens-per-param ratio).
    scenario
        The loaded scenario when the target names one (its budget, primary law and model).
    name
        The ladder's name (the law it yields is ``fit:<name>``).

    Raises
    ------
    InputError
        A target or budget that is not a positive amount, a fraction above 1 of the target, or a
        scenario target without the loaded scenario.
    """
    data = with_defaults(doc.data, "ladder")
    target, budget = data["target"], data["budget"]
    if "scenario" in target:
        if scenario is None:
            raise InputError(doc.where("target", "scenario"), "the scenario was not loaded")
        target_flops = float(scenario.budget.flops)
    else:
        target_flops = parse_quantity(target["flops"], doc.where("target", "flops"), kind="flops")
    fraction = budget.get("fraction")
    if fraction is not None:
        budget_flops = float(fraction) * target_flops
    else:
        budget_flops = parse_quantity(budget["flops"], doc.where("budget", "flops"), kind="flops")
        if budget_flops > target_flops:
            raise InputError(
                doc.where("budget", "flops"),
                f"a ladder of {budget_flops:.3g} FLOPs costs more than its target "
                f"{target_flops:.3g}",
                expected="a ladder budget at most the target (a few per cent is usual)",
            )
    law_id = data.get("law") or (scenario.primary_law if scenario else settings.primary_law)
    model = scenario.model if scenario and scenario.model else None
    if model is None:
        model = parse_model(None, doc.where("shape"))
    shape, schedule, training, fit = data["shape"], data["schedule"], data["training"], data["fit"]
    return LadderSpec(
        name=name,
        file=doc.file,
        title=str(data.get("title") or f"Ladder {name}"),
        description=str(data.get("description") or ""),
        target_flops=target_flops,
        scenario=target.get("scenario"),
        budget_flops=budget_flops,
        budget_fraction=None if fraction is None else float(fraction),
        law_id=canonical_id(str(law_id)),
        levels=int(data["levels"]),
        sizes=int(data["sizes"]),
        spread=float(data["spread"]),
        shape_rule=str(shape["rule"]),
        vocab=int(shape.get("vocab", model.vocab)),
        seq_len=int(shape.get("seq_len", model.seq_len)),
        head_dim=int(shape["head_dim"]),
        aspect_ratio=float(shape["aspect_ratio"]),
        cooldown_fraction=float(schedule["cooldown_fraction"]),
        cooldown_shape=str(schedule["cooldown_shape"]),
        reuse=bool(schedule["reuse"]),
        batch_size=training.get("batch_size"),
        peak_lr=training.get("peak_lr"),
        text=str(training["text"]),
        seed=int(training["seed"]),
        eval_tokens=int(training["eval_tokens"]),
        threads=int(training["threads"]),
        fit_bootstrap=int(fit["bootstrap"]),
        fit_seed=int(fit["seed"]),
    )


def shape_rule(spec: LadderSpec) -> ShapeFn:
    """The spec's ``shape.rule`` as a function of a nominal size."""
    if spec.shape_rule == "small":
        if spec.head_dim % 2:
            raise InputError(
                Where(spec.file, field="shape.head_dim"),
                f"{spec.head_dim} is odd",
                expected="an even head width (rotary embeddings rotate pairs)",
            )

        def small(params: float) -> ModelShape:
            return propose_small_shape(
                params,
                vocab=spec.vocab,
                seq_len=spec.seq_len,
                head_dim=spec.head_dim,
                aspect_ratio=spec.aspect_ratio,
            )

        return small
    llama = template("llama", vocab=spec.vocab, seq_len=spec.seq_len)

    def calibrated(params: float) -> ModelShape:
        return propose_shape(params, llama)

    return calibrated


def hyperparameter_rule(spec: LadderSpec) -> HyperFn:
    """Sequences per step and peak learning rate: the spec's, else DeepSeek's laws."""

    def rule(shape: ModelShape, tokens: float) -> tuple[int, float]:
        suggested = suggest(shape, tokens)
        batch = spec.batch_size or suggested.global_batch_sequences
        return int(batch), float(spec.peak_lr or suggested.peak_learning_rate)

    return rule


def make_ladder(spec: LadderSpec, *, fitted: Mapping[str, Law] | None = None) -> Ladder:
    """Design the ladder of ``spec`` (:func:`llmplan.ladder.design.design_ladder`)."""
    where = Where(spec.file, entry=spec.name)
    law = get_law(spec.law_id, where=where.at("law"), fitted=fitted)
    return design_ladder(
        target_flops=spec.target_flops,
        budget_flops=spec.budget_flops,
        law=law,
        shape_for=shape_rule(spec),
        hyperparameters=hyperparameter_rule(spec),
        levels=spec.levels,
        sizes=spec.sizes,
        spread=spec.spread,
        cooldown_fraction=spec.cooldown_fraction,
        reuse=spec.reuse,
        where=where,
    )
