"""Fit charts render, and the extrapolation check is exact on noiseless data."""

from __future__ import annotations

import numpy as np

from llmplan.fit.extrapolation import extrapolation_check
from llmplan.fit.isoflop import fit_isoflop
from llmplan.fit.parametric import fit_parametric
from llmplan.fit.synthetic import synthetic_isoflop
from llmplan.report.charts.fit import (
    extrapolation_svg,
    iso_loss_svg,
    isoflop_svg,
    residuals_svg,
)

LAW = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)


def test_extrapolation_exact_on_noiseless_data_and_charts_render():
    runs = synthetic_isoflop(LAW, [1e18, 1e19, 1e20, 1e21], 7, noise_sd=0.0, seed=0, span_dex=1.6)
    check = extrapolation_check(runs, n_bootstrap=0)
    assert check.held_out_flops == 1e21 and check.n_test == 7
    assert np.abs(check.relative_errors).max() < 1e-4
    result = fit_parametric(runs["N"], runs["D"], runs["loss"], n_bootstrap=0)
    for svg in (
        iso_loss_svg(result.law(), runs),
        iso_loss_svg(result.law(), runs, x_axis="D"),
        isoflop_svg(runs, fit_isoflop(runs, n_bootstrap=0).to_dict()["groups"]),
        residuals_svg(result.law(), runs, delta=result.delta),
        extrapolation_svg(check.to_dict()),
    ):
        assert svg.startswith("<svg") and "</svg>" in svg
