"""Charts as SVG strings, byte-identical from run to run.

Every chart in a report is a matplotlib figure saved as SVG (vector in the PDF) with a fixed
hash salt, no date metadata and text as paths-free ``<text>`` elements, so that a rebuild from the
same inputs gives the same bytes. Chart functions in this package return the SVG markup as a
string; templates inline it. Importing this module sets the house style for the process.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import LogFormatterSciNotation
from matplotlib.transforms import Bbox

#: One colour per law or family, colour-blind safe (Okabe & Ito 2008), then tab10.
PALETTE: Final = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
    "#F0E442",
    "#8c564b",
    "#7f7f7f",
)

STYLE: Final = {
    "svg.hashsalt": "llmplan",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.5,
    "legend.frameon": False,
    "figure.dpi": 100,
}
# Set once for the process: artists take rcParams when they are created, not when saved.
matplotlib.rcParams.update(STYLE)


def new_figure(width_in: float = 7.0, height_in: float = 4.0) -> tuple[Figure, plt.Axes]:
    """A figure and axes in the house style."""
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    ax = fig.add_subplot()
    return fig, ax


#: A dollar sign not already escaped.
_DOLLAR: Final = re.compile(r"(?<!\\)\$")


def plain_text(fig: Figure) -> None:
    """Every text of ``fig`` shown as written, never as maths.

    matplotlib reads text between two ``$`` as TeX-like mathtext and fails on text that is not
    (a model named ``$5M model $beta``); chart labels hold the catalog's and the scenarios' text,
    so each ``$`` is escaped. Tick labels are set while the figure is drawn, after this: those of
    log axes, which matplotlib writes as mathtext, are written in Unicode instead
    (:class:`UnicodeLogFormatter`).
    """
    for text in fig.findobj(Text):
        content = text.get_text()
        if "$" in content:
            text.set_text(plain(content))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if type(formatter) is LogFormatterSciNotation:  # what log scales set
                    # the same formatter (base, which labels to show), writing Unicode
                    formatter.__class__ = UnicodeLogFormatter


def plain(text: str) -> str:
    """``text`` with every ``$`` escaped, so matplotlib shows it as written."""
    return _DOLLAR.sub(r"\\$", text)


#: Superscript forms of the characters of an exponent.
_SUPERSCRIPT: Final = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
#: What matplotlib's log formatters write: ``$\mathdefault{[-][c\times]10^{e}}$`` or a number.
_LOG_LABEL: Final = re.compile(
    r"^\$\\mathdefault\{(?P<sign>-?)(?:(?P<coeff>[0-9.]+)\\times)?"
    r"(?:(?P<base>[0-9.]+)\^\{(?P<exp>-?[0-9]+)\}|(?P<number>[0-9.e+-]+))\}\$$"
)


def unicode_tick(label: str) -> str:
    """A log-axis tick label of matplotlib's mathtext (``$\\mathdefault{2\\times10^{9}}$``) in
    plain Unicode (``2×10⁹``): the same text without a mathtext parse, the slowest part of
    drawing a chart. A label of any other form is returned as it is."""
    match = _LOG_LABEL.match(label)
    if match is None:
        return label
    sign = "\u2212" if match["sign"] else ""
    if match["number"] is not None:
        return sign + match["number"]
    coeff = f"{match['coeff']}\u00d7" if match["coeff"] else ""
    return f"{sign}{coeff}{match['base']}{match['exp'].translate(_SUPERSCRIPT)}"


class UnicodeLogFormatter(LogFormatterSciNotation):
    """matplotlib's log-axis formatter, its labels written in Unicode (:func:`unicode_tick`)."""

    def __call__(self, x: float, pos: int | None = None) -> str:
        return unicode_tick(super().__call__(x, pos))


def figure_to_svg(fig: Figure) -> str:
    """The figure as inline SVG markup, deterministic (no date, fixed ids), its text plain."""
    plain_text(fig)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": "llmplan"})
    svg = buffer.getvalue()
    # drop the XML prolog and DOCTYPE so the markup can be inlined in HTML
    svg = svg[svg.index("<svg") :]
    # width/height in pt would fix the size; let CSS scale it to the column instead
    svg = re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r"<svg\1", svg, count=1)
    # matplotlib writes a family list as "'DejaVu Sans', 'Noto Sans CJK SC'"; WeasyPrint splits
    # it at the commas and strips quotes but not spaces, so it would look for " 'Noto Sans CJK SC"
    # and draw every Chinese glyph of a chart in the Japanese face of the Noto CJK collection
    svg = _FAMILY_LIST.sub(lambda m: m.group(0).replace(", ", ","), svg)
    if "Noto Sans CJK SC" in matplotlib.rcParams["font.family"]:
        # drawn inside report.fonts.chart_fonts("zh"): the language of the text, for a reader
        svg = svg.replace("<svg", '<svg lang="zh-CN"', 1)
    return svg


