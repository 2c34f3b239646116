"""Planning a sweep's points as arrays: one row per point, the recommendation of each.

Points are grouped by what cannot be an array (the primary law, hardware, stated model, budget
form, soft budget: one validated scenario per group, :class:`llmplan.sweep.spec.Sweep`); within a
group the budget is computed as :func:`llmplan.inputs.budget.resolve_budget` and
``budget_from_flops`` compute it, in the same order of operations,

    C = count x days x 24 h x 3,600 s x peak x mfu   (and the other forms),
    accelerator-hours = C / (peak x mfu x 3,600 s), days = hours / count / 24,
    dollars = hours x price, energy = hours x TDP / 1,000 x PUE,

and each distinct decision problem (C, max_params, unique_tokens, inference_tokens) is solved once
by :func:`llmplan.sweep.vector.decide_many` (a grid of GPU counts and days repeats the same compute
many times). Time, dollars and energy then scale with the plan's FLOPs as
:meth:`llmplan.inputs.budget.Budget.spend` scales them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final

import numpy as np
import pandas as pd

from llmplan.core.compute import FLOPS_PER_PF_DAY, HOURS_PER_DAY, SECONDS_PER_HOUR
from llmplan.core.errors import InputError, Where
from llmplan.core.units import parse_quantity
from llmplan.inputs.scenario import Scenario
from llmplan.laws.base import Law
from llmplan.laws.registry import canonical_id, get_law
from llmplan.plan.architecture import exact_per_token
from llmplan.sweep.grid import digits
from llmplan.sweep.spec import NUMERIC_FIELDS, Sweep
from llmplan.sweep.vector import decide_many, finite_optimum

#: Columns of the points table besides the grid keys, in order.
COLUMNS: Final = (
    "point",
    "group",
    "law",
    "hardware",
    "count",
    "mfu",
    "flops",
    "params",
    "tokens",
    "tokens_per_param",
    "loss",
    "loss_law",
    "train_flops",
    "pf_days",
    "gpu_hours",
    "days",
    "usd",
    "energy_kwh",
    "max_params",
    "unique_tokens",
    "inference_tokens",
    "epochs",
    "binding",
    "within_budget",
    "lifetime_flops",
    "extrapolation",
)

Progress = Callable[[int], None]


def _stated(spec: Mapping[str, Any], key: str) -> float:
    """A numeric field of a point's scenario mapping in its unit (NaN where not stated)."""
    section, name = key.split(".")
    value = (spec.get(section) or {}).get(name)
    if value is None or value == "auto":
        return float("nan")
    kind, zero = NUMERIC_FIELDS[key]
    return parse_quantity(value, Where("sweep", field=key), kind=kind, allow_zero=zero)


