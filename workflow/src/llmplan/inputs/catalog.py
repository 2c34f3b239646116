"""The catalog of trained models and accelerators: loaded, validated and normalised once.

Sources of every number are in ``data/catalog/*.yaml``. Training compute of a model is the
reported figure where one is published, else ``flops_per_param_token x N x D`` with 6 FLOPs per
parameter per token for dense decoders and encoders and 3 for T5-style encoder-decoders, which
process each token with half of their parameters (Brown et al. 2020, arXiv:2005.14165, App. D).
Derived tables (compute, implied MFU, D / D_opt under each law) are in :mod:`llmplan.catalog`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

from llmplan.arch.shape import ModelShape, shape_problems
from llmplan.core.compute import FLOPS_PER_PF_DAY, HOURS_PER_DAY
from llmplan.core.errors import (
    ErrorCollector,
    InputError,
    InputErrors,
    Where,
    all_errors,
    unknown_choice,
)
from llmplan.core.units import parse_quantity
from llmplan.inputs.bounds import CATALOG_MAXIMA
from llmplan.io.schema import validate_doc
from llmplan.io.yamldoc import YamlDoc, parse_yaml, read_text

PRECISIONS = ("bf16", "fp16", "fp8", "tf32", "fp32")


@dataclass(frozen=True)
class Hardware:
    """An accelerator. Peaks are dense TFLOP/s; sparse headlines are kept apart."""

    id: str
    name: str
    peak_tflops_dense: dict[str, float]
    memory_gb: float
    source: str
    vendor: str = ""
    form_factor: str = ""
    year: int | None = None
    peak_tflops_sparse: dict[str, float] | None = None
    memory_bandwidth_gbs: float | None = None
    tdp_w: float | None = None
    price_per_hour: dict[str, Any] | None = None
    verification: str = "verified"
    notes: str = ""
    gpus_per_node: int | None = None
    intra_node_gbs: float | None = None
    intra_node_convention: str = "bidirectional"
    network_gbps: float | None = None
    network_convention: str = "unidirectional"
    interconnect_source: str = ""
    interconnect_verification: str = "estimate"
    interconnect_notes: str = ""

    @property
    def intra_node_bytes_per_s(self) -> float | None:
        """NVLink/ICI bandwidth per accelerator and direction, bytes/s (None: unknown).

        NVIDIA's NVLink headline sums both directions (A100: 12 links x 50 GB/s = 600 GB/s, 300
        per direction), so a bidirectional figure is halved.
        """
        if self.intra_node_gbs is None:
            return None
        halve = 2.0 if self.intra_node_convention == "bidirectional" else 1.0
        return self.intra_node_gbs * 1e9 / halve

    @property
    def network_bytes_per_s(self) -> float | None:
        """Scale-out network bandwidth per accelerator and direction, bytes/s (None: unknown)."""
        if self.network_gbps is None:
            return None
        halve = 2.0 if self.network_convention == "bidirectional" else 1.0
        return self.network_gbps * 1e9 / 8.0 / halve

    @property
    def training_precision(self) -> str:
        """Precision used for mixed-precision training: bf16 where supported, else fp16."""
        for precision in ("bf16", "fp16", "tf32", "fp32"):
            if precision in self.peak_tflops_dense:
                return precision
        return next(iter(self.peak_tflops_dense))

    @property
    def peak_flops(self) -> float:
        """Dense peak FLOP/s at the training precision."""
        return self.peak_tflops_dense[self.training_precision] * 1e12

    def peak_flops_at(self, precision: str | None = None) -> float:
        """Dense peak FLOP/s at ``precision`` (default: the training precision).

        Raises
        ------
        KeyError
            If the catalog has no dense peak at that precision for this accelerator (callers
            turn it into an InputError: :func:`llmplan.inputs.model.check_precision`).
        """
        precision = precision or self.training_precision
        if precision not in self.peak_tflops_dense:
            raise KeyError(f"{self.id} has no dense {precision} peak")
        return self.peak_tflops_dense[precision] * 1e12

    @property
    def peak_flops_sparse(self) -> float | None:
        """The vendor's sparse headline FLOP/s at the training precision, if it has one."""
        sparse = self.peak_tflops_sparse or {}
        value = sparse.get(self.training_precision)
        return None if value is None else value * 1e12


