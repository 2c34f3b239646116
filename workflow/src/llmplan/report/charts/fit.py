"""Charts of fitted scaling laws (SVG strings).

- Iso-loss contours of L(N, D) = E + A/N^alpha + B/D^beta over (C, N) or (D, N) with the
  efficient frontier N_opt(C) of eq. 4 and the runs as points (Hoffmann et al. 2022,
  arXiv:2203.15556, Figure 4).
- IsoFLOP curves: loss against N per compute group with their parabolas and minima (Figure 3).
- Residuals of approach 3: log L_fit - log L against C.
- Extrapolation check (:mod:`llmplan.fit.extrapolation`): observed against predicted losses at
  the held-out budget.

Titles, axis labels and legends are in the report's language (``lang``, English by default; draw
inside :func:`llmplan.report.fonts.chart_fonts` for its fonts). Budgets stay in scientific
notation, FLOPs and symbols (N, D, C, log L) as they are in every language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm
from matplotlib.ticker import FormatStrFormatter

from llmplan.core.compute import tokens_for_flops
from llmplan.core.errors import InputError, Where
from llmplan.fit.isoflop import group_by_compute
from llmplan.laws.base import ParametricLaw
from llmplan.report.charts.base import PALETTE, figure_to_svg, new_figure
from llmplan.report.i18n import Language, language

CONTOUR_LEVELS: Final = 14
GRID_POINTS: Final = 160


def iso_loss_svg(
    law: ParametricLaw, runs: pd.DataFrame, *, x_axis: str = "C", lang: Language | None = None
) -> str:
    """Iso-loss contours over (C or D, N), the efficient frontier and the runs."""
    _ = (lang or language("en")).gettext
    if x_axis not in ("C", "D"):
        raise InputError(Where("chart", field="x_axis"), f"'{x_axis}'", expected="'C' or 'D'")
    fig, ax = new_figure(7.0, 4.5)
    xs = runs[x_axis].to_numpy(float)
    ns = runs["N"].to_numpy(float)
    x_grid = np.logspace(np.log10(xs.min()) - 0.5, np.log10(xs.max()) + 1.5, GRID_POINTS)
    n_grid = np.logspace(np.log10(ns.min()) - 0.5, np.log10(ns.max()) + 1.0, GRID_POINTS)
    xx, nn = np.meshgrid(x_grid, n_grid)
    tokens = tokens_for_flops(xx, nn) if x_axis == "C" else xx
    loss = law.loss(nn, tokens)
    levels = np.quantile(loss, np.linspace(0.02, 0.9, CONTOUR_LEVELS))
    contours = ax.contour(xx, nn, loss, levels=np.unique(levels), cmap="viridis", linewidths=0.7)
    ax.clabel(contours, fontsize=6, fmt="%.2f")
    c_line = x_grid if x_axis == "C" else None
    if c_line is None:  # frontier in (D, N): parametrise by C
        c_line = np.logspace(np.log10(runs["C"].min()) - 0.5, np.log10(runs["C"].max()) + 2, 100)
        n_opt, d_opt = law.optimal(c_line)
        ax.plot(d_opt, n_opt, color=PALETTE[0], lw=1.8, label=_("compute-optimal frontier"))
    else:
        n_opt = law.optimal(c_line)[0]
        ax.plot(c_line, n_opt, color=PALETTE[0], lw=1.8, label=_("compute-optimal frontier"))
    points = ax.scatter(xs, ns, c=runs["loss"], s=9, cmap="magma", norm=LogNorm(), zorder=3)
    bar = fig.colorbar(points, ax=ax, label=_("loss of the run"))
    for axis_format in (bar.ax.yaxis.set_major_formatter, bar.ax.yaxis.set_minor_formatter):
        axis_format(FormatStrFormatter("%.1f"))  # 2.4, not 2.4 x 10^0
    ax.set(xscale="log", yscale="log", xlim=(x_grid[0], x_grid[-1]), ylim=(n_grid[0], n_grid[-1]))
    ax.set_xlabel(_("training FLOPs C") if x_axis == "C" else _("training tokens D"))
    ax.set_ylabel(_("parameters N"))
    ax.legend(loc="upper left")
    return figure_to_svg(fig)


def isoflop_svg(
    runs: pd.DataFrame, groups: Sequence[Mapping[str, Any]], *, lang: Language | None = None
) -> str:
    """Loss against N for each compute group of approach 2 (``fit.json`` ``approach2.groups``),
    with the fitted parabolas and their minima."""
    _ = (lang or language("en")).gettext
    fig, ax = new_figure(7.0, 4.0)
    budgets = [g["C"] for g in groups] or None
    labels = group_by_compute(runs["C"].to_numpy(float), budgets=budgets)[0]
    for k, group in enumerate(groups):
        colour = PALETTE[k % len(PALETTE)]
        rows = runs[labels == k]
        ax.scatter(
            rows["N"],
            rows["loss"],
            s=10,
            color=colour,
            label=_("{flops} FLOPs").format(flops=f"{group['C']:.2g}"),
        )
        if group["coefficients"] is not None and len(rows):
            logn = np.linspace(np.log10(rows["N"].min()), np.log10(rows["N"].max()), 80)
            ax.plot(10**logn, np.polyval(group["coefficients"], logn), color=colour, lw=1)
        if group["N_opt"] is not None:
            ax.plot(group["N_opt"], group["loss_min"], marker="v", color=colour, ms=7)
    ax.set(xscale="log", xlabel=_("parameters N"), ylabel=_("loss"))
    ax.legend(fontsize=6, ncols=2)
    return figure_to_svg(fig)


def residuals_svg(
    law: ParametricLaw, runs: pd.DataFrame, *, delta: float, lang: Language | None = None
) -> str:
    """Approach-3 residuals log L_fit - log L against C, with the Huber delta band."""
    _ = (lang or language("en")).gettext
    fig, ax = new_figure(7.0, 3.2)
    resid = np.log(law.loss(runs["N"], runs["D"])) - np.log(runs["loss"].to_numpy(float))
    ax.scatter(runs["C"], resid, s=8, color=PALETTE[0])
    ax.axhspan(-delta, delta, color=PALETTE[5], alpha=0.3, label=_("Huber δ"))
    ax.axhline(0.0, color="black", lw=0.6)
    ax.set(xscale="log", xlabel=_("training FLOPs C"), ylabel="log L_fit − log L")
    ax.legend()
    return figure_to_svg(fig)


def extrapolation_svg(check: Mapping[str, Any], *, lang: Language | None = None) -> str:
    """Observed against predicted losses at the held-out budget (``fit.json`` ``extrapolation``)."""
    lang = lang or language("en")
    _ = lang.gettext
    fig, ax = new_figure(7.0, 3.5)
    params = np.array([p["N"] for p in check["points"]])
    observed = np.array([p["observed"] for p in check["points"]])
    predicted = np.array([p["predicted"] for p in check["points"]])
    order = np.argsort(params)
    ax.scatter(params, observed, s=14, color=PALETTE[1], label=_("observed"), zorder=3)
    ax.plot(
        params[order],
        predicted[order],
        color=PALETTE[0],
        lw=1.2,
        label=_("predicted from smaller budgets"),
    )
    ax.set(xscale="log", xlabel=_("parameters N"), ylabel=_("loss"))
    ax.set_title(
        _("Held-out C = {flops} FLOPs: mean absolute error {error}").format(
            flops=f"{check['held_out_C']:.3g}",
            error=f"{100 * check['mean_abs_relative_error']:.2f}%",
        ),
        fontsize=9,
    )
    ax.legend()
    return figure_to_svg(fig)
