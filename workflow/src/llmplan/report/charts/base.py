"""Charts as SVG strings, byte-identical from run to run.

Every chart in a report is a matplotlib figure saved as SVG (vector in the PDF) with a fixed
hash salt, no date metadata and text as paths-free ``<text>`` elements, so that a rebuild from the
same inputs gives the same bytes. Chart functions in this package return the SVG markup as a
string; templates inline it. Importing this module sets the house style for the process.
"""

from __future__ import annotations

import io
import re
from typing import Final

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from matplotlib.text import Text

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
    so each ``$`` is escaped. Tick labels, which matplotlib writes as mathtext on purpose, are
    set while the figure is drawn, after this.
    """
    for text in fig.findobj(Text):
        content = text.get_text()
        if "$" in content:
            text.set_text(_DOLLAR.sub(r"\\$", content))


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
    return svg
