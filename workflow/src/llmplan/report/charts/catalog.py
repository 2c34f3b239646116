"""Charts of the catalog report, as deterministic SVG strings.

(a) :func:`compute_chart_svg`: total training compute per model in petaFLOP/s-days on a log
    scale, BERT to GPT-3 to Llama 3, coloured by family (after Brown et al. 2020,
    arXiv:2005.14165, Figure 2.2 and Table D.1; 1 PF/s-day = 8.64e19 FLOPs).
(b) :func:`params_tokens_svg`: parameters N against training tokens D on log-log axes, every
    model labelled, with the 20-tokens-per-parameter line and each law's compute-optimal
    frontier (N_opt(C), D_opt(C)) traced over C (Hoffmann et al. 2022, arXiv:2203.15556,
    eq. 4 and Table 3). Points below a frontier were trained on fewer tokens than that law
    deems compute-optimal for their size.

Both take the DataFrame of :func:`llmplan.catalog.model_table`; the ``*_figure`` functions
return the matplotlib figure (for PNG previews), the ``*_svg`` functions the markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from llmplan.report.charts.base import PALETTE, Label, figure_to_svg, new_figure, place_labels
from llmplan.report.i18n import Language, language

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from llmplan.laws.base import Law

#: After the house palette, Paul Tol's muted scheme, so that up to 17 families stay distinct.
FAMILY_COLOURS: Final = (
    *PALETTE[:7],  # skip the house yellow (unreadable on white) and the greys
    "#882255",
    "#44AA99",
    "#999933",
    "#332288",
    "#AA4499",
    "#117733",
    "#8c564b",
    "#A6761D",
    "#D62728",
    "#7f7f7f",
)

#: Line styles for law frontiers (colour alone should not carry the meaning).
_LAW_STYLES: Final = ("-", "--", "-.", ":")


def family_order(table: pd.DataFrame) -> list[str]:
    """Families in order of first appearance: earliest year, then smallest compute."""
    first = table.sort_values(["year", "train_flops"]).drop_duplicates("family")
    return list(first["family"])


def family_colours(table: pd.DataFrame) -> dict[str, str]:
    """A stable colour per family, in :func:`family_order`."""
    families = family_order(table)
    return {f: FAMILY_COLOURS[i % len(FAMILY_COLOURS)] for i, f in enumerate(families)}


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    rank = {f: i for i, f in enumerate(family_order(table))}
    return (
        table.assign(_family_rank=table["family"].map(rank))
        .sort_values(["_family_rank", "year", "train_flops"], kind="stable")
        .drop(columns="_family_rank")
    )


def _pf_days_label(value: float) -> str:
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def compute_chart_figure(table: pd.DataFrame, lang: Language | None = None) -> Figure:
    """Training compute per model (PF/s-days, log scale), grouped and coloured by family."""
    _ = (lang or language("en")).gettext
    rows = _ordered(table).reset_index(drop=True)
    colours = family_colours(table)
    height = 1.2 + 0.19 * len(rows)
    fig, ax = new_figure(7.0, height)
    y = np.arange(len(rows))
    estimate = rows["flops_source"].eq("estimate").to_numpy()
    ax.barh(
        y,
        rows["pf_days"],
        color=[colours[f] for f in rows["family"]],
        height=0.72,
        edgecolor=[colours[f] for f in rows["family"]],
        linewidth=0.6,
        hatch=None,
    )
    # estimates (no published compute): lighter fill with hatching, so the eye sees the difference
    for yi, value, family in zip(
        y[estimate], rows["pf_days"][estimate], rows["family"][estimate], strict=True
    ):
        ax.barh(yi, value, color="white", height=0.72, edgecolor=colours[family], linewidth=0.6)
        ax.barh(
            yi,
            value,
            color="none",
            height=0.72,
            edgecolor=colours[family],
            hatch="////",
            linewidth=0,
        )
    for yi, row in zip(y, rows.itertuples(index=False), strict=True):
        bound = "≥ " if row.tokens_lower_bound else ""
        ax.text(
            row.pf_days * 1.12,
            yi,
            f"{bound}{_pf_days_label(row.pf_days)}",
            va="center",
            ha="left",
            fontsize=6.5,
            color="#333333",
        )
    ax.set_yticks(y, rows["name"], fontsize=7)
    ax.invert_yaxis()
    ax.set_xscale("log")
    ax.set_xlim(left=0.5, right=rows["pf_days"].max() * 12)
    ax.set_xlabel(
        _("total training compute (petaFLOP/s-days, log scale; 1 PF/s-day = 8.64e19 FLOPs)")
    )
    ax.grid(axis="y", visible=False)
    ax.set_title(_("Training compute from BERT to GPT-3 to Llama 3"), fontsize=10, loc="left")
    families = family_order(table)
    handles = [Line2D([], [], color=colours[f], lw=6, label=f) for f in families]
    handles.append(
        Line2D(
            [], [], color="#555555", lw=0, marker="s", mfc="white", label=_("hatched: 6ND estimate")
        )
    )
    ax.legend(
        handles=handles,
        loc="upper right",
        fontsize=6.5,
        ncols=2,
        title=_("family"),
        title_fontsize=7,
        handlelength=1.2,
        frameon=True,
        framealpha=0.9,
        edgecolor="none",
    )
    return fig


def compute_chart_svg(table: pd.DataFrame, lang: Language | None = None) -> str:
    """:func:`compute_chart_figure` as SVG markup."""
    return figure_to_svg(compute_chart_figure(table, lang))


def _label_groups(table: pd.DataFrame) -> pd.DataFrame:
    """One label per distinct (N, D): models at the same point share it ("Llama 3 / 3.1 8B")."""
    groups = []
    for (params, tokens), group in table.groupby(["params", "tokens"], sort=False):
        names = list(group["name"])
        label = names[0] if len(names) == 1 else " / ".join(names)
        if len(names) > 1 and all(n.startswith("Llama 3") for n in names):
            size = names[0].rsplit(" ", 1)[-1]
            label = f"Llama 3 & 3.1 {size}"
        groups.append(
            {
                "params": params,
                "tokens": tokens,
                "label": label,
                "family": group["family"].iloc[0],
                "lower_bound": bool(group["tokens_lower_bound"].any()),
            }
        )
    return pd.DataFrame(groups)


def params_tokens_figure(
    table: pd.DataFrame,
    laws: Sequence[Law],
    *,
    tokens_per_param: float,
    lang: Language | None = None,
) -> Figure:
    """Parameters vs training tokens, log-log, with the tokens-per-parameter line and law frontiers."""
    lang = lang or language("en")
    _ = lang.gettext
    colours = family_colours(table)
    fig, ax = new_figure(7.5, 7.0)
    n_lo, n_hi = 3e7, 1.5e12
    d_lo, d_hi = 1e11, 3e13
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(n_lo, n_hi)
    ax.set_ylim(d_lo, d_hi)
    # iso-compute guides, C = 6 N D
    n_grid = np.geomspace(n_lo, n_hi, 50)
    for exponent in range(19, 27):
        c = 10.0**exponent
        ax.plot(n_grid, c / (6 * n_grid), color="#bbbbbb", lw=0.5, zorder=0)
        n_label = c / (6 * d_hi) * 1.08
        if n_lo * 1.2 < n_label < n_hi / 3:
            ax.text(
                n_label,
                d_hi / 1.04,
                f"C=1e{exponent}",
                fontsize=5.5,
                color="#888888",
                ha="left",
                va="top",
            )
    c_grid = np.geomspace(1e17, 1e28, 200)
    same_as_line = []
    drawn = []
    for law in laws:
        n_opt, d_opt = law.optimal(c_grid)
        # a law whose frontier is the D = r N line itself is named on that line, not drawn twice
        if np.allclose(d_opt / n_opt, tokens_per_param, rtol=1e-9):
            same_as_line.append(law.id)
        else:
            drawn.append((law, n_opt, d_opt))
    line_label = _("{ratio} tokens per parameter").format(ratio=f"{tokens_per_param:g}")
    if same_as_line:
        line_label += " " + _("(= frontier of {laws})").format(laws=", ".join(same_as_line))
    ax.plot(
        n_grid,
        tokens_per_param * n_grid,
        color="#000000",
        lw=1.0,
        ls=(0, (1, 1.5)),
        label=line_label,
        zorder=1,
    )
    for i, (law, n_opt, d_opt) in enumerate(drawn):
        ax.plot(
            n_opt,
            d_opt,
            color=PALETTE[i % len(PALETTE)],
            lw=1.3,
            ls=_LAW_STYLES[i % len(_LAW_STYLES)],
            label=_("frontier: {law}").format(law=lang.law_text(law.describe(), "name")),
            zorder=1,
        )
    points = _label_groups(table)
    for row in points.itertuples(index=False):
        ax.scatter(
            row.params,
            row.tokens,
            s=22 if not row.lower_bound else 30,
            marker="^" if row.lower_bound else "o",
            color=colours[row.family],
            edgecolor="white",
            linewidth=0.5,
            zorder=3,
        )
    ax.set_xlabel(_("parameters N (log scale)"))
    ax.set_ylabel(_("training tokens D (log scale)"))
    ax.xaxis.set_major_formatter(lambda v, _pos: lang.si(v))
    ax.yaxis.set_major_formatter(lambda v, _pos: lang.si(v))
    ax.set_title(_("Who is under-trained: parameters vs training tokens"), fontsize=10, loc="left")
    handles, _labels = ax.get_legend_handles_labels()
    handles.append(
        Line2D([], [], lw=0, marker="^", color="#555555", label=_("tokens a lower bound (15T+)"))
    )
    handles.append(Line2D([], [], lw=0.5, color="#bbbbbb", label=_("C = 6ND, FLOPs (top labels)")))
    ax.legend(  # below the axes, off the data
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.09),
        ncols=2,
        fontsize=6.5,
        frameon=False,
    )
    ax.text(
        0.005,
        0.005,
        _("below a line: fewer tokens than compute-optimal for the size"),
        transform=ax.transAxes,
        fontsize=6,
        color="#555555",
        ha="left",
        va="bottom",
    )
    order = points.sort_values("params")
    dropped = place_labels(
        fig,
        ax,
        [
            Label(row.params, row.tokens, row.label, colours[row.family])
            for row in order.itertuples(index=False)
        ],
    )
    fig.dropped_labels = dropped  # type: ignore[attr-defined]
    return fig


def params_tokens_svg(
    table: pd.DataFrame,
    laws: Sequence[Law],
    *,
    tokens_per_param: float,
    lang: Language | None = None,
) -> str:
    """:func:`params_tokens_figure` as SVG markup."""
    return figure_to_svg(
        params_tokens_figure(table, laws, tokens_per_param=tokens_per_param, lang=lang)
    )