#: A font-family declaration of matplotlib's SVG style attributes.
_FAMILY_LIST: Final = re.compile(r"font-family: [^;\"]*")


# ---------------------------------------------------------------- labels that never overlap
@dataclass(frozen=True)
class Label:
    """A point to label: data coordinates, text and colour."""

    x: float
    y: float
    text: str
    color: str = "#333333"


#: Candidate offsets (points) around a marker: near first, then farther with a leader line.
_RINGS: Final = (5.0, 11.0, 18.0, 27.0, 38.0)
_DIRECTIONS: Final = (
    (1, 0.3),
    (1, -1),
    (-1, 0.3),
    (-1, -1),
    (0.3, 1.2),
    (0.3, -1.8),
    (-0.3, 1.2),
    (-0.3, -1.8),
)
_LEADER_FROM: Final = 11.0


def _overlap(a: Bbox, b: Bbox) -> bool:
    return min(a.x1, b.x1) > max(a.x0, b.x0) and min(a.y1, b.y1) > max(a.y0, b.y0)


def freeze_layout(fig: Figure) -> Any:
    """Run the figure's layout once, then freeze it, so measured text positions stay true."""
    canvas = FigureCanvasAgg(fig)  # measures text; SVG output later uses its own backend
    plain_text(fig)  # before the first draw, which would read a '$' as maths
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    return canvas.get_renderer()


def place_labels(
    fig: Figure,
    ax: Any,
    labels: Sequence[Label],
    *,
    fontsize: float = 6.0,
    marker_px: float = 3.5,
) -> list[str]:
    """Annotate ``labels`` so that no label overlaps another label, a marker, the legend or the
    edge of the axes: for each point the first free slot on rings of growing radius (a thin leader
    line beyond the nearest ring). A label with no free slot is left out; its text is returned so
    the caller can name it elsewhere (a caption or a table)."""
    renderer = freeze_layout(fig)
    to_px = ax.transData.transform
    markers = []
    for label in labels:
        px, py = to_px((label.x, label.y))
        markers.append(
            Bbox.from_extents(px - marker_px, py - marker_px, px + marker_px, py + marker_px)
        )
    frame = ax.get_window_extent(renderer)
    taken: list[Bbox] = [t.get_window_extent(renderer) for t in ax.texts]
    legend = ax.get_legend()
    if legend is not None:
        taken.append(legend.get_window_extent(renderer))
    dropped = []
    for i, label in enumerate(labels):
        obstacles = taken + markers[:i] + markers[i + 1 :]
        placed = False
        for radius in _RINGS:
            for dx, dy in _DIRECTIONS:
                text = ax.annotate(
                    plain(label.text),
                    (label.x, label.y),
                    xytext=(dx * radius, dy * radius),
                    textcoords="offset points",
                    fontsize=fontsize,
                    ha="left" if dx > 0 else "right",
                    va="center",
                    color=label.color,
                    arrowprops=(
                        {
                            "arrowstyle": "-",
                            "lw": 0.4,
                            "color": label.color,
                            "shrinkA": 0,
                            "shrinkB": 2,
                        }
                        if radius > _LEADER_FROM
                        else None
                    ),
                )
                box = text.get_window_extent(renderer).expanded(1.04, 1.1)
                inside = (
                    frame.x0 <= box.x0
                    and box.x1 <= frame.x1
                    and frame.y0 <= box.y0
                    and box.y1 <= frame.y1
                )
                if inside and not any(_overlap(box, other) for other in obstacles):
                    taken.append(box)
                    placed = True
                    break
                text.remove()
            if placed:
                break
        if not placed:
            dropped.append(label.text)
    return dropped


def text_boxes(fig: Figure) -> list[tuple[str, Bbox]]:
    """The texts a reader must be able to read, with their boxes in pixels: every label and
    annotation placed on the axes, axis labels, titles, and each legend as one box.

    For tests: no two of them may overlap (tick labels are laid out by matplotlib itself).
    """
    renderer = freeze_layout(fig)
    out = []
    for ax in fig.axes:
        artists = [
            *ax.texts,
            ax.title,
            ax._left_title,
            ax._right_title,
            ax.xaxis.label,
            ax.yaxis.label,
        ]
        for artist in artists:
            if artist.get_visible() and artist.get_text().strip():
                out.append((artist.get_text(), artist.get_window_extent(renderer)))
        legend = ax.get_legend()
        if legend is not None:
            out.append(("<legend>", legend.get_window_extent(renderer)))
    return out


def overlapping_texts(fig: Figure) -> list[tuple[str, str]]:
    """Pairs of readable texts (:func:`text_boxes`) whose boxes overlap."""
    boxes = text_boxes(fig)
    return [
        (ta, tb) for i, (ta, a) in enumerate(boxes) for tb, b in boxes[i + 1 :] if _overlap(a, b)
    ]
