"""Charts of a scenario's planning report, drawn from ``plan.json`` alone (SVG strings).

1. :func:`isoflop_chart`: predicted loss against N along the budget's IsoFLOP line
   (D = C / 6N) for every law with a loss, each law's optimum marked (after Hoffmann et al. 2022,
   arXiv:2203.15556, Figure 3).
2. :func:`frontier_chart`: N_opt(C) of every law, the catalog's decoder models placed at their
   (C, N), the budget marked (after Hoffmann et al. 2022, Figure 1).
3. :func:`sensitivity_chart`: the primary law's N_opt and D_opt as the budget is halved or
   doubled, and as MFU moves.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from llmplan.core.units import format_si
from llmplan.report.charts.base import PALETTE, figure_to_svg, new_figure

_STYLES = ("-", "--", "-.", ":")


def _colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def isoflop_chart(plan: dict[str, Any]) -> str:
    """SVG: loss along this budget's IsoFLOP line for each law with a loss; optimum marked."""
    flops = plan["budget"]["flops"]
    allocations = {a["law"]: a for a in plan["allocations"]}
    fig, ax = new_figure(7.0, 3.4)
    drawn = 0
    for i, curve in enumerate(plan["curves"]["laws"]):
        if curve["isoflop_params"] is None:
            continue
        alloc = allocations[curve["law"]]
        ax.plot(
            curve["isoflop_params"],
            curve["isoflop_loss"],
            color=_colour(i),
            ls=_STYLES[drawn % len(_STYLES)],
            lw=1.6,
            label=f"{curve['name']}: N = {format_si(alloc['params'])}",
        )
        ax.plot([alloc["params"]], [alloc["loss"]], "o", color=_colour(i), ms=5)
        drawn += 1
    if not drawn:
        ax.text(
            0.5, 0.5, "none of the chosen laws predicts a loss", ha="center", transform=ax.transAxes
        )
    ax.set_xscale("log")
    ax.set_xlabel("parameters N  (tokens D = C / 6N)")
    ax.set_ylabel("predicted loss (nats/token)")
    ax.set_title(f"Loss along the IsoFLOP line of {flops:.3g} FLOPs", fontsize=9)
    if drawn:
        ax.legend(loc="upper center", fontsize=7.5)
    return figure_to_svg(fig)


def frontier_chart(plan: dict[str, Any]) -> str:
    """SVG: each law's N_opt(C), the catalog's models at their (C, N), the budget marked."""
    flops = plan["budget"]["flops"]
    curves = plan["curves"]
    fig, ax = new_figure(7.0, 4.2)
    for i, curve in enumerate(curves["laws"]):
        ax.plot(
            curves["frontier_flops"],
            curve["frontier_params"],
            color=_colour(i),
            ls=_STYLES[i % len(_STYLES)],
            lw=1.4,
            label=curve["name"],
        )
    points = plan["catalog_points"]
    ax.scatter(
        [p["train_flops"] for p in points],
        [p["params"] for p in points],
        s=12,
        color="#444444",
        zorder=3,
        label="catalog models (decoders)",
    )
    near = {m["name"] for m in plan["similar_models"][:6]}  # the six nearest in compute
    for p in points:
        if p["name"] in near:
            ax.annotate(
                p["name"],
                (p["train_flops"], p["params"]),
                fontsize=6,
                xytext=(3, -2),
                textcoords="offset points",
                color="#444444",
            )
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylim(1e7, 1e13)
    ax.axvline(flops, color="#000000", lw=0.8, ls=":")
    ax.annotate("this budget", (flops, 1e7), xytext=(3, 4), textcoords="offset points", fontsize=7)
    ax.set_xlabel("training compute C (FLOPs)")
    ax.set_ylabel("parameters N")
    ax.set_title("Compute-optimal model size N_opt(C) under each law", fontsize=9)
    ax.legend(loc="upper left", fontsize=7)
    return figure_to_svg(fig)


def sensitivity_chart(plan: dict[str, Any]) -> str:
    """SVG: the primary law's N and D for each what-if row of the sensitivity table."""
    rows = plan["sensitivity"]
    fig, ax = new_figure(7.0, 2.6)
    y = np.arange(len(rows))
    base = next(r for r in rows if r["label"] == "as planned")
    ax.barh(
        y - 0.18,
        [r["params"] / base["params"] for r in rows],
        height=0.34,
        color=PALETTE[0],
        label="parameters N",
    )
    ax.barh(
        y + 0.18,
        [r["tokens"] / base["tokens"] for r in rows],
        height=0.34,
        color=PALETTE[1],
        label="tokens D",
    )
    for yi, r in zip(y, rows, strict=True):
        ax.text(
            max(r["params"] / base["params"], r["tokens"] / base["tokens"]) * 1.02,
            yi,
            f"{format_si(r['params'])} on {format_si(r['tokens'])}",
            va="center",
            fontsize=7,
        )
    ax.axvline(1.0, color="#000000", lw=0.8)
    ax.set_yticks(y, [r["label"] for r in rows])
    ax.invert_yaxis()
    widest = max(max(r["params"] / base["params"], r["tokens"] / base["tokens"]) for r in rows)
    ax.set_xlim(0, widest * 1.5)
    ax.set_xlabel(f"relative to the plan ({plan['recommendation']['law_name']})")
    ax.legend(loc="lower right", fontsize=7)
    return figure_to_svg(fig)
