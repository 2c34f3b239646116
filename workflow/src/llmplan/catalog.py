"""The catalog of trained models and accelerators: loaded, validated and normalised once.

Sources of every number are in ``data/catalog/*.yaml``. Training compute of a model is the
reported figure where one is published, else ``flops_per_param_token x N x D`` with 6 FLOPs per
parameter per token for dense decoders and encoders and 3 for T5-style encoder-decoders, which
process each token with half of their parameters (Brown et al. 2020, arXiv:2005.14165, App. D).

Derived data are pure functions of a loaded :class:`Catalog`:

- :func:`model_table`: per model, training compute (reported, else estimated) in FLOPs and
  PF/s-days (1 PF/s-day = 1e15 FLOP/s x 86,400 s = 8.64e19 FLOPs), tokens per parameter, the
  relative gap between reported and estimated compute (flagged above 25%), the implied model
  FLOPs utilisation ``C / (accelerator_hours x 3600 s x dense peak)`` where hours and hardware
  are known, and ``D / D_opt(C)`` under each scaling law (Hoffmann et al. 2022,
  arXiv:2203.15556, eq. 4: ``D_opt`` is the compute-optimal token count at the model's own C).
- :func:`hardware_table`: accelerators needed for 1 PF/s at dense and at sparse peak, and
  PF/s-days delivered per accelerator-day at a stated MFU.
- :func:`catalog_json`: both, JSON-ready.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from llmplan.errors import InputError, Where, unknown_choice
from llmplan.schema import validate_doc
from llmplan.units import FLOPS_PER_PF_DAY, parse_quantity
from llmplan.yamlio import YamlDoc, read_yaml

if TYPE_CHECKING:
    from llmplan.laws import Law

PRECISIONS = ("bf16", "fp16", "fp8", "tf32", "fp32")

#: Relative gap between reported and estimated compute above which a model is flagged.
DISCREPANCY_THRESHOLD: Final = 0.25

SECONDS_PER_HOUR: Final = 3600.0
HOURS_PER_DAY: Final = 24.0


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
    notes: str = ""

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


def _read_docs(paths: list[Path]) -> list[YamlDoc]:
    docs = []
    for path in sorted(paths):
        doc = read_yaml(path)
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
            raise _entry_error(doc, err) from None
        docs.append(doc)
    return docs


def load_catalog(catalog_dir: Path | str) -> Catalog:
    """Load every ``*.yaml`` under ``catalog_dir`` into a validated, normalised :class:`Catalog`.

    Raises
    ------
    InputError
        Naming file, entry and field for a schema violation, a malformed quantity, a duplicate id or
        an unknown hardware id.
    """
    catalog_dir = Path(catalog_dir)
    paths = list(catalog_dir.glob("*.yaml"))
    if not paths:
        raise InputError(
            str(catalog_dir), "no *.yaml files", expected="models.yaml and hardware.yaml"
        )
    docs = _read_docs(paths)
    hardware: dict[str, Hardware] = {}
    first: dict[str, str] = {}  # "hardware:<id>" or "model:<id>" -> where it was defined first
    for doc in docs:
        for i, entry in enumerate(doc.data.get("hardware") or []):
            where = _entry_where(doc, "hardware", i, entry["id"], "id")
            if entry["id"] in hardware:
                raise _duplicate(where, "hardware", entry["id"], first)
            first[f"hardware:{entry['id']}"] = f"{where.file}:{where.line}"
            hardware[entry["id"]] = Hardware(**entry)
    models: list[Model] = []
    for doc in docs:
        for i, entry in enumerate(doc.data.get("models") or []):
            models.append(_model(doc, i, entry, hardware, first))
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
) -> Model:
    mid = entry["id"]

    def where(*field: str) -> Where:
        return _entry_where(doc, "models", i, mid, *field)

    if f"model:{mid}" in first:
        raise _duplicate(where("id"), "model", mid, first)
    first[f"model:{mid}"] = f"{doc.file}:{doc.line('models', i, 'id')}"
    values = dict(entry)
    values["params"] = parse_quantity(entry["params"], where("params"), kind="count")
    values["tokens"] = parse_quantity(entry["tokens"], where("tokens"), kind="count")
    for key in ("hardware_count", "accelerator_hours"):
        if key in entry:
            kind = "gpu_hours" if key == "accelerator_hours" else "count"
            values[key] = parse_quantity(entry[key], where(key), kind=kind)
    reported = values.pop("reported_compute", None)
    if reported:
        ((unit, amount),) = reported.items()
        at = where("reported_compute", unit)
        values["reported_flops"] = (
            parse_quantity(amount, at, kind="pf_days") * FLOPS_PER_PF_DAY
            if unit == "pf_days"
            else parse_quantity(amount, at, kind="flops")
        )
    if "hardware" in entry and entry["hardware"] not in hardware:
        raise unknown_choice(where("hardware"), "hardware id", entry["hardware"], hardware)
    if "training_days" in entry and "hardware_count" not in entry:
        raise InputError(
            where("training_days"),
            "training_days given without hardware_count",
            expected="hardware_count as well, so that accelerator-hours can be derived",
        )
    if "flops_per_param_token" not in entry and entry["architecture"] == "encoder-decoder":
        values["flops_per_param_token"] = 3.0
    return Model(**values)


# --------------------------------------------------------------------------------- derived


def law_column(law_id: str) -> str:
    """Name of the ``D / D_opt`` column of a law in :func:`model_table`."""
    return f"d_over_dopt_{law_id}"


def _discrepancy_reason(model: Model, ratio: float) -> str:
    est = f"{model.flops_per_param_token:g} x N x D = {model.estimated_flops:.3g} FLOPs"
    head = (
        f"reported {model.reported_flops:.3g} FLOPs is {ratio:.2f}x the estimate {est} "
        f"({(ratio - 1) * 100:+.0f}%)"
    )
    if model.compute_note:
        return f"{head}. {model.compute_note}"
    return (
        f"{head}. No explanation recorded: check the token count, the FLOPs per parameter per "
        "token, and whether the reported figure counts recomputation or hardware time."
    )


def _model_row(model: Model, catalog: Catalog, laws: Sequence[Law]) -> dict[str, Any]:
    reported = model.reported_flops
    discrepancy = reported / model.estimated_flops - 1.0 if reported is not None else math.nan
    flag = bool(reported is not None and abs(discrepancy) > DISCREPANCY_THRESHOLD)
    hours = model.run_accelerator_hours
    hw = catalog.hardware.get(model.hardware) if model.hardware else None
    mfu = (
        model.train_flops / (hours * SECONDS_PER_HOUR * hw.peak_flops)
        if hours is not None and hw is not None
        else math.nan
    )
    row: dict[str, Any] = {
        "id": model.id,
        "name": model.name,
        "family": model.family,
        "year": model.year,
        "architecture": model.architecture,
        "params": model.params,
        "tokens": model.tokens,
        "tokens_lower_bound": model.tokens_lower_bound,
        "flops_per_param_token": model.flops_per_param_token,
        "reported_flops": reported if reported is not None else math.nan,
        "estimated_flops": model.estimated_flops,
        "train_flops": model.train_flops,
        "flops_source": "reported" if reported is not None else "estimate",
        "pf_days": model.pf_days,
        "tokens_per_param": model.tokens_per_param,
        "compute_discrepancy": discrepancy,
        "compute_flag": flag,
        "compute_flag_reason": _discrepancy_reason(model, discrepancy + 1.0) if flag else None,
        "hardware": model.hardware,
        "hardware_name": hw.name if hw else None,
        "hardware_count": model.hardware_count if model.hardware_count is not None else math.nan,
        "accelerator_hours": hours if hours is not None else math.nan,
        "accelerator_hours_source": (
            None
            if hours is None
            else "reported"
            if model.accelerator_hours is not None
            else "derived"
        ),
        "training_precision": hw.training_precision if hw else None,
        "implied_mfu": mfu,
        "energy_mwh": model.energy_mwh if model.energy_mwh is not None else math.nan,
        "co2_t": model.co2_t if model.co2_t is not None else math.nan,
        "verification": model.verification,
        "source": model.source,
        "notes": model.notes,
    }
    for law in laws:
        _, d_opt = law.optimal(model.train_flops)
        row[law_column(law.id)] = model.tokens / float(d_opt)
    return row


def model_table(catalog: Catalog, laws: Sequence[Law]) -> pd.DataFrame:
    """One row per model with published and derived columns.

    Parameters
    ----------
    catalog
        A loaded catalog.
    laws
        Scaling laws; each adds a column ``d_over_dopt_<law id>`` = D / D_opt(C) at the model's
        own training compute C (< 1: fewer tokens than compute-optimal, i.e. over-sized and
        under-trained for its compute; > 1: over-trained, as small models for cheap inference are).

    Returns
    -------
    pandas.DataFrame
        Columns: id, name, family, year, architecture, params, tokens, tokens_lower_bound,
        flops_per_param_token, reported_flops, estimated_flops, train_flops, flops_source
        ("reported" or "estimate"), pf_days, tokens_per_param, compute_discrepancy
        (reported / estimate - 1, NaN without a reported figure), compute_flag (|discrepancy|
        > 25%), compute_flag_reason, hardware, hardware_name, hardware_count, accelerator_hours,
        accelerator_hours_source ("reported", "derived" from count x days, or None),
        training_precision, implied_mfu (train_flops / (hours x 3600 x dense peak at the
        training precision)), energy_mwh, co2_t, verification, source, notes, and one
        d_over_dopt_<law id> per law. Where tokens_lower_bound is true, compute, tokens per
        parameter and D / D_opt are lower bounds.
    """
    rows = [_model_row(m, catalog, laws) for m in catalog.models]
    columns = list(_model_row(catalog.models[0], catalog, laws)) if rows else []
    return pd.DataFrame(rows, columns=columns)


def hardware_table(catalog: Catalog, *, mfu: float) -> pd.DataFrame:
    """One row per accelerator with peaks and what 1 PF/s and one accelerator-day mean.

    Parameters
    ----------
    catalog
        A loaded catalog.
    mfu
        Model FLOPs utilisation in (0, 1] at which ``pf_days_per_gpu_day`` is stated.

    Returns
    -------
    pandas.DataFrame
        Columns: id, name, vendor, form_factor, year, training_precision,
        peak_tflops_dense and peak_tflops_sparse (at the training precision; sparse NaN where
        the vendor has no sparse headline), peak_tflops_<precision>_dense for fp32, tf32, bf16,
        fp16, fp8, gpus_per_pflops_dense (1000 / dense peak: V100 8, A100 3.2),
        gpus_per_pflops_sparse (1000 / sparse headline: what calculators that take the
        headline get), mfu, pf_days_per_gpu_day (dense peak x mfu / 1 PF/s), memory_gb,
        memory_bandwidth_gbs, tdp_w, price_usd_per_hour, price_source, price_date,
        verification, source, notes.

    Raises
    ------
    ValueError
        If ``mfu`` is not in (0, 1].
    """
    if not (isinstance(mfu, int | float) and 0.0 < mfu <= 1.0):
        raise ValueError(f"mfu must be a fraction in (0, 1], got {mfu!r}")
    rows = []
    for hw in catalog.hardware.values():
        dense = hw.peak_flops / 1e12
        sparse_flops = hw.peak_flops_sparse
        sparse = sparse_flops / 1e12 if sparse_flops is not None else math.nan
        price = hw.price_per_hour or {}
        row: dict[str, Any] = {
            "id": hw.id,
            "name": hw.name,
            "vendor": hw.vendor,
            "form_factor": hw.form_factor,
            "year": hw.year,
            "training_precision": hw.training_precision,
            "peak_tflops_dense": dense,
            "peak_tflops_sparse": sparse,
        }
        for precision in ("fp32", "tf32", "bf16", "fp16", "fp8"):
            row[f"peak_tflops_{precision}_dense"] = hw.peak_tflops_dense.get(precision, math.nan)
        row.update(
            {
                "gpus_per_pflops_dense": 1000.0 / dense,
                "gpus_per_pflops_sparse": 1000.0 / sparse,
                "mfu": float(mfu),
                "pf_days_per_gpu_day": dense * mfu / 1000.0,
                "memory_gb": hw.memory_gb,
                "memory_bandwidth_gbs": _nan(hw.memory_bandwidth_gbs),
                "tdp_w": _nan(hw.tdp_w),
                "price_usd_per_hour": _nan(price.get("usd")),
                "price_source": price.get("source"),
                "price_date": price.get("date"),
                "verification": hw.verification,
                "source": hw.source,
                "notes": hw.notes,
            }
        )
        rows.append(row)
    return pd.DataFrame(rows)


def _nan(value: float | None) -> float:
    return math.nan if value is None else float(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if value is None or isinstance(value, bool | str):
        return value
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        _json_value(dict(zip(frame.columns, row, strict=True)))
        for row in frame.itertuples(index=False)
    ]


def catalog_json(
    catalog: Catalog, laws: Sequence[Law], *, mfu: float | None = None
) -> dict[str, Any]:
    """The normalised catalog with derived columns, ready for ``json.dumps`` (NaN -> None).

    Parameters
    ----------
    catalog
        A loaded catalog.
    laws
        Scaling laws for the ``d_over_dopt_<law id>`` columns.
    mfu
        If given, the hardware rows carry ``pf_days_per_gpu_day`` at this MFU; otherwise that
        column is left out (it means nothing without a stated utilisation).

    Returns
    -------
    dict
        ``units`` (what every unit means), ``laws`` (id, name, citation, column), ``models``
        (records of :func:`model_table` plus the dense and sparse peaks dictionaries) and
        ``hardware`` (records of :func:`hardware_table` plus the per-precision dictionaries).
    """
    models = _records(model_table(catalog, laws))
    hw_frame = hardware_table(catalog, mfu=mfu if mfu is not None else 1.0)
    if mfu is None:
        hw_frame = hw_frame.drop(columns=["mfu", "pf_days_per_gpu_day"])
    hardware = _records(hw_frame)
    for record in hardware:
        hw = catalog.hardware[record["id"]]
        record["peak_tflops_dense_by_precision"] = dict(hw.peak_tflops_dense)
        record["peak_tflops_sparse_by_precision"] = dict(hw.peak_tflops_sparse or {})
    return {
        "units": {
            "params": "parameters, all including embeddings",
            "tokens": "training tokens",
            "train_flops": "FLOPs",
            "pf_days": f"petaFLOP/s-days (1 PF/s-day = {FLOPS_PER_PF_DAY:.3g} FLOPs)",
            "accelerator_hours": "accelerator-hours",
            "implied_mfu": "fraction of dense peak at the training precision",
            "peak_tflops": "TFLOP/s",
            "memory_gb": "GB",
            "memory_bandwidth_gbs": "GB/s",
            "tdp_w": "W",
            "energy_mwh": "MWh",
            "co2_t": "tCO2eq",
        },
        "discrepancy_threshold": DISCREPANCY_THRESHOLD,
        "laws": [
            {"id": law.id, "name": law.name, "citation": law.citation, "column": law_column(law.id)}
            for law in laws
        ],
        "models": models,
        "hardware": hardware,
    }
