"""Training budgets: from any way a person states one to FLOPs, time, cost, energy and CO2.

A budget is stated in exactly one of five forms (the scenario contract):

- ``{flops: C}`` or ``{pf_days: P}`` (1 PF/s-day = 8.64e19 FLOPs);
- ``{hardware, count, days, [mfu]}``: C = count x days x 86,400 s x peak x mfu;
- ``{hardware, gpu_hours, [mfu]}``: C = gpu_hours x 3,600 s x peak x mfu;
- ``{hardware, usd, price_per_hour, [mfu]}``: gpu_hours = usd / price_per_hour, then as above.

``mfu: auto`` (with hardware) asks for the calibrated MFU of the layout the plan chooses
(:func:`llmplan.run.training.auto_mfu_budget`); until the plan resolves it, the budget carries the
config default and ``mfu_auto`` is set.

``peak`` is the accelerator's dense peak at the training precision: the scenario's
``model.precision`` where it states one (fp8 selects the fp8 dense peak), else bf16 where the
accelerator has it; MFU is
model FLOPs utilisation, the fraction of that peak spent on the model's 6 N D FLOPs (Chowdhery et al.
2022, PaLM, arXiv:2204.02311, App. B). Compute budgets count model FLOPs, so turning them into time
always needs an MFU assumption.

Energy is accelerator-hours x TDP x PUE and CO2 is energy x grid carbon intensity: the method of
Touvron et al. 2023 (LLaMA, arXiv:2302.13971, s6 and Table 15), with the PUE and intensity stated.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from llmplan.core.compute import FLOPS_PER_PF_DAY, HOURS_PER_DAY, SECONDS_PER_HOUR
from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.core.messages import message
from llmplan.core.units import parse_quantity
from llmplan.inputs.bounds import COUNT_MAX, DAYS_MAX, MFU_MIN, PRICE_MAX, check_budget_flops
from llmplan.inputs.catalog import Hardware

#: The keys that state the amount of a budget; exactly one must be present.
AMOUNT_KEYS = ("flops", "pf_days", "days", "gpu_hours", "usd")

FORMS = {
    "flops": "flops",
    "pf_days": "pf_days",
    "days": "hardware, count, days, [mfu]",
    "gpu_hours": "hardware, gpu_hours, [mfu]",
    "usd": "hardware, usd, price_per_hour, [mfu]",
}


@dataclass(frozen=True)
class Assumptions:
    """What a budget needs when the scenario does not say (all stated in reports).

    The defaults are written once, in ``workflow/schemas/config.schema.yaml``
    (:class:`llmplan.inputs.settings.Settings` reads them).
    """

    mfu: float
    pue: float
    grid_kg_co2_per_kwh: float


@dataclass(frozen=True)
class Budget:
    """A training budget in every unit we can derive from what was stated.

    Fields that cannot be derived (days without a GPU count, cost without a price) are ``None``.
    """

    form: str
    flops: float
    hardware: Hardware | None = None
    count: float | None = None
    mfu: float | None = None
    gpu_hours: float | None = None
    days: float | None = None
    price_per_hour: float | None = None
    price_source: str | None = None
    usd: float | None = None
    energy_kwh: float | None = None
    co2_t: float | None = None
    pue: float | None = None
    grid_kg_co2_per_kwh: float | None = None
    notes: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    #: Precision whose dense peak the budget uses (None: the hardware's training precision).
    precision: str | None = None
    mfu_auto: bool = False

    soft: bool = False

    @property
    def pf_days(self) -> float:
        return self.flops / FLOPS_PER_PF_DAY

    @property
    def fixed_compute(self) -> bool:
        """Whether the budget is compute (FLOPs, PF/s-days) rather than accelerator time or money."""
        return self.form in ("flops", "pf_days")

    def varied(
        self,
        *,
        mfu: float | None = None,
        count_factor: float | None = None,
        price_factor: float | None = None,
    ) -> Budget:
        """The same budget under a what-if: another MFU, count x ``count_factor``, or price x
        ``price_factor``. What the scenario fixed stays fixed: a compute budget keeps its FLOPs
        (time and cost move), a budget of accelerator time keeps its time (compute moves), a budget
        of money keeps its dollars (hours and compute move with the price)."""
        flops, gpu_hours, days = self.flops, self.gpu_hours, self.days
        price, usd = self.price_per_hour, self.usd
        if mfu is not None and self.mfu:
            ratio = mfu / self.mfu
            if self.fixed_compute:
                gpu_hours, days = _times(gpu_hours, 1 / ratio), _times(days, 1 / ratio)
                usd = _times(usd, 1 / ratio)
            else:
                flops *= ratio
        if count_factor is not None and self.count:
            if self.form == "days":  # the same days on more accelerators: more of everything
                flops *= count_factor
                gpu_hours, usd = _times(gpu_hours, count_factor), _times(usd, count_factor)
            else:  # the same compute or accelerator-hours, sooner
                days = _times(days, 1 / count_factor)
        if price_factor is not None and price is not None:
            price = price * price_factor
            if self.form == "usd":  # the same money buys fewer hours
                flops /= price_factor
                gpu_hours, days = (
                    _times(gpu_hours, 1 / price_factor),
                    _times(days, 1 / price_factor),
                )
            else:
                usd = _times(usd, price_factor)
        energy = _times(self.energy_kwh, (gpu_hours or 0) / self.gpu_hours if self.gpu_hours else 1)
        co2 = _times(self.co2_t, (gpu_hours or 0) / self.gpu_hours if self.gpu_hours else 1)
        return dataclasses.replace(
            self,
            flops=flops,
            mfu=mfu if mfu is not None and self.mfu else self.mfu,
            count=self.count * count_factor if count_factor and self.count else self.count,
            gpu_hours=gpu_hours,
            days=days,
            price_per_hour=price,
            usd=usd,
            energy_kwh=energy,
            co2_t=co2,
        )

    def spend(self, flops: float) -> dict[str, float | None]:
        """Accelerator-hours, days, dollars and energy of ``flops`` model FLOPs on this budget's
        hardware, count, MFU and price (each scales linearly with the FLOPs; None where unknown)."""
        ratio = flops / self.flops

        def scaled(value: float | None) -> float | None:
            return None if value is None else value * ratio

        return {
            "flops": flops,
            "gpu_hours": scaled(self.gpu_hours),
            "days": scaled(self.days),
            "usd": scaled(self.usd),
            "energy_kwh": scaled(self.energy_kwh),
            "co2_t": scaled(self.co2_t),
        }

    def to_dict(self) -> dict[str, Any]:
        hw = self.hardware
        return {
            "form": self.form,
            "flops": self.flops,
            "pf_days": self.pf_days,
            "hardware": hw.id if hw else None,
            "hardware_name": hw.name if hw else None,
            "precision": (self.precision or hw.training_precision) if hw else None,
            "peak_tflops_dense": hw.peak_flops_at(self.precision) / 1e12 if hw else None,
            "count": self.count,
            "mfu": self.mfu,
            "mfu_auto": self.mfu_auto,
            "gpu_hours": self.gpu_hours,
            "days": self.days,
            "price_per_hour": self.price_per_hour,
            "price_source": self.price_source,
            "usd": self.usd,
            "energy_kwh": self.energy_kwh,
            "co2_t": self.co2_t,
            "pue": self.pue,
            "grid_kg_co2_per_kwh": self.grid_kg_co2_per_kwh,
            "soft": self.soft,
            "notes": list(self.notes),
        }


def _times(value: float | None, factor: float) -> float | None:
    return None if value is None else value * factor


def budget_from_flops(
    flops: float,
    *,
    form: str = "flops",
    hardware: Hardware | None = None,
    count: float | None = None,
    mfu: float | None = None,
    price_per_hour: float | None = None,
    price_source: str | None = None,
    assumptions: Assumptions,
    notes: tuple[dict[str, Any], ...] = (),
    precision: str | None = None,
    soft: bool = False,
) -> Budget:
    """Derive time, cost, energy and CO2 of ``flops`` model FLOPs on ``count`` x ``hardware``.

    Also the reverse question: the time and cost to train a given (N, D) is
    ``budget_from_flops(6 * N * D, hardware=..., count=..., mfu=...)``. ``precision`` selects
    the dense peak (default: the hardware's training precision).
    """
    if hardware is None:
        return Budget(form=form, flops=flops, notes=notes, soft=soft, precision=precision)
    mfu = assumptions.mfu if mfu is None else mfu
    gpu_hours = flops / (hardware.peak_flops_at(precision) * mfu * SECONDS_PER_HOUR)
    days = gpu_hours / count / HOURS_PER_DAY if count else None
    if price_per_hour is None and hardware.price_per_hour:
        price_per_hour = float(hardware.price_per_hour["usd"])
        price_source = (
            f"example price from the catalog: {hardware.price_per_hour['source']}, "
            f"{hardware.price_per_hour['date']}"
        )
    usd = gpu_hours * price_per_hour if price_per_hour else None
    energy_kwh = co2_t = None
    if hardware.tdp_w:
        energy_kwh = gpu_hours * hardware.tdp_w / 1000.0 * assumptions.pue
        co2_t = energy_kwh * assumptions.grid_kg_co2_per_kwh / 1000.0
    return Budget(
        form=form,
        flops=flops,
        hardware=hardware,
        count=count,
        mfu=mfu,
        gpu_hours=gpu_hours,
        days=days,
        price_per_hour=price_per_hour,
        price_source=price_source,
        usd=usd,
        energy_kwh=energy_kwh,
        co2_t=co2_t,
        pue=assumptions.pue if energy_kwh is not None else None,
        grid_kg_co2_per_kwh=assumptions.grid_kg_co2_per_kwh if co2_t is not None else None,
        notes=notes,
        precision=precision,
        soft=soft,
    )


def resolve_budget(
    spec: Mapping[str, Any],
    hardware: Mapping[str, Hardware],
    where: Where,
    *,
    assumptions: Assumptions,
    precision: str | None = None,
) -> Budget:
    """Turn a scenario's ``budget:`` mapping into a :class:`Budget`.

    Parameters
    ----------
    spec
        The mapping as written (quantities may be strings such as ``"1.3M"``).
    hardware
        The catalog's accelerators by id.
    where
        Location of the ``budget`` mapping, for errors.
    precision
        Training precision whose dense peak turns hardware time into FLOPs (default: the
        hardware's training precision); the caller checks the hardware has it
        (:func:`llmplan.inputs.model.check_precision`).

    Raises
    ------
    InputError
        A budget stated two ways or none, a missing companion key, an unknown hardware id, an MFU
        outside (0, 1], or a malformed quantity.
    """
    if not isinstance(spec, Mapping):
        raise InputError(where, f"found {spec!r}", expected="a mapping such as {flops: 5.76e23}")
    amounts = [k for k in AMOUNT_KEYS if k in spec]
    forms = "; ".join("{" + f + "}" for f in FORMS.values())
    if not amounts and "hardware" in spec:  # the accelerators, not how much of them
        how_much = "'days' (with 'count'), 'gpu_hours' or 'usd' (with 'price_per_hour')"
        raise InputError(where, "the budget names hardware but not how much", expected=how_much)
    if len(amounts) != 1:
        found = "none" if not amounts else "several (" + ", ".join(amounts) + ")"
        raise InputError(
            where,
            f"the budget must be stated exactly one way, found {found}",
            expected=f"one of {forms}",
        )
    (form,) = amounts
    needed = {
        "flops": (),
        "pf_days": (),
        "days": ("hardware", "count"),
        "gpu_hours": ("hardware",),
        "usd": ("hardware", "price_per_hour"),
    }[form]
    for key in needed:
        if key not in spec:
            raise InputError(
                where.at(key),
                f"missing '{key}' for a budget given in {form}",
                expected=f"{{{FORMS[form]}}}",
            )
    if "hardware" not in spec:
        for key in ("count", "mfu", "price_per_hour"):
            if key in spec:
                raise InputError(
                    where.at(key),
                    f"'{key}' needs 'hardware' to mean anything",
                    expected="'hardware: <catalog id>' beside it in the budget",
                    hint=f"Add a hardware id, or remove '{key}'.",
                )
    hw = None
    if "hardware" in spec:
        if spec["hardware"] not in hardware:
            raise unknown_choice(where.at("hardware"), "hardware id", spec["hardware"], hardware)
        hw = hardware[spec["hardware"]]
    mfu = None
    auto = spec.get("mfu") == "auto"  # hardware is required above, like any mfu
    if "mfu" in spec and not auto:
        mfu_expected = "model FLOPs utilisation as a fraction, 0 < mfu <= 1 (0.4 for 40%), or auto"
        try:
            mfu = parse_quantity(spec["mfu"], where.at("mfu"), kind="number")
        except InputError as err:  # zero, negative, NaN or unreadable: same expectation
            raise InputError(err.where, err.problem, expected=mfu_expected) from None
        if not 0 < mfu <= 1:
            raise InputError(where.at("mfu"), f"found {spec['mfu']!r}", expected=mfu_expected)
        if mfu < MFU_MIN:
            raise InputError(
                where.at("mfu"),
                f"found {spec['mfu']!r}, which is below {MFU_MIN} (1%)",
                expected=f"{mfu_expected}; no real run is under 1%",
            )
    notes: list[dict[str, Any]] = []
    if hw is not None and mfu is None:
        mfu = assumptions.mfu
        notes.append(message("budget.mfu_auto" if auto else "budget.mfu_assumed", mfu=mfu))
    count = None
    if "count" in spec:
        whole = "a whole number of accelerators"
        count = parse_quantity(spec["count"], where.at("count"), at_most=COUNT_MAX, expected=whole)
        if count != math.floor(count):
            raise InputError(where.at("count"), f"found {spec['count']!r}", expected=whole)
    price = (
        parse_quantity(
            spec["price_per_hour"], where.at("price_per_hour"), kind="usd", at_most=PRICE_MAX
        )
        if "price_per_hour" in spec
        else None
    )
    price_source = "stated in the scenario" if price is not None else None
    amount_where = where.at(form)
    if form == "flops":
        flops = parse_quantity(spec["flops"], amount_where, kind="flops")
    elif form == "pf_days":
        flops = parse_quantity(spec["pf_days"], amount_where, kind="pf_days") * FLOPS_PER_PF_DAY
    else:
        assert hw is not None and mfu is not None
        if form == "days":
            assert count is not None
            days = parse_quantity(spec["days"], amount_where, kind="days", at_most=DAYS_MAX)
            gpu_hours = count * days * HOURS_PER_DAY
        elif form == "gpu_hours":
            gpu_hours = parse_quantity(spec["gpu_hours"], amount_where, kind="gpu_hours")
        else:
            assert price is not None
            gpu_hours = parse_quantity(spec["usd"], amount_where, kind="usd") / price
        flops = gpu_hours * SECONDS_PER_HOUR * hw.peak_flops_at(precision) * mfu
    if not math.isfinite(flops) or flops <= 0:
        raise InputError(
            where, f"the budget comes to {flops!r} FLOPs", expected="a finite positive budget"
        )
    check_budget_flops(flops, amount_where)
    budget = budget_from_flops(
        flops,
        form=form,
        hardware=hw,
        count=count,
        mfu=mfu,
        price_per_hour=price,
        price_source=price_source,
        assumptions=assumptions,
        notes=tuple(notes),
        precision=precision,
        soft=bool(spec.get("soft", False)),
    )
    return replace(budget, mfu_auto=True) if auto else budget
