"""Chart of a plan's training run, drawn from ``plan.json``'s ``training_run`` alone (SVG).

:func:`memory_chart`: memory per accelerator of the chosen layout and the next fastest ones, as
stacked bars (weights, gradients, optimizer states, activations, buffers; the breakdown of
:mod:`llmplan.run.memory`) against the device's memory. A run that fits nowhere shows its model
state spread over every accelerator it has, already past the device's memory. Every word is drawn
in the report's language (``lang``, :mod:`llmplan.report.i18n`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from llmplan.core.msgid import N_
from llmplan.report.charts.base import PALETTE, figure_to_svg, new_figure
from llmplan.report.i18n import Language, language

#: Breakdown keys, their legend labels and colours (Okabe-Ito order of the house palette).
PARTS: Final = (
    ("weights_gb", N_("weights"), PALETTE[0]),
    ("gradients_gb", N_("gradients"), PALETTE[5]),
    ("optimizer_gb", N_("optimizer states"), PALETTE[2]),
    ("activations_gb", N_("activations"), PALETTE[1]),
    ("buffers_gb", N_("buffers and reserve"), PALETTE[9]),
    ("state_gb", N_("weights, gradients and optimizer states, fully sharded"), PALETTE[3]),
)
#: Recomputation in a bar's short label.
RECOMPUTE: Final = {"selective": N_("selective recompute"), "full": N_("full recompute")}
SHOWN_ALTERNATIVES: Final = 3


def _short(layout: Mapping[str, Any], lang: Language) -> str:
    parts = [f"TP{layout['tp']}"]
    if layout["cp"] > 1:
        parts.append(f"CP{layout['cp']}")
    parts += [f"PP{layout['pp']}", f"DP{layout['dp']}"]
    if layout.get("ep", 1) > 1:
        parts.append(f"EP{layout['ep']}")
    if layout["virtual_stages"] > 1:
        parts.append(f"v{layout['virtual_stages']}")
    parts.append(f"mb{layout['microbatch']}")
    parts.append("FSDP" if layout["zero"] == 3 else f"ZeRO-{layout['zero']}")
    if layout["recompute"] in RECOMPUTE:
        parts.append(lang.gettext(RECOMPUTE[layout["recompute"]]))
    return " ".join(parts)


def memory_chart(run: Mapping[str, Any], lang: Language | None = None) -> str:
    """SVG: stacked memory per accelerator of the chosen layout (and alternatives) vs capacity."""
    lang = lang or language("en")
    _ = lang.gettext
    fig, ax = new_figure(7.0, 2.6)
    hardware = run.get("hardware")
    if hardware is None:
        ax.text(0.5, 0.5, _("no hardware in the budget"), ha="center", transform=ax.transAxes)
        ax.set_axis_off()
        return figure_to_svg(fig)
    capacity = float(hardware["memory_gb"])
    bars: list[tuple[str, dict[str, float]]] = []
    if run.get("memory_breakdown_gb"):
        label = _("chosen: {layout}, {mfu} MFU").format(
            layout=_short(run["layout"], lang), mfu=f"{run['mfu']:.0%}"
        )
        bars.append((label, run["memory_breakdown_gb"]))
        for alt in run.get("alternatives", [])[:SHOWN_ALTERNATIVES]:
            bars.append(
                (
                    f"{_short(alt['layout'], lang)}, {alt['mfu']:.0%} MFU",
                    alt["memory_breakdown_gb"],
                )
            )
    elif run.get("state_gb") and hardware.get("count"):
        count = int(hardware["count"])
        share = float(run["state_gb"]) / count
        bars.append(
            (_("over your {count} accelerators").format(count=f"{count:,}"), {"state_gb": share})
        )
    bars.reverse()  # chosen layout on top
    for row, (_label, parts) in enumerate(bars):
        left = 0.0
        for key, name, colour in PARTS:
            value = float(parts.get(key, 0.0) or 0.0)
            if value <= 0:
                continue
            ax.barh(row, value, left=left, height=0.6, color=colour, label=_(name))
            left += value
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    ax.axvline(capacity, color="#000000", lw=1.0, ls="--")
    ax.set_yticks(range(len(bars)), [label for label, _parts in bars], fontsize=7)
    ax.set_xlabel(
        _("GB per accelerator (dashed line: the device's {capacity} GB)").format(
            capacity=f"{capacity:g}"
        )
    )
    ax.set_title(_("Memory per accelerator, by what it holds"), fontsize=9)
    ax.grid(axis="y", visible=False)
    order = [_(name) for _key, name, _colour in PARTS if _(name) in unique]
    if order:
        fig.legend(
            [unique[n] for n in order],
            order,
            loc="outside lower center",
            fontsize=7,
            ncols=min(len(order), 5),
        )
    return figure_to_svg(fig)
