"""Allocate a compute budget under a scaling law, with the constraints real plans have.

Unconstrained: (N, D) = ``law.optimal(C)`` with 6 N D = C (see :mod:`llmplan.laws`).

``max_params`` (a serving or memory limit). Loss at fixed C is unimodal in ln N for every law with a
loss here, so the best plan with N <= N_max is N = min(N_opt, N_max), D = C / 6N.

``unique_tokens`` U_D (Muennighoff et al. 2023, Scaling Data-Constrained Language Models,
arXiv:2305.16264, eq. 5; constants from the authors' repository huggingface/datablations README,
"Parametric Fit"). Repeated data is worth less than fresh data, and parameters beyond what the
unique data supports are worth less than the first ones:

    R_D = D / U_D - 1 (repetitions beyond the first epoch), U_N = min(N, N_opt(U_D)), R_N = N / U_N - 1
    D' = U_D + U_D R_D* (1 - exp(-R_D / R_D*)),   N' = U_N + U_N R_N* (1 - exp(-R_N / R_N*))
    L = E + A / N'^alpha + B / D'^beta

with R_D* = 15.387756, R_N* = 5.309743 and their C4 fit of E, A, B, alpha, beta, where N_opt(U_D)
is the Chinchilla-frontier model size for D = U_D (eq. 4 solved for N). The authors find the optimum
by a grid search over N at fixed C (README); we minimise the same L over ln N at fixed C = 6 N D with
a 2,001-point grid over six decades around the unconstrained optimum, refined by bounded Brent
search, and report epochs D / U_D and the effective data D'. The constants are the authors' own
fit (C4, GPT-2 tokeniser), whichever law the row belongs to: the section answers "what do
Muennighoff et al. advise with this much unique data", and also reports how many epochs the row's
own plan would need.

``inference_tokens`` D_inf (Sardana et al. 2023, Beyond Chinchilla-Optimal, arXiv:2401.00448, s2):
keep the loss l = L(N_opt, D_opt) that the budget's compute-optimal model reaches and minimise
lifetime FLOPs

    6 N D_tr(N) + 2 N D_inf   subject to   L(N, D_tr) = l,

where D_tr(N) solves the law's L(N, D) = l (``law.tokens_for_loss``). Sardana et al. use Newton
root-finding; we minimise over ln N by grid and bounded Brent search, which needs no derivatives.
With D_inf = 0 the answer is the compute-optimal point itself (for parametric laws). The smaller
model trains on more tokens than the budget pays for; the saving is in lifetime FLOPs.

Memory (when the hardware is known). Mixed-precision Adam keeps 16 bytes per parameter: 2 (bf16
weights) + 2 (bf16 gradients) + 12 (fp32 master weights, momentum and variance) (Rajbhandari et al.
2020, ZeRO, arXiv:1910.02054, s3.1, "16 Psi"). Fully sharded (ZeRO-3 / FSDP) each of k devices
holds 16 N / k. Activations are NOT sharded that way; we estimate them per device for one
2,048-token sequence per micro-batch with full activation recomputation: the bf16 input of every
layer, 2 s h L bytes, plus one layer's working set during recomputation, s h (34 + 5 a s / h) bytes
(Korthikanti et al. 2022, arXiv:2205.05198, s4, eq. 1), with the shape guessed from N = 12 L h^2
(Kaplan et al. 2020, eq. 2.1 without embeddings), aspect ratio h / L = 128 (GPT-3 175B: 12,288 / 96,
Brown et al. 2020 Table 2.1) and 128-wide heads. A 10 % reserve of device memory is kept for the
framework, buffers and fragmentation. This is an estimate of the fewest devices, not a
parallelism plan.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from scipy.optimize import minimize_scalar

from llmplan.catalog import Hardware
from llmplan.errors import InputError, Where, unknown_choice
from llmplan.laws import FLOPS_PER_PARAM_TOKEN, Law, ParametricLaw
from llmplan.units import parse_quantity

#: Muennighoff et al. 2023 fitted constants (huggingface/datablations README @13701315,
#: "Parametric Fit"; laws.csv, VERIFIED): A = exp(6.255414), B = exp(7.3049974), E = exp(0.6254804).
MUENNIGHOFF_2023: Final = {
    "E": math.exp(0.6254804),
    "A": math.exp(6.255414),
    "B": math.exp(7.3049974),
    "alpha": 0.3526596,
    "beta": 0.3526596,
}
_MUENNIGHOFF_LAW: Final = ParametricLaw(
    id="muennighoff-2023",
    name="Muennighoff et al. 2023 (fresh data)",
    citation="Muennighoff et al. 2023, arXiv:2305.16264",
    counts_embeddings=True,
    flops_range=(0.0, math.inf),
    **MUENNIGHOFF_2023,
)
#: Half-life-like decay constants of repeated data and excess parameters (same source).
R_D_STAR: Final = 15.387756
R_N_STAR: Final = 5.309743
MUENNIGHOFF_CITATION: Final = (
    "Muennighoff et al. 2023, Scaling Data-Constrained Language Models, arXiv:2305.16264, eq. 5; "
    "constants from huggingface/datablations README (C4, GPT-2 tokeniser)"
)

#: FLOPs per parameter per inference token (forward pass only), Sardana et al. 2023 s2.
INFERENCE_FLOPS_PER_PARAM_TOKEN: Final = 2.0
SARDANA_CITATION: Final = (
    "Sardana et al. 2023, Beyond Chinchilla-Optimal: Accounting for Inference in Language Model "
    "Scaling Laws, arXiv:2401.00448, s2"
)

#: Training-state bytes per parameter for mixed-precision Adam (ZeRO, arXiv:1910.02054, s3.1).
TRAINING_BYTES_PER_PARAM: Final = 16.0
#: Activation-estimate assumptions (see module docstring).
SEQUENCE_LENGTH: Final = 2048
ASPECT_RATIO: Final = 128.0
HEAD_DIM: Final = 128.0
ACTIVATION_BYTES_PER_ELEMENT: Final = 2.0
USABLE_MEMORY_FRACTION: Final = 0.9
BYTES_PER_GB: Final = 1e9

#: Search window around the unconstrained optimum, in factors of N, and grid size.
_SEARCH_BELOW: Final = 1e4
_SEARCH_ABOVE: Final = 1e2
_GRID_POINTS: Final = 2001

CONSTRAINT_KEYS: Final = ("max_params", "unique_tokens", "inference_tokens")


@dataclass(frozen=True)
class Constraints:
    """Limits of a real plan; ``None`` means unconstrained."""

    max_params: float | None = None
    unique_tokens: float | None = None
    inference_tokens: float | None = None


def parse_constraints(spec: Mapping[str, Any] | None, where: Where) -> Constraints:
    """Read a scenario's ``constraints:`` mapping (quantities such as ``"30B"``).

    Raises
    ------
    InputError
        For a non-mapping, an unknown key or a malformed quantity.
    """
    if spec is None:
        return Constraints()
    if not isinstance(spec, Mapping):
        raise InputError(
            where,
            f"found {spec!r}",
            expected="a mapping such as {max_params: 30B, unique_tokens: 1T}",
        )
    for key in spec:
        if key not in CONSTRAINT_KEYS:
            raise unknown_choice(where, "constraint", key, CONSTRAINT_KEYS)
    values: dict[str, float | None] = {}
    for key in CONSTRAINT_KEYS:
        if spec.get(key) is None:
            values[key] = None
            continue
        values[key] = parse_quantity(
            spec[key], where.at(key), kind="count", allow_zero=key == "inference_tokens"
        )
    return Constraints(**values)


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
    warnings: tuple[str, ...] = ()
    max_params: dict[str, Any] | None = None
    data_constrained: dict[str, Any] | None = None
    inference: dict[str, Any] | None = None
    memory: dict[str, Any] | None = None

    @property
    def tokens_per_param(self) -> float:
        return self.tokens / self.params

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
            "warnings": list(self.warnings),
        }
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


def _minimise_log(func: Any, x_low: float, x_high: float) -> float:
    """argmin of a unimodal-ish ``func`` (vectorised in x) on [x_low, x_high]: grid, then Brent."""
    grid = np.linspace(x_low, x_high, _GRID_POINTS)
    values = func(grid)
    values = np.where(np.isfinite(values), values, np.inf)
    i = int(np.argmin(values))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
    # Far outside a law's range the objective can be infinite next to the grid's best point;
    # Brent's parabola through such points is NaN, which the check below rejects, so the
    # floating-point warnings are silenced rather than shown to the user.
    with np.errstate(invalid="ignore", over="ignore"):
        result = minimize_scalar(
            lambda x: float(func(np.array([x]))[0]),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 1e-10},
        )
    best = float(result.x)
    return best if float(func(np.array([best]))[0]) <= values[i] else float(grid[i])


def data_constrained_loss(
    params: Any,
    tokens: Any,
    unique_tokens: Any,
    *,
    E: float = MUENNIGHOFF_2023["E"],
    A: float = MUENNIGHOFF_2023["A"],
    B: float = MUENNIGHOFF_2023["B"],
    alpha: float = MUENNIGHOFF_2023["alpha"],
    beta: float = MUENNIGHOFF_2023["beta"],
    rd_star: float = R_D_STAR,
    rn_star: float = R_N_STAR,
) -> dict[str, np.ndarray]:
    """Muennighoff et al. 2023 eq. 5: loss with repeated data and excess parameters (vectorised).

    Returns ``loss``, ``effective_tokens`` D', ``effective_params`` N' and ``epochs`` D / U_D.
    Unique tokens above D are capped at D (one epoch of part of the data).
    """
    n = np.asarray(params, dtype=float)
    d = np.asarray(tokens, dtype=float)
    u = np.minimum(np.asarray(unique_tokens, dtype=float), d)
    g = (alpha * A / (beta * B)) ** (1.0 / (alpha + beta))
    r_d = np.maximum(d / u - 1.0, 0.0)
    u_n = np.minimum(n, (u * g) ** (beta / alpha) * g)
    r_n = np.maximum(n / u_n - 1.0, 0.0)
    d_eff = u + u * rd_star * (1.0 - np.exp(-r_d / rd_star))
    n_eff = u_n + u_n * rn_star * (1.0 - np.exp(-r_n / rn_star))
    loss = E + A / n_eff**alpha + B / d_eff**beta
    return {
        "loss": loss,
        "effective_tokens": d_eff,
        "effective_params": n_eff,
        "epochs": d / np.asarray(unique_tokens, dtype=float),
    }


def data_constrained_optimum(flops: float, unique_tokens: float) -> dict[str, float]:
    """The (N, D) minimising :func:`data_constrained_loss` at fixed C = 6 N D."""
    c6 = flops / FLOPS_PER_PARAM_TOKEN
    n0 = float(_MUENNIGHOFF_LAW.optimal(flops)[0])  # the search starts at the fresh-data optimum

    def loss_at(x: np.ndarray) -> np.ndarray:
        n = np.exp(x)
        return data_constrained_loss(n, c6 / n, unique_tokens)["loss"]

    x = _minimise_log(loss_at, math.log(n0 / _SEARCH_BELOW), math.log(n0 * _SEARCH_ABOVE))
    params = math.exp(x)
    tokens = c6 / params
    parts = data_constrained_loss(params, tokens, unique_tokens)
    return {
        "params": params,
        "tokens": tokens,
        "loss": float(parts["loss"]),
        "effective_tokens": float(parts["effective_tokens"]),
        "effective_params": float(parts["effective_params"]),
        "epochs": float(parts["epochs"]),
    }


def inference_optimum(flops: float, law: Law, inference_tokens: float) -> dict[str, float] | None:
    """Sardana et al. 2023: same loss as the compute-optimal model, least lifetime FLOPs.

    Returns ``None`` for a law without a loss.
    """
    if not law.has_loss:
        return None
    n_opt, d_opt = (float(v) for v in law.optimal(flops))
    target = float(law.loss(n_opt, d_opt))

    def lifetime(x: np.ndarray) -> np.ndarray:
        n = np.exp(x)
        with np.errstate(over="ignore", invalid="ignore"):
            d_train = law.tokens_for_loss(n, target)
            return FLOPS_PER_PARAM_TOKEN * n * d_train + (
                INFERENCE_FLOPS_PER_PARAM_TOKEN * n * inference_tokens
            )

    x = _minimise_log(lifetime, math.log(n_opt / _SEARCH_BELOW), math.log(n_opt * _SEARCH_ABOVE))
    params = math.exp(x)
    train_tokens = float(law.tokens_for_loss(params, target))
    train_flops = FLOPS_PER_PARAM_TOKEN * params * train_tokens
    total = train_flops + INFERENCE_FLOPS_PER_PARAM_TOKEN * params * inference_tokens
    baseline = flops + INFERENCE_FLOPS_PER_PARAM_TOKEN * n_opt * inference_tokens
    return {
        "inference_tokens": inference_tokens,
        "target_loss": target,
        "params": params,
        "train_tokens": train_tokens,
        "tokens_per_param": train_tokens / params,
        "train_flops": train_flops,
        "lifetime_flops": total,
        "compute_optimal_params": n_opt,
        "compute_optimal_lifetime_flops": baseline,
        "saving_flops": baseline - total,
        "saving_fraction": (baseline - total) / baseline,
    }


def activation_bytes_per_device(params: float) -> float:
    """Activation memory per device for one sequence, full recomputation (see module docstring)."""
    hidden = (ASPECT_RATIO * params / 12.0) ** (1.0 / 3.0)
    layers = max(hidden / ASPECT_RATIO, 1.0)
    heads = max(hidden / HEAD_DIM, 1.0)
    s = SEQUENCE_LENGTH
    checkpoints = ACTIVATION_BYTES_PER_ELEMENT * s * hidden * layers
    working = s * hidden * (34.0 + 5.0 * heads * s / hidden)
    return checkpoints + working


def memory_plan(params: float, hardware: Hardware, count: float | None) -> dict[str, Any]:
    """Fewest devices of ``hardware`` that hold the training state fully sharded."""
    state = TRAINING_BYTES_PER_PARAM * params
    activations = activation_bytes_per_device(params)
    usable = USABLE_MEMORY_FRACTION * hardware.memory_gb * BYTES_PER_GB
    min_devices = math.ceil(state / (usable - activations)) if usable > activations else None
    fits = None
    if count is not None:
        fits = min_devices is not None and count >= min_devices
    return {
        "hardware": hardware.id,
        "memory_gb_per_device": hardware.memory_gb,
        "bytes_per_param": TRAINING_BYTES_PER_PARAM,
        "state_gb": state / BYTES_PER_GB,
        "activation_gb_per_device": activations / BYTES_PER_GB,
        "min_devices": min_devices,
        "count": count,
        "fits": fits,
        "method": (
            "16 bytes/param mixed-precision Adam state (ZeRO s3.1), fully sharded; activations "
            f"for one {SEQUENCE_LENGTH}-token sequence with full recomputation per device "
            f"(Korthikanti et al. 2022); {USABLE_MEMORY_FRACTION:.0%} of device memory usable"
        ),
    }


def _range_warning(law: Law, flops: float) -> str | None:
    if bool(law.in_range(flops)):
        return None
    low, high = law.flops_range
    if flops > high:
        side, factor = "above", flops / high
    else:
        side, factor = "below", low / flops
    return (
        f"{law.id}: the budget {flops:.3g} FLOPs is {factor:.3g}x {side} the range the law was "
        f"fitted on ({low:.2g} to {high:.2g} FLOPs); this is an extrapolation"
    )


def allocate(
    flops: float,
    law: Law,
    *,
    constraints: Constraints = Constraints(),
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
    warnings: list[str] = []
    if (w := _range_warning(law, flops)) is not None:
        warnings.append(w)

    sections: dict[str, Any] = {}
    if constraints.max_params is not None:
        capped = min(params, constraints.max_params)
        capped_tokens = flops / (FLOPS_PER_PARAM_TOKEN * capped)
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
        if best["epochs"] > 4 * R_D_STAR:
            warnings.append(
                f"{law.id}: the data-constrained plan repeats the unique data {best['epochs']:.0f} "
                f"times; that is over 4 x R_D* = {4 * R_D_STAR:.0f}: further epochs add almost nothing "
                "(Muennighoff et al. 2023)"
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
                warnings.append(f"{law.id}: no finite inference-aware plan at this budget")
        # Other laws get no inference-aware plan; reports say so once rather than per law.
    if hardware is not None:
        memory = memory_plan(params, hardware, count)
        sections["memory"] = memory
        if memory["min_devices"] is None:
            warnings.append(
                f"{law.id}: activations alone exceed one {hardware.id}'s memory; needs tensor or "
                "sequence parallelism beyond this estimate"
            )
        elif memory["fits"] is False:
            warnings.append(
                f"{law.id}: {params:.3g} parameters need at least {memory['min_devices']} "
                f"{hardware.id} to hold the training state; the plan has {count:g}"
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
        warnings=tuple(warnings),
        **sections,
    )


def allocate_all(
    flops: float,
    laws: Sequence[Law],
    *,
    constraints: Constraints = Constraints(),
    hardware: Hardware | None = None,
    count: float | None = None,
) -> list[Allocation]:
    """:func:`allocate` under every law in ``laws``, in order."""
    return [
        allocate(flops, law, constraints=constraints, hardware=hardware, count=count)
        for law in laws
    ]


__all__ = [
    "Allocation",
    "Constraints",
    "allocate",
    "allocate_all",
    "data_constrained_loss",
    "data_constrained_optimum",
    "inference_optimum",
    "memory_plan",
    "parse_constraints",
]
