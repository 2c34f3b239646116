"""Predicted vs published throughput of published training runs (issue 14: "Done when").

For every run of :mod:`llmplan.run.published_runs`: the figure as published (TFLOP/s per GPU or
MFU, in the paper's own FLOP convention), the model's prediction in the same unit and convention,
and the relative error, marked train (the constants were fitted on it), validation (never seen by
the fit; each must be within 15%) or reported (printed, not judged; the reason is given). Then
two LLaMA runs whose layout was not published, predicted with the planner's own layout choice.

Run: python benchmarks/bench_mfu.py   (from the repository root)
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from llmplan.arch.shape import ModelShape
from llmplan.inputs.catalog import load_catalog
from llmplan.run.layout import search_layouts
from llmplan.run.mfu import FITTED, VALIDATION_BAND, calibration, predict_all
from llmplan.run.steptime import Cluster

BOUND = 0.15
REPO = Path(__file__).resolve().parents[1]

#: LLaMA (Touvron et al. 2023, arXiv:2302.13971): Table 2 shapes, 4M-token batches of 2,048;
#: s2.4: 65B at ~380 tokens/s/GPU on 2,048 A100 80GB; Table 15: 7B took 82,432 GPU-hours for
#: 1.0T tokens (3,370 tokens/s/GPU). The 7B's GPU count is not published (2,048 assumed).
LLAMA = (
    ("LLaMA-65B", 80, 8192, 64, 22016, 380.0, 2048),
    ("LLaMA-7B", 32, 4096, 32, 11008, 1.0e12 / (82_432 * 3600), 2048),
)


def main() -> int:
    hardware = load_catalog(REPO / "data" / "catalog").hardware
    t0 = time.perf_counter()
    predictions = predict_all(hardware)
    seconds = time.perf_counter() - t0
    print(
        f"Constants: compute {FITTED['compute']}, comm {FITTED['comm']}, "
        f"GEMM half-width {FITTED['gemm_width']:g}"
    )
    header = (
        f"{'run':48} {'role':10} {'unit':14} {'published':>9} {'predicted':>9} {'error':>7}  "
        "layout the model used"
    )
    print(header)
    print("-" * len(header))
    failures = []
    for p in predictions:
        run = p.run
        unit = "TFLOP/s/GPU" if run.metric == "tflops_per_gpu" else "MFU"
        fmt = "{:9.1f}" if run.metric == "tflops_per_gpu" else "{:9.1%}"
        layout = p.layout
        knobs = f"mb {layout.microbatch}, v {layout.virtual_stages}, {layout.recompute}"
        print(
            f"{run.name:48} {run.role:10} {unit:14} {fmt.format(run.value)} "
            f"{fmt.format(p.predicted_value)} {p.relative_error:+7.1%}  {knobs}"
        )
        if run.role == "validation" and abs(p.relative_error) > BOUND:
            failures.append(run.id)
    errors = [p.relative_error for p in predictions if p.run.role == "validation"]
    train = [p.relative_error for p in predictions if p.run.role == "train"]
    print()
    print(
        f"train ({len(train)} runs): errors {min(train):+.1%} to {max(train):+.1%}; validation "
        f"({len(errors)} runs): {min(errors):+.1%} to {max(errors):+.1%}, mean |error| "
        f"{sum(map(abs, errors)) / len(errors):.1%} (stored band {VALIDATION_BAND[0]:+.1%} to "
        f"{VALIDATION_BAND[1]:+.1%}); {len(predictions)} runs in {seconds:.2f} s"
    )
    print("\nReported, not judged:")
    for p in predictions:
        if p.run.role == "reported":
            print(f"- {p.run.name}: {p.run.why}")
    print("\nLayout not published (the planner's own layout on the stated GPUs; not judged):")
    a100 = hardware["a100-80gb"]
    efficiency = calibration(a100.id).efficiency()
    for name, layers, width, heads, ffn, published, gpus in LLAMA:
        shape = ModelShape(
            family="llama", n_layers=layers, d_model=width, n_heads=heads, n_kv_heads=heads,
            d_ff=ffn, vocab=32000, seq_len=2048, name=name,
        )  # fmt: skip
        found = search_layouts(
            shape, Cluster.from_hardware(a100, gpus), efficiency, global_batch=2048
        )
        best = found.best
        predicted = best.step.tokens_per_s / gpus
        print(
            f"- {name} on {gpus:,} A100: published {published:,.0f} tokens/s/GPU, predicted "
            f"{predicted:,.0f} ({predicted / published - 1:+.1%}) with {best.layout.describe()}"
        )
    if failures:
        print(f"\nVALIDATION RUNS OUTSIDE +-{BOUND:.0%}: {', '.join(failures)}")
        return 1
    print(f"\nEvery validation run is within +-{BOUND:.0%}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
