"""Charts of a sweep report, drawn from ``sweep.json`` alone (SVG strings).

1. :func:`loss_cost_figure`: predicted loss against cost for every point (a sample of at most
   :data:`llmplan.sweep.document.CHART_POINTS`): the points of the base assumptions coloured by
   accelerator count, the others grey; the efficient frontier as a line through its points, the
   recommended point ringed.
2. :func:`count_figure`: days and dollars of the base assumptions' points per accelerator count,
   the frontier's points marked: which cluster sizes and durations are ever efficient.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
from matplotlib.figure import Figure

from llmplan.report.charts.base import PALETTE, figure_to_svg
from llmplan.report.i18n import Language, language

#: Colour of points not on the frontier when counts do not vary.
_GREY: Final = "#9aa3ae"
_FRONTIER: Final = "#000000"
_RING: Final = "#b3261e"
#: Resolution of the point clouds, which are embedded as images (thousands of vector markers
#: take WeasyPrint tens of seconds to draw); axes, text and the frontier stay vector.
DPI: Final = 200


def _array(values: list[Any]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


#: Colours of accelerator counts: the house palette without black (the frontier's colour).
_COUNT_PALETTE: Final = tuple(c for c in PALETTE if c != _FRONTIER)


def _count_colours(counts: np.ndarray) -> tuple[list[float], dict[float, str]]:
    levels = sorted({c for c in counts if np.isfinite(c)})
    if len(levels) > len(_COUNT_PALETTE):  # too many for a legend: one colour
        return levels, {}
    return levels, {c: _COUNT_PALETTE[i] for i, c in enumerate(levels)}


def loss_cost_figure(doc: dict[str, Any], lang: Language | None = None) -> Figure:
    """Loss against cost: the base cell's points by accelerator count, the other cells' in grey,
    the base cell's frontier drawn and the recommendation ringed."""
    lang = lang or language("en")
    _ = lang.gettext
    sample = doc["sample"]
    column = doc["cost"]["column"]
    cost, loss = _array(sample[column]), _array(sample["loss"])
    counts = _array(sample["count"])
    front = np.asarray(sample["on_frontier"], dtype=bool)
    base = np.asarray(sample["base_cell"], dtype=bool)
    fig = Figure(figsize=(7.0, 4.4), layout="constrained", dpi=DPI)
    ax = fig.add_subplot()
    if (~base).any():
        ax.scatter(
            cost[~base],
            loss[~base],
            s=7,
            color=_GREY,
            alpha=0.35,
            lw=0,
            rasterized=True,
            label=_("other assumptions"),
        )
    levels, colours = _count_colours(counts[base])
    if colours:
        for level in levels:
            mine = base & (counts == level)
            ax.scatter(
                cost[mine],
                loss[mine],
                s=13,
                color=colours[level],
                alpha=0.9,
                lw=0,
                zorder=3,
                rasterized=True,
                label=_("{n} accelerators").format(n=f"{level:,.0f}"),
            )
    else:
        ax.scatter(
            cost[base],
            loss[base],
            s=11,
            color=PALETTE[0],
            alpha=0.7,
            lw=0,
            rasterized=True,
            label=_("points"),
        )
    order = np.argsort(cost[front])
    ax.plot(
        cost[front][order],
        loss[front][order],
        color=_FRONTIER,
        lw=1.0,
        marker="o",
        ms=5,
        mfc="none",
        mew=0.8,
        drawstyle="steps-post",
        zorder=4,
        label=_("efficient frontier"),
    )
    rec = doc["recommended"]
    if rec is not None and rec[column] is not None:
        ax.plot(
            [rec[column]],
            [rec["loss"]],
            marker="o",
            ms=11,
            mfc="none",
            mec=_RING,
            mew=1.6,
            ls="none",
            label=_("recommended"),
        )
    ax.set_xscale("log")
    ax.set_xlabel(
        {
            "usd": _("cost (US dollars)"),
            "gpu_hours": _("accelerator-hours"),
            "train_flops": _("training compute (FLOPs)"),
        }[column]
    )
    ax.set_ylabel(_("predicted loss (nats/token)"))
    ax.set_title(
        _("Predicted loss against cost, {n} points").format(n=f"{doc['sweep']['n_points']:,}"),
        fontsize=9,
    )
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncols=4,
        fontsize=7,
        frameon=False,
        markerscale=1.5,
    )
    return fig


def loss_cost_chart(doc: dict[str, Any], lang: Language | None = None) -> str:
    return figure_to_svg(loss_cost_figure(doc, lang))


def count_figure(doc: dict[str, Any], lang: Language | None = None) -> Figure | None:
    """Days and dollars against accelerator count in the base cell (None without two counts)."""
    lang = lang or language("en")
    _ = lang.gettext
    sample = doc["sample"]
    base = np.asarray(sample["base_cell"], dtype=bool)
    counts = _array(sample["count"])[base]
    levels = sorted(set(counts[np.isfinite(counts)]))
    if len(levels) < 2:
        return None
    front = np.asarray(sample["on_frontier"], dtype=bool)[base]
    panels = [("days", _("days of training")), ("usd", _("cost (US dollars)"))]
    panels = [(k, label) for k, label in panels if np.isfinite(_array(sample[k])[base]).any()]
    if not panels:
        return None
    fig = Figure(figsize=(7.0, 3.3), layout="constrained", dpi=DPI)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    rec = doc["recommended"]
    for ax, (key, label) in zip(axes, panels, strict=True):
        values = _array(sample[key])[base]
        ax.scatter(
            counts[~front],
            values[~front],
            s=10,
            color=_GREY,
            alpha=0.6,
            lw=0,
            rasterized=True,
            label=_("points"),
        )
        ax.scatter(
            counts[front], values[front], s=16, color=_FRONTIER, lw=0, label=_("on the frontier")
        )
        if rec is not None and rec[key] is not None and rec["count"] is not None:
            ax.plot(
                [rec["count"]],
                [rec[key]],
                marker="o",
                ms=10,
                mfc="none",
                mec=_RING,
                mew=1.5,
                ls="none",
                label=_("recommended"),
            )
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ticks = levels if len(levels) <= 10 else levels[:: -(-len(levels) // 8)]
        ax.set_xticks(ticks, [f"{v:,.0f}" for v in ticks], fontsize=6.5, rotation=45)
        ax.minorticks_off()
        ax.set_xlabel(_("accelerators"))
        ax.set_ylabel(label)
        shown = sorted(set(values[np.isfinite(values)]))
        if key == "days" and len(shown) <= 8:  # the grid's own durations, written out
            ax.set_yticks(shown, [f"{v:g}" for v in shown], fontsize=7)
            ax.minorticks_off()
    fig.legend(
        *axes[0].get_legend_handles_labels(),
        loc="outside lower center",
        ncols=3,
        fontsize=7,
        frameon=False,
    )
    fig.suptitle(_("Days and dollars per accelerator count"), fontsize=9)
    return fig


def count_chart(doc: dict[str, Any], lang: Language | None = None) -> str | None:
    fig = count_figure(doc, lang)
    return None if fig is None else figure_to_svg(fig)