@dataclass(frozen=True)
class Model:
    """A trained model with its published numbers (normalised to plain floats)."""

    id: str
    name: str
    family: str
    year: int
    architecture: str
    params: float
    tokens: float
    source: str
    flops_per_param_token: float = 6.0
    reported_flops: float | None = None
    hardware: str | None = None
    hardware_count: float | None = None
    accelerator_hours: float | None = None
    training_days: float | None = None
    energy_mwh: float | None = None
    co2_t: float | None = None
    tokens_lower_bound: bool = False
    verification: str = "verified"
    compute_note: str = ""
    reported_compute_counts: str = "model"
    notes: str = ""
    #: Published shape ({n_layers, d_model, ...} of :class:`llmplan.arch.shape.ModelShape}, with
    #: its ``source``), or None.
    shape: dict[str, Any] | None = None

    @property
    def estimated_flops(self) -> float:
        """flops_per_param_token x N x D."""
        return self.flops_per_param_token * self.params * self.tokens

    @property
    def train_flops(self) -> float:
        """Reported training compute where published, else the estimate."""
        return self.reported_flops if self.reported_flops is not None else self.estimated_flops

    @property
    def pf_days(self) -> float:
        return self.train_flops / FLOPS_PER_PF_DAY

    @property
    def tokens_per_param(self) -> float:
        return self.tokens / self.params

    @property
    def run_accelerator_hours(self) -> float | None:
        """Published accelerator-hours, else hardware_count x training_days x 24, else None."""
        if self.accelerator_hours is not None:
            return self.accelerator_hours
        if self.hardware_count is not None and self.training_days is not None:
            return self.hardware_count * self.training_days * HOURS_PER_DAY
        return None


