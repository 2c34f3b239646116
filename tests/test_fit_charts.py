"""Fit charts render, and the extrapolation check is exact on noiseless data."""

from __future__ import annotations

import numpy as np

from llmplan import fit, fit_charts
from llmplan.isoflop import fit_isoflop
from llmplan.runs import synthetic_isoflop

LAW = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)


def test_extrapolation_exact_on_noiseless_data_and_charts_render():
    runs = synthetic_isoflop(LAW, [1e18, 1e19, 1e20, 1e21], 7, noise_sd=0.0, seed=0, span_dex=1.6)
    check = fit_charts.extrapolation_check(runs, n_follow=200)
    assert check.held_out_flops == 1e21 and check.n_test == 7
    assert np.abs(check.relative_errors).max() < 1e-4
    result = fit.fit_parametric(runs["N"], runs["D"], runs["loss"], n_bootstrap=0, n_follow=200)
    for svg in (
        fit_charts.iso_loss_svg(result.law(), runs),
        fit_charts.iso_loss_svg(result.law(), runs, x_axis="D"),
        fit_charts.isoflop_svg(runs, fit_isoflop(runs, n_bootstrap=0)),
        fit_charts.residuals_svg(result, runs),
        fit_charts.extrapolation_svg(check),
    ):
        assert svg.startswith("<svg") and "</svg>" in svg
