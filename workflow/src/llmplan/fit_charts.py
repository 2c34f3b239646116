"""Charts of fitted scaling laws (SVG strings) and the extrapolation check.

- Iso-loss contours of L(N, D) = E + A/N^alpha + B/D^beta over (C, N) or (D, N) with the
  efficient frontier N_opt(C) of eq. 4 and the runs as points (Hoffmann et al. 2022,
  arXiv:2203.15556, Figure 4).
- IsoFLOP curves: loss against N per compute group with their parabolas and minima (Figure 3).
- Residuals of approach 3: log L_fit - log L against C.
- Extrapolation check: fit approach 3 on every budget but the largest, predict the largest
  budget's losses, report the errors (relative error = L_pred / L - 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm

from llmplan import fit as fit3
from llmplan.charts import PALETTE, figure_to_svg, new_figure
from llmplan.errors import InputError, Where
from llmplan.isoflop import DEFAULT_TOL_DEX, FrontierFit, group_by_compute
from llmplan.laws import FLOPS_PER_PARAM_TOKEN, ParametricLaw

CONTOUR_LEVELS: Final = 14
GRID_POINTS: Final = 160


def iso_loss_svg(law: ParametricLaw, runs: pd.DataFrame, *, x_axis: str = "C") -> str:
    """Iso-loss contours over (C or D, N), the efficient frontier and the runs."""
    if x_axis not in ("C", "D"):
        raise InputError(Where("chart", field="x_axis"), f"'{x_axis}'", expected="'C' or 'D'")
    fig, ax = new_figure(7.0, 4.5)
    xs = runs[x_axis].to_numpy(float)
    ns = runs["N"].to_numpy(float)
    x_grid = np.logspace(np.log10(xs.min()) - 0.5, np.log10(xs.max()) + 1.5, GRID_POINTS)
    n_grid = np.logspace(np.log10(ns.min()) - 0.5, np.log10(ns.max()) + 1.0, GRID_POINTS)
    xx, nn = np.meshgrid(x_grid, n_grid)
    tokens = xx / (FLOPS_PER_PARAM_TOKEN * nn) if x_axis == "C" else xx
    loss = law.loss(nn, tokens)
    levels = np.quantile(loss, np.linspace(0.02, 0.9, CONTOUR_LEVELS))
    contours = ax.contour(xx, nn, loss, levels=np.unique(levels), cmap="viridis", linewidths=0.7)
    ax.clabel(contours, fontsize=6, fmt="%.2f")
    c_line = x_grid if x_axis == "C" else None
    if c_line is None:  # frontier in (D, N): parametrise by C
        c_line = np.logspace(np.log10(runs["C"].min()) - 0.5, np.log10(runs["C"].max()) + 2, 100)
        n_opt, d_opt = law.optimal(c_line)
        ax.plot(d_opt, n_opt, color=PALETTE[0], lw=1.8, label="efficient frontier")
    else:
        n_opt, _ = law.optimal(c_line)
        ax.plot(c_line, n_opt, color=PALETTE[0], lw=1.8, label="efficient frontier")
    points = ax.scatter(xs, ns, c=runs["loss"], s=9, cmap="magma", norm=LogNorm(), zorder=3)
    fig.colorbar(points, ax=ax, label="loss of the run")
    ax.set(xscale="log", yscale="log", xlim=(x_grid[0], x_grid[-1]), ylim=(n_grid[0], n_grid[-1]))
    ax.set_xlabel("training FLOPs C" if x_axis == "C" else "training tokens D")
    ax.set_ylabel("parameters N")
    ax.legend(loc="upper left")
    return figure_to_svg(fig)


def isoflop_svg(runs: pd.DataFrame, frontier: FrontierFit) -> str:
    """Loss against N for each compute group, with fitted parabolas and their minima."""
    fig, ax = new_figure(7.0, 4.0)
    labels, _ = group_by_compute(
        runs["C"].to_numpy(float), budgets=[g.flops for g in frontier.groups] or None
    )
    for k, group in enumerate(frontier.groups):
        colour = PALETTE[k % len(PALETTE)]
        rows = runs[labels == k]
        ax.scatter(rows["N"], rows["loss"], s=10, color=colour, label=f"{group.flops:.2g} FLOPs")
        if group.coefficients is not None and len(rows):
            logn = np.linspace(np.log10(rows["N"].min()), np.log10(rows["N"].max()), 80)
            ax.plot(10**logn, np.polyval(group.coefficients, logn), color=colour, lw=1)
        if group.params_opt is not None:
            ax.plot(group.params_opt, group.loss_min, marker="v", color=colour, ms=7)
    ax.set(xscale="log", xlabel="parameters N", ylabel="loss")
    ax.legend(fontsize=6, ncols=2)
    return figure_to_svg(fig)


def residuals_svg(result: fit3.ParametricFit, runs: pd.DataFrame) -> str:
    """Approach-3 residuals log L_fit - log L against C, with the Huber delta band."""
    fig, ax = new_figure(7.0, 3.2)
    pred = fit3.predict_log_loss(result.theta, runs["N"], runs["D"])
    resid = pred - np.log(runs["loss"].to_numpy(float))
    ax.scatter(runs["C"], resid, s=8, color=PALETTE[0])
    ax.axhspan(-result.delta, result.delta, color=PALETTE[5], alpha=0.3, label="Huber delta")
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set(xscale="log", xlabel="training FLOPs C", ylabel="log L_fit - log L")
    ax.legend()
    return figure_to_svg(fig)


@dataclass(frozen=True)
class ExtrapolationCheck:
    """Approach 3 fitted without the largest compute group, predicting that group."""

    held_out_flops: float
    n_train: int
    n_test: int
    fit: fit3.ParametricFit
    params: np.ndarray
    observed: np.ndarray
    predicted: np.ndarray

    @property
    def relative_errors(self) -> np.ndarray:
        return self.predicted / self.observed - 1.0

    def to_dict(self) -> dict[str, Any]:
        rel = self.relative_errors
        return {
            "held_out_C": self.held_out_flops,
            "n_train": self.n_train,
            "n_test": self.n_test,
            "mean_abs_relative_error": float(np.abs(rel).mean()),
            "max_abs_relative_error": float(np.abs(rel).max()),
            "mean_relative_error": float(rel.mean()),
            "fit": {k: self.fit.to_dict()[k] for k in ("E", "A", "B", "alpha", "beta")},
            "points": [
                {"N": float(n), "observed": float(o), "predicted": float(p)}
                for n, o, p in zip(self.params, self.observed, self.predicted, strict=True)
            ],
        }


def extrapolation_check(
    runs: pd.DataFrame, *, tol_dex: float = DEFAULT_TOL_DEX, n_follow: int | None = 450
) -> ExtrapolationCheck:
    """Fit approach 3 on all compute groups but the largest; predict the largest's losses."""
    labels, centres = group_by_compute(runs["C"].to_numpy(float), tol_dex=tol_dex)
    if centres.size < 2:
        raise InputError(
            Where(runs.attrs.get("source", "runs"), field="C"),
            "all runs share one compute budget; nothing to extrapolate to",
        )
    top = int(np.argmax(centres))
    test = labels == top
    train = runs[~test]
    result = fit3.fit_parametric(
        train["N"], train["D"], train["loss"], n_bootstrap=0, n_follow=n_follow
    )
    held = runs[test]
    predicted = np.exp(fit3.predict_log_loss(result.theta, held["N"], held["D"]))
    return ExtrapolationCheck(
        held_out_flops=float(centres[top]),
        n_train=int((~test).sum()),
        n_test=int(test.sum()),
        fit=result,
        params=held["N"].to_numpy(float),
        observed=held["loss"].to_numpy(float),
        predicted=predicted,
    )


def extrapolation_svg(check: ExtrapolationCheck) -> str:
    """Observed against predicted losses at the held-out budget."""
    fig, ax = new_figure(7.0, 3.5)
    order = np.argsort(check.params)
    ax.scatter(check.params, check.observed, s=14, color=PALETTE[1], label="observed", zorder=3)
    ax.plot(
        check.params[order],
        check.predicted[order],
        color=PALETTE[0],
        lw=1.2,
        label="predicted from smaller budgets",
    )
    mean = float(np.abs(check.relative_errors).mean())
    ax.set(
        xscale="log",
        xlabel="parameters N",
        ylabel="loss",
        title=f"held-out C = {check.held_out_flops:.3g} FLOPs; mean |error| {100 * mean:.2f}%",
    )
    ax.legend()
    return figure_to_svg(fig)
