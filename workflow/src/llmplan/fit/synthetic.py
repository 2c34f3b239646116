"""A synthetic IsoFLOP sweep: runs drawn from a published parametric law plus seeded noise.

Follows Hoffmann et al. 2022 (arXiv:2203.15556), s3.2: at each budget C, models of several sizes
spaced evenly in log N around the law's compute-optimal N_opt(C) (eq. 4), trained on D = C / (6 N)
tokens; their loss is the law's L(N, D) times lognormal noise exp(sd z). Generated data carry the
label :data:`SYNTHETIC_LABEL`, which every report that shows them must print.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd

from llmplan.core.compute import tokens_for_flops
from llmplan.core.errors import InputError, Where
from llmplan.io.runs_csv import COLUMNS
from llmplan.laws.base import ParametricLaw

#: Label carried by generated data (``frame.attrs["label"]``); reports must show it.
SYNTHETIC_LABEL: Final = "synthetic"

#: Width of a synthetic IsoFLOP profile: sizes span N_opt / 10^(w/2) .. N_opt * 10^(w/2).
DEFAULT_SPAN_DEX: Final = 1.2


def synthetic_isoflop(
    law_params: ParametricLaw | Mapping[str, float],
    budgets: Sequence[float],
    sizes_per_budget: int,
    *,
    noise_sd: float,
    seed: int,
    span_dex: float = DEFAULT_SPAN_DEX,
) -> pd.DataFrame:
    """A synthetic IsoFLOP sweep from a parametric law plus seeded lognormal noise.

    Parameters
    ----------
    law_params
        A :class:`ParametricLaw` or a mapping with E, A, B, alpha, beta.
    budgets
        Training budgets C in FLOPs, one IsoFLOP profile each.
    sizes_per_budget
        Models per profile, spaced evenly in log N over ``span_dex`` decades around N_opt(C).
    noise_sd
        Standard deviation of the log-loss noise (0 for exact losses).
    seed
        Seed of ``np.random.default_rng``.

    Returns
    -------
    DataFrame with columns N, D, C, loss, run, step; ``attrs["label"] == "synthetic"``.
    """
    law = _as_law(law_params)
    if sizes_per_budget < 1 or not budgets:
        raise InputError(Where("synthetic_isoflop"), "no budgets or no sizes", expected=">= 1 each")
    if noise_sd < 0:
        raise InputError(Where("synthetic_isoflop", field="noise_sd"), f"{noise_sd} is negative")
    rng = np.random.default_rng(seed)
    rows: list[dict[str, Any]] = []
    offsets = np.linspace(-span_dex / 2, span_dex / 2, sizes_per_budget)
    for i, c in enumerate(budgets):
        n_opt, _ = law.optimal(float(c))
        for j, off in enumerate(offsets):
            n = float(n_opt) * 10.0**off
            d = float(tokens_for_flops(c, n))
            rows.append({"N": n, "D": d, "C": float(c), "run": f"c{i}-n{j}"})
    out = pd.DataFrame(rows)
    clean = law.loss(out["N"].to_numpy(), out["D"].to_numpy())
    out["loss"] = clean * np.exp(noise_sd * rng.standard_normal(len(out)))
    out["run"] = out["run"].astype("string")
    out["step"] = np.nan
    out = out[list(COLUMNS)]
    out.attrs["label"] = SYNTHETIC_LABEL
    out.attrs["source"] = (
        f"synthetic IsoFLOP sweep from E={law.E:g}, A={law.A:g}, B={law.B:g}, "
        f"alpha={law.alpha:g}, beta={law.beta:g}; lognormal noise sd {noise_sd:g}, seed {seed}"
    )
    return out


def _as_law(law_params: ParametricLaw | Mapping[str, float]) -> ParametricLaw:
    if isinstance(law_params, ParametricLaw):
        return law_params
    missing = [k for k in ("E", "A", "B", "alpha", "beta") if k not in law_params]
    if missing:
        raise InputError(
            Where("law"), f"missing {', '.join(missing)}", expected="E, A, B, alpha, beta"
        )
    return ParametricLaw(
        id="synthetic",
        name="synthetic",
        citation="synthetic",
        counts_embeddings=True,
        flops_range=(0.0, float("inf")),
        **{k: float(law_params[k]) for k in ("E", "A", "B", "alpha", "beta")},
    )


def synthetic_checkpoints(
    law_params: ParametricLaw | Mapping[str, float],
    sizes: Sequence[float],
    tokens_per_param: Sequence[float],
    checkpoints: int,
    *,
    noise_sd: float,
    seed: int,
) -> pd.DataFrame:
    """Training curves: one run per (size, horizon), evaluated at evenly spaced checkpoints.

    Run (N, r) trains on D_max = r N tokens; checkpoint j of k sits at D = D_max j / k (as a
    training log records every so many steps), C = 6 N D, loss = L(N, D) exp(sd z). This is the
    shape of a large runs table (len(sizes) x len(tokens_per_param) x checkpoints rows); the loss
    of a checkpoint is the law's, not that of a run whose schedule ended there.
    """
    law = _as_law(law_params)
    if checkpoints < 1 or len(sizes) == 0 or len(tokens_per_param) == 0:
        raise InputError(
            Where("synthetic_checkpoints"), "nothing to generate", expected=">= 1 each"
        )
    rng = np.random.default_rng(seed)
    n_runs = len(sizes) * len(tokens_per_param)
    params = np.repeat(np.repeat(np.asarray(sizes, float), len(tokens_per_param)), checkpoints)
    ratio = np.repeat(np.tile(np.asarray(tokens_per_param, float), len(sizes)), checkpoints)
    frac = np.tile(np.arange(1, checkpoints + 1) / checkpoints, n_runs)
    tokens = ratio * params * frac
    loss = law.loss(params, tokens) * np.exp(noise_sd * rng.standard_normal(params.size))
    out = pd.DataFrame(
        {
            "N": params,
            "D": tokens,
            "C": 6.0 * params * tokens,
            "loss": loss,
            "run": pd.array(np.repeat([f"r{k}" for k in range(n_runs)], checkpoints), "string"),
            "step": np.tile(np.arange(1, checkpoints + 1), n_runs).astype(float),
        }
    )
    out.attrs["label"] = SYNTHETIC_LABEL
    out.attrs["source"] = f"synthetic training curves ({n_runs} runs x {checkpoints} checkpoints)"
    return out
