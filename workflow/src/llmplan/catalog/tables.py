"""Derived tables of the catalog: compute, implied utilisation, D / D_opt under each law.

Pure functions of a loaded :class:`~llmplan.inputs.catalog.Catalog`:

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
from collections.abc import Sequence
from typing import Any, Final

import pandas as pd

from llmplan.core.compute import FLOPS_PER_PF_DAY, SECONDS_PER_HOUR
from llmplan.inputs.catalog import Catalog, Model
from llmplan.io.jsonio import clean
from llmplan.laws.base import Law

#: Relative gap between reported and estimated compute above which a model is flagged.
DISCREPANCY_THRESHOLD: Final = 0.25


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
        # a reported compute that counts recomputed activations implies hardware FLOPs
        # utilisation (HFU, Chowdhery et al. 2022 App. B), not MFU
        "utilisation_kind": (
            "HFU" if reported is not None and model.reported_compute_counts == "hardware" else "MFU"
        ),
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


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        clean(dict(zip(frame.columns, row, strict=True))) for row in frame.itertuples(index=False)
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
