"""The house chart machinery: log-axis tick labels in Unicode, charts printed as images."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest

from llmplan.report.charts.base import figure_to_svg, new_figure, unicode_tick
from llmplan.report.render import charts_as_images


@pytest.mark.parametrize(
    ("mathtext", "unicode"),
    [
        (r"$\mathdefault{10^{9}}$", "10⁹"),
        (r"$\mathdefault{10^{0}}$", "10⁰"),
        (r"$\mathdefault{2\times10^{9}}$", "2×10⁹"),
        (r"$\mathdefault{-10^{-3}}$", "−10⁻³"),
        (r"$\mathdefault{5\times2^{12}}$", "5×2¹²"),
        (r"$\mathdefault{0.5}$", "0.5"),
        # forms it does not know are left to matplotlib, as written
        (r"$\mathdefault{10^{2.50}}$", r"$\mathdefault{10^{2.50}}$"),
        (r"$\mathdefault{e^{2}}$", r"$\mathdefault{e^{2}}$"),
        ("", ""),
        ("1,024", "1,024"),
    ],
)
def test_unicode_tick(mathtext: str, unicode: str) -> None:
    assert unicode_tick(mathtext) == unicode


def test_a_log_axis_is_labelled_in_unicode_not_mathtext() -> None:
    """The labels matplotlib would have written as mathtext, in Unicode: the decades of a log axis
    from 10⁷ to 10¹³, and no mathtext (whose glyphs would be drawn as paths or separate runs)."""
    fig, ax = new_figure()
    ax.plot(np.logspace(7, 13, 20), np.linspace(0, 1, 20))
    ax.set_xscale("log")
    svg = figure_to_svg(fig)
    texts = re.findall(r"<text\b[^>]*>([^<]*)</text>", svg)
    assert {
        f"10{str(e).translate(str.maketrans('0123456789', '⁰¹²³⁴⁵⁶⁷⁸⁹'))}" for e in range(8, 13)
    } <= set(texts)
    assert "mathdefault" not in svg


def test_charts_are_printed_as_the_same_svg_and_a_broken_one_stays_inline() -> None:
    fig, ax = new_figure()
    ax.plot([1, 2], [3, 4])
    svg = figure_to_svg(fig)
    html = f"<p>&lt;svg&gt; in text</p><figure>{svg}</figure><figure><svg><g></svg></figure>"
    printed = charts_as_images(html)
    images = re.findall(
        r'<img class="chart" alt="" src="data:image/svg\+xml;base64,([^"]+)">', printed
    )
    assert [base64.b64decode(data).decode("utf-8") for data in images] == [svg.strip()]
    # escaped text that reads "<svg>" is not a chart; a chart that is not well-formed XML (which
    # an image would lose) is printed inline as before
    assert "<p>&lt;svg&gt; in text</p>" in printed and "<figure><svg><g></svg></figure>" in printed
