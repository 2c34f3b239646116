"""Charts of a scenario's planning report, drawn from ``plan.json`` alone (SVG strings).

1. :func:`isoflop_figure`: predicted loss against N along the budget's IsoFLOP line (D = C / 6N)
   for every law whose allocation is the minimum of its own loss, each law's optimum marked at its
   curve's minimum (after Hoffmann et al. 2022, arXiv:2203.15556, Figure 3). Kaplan et al.'s
   frontier is not the minimum of their eq. 1.5, so it is not drawn here.
2. :func:`frontier_figure`: N_opt(C) of every law, the catalog's decoder models at their (C, N),
   the nearest ones labelled without overlap, the budget marked (after Hoffmann et al. 2022,
   Figure 1).

Legends sit below the axes, off the data; every line has its own colour, dash and marker, so lines
that nearly coincide (approach 1 and 20 tokens per parameter) stay visible.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from matplotlib.figure import Figure

from llmplan.report.charts.base import PALETTE, Label, figure_to_svg, new_figure, place_labels
from llmplan.report.i18n import Language, language

_STYLES: Final = ("-", "--", "-.", ":", (0, (5, 1.5)), (0, (1, 1)), (0, (3, 1, 1, 1, 1, 1)))
_MARKERS: Final = ("o", "s", "^", "D", "v", "P", "X", "*")
#: How many catalog models near the budget get a label on the frontier chart.
LABELLED_MODELS: Final = 6
#: The IsoFLOP chart shows losses up to this far above the lowest minimum (nats).
LOSS_WINDOW: Final = 0.35


def _style(i: int) -> dict[str, Any]:
    return {
        "color": PALETTE[i % len(PALETTE)],
        "ls": _STYLES[i % len(_STYLES)],
        "marker": _MARKERS[i % len(_MARKERS)],
    }


def _legend_below(ax: Any, ncols: int = 2) -> None:
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncols=ncols,
        fontsize=7,
        frameon=False,
        handlelength=2.8,
    )


def _names(plan: dict[str, Any], lang: Language) -> dict[str, str]:
    return {law["id"]: lang.law_text(law, "name") for law in plan["laws"]}


def isoflop_figure(plan: dict[str, Any], lang: Language | None = None) -> Figure:
    """Loss along this budget's IsoFLOP line for each law that predicts one; optimum marked."""
    lang = lang or language("en")
    _ = lang.gettext
    names = _names(plan, lang)
    flops = plan["budget"]["flops"]
    allocations = {a["law"]: a for a in plan["allocations"]}
    fig, ax = new_figure(7.0, 4.0)
    minima = []
    for i, curve in enumerate(plan["curves"]["laws"]):
        if curve["isoflop_params"] is None:
            continue
        alloc = allocations[curve["law"]]
        style = _style(i)
        ax.plot(
            curve["isoflop_params"],
            curve["isoflop_loss"],
            color=style["color"],
            ls=style["ls"],
            lw=1.5,
            label=_("{law}: N = {n}").format(law=names[curve["law"]], n=lang.si(alloc["params"])),
        )
        ax.plot(
            [alloc["params"]],
            [alloc["loss"]],
            marker=style["marker"],
            color=style["color"],
            ms=6,
            ls="none",
        )
        minima.append(alloc["loss"])
    rec = plan["recommendation"]
    ax.axvline(rec["params"], color="#000000", lw=0.8, ls=":")
    if minima:
        low = min(minima)
        ax.set_ylim(low - 0.03 * LOSS_WINDOW, low + LOSS_WINDOW)
        ax.text(
            rec["params"],
            low + 0.97 * LOSS_WINDOW,
            " " + _("recommended: {n}").format(n=lang.si(rec["params"])),
            fontsize=7,
            va="top",
            ha="left",
        )
    else:
        ax.text(
            0.5, 0.5, "none of the chosen laws predicts a loss", ha="center", transform=ax.transAxes
        )
    ax.set_xscale("log")
    ax.set_xlabel(_("parameters N  (tokens D = C / 6N)"))
    ax.set_ylabel(_("predicted loss (nats/token)"))
    ax.set_title(
        _("Loss along the IsoFLOP line of {flops} FLOPs").format(flops=f"{flops:.3g}"), fontsize=9
    )
    if minima:
        _legend_below(ax)
    return fig


def isoflop_chart(plan: dict[str, Any], lang: Language | None = None) -> str:
    return figure_to_svg(isoflop_figure(plan, lang))


def frontier_figure(plan: dict[str, Any], lang: Language | None = None) -> Figure:
    """Each law's N_opt(C), the catalog's models at their (C, N), the budget marked."""
    lang = lang or language("en")
    _ = lang.gettext
    names = _names(plan, lang)
    flops = plan["budget"]["flops"]
    curves = plan["curves"]
    fig, ax = new_figure(7.0, 4.8)
    c = np.asarray(curves["frontier_flops"])
    for i, curve in enumerate(curves["laws"]):
        style = _style(i)
        ax.plot(
            c,
            curve["frontier_params"],
            color=style["color"],
            ls=style["ls"],
            lw=1.3,
            marker=style["marker"],
            markevery=(i % 6, 6),
            ms=3.5,
            label=names[curve["law"]],
        )
    points = plan["catalog_points"]
    ax.scatter(
        [p["train_flops"] for p in points],
        [p["params"] for p in points],
        s=12,
        color="#444444",
        zorder=3,
        label=_("catalog models (decoders)"),
    )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e7, 1e13)
    ax.set_xlim(c[0], c[-1])
    ax.axvline(flops, color="#000000", lw=0.8, ls=":")
    ax.annotate(
        _("this budget"),
        (flops, 1e7),
        xytext=(3, 4),
        textcoords="offset points",
        fontsize=7,
        ha="left",
        va="bottom",
    )
    ax.set_xlabel(_("training compute C (FLOPs)"))
    ax.set_ylabel(_("parameters N"))
    ax.set_title(_("Compute-optimal model size N_opt(C) under each law"), fontsize=9)
    _legend_below(ax)
    near = {m["name"] for m in plan["similar_models"][:LABELLED_MODELS]}
    place_labels(
        fig,
        ax,
        [
            Label(p["train_flops"], p["params"], p["name"], "#444444")
            for p in points
            if p["name"] in near
        ],
    )
    return fig


def frontier_chart(plan: dict[str, Any], lang: Language | None = None) -> str:
    return figure_to_svg(frontier_figure(plan, lang))
