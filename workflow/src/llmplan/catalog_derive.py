"""Derived catalog columns and the catalog chart (first slice; extended by the catalog work)."""

from __future__ import annotations

from typing import Any

from llmplan.catalog import Catalog
from llmplan.charts import PALETTE, figure_to_svg, new_figure


def catalog_json(catalog: Catalog) -> dict[str, Any]:
    """The normalised catalog with derived columns per model."""
    data = catalog.to_dict()
    for row, model in zip(data["models"], catalog.models, strict=True):
        row["train_flops"] = model.train_flops
        row["estimated_flops"] = model.estimated_flops
        row["pf_days"] = model.pf_days
        row["tokens_per_param"] = model.tokens_per_param
    return data


def compute_chart(data: dict[str, Any]) -> str:
    """SVG bar chart: training compute per model in PF/s-days, log scale, coloured by family."""
    models = sorted(data["models"], key=lambda m: (m["year"], m["pf_days"]))
    families = list(dict.fromkeys(m["family"] for m in models))
    fig, ax = new_figure(7.0, 0.5 + 0.28 * len(models))
    for i, m in enumerate(models):
        colour = PALETTE[families.index(m["family"]) % len(PALETTE)]
        ax.barh(i, m["pf_days"], color=colour)
    ax.set_yticks(range(len(models)), [m["name"] for m in models])
    ax.set_xscale("log")
    ax.invert_yaxis()
    ax.set_xlabel("total training compute (petaFLOP/s-days, log scale)")
    return figure_to_svg(fig)