@dataclass(frozen=True)
class Catalog:
    models: tuple[Model, ...]
    hardware: dict[str, Hardware]

    def model(self, model_id: str) -> Model:
        for m in self.models:
            if m.id == model_id:
                return m
        raise KeyError(model_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "models": [asdict(m) for m in self.models],
            "hardware": [asdict(h) for h in self.hardware.values()],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Catalog:
        """Rebuild from :meth:`to_dict` output (the normalised ``catalog.json``)."""
        model_fields = set(Model.__dataclass_fields__)
        hardware_fields = set(Hardware.__dataclass_fields__)
        models = tuple(
            Model(**{k: v for k, v in m.items() if k in model_fields}) for m in data["models"]
        )
        hardware = {
            h["id"]: Hardware(**{k: v for k, v in h.items() if k in hardware_fields})
            for h in data["hardware"]
        }
        return cls(models=models, hardware=hardware)


# --------------------------------------------------------------------------------- loading

_ITEM: Final = re.compile(r"^(models|hardware)\[(\d+)\](?:\.(.*))?$")


def _entry_error(doc: YamlDoc, err: InputError) -> InputError:
    """Re-address a schema error at ``models[3].source`` to entry '<id>', field 'source'."""
    where = err.where
    match = _ITEM.match(where.field or "")
    if match is None:
        return err
    section, index, rest = match[1], int(match[2]), match[3]
    entries = doc.data.get(section) if isinstance(doc.data, dict) else None
    entry = entries[index] if isinstance(entries, list) and index < len(entries) else None
    name = entry.get("id") if isinstance(entry, dict) else None
    label = str(name) if isinstance(name, str) and name else f"{section}[{index}]"
    # an entry that is a mapping without an id is missing its id; one that is no mapping at all
    # is wrong as a whole
    field = rest or ("id" if isinstance(entry, dict) and name is None else None)
    return InputError(
        Where(where.file, label, field, where.line),
        err.problem,
        expected=err.expected,
        hint=err.hint,
    )


def _entry_where(doc: YamlDoc, section: str, i: int, entry: str, *field: str) -> Where:
    """Where a field of entry ``i`` of ``section`` is: the entry by id, the field relative to it."""
    return Where(doc.file, entry, ".".join(field) or None, doc.line(section, i, *field))


def _read_docs(texts: tuple[tuple[str, str], ...], errors: ErrorCollector) -> list[YamlDoc]:
    """The catalog files (name, text) that parse and match the schema; the mistakes of the
    others go to ``errors``."""
    docs = []
    for file, text in texts:
        with errors.checking():
            doc = parse_yaml(text, file, entry_key="id")
            if doc.data is None:
                raise InputError(
                    doc.where(), "the file is empty", expected="a 'models:' or 'hardware:' list"
                )
            if not isinstance(doc.data, dict):
                raise InputError(
                    doc.where(),
                    f"found {type(doc.data).__name__}",
                    expected="a mapping with 'models:' or 'hardware:'",
                )
            try:
                validate_doc(doc, "catalog")
            except InputError as err:
                raise InputErrors([_entry_error(doc, e) for e in all_errors(err)]) from None
            docs.append(doc)
    return docs


def load_catalog(catalog_dir: Path | str) -> Catalog:
    """Load every ``*.yaml`` under ``catalog_dir`` into a validated, normalised :class:`Catalog`.

    The same texts give the same catalog, so it is built once per process for them (the command
    line and the checks read it more than once).

    Raises
    ------
    InputError
        Naming file, entry and field for a schema violation, a malformed quantity, a duplicate id or
        an unknown hardware id (:class:`~llmplan.core.errors.InputErrors` for several, in every
        file).
    """
    catalog_dir = Path(catalog_dir)
    paths = sorted(catalog_dir.glob("*.yaml")) if catalog_dir.is_dir() else []
    if not paths:
        found = "no *.yaml files" if catalog_dir.is_dir() else f"no such folder under {Path.cwd()}"
        raise InputError(
            str(catalog_dir),
            found,
            expected="models.yaml and hardware.yaml (run llmplan from the project's folder, or "
            "pass --catalog DIR)",
        )
    errors = ErrorCollector()
    texts = []
    for path in paths:
        with errors.checking():
            texts.append((str(path), read_text(path, str(path))))
    if errors.errors:
        try:  # the files that can be read may hold mistakes too
            _catalog(tuple(texts))
        except InputError as err:
            errors.add(err)
        errors.raise_if_any()
    return _catalog(tuple(texts))


@functools.lru_cache(maxsize=4)
def _catalog(texts: tuple[tuple[str, str], ...]) -> Catalog:
    """The catalog of these files (name, text); an :class:`InputError` is never cached."""
    errors = ErrorCollector()
    docs = _read_docs(texts, errors)
    # with a file left out, a hardware id may be unknown only because its file is broken
    check_refs = not errors.errors
    hardware: dict[str, Hardware] = {}
    first: dict[str, str] = {}  # "hardware:<id>" or "model:<id>" -> where it was defined first
    for doc in docs:
        for i, entry in enumerate(doc.data.get("hardware") or []):
            where = _entry_where(doc, "hardware", i, entry["id"], "id")
            if entry["id"] in hardware:
                errors.add(_duplicate(where, "hardware", entry["id"], first))
                continue
            first[f"hardware:{entry['id']}"] = f"{where.file}:{where.line}"
            hardware[entry["id"]] = Hardware(**entry)
    models: list[Model] = []
    for doc in docs:
        for i, entry in enumerate(doc.data.get("models") or []):
            with errors.checking():
                models.append(_model(doc, i, entry, hardware, first, check_refs=check_refs))
    errors.raise_if_any()
    return Catalog(models=tuple(models), hardware=hardware)


def _duplicate(where: Where, kind: str, entry_id: str, first: dict[str, str]) -> InputError:
    return InputError(
        where,
        f"duplicate {kind} id '{entry_id}', already defined at {first[f'{kind}:{entry_id}']}",
        expected="ids unique across all files of the catalog",
    )


def _model(
    doc: YamlDoc,
    i: int,
    entry: dict[str, Any],
    hardware: dict[str, Hardware],
    first: dict[str, str],
    *,
    check_refs: bool = True,
) -> Model:
    mid = entry["id"]

    def where(*field: str) -> Where:
        return _entry_where(doc, "models", i, mid, *field)

    if f"model:{mid}" in first:
        raise _duplicate(where("id"), "model", mid, first)
    first[f"model:{mid}"] = f"{doc.file}:{doc.line('models', i, 'id')}"
    values = dict(entry)
    errors = ErrorCollector()
    top = CATALOG_MAXIMA
    for key in ("params", "tokens", "hardware_count", "accelerator_hours"):
        if key in entry:
            kind = "gpu_hours" if key == "accelerator_hours" else "count"
            with errors.checking():
                values[key] = parse_quantity(entry[key], where(key), kind=kind, at_most=top[key])
    reported = values.pop("reported_compute", None)
    if reported:
        ((unit, amount),) = reported.items()
        at = where("reported_compute", unit)
        with errors.checking():
            values["reported_flops"] = (
                parse_quantity(amount, at, kind="pf_days", at_most=top["flops"] / FLOPS_PER_PF_DAY)
                * FLOPS_PER_PF_DAY
                if unit == "pf_days"
                else parse_quantity(amount, at, kind="flops", at_most=top["flops"])
            )
    if check_refs and "hardware" in entry and entry["hardware"] not in hardware:
        errors.add(unknown_choice(where("hardware"), "hardware id", entry["hardware"], hardware))
    if "training_days" in entry and "hardware_count" not in entry:
        errors.add(
            InputError(
                where("training_days"),
                "training_days given without hardware_count",
                expected="hardware_count as well, so that accelerator-hours can be derived",
            )
        )
    if "shape" in entry:
        with errors.checking():
            _check_shape(entry["shape"], where)
    errors.raise_if_any()
    if "flops_per_param_token" not in entry and entry["architecture"] == "encoder-decoder":
        values["flops_per_param_token"] = 3.0
    return Model(**values)


def _check_shape(shape: dict[str, Any], where: Any) -> None:
    """Refuse a published shape that cannot be built (heads not dividing the width, ...)."""
    built = ModelShape.from_dict({"family": shape.get("family", "published"), **shape})
    for field, expected in shape_problems(built):
        raise InputError(where("shape", field), "the shape cannot be built", expected=expected)