def budget_arrays(scenario: Scenario, numbers: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The budget of every point of a group: compute, hours, days, dollars, energy (NaN: unknown)."""
    budget = scenario.budget
    hw = budget.hardware
    form = budget.form
    n = numbers["budget.count"].size
    nan = np.full(n, np.nan)
    mfu = np.where(np.isnan(numbers["budget.mfu"]), scenario.assumptions.mfu, numbers["budget.mfu"])
    if form == "flops":
        flops = numbers["budget.flops"].copy()
    elif form == "pf_days":
        flops = numbers["budget.pf_days"] * FLOPS_PER_PF_DAY
    else:
        assert hw is not None
        if form == "days":
            hours = numbers["budget.count"] * numbers["budget.days"] * HOURS_PER_DAY
        elif form == "gpu_hours":
            hours = numbers["budget.gpu_hours"]
        else:
            hours = numbers["budget.usd"] / numbers["budget.price_per_hour"]
        flops = hours * SECONDS_PER_HOUR * hw.peak_flops_at(budget.precision) * mfu
    out = {"flops": flops, "mfu": mfu if hw is not None else nan, "count": numbers["budget.count"]}
    if hw is None:
        return out | {"gpu_hours": nan, "days": nan, "usd": nan, "energy_kwh": nan}
    gpu_hours = flops / (hw.peak_flops_at(budget.precision) * mfu * SECONDS_PER_HOUR)
    price = numbers["budget.price_per_hour"]
    if hw.price_per_hour:
        price = np.where(np.isnan(price), float(hw.price_per_hour["usd"]), price)
    energy = nan
    if hw.tdp_w:
        energy = gpu_hours * hw.tdp_w / 1000.0 * scenario.assumptions.pue
    return out | {
        "gpu_hours": gpu_hours,
        "days": gpu_hours / numbers["budget.count"] / HOURS_PER_DAY,
        "usd": gpu_hours * price,
        "energy_kwh": energy,
    }


def _decide_unique(
    flops: np.ndarray,
    cap: np.ndarray,
    unique: np.ndarray,
    demand: np.ndarray,
    **options: Any,
) -> dict[str, np.ndarray]:
    """decide_many on each distinct (C, cap, U, D_inf) once, spread back over the points."""
    key = np.column_stack([flops, cap, unique, demand])
    key = np.where(np.isnan(key), -1.0, key)  # NaN (absent) never equals itself
    distinct, inverse = np.unique(key, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    restore = np.where(distinct == -1.0, np.nan, distinct)
    parts: dict[str, np.ndarray] = {}
    for with_unique in (False, True):
        rows = np.flatnonzero(np.isnan(restore[:, 2]) != with_unique)
        if not rows.size:
            continue
        got = decide_many(
            restore[rows, 0],
            max_params=restore[rows, 1],
            unique_tokens=restore[rows, 2] if with_unique else None,
            inference_tokens=restore[rows, 3],
            **options,
        )
        for name, values in got.items():
            if name not in parts:
                parts[name] = np.empty(len(distinct), dtype=values.dtype)
            elif parts[name].dtype != values.dtype:  # loss_law strings of different lengths
                parts[name] = parts[name].astype(object)
            parts[name][rows] = values
    return {name: values[inverse] for name, values in parts.items()}


def _written(value: Any) -> Any:
    """A grid value as the points table shows it: numbers as numbers, the rest as text."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)


def group_law(scenario: Scenario, fitted: Mapping[str, Law] | None = None) -> Law:
    """The law a group of points is planned under: its scenario's primary law, with its ratio
    (the tokens-per-parameter rule is one id for every ratio)."""
    return get_law(
        canonical_id(scenario.primary_law),
        tokens_per_param=scenario.tokens_per_param,
        fitted=fitted,
    )


def plan_points(
    sweep: Sweep,
    *,
    inference_loss_tolerance: float,
    fitted: Mapping[str, Law] | None = None,
    start: int = 0,
    stop: int | None = None,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """The recommendation of every point in [start, stop) as a table (see :data:`COLUMNS`).

    Raises
    ------
    InputError
        For a point whose budget overflows or that its law cannot evaluate, naming the point.
    """
    stop = sweep.n_points if stop is None else stop
    points = np.arange(start, stop, dtype=np.int64)
    rows = digits(sweep.factors, points)
    groups = sweep.group_of(rows)
    columns: dict[str, Any] = {"point": points, "group": groups}
    frame: dict[str, np.ndarray] = {}
    for g in np.unique(groups):
        idx = np.flatnonzero(groups == g)
        scenario = sweep.groups[int(g)]
        spec = sweep.point_spec(int(points[idx[0]]))
        numbers = {}
        for key in NUMERIC_FIELDS:
            if key in sweep.axis:
                axis = sweep.axis[key]
                assert axis.numbers is not None
                numbers[key] = axis.numbers[rows[idx, sweep.factor_of(key)]]
            else:
                numbers[key] = np.full(idx.size, _stated(spec, key))
        budget = budget_arrays(scenario, numbers)
        law = group_law(scenario, fitted)
        _check_budgets(sweep, law, budget["flops"], points[idx])
        decided = _decide_unique(
            budget["flops"],
            numbers["constraints.max_params"],
            numbers["constraints.unique_tokens"],
            numbers["constraints.inference_tokens"],
            law=law,
            per_token=exact_per_token(scenario),
            soft=scenario.budget.soft,
            inference_loss_tolerance=inference_loss_tolerance,
        )
        ratio = decided["train_flops"] / budget["flops"]
        unique = numbers["constraints.unique_tokens"]
        part = {
            "law": np.full(idx.size, law.id, dtype=object),
            "hardware": np.full(
                idx.size, scenario.budget.hardware.id if scenario.budget.hardware else "", object
            ),
            "count": budget["count"],
            "mfu": budget["mfu"],
            "flops": budget["flops"],
            "params": decided["params"],
            "tokens": decided["tokens"],
            "tokens_per_param": decided["tokens"] / decided["params"],
            "loss": decided["loss"],
            "loss_law": decided["loss_law"].astype(object),
            "train_flops": decided["train_flops"],
            "pf_days": budget["flops"]
            / FLOPS_PER_PF_DAY
            * decided["train_flops"]
            / budget["flops"],
            "gpu_hours": budget["gpu_hours"] * ratio,
            "days": budget["days"] * ratio,
            "usd": budget["usd"] * ratio,
            "energy_kwh": budget["energy_kwh"] * ratio,
            "max_params": numbers["constraints.max_params"],
            "unique_tokens": unique,
            "inference_tokens": numbers["constraints.inference_tokens"],
            "epochs": np.where(np.isnan(unique), np.nan, decided["tokens"] / unique),
            "binding": _binding(decided),
            "within_budget": decided["train_flops"] <= budget["flops"] * (1 + 1e-12),
            "lifetime_flops": decided["lifetime_flops"],
            "extrapolation": decided["extrapolation"],
        }
        for name, values in part.items():
            if name not in frame:
                frame[name] = np.empty(points.size, dtype=values.dtype)
            if frame[name].dtype != values.dtype:
                frame[name] = frame[name].astype(object)
            frame[name][idx] = values
        if progress is not None:
            progress(int(idx.size))
    for axis in sweep.axes:
        j = sweep.factor_of(axis.key)
        if axis.numbers is not None:
            columns[axis.key] = axis.numbers[rows[:, j]]
        else:
            written = np.array([_written(v) for v in axis.entries], dtype=object)
            columns[axis.key] = written[rows[:, j]]
    table = pd.DataFrame({**columns, **{c: frame[c] for c in COLUMNS if c in frame}})
    return table


#: The constraints that can shape a plan of a sweep, as ``binding`` names them, with the array of
#: the decision that says where each did.
BINDING: Final = (
    ("max_params", "capped"),
    ("unique_tokens", "data_binding"),
    ("inference_tokens", "inference_binding"),
)


def _binding(decided: Mapping[str, np.ndarray]) -> np.ndarray:
    """The constraints that shaped each plan, joined by '+' (empty: none)."""
    names = [(name, decided[key]) for name, key in BINDING]
    out = np.full(decided["capped"].size, "", dtype=object)
    for name, mask in names:
        out = np.where(mask, np.where(out == "", name, out + "+" + name), out)
    return out


def _check_budgets(sweep: Sweep, law: Law, flops: np.ndarray, points: np.ndarray) -> None:
    """A point whose budget is not a finite positive number, or that its law cannot evaluate."""
    ok = np.isfinite(flops) & (flops > 0)
    ok[ok] = finite_optimum(law, flops[ok])
    if not ok.all():
        first = int(np.flatnonzero(~ok)[0])
        values = ", ".join(f"{k} = {v}" for k, v in sweep.values_at(int(points[first])).items())
        raise InputError(
            Where(sweep.file, sweep.name, "grid", sweep.doc.line("grid")),
            f"point {int(points[first])} ({values}) has a budget of {flops[first]:.3g} FLOPs, "
            f"which law '{law.id}' cannot plan",
            expected="finite positive budgets (smaller counts, days or FLOPs)",
        )
