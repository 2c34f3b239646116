"""The MFU model's free constants, fitted on published runs and validated on others.

The step-time model (:mod:`llmplan.run.steptime`) has two kinds of free constants:

- ``compute``: the fraction of an accelerator's dense peak its matmuls sustain inside a real
  training step, one per accelerator family (A100, H100, ...), since kernels, clocks under a
  power cap and HBM bandwidth differ by generation;
- ``comm``: the fraction of the catalog's per-direction link bandwidth that collectives reach,
  one for all.

They are fitted by least squares on the log of throughput (tokens/s per accelerator, which makes
MFU and hardware-FLOPs figures comparable: :mod:`llmplan.run.published`) over the ``train`` runs,
and judged on the ``validation`` runs they never saw. Train runs are one per published software
stack, its largest-scale or cleanest statement: Meta's Llama 3 stack (405B on 8,192 H100, MFU in
model FLOPs, full layout, no recomputation), Megatron-LM 2021 (the 1T model, full recomputation,
hardware FLOPs), Megatron-LM 2022 (Korthikanti et al.'s 530B with 8-way data parallelism,
selective recomputation) and Megatron-LM 2023 as MegaScale measured it (175B on 3,072 A100).
Every other run with a published layout on those accelerators validates, including two stacks
the fit never saw (OPT's FSDP, BLOOM's Megatron-DeepSpeed). ``FITTED`` holds the result of
:func:`fit` (a test refits and compares); ``benchmarks/bench_mfu.py`` prints every error.

Accelerators without a published run borrow the constant of the same silicon (H200 from H100,
A100 40GB and PCIe boards from A100 80GB) or else the mean of the families, with the band of all
of them: an uncalibrated accelerator says so.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from scipy.optimize import least_squares

from llmplan.inputs.catalog import Hardware
from llmplan.run.memory import memory_per_gpu
from llmplan.run.parallel import RECOMPUTE, Layout, stage_layers
from llmplan.run.published import PublishedRun
from llmplan.run.published_runs import RUNS, runs
from llmplan.run.steptime import Cluster, Efficiency, StepTime, step_time

#: Accelerator -> calibration family (same silicon and memory system, or the nearest sibling).
FAMILY: Final = {
    "a100-80gb": "a100",
    "a100-40gb": "a100",
    "a100-80gb-pcie": "a100",
    "a100-40gb-pcie": "a100",
    "h100-sxm": "h100",
    "h200-sxm": "h100",
    "h100-pcie": "h100",
    "h100-nvl": "h100",
}

#: Smallest and largest relative error over the validation runs at :data:`FITTED`
#: (:func:`validation_band`; checked by tests/run/test_mfu.py).
VALIDATION_BAND: Final = (-0.094, 0.147)
#: Result of :func:`fit` on the train runs (refit by tests/run/test_mfu.py). ``comm`` sits at its
#: physical bound, line rate: the train runs barely constrain it (the fit's residuals hardly
#: change between 0.6 and 1.3), so it is the compute constants that carry the calibration.
FITTED: Final = {"compute": {"a100": 0.752, "h100": 0.637}, "comm": 1.0, "gemm_width": 429.0}


@dataclass(frozen=True)
class Calibration:
    """Efficiency constants for one accelerator, with whether a published run backs them."""

    compute: float
    compute_low: float
    compute_high: float
    comm: float
    gemm_width: float
    family: str | None

    def efficiency(self, *, tp_overlap: float = 0.0, dp_overlap: bool = True) -> Efficiency:
        return Efficiency(
            compute=self.compute,
            comm=self.comm,
            gemm_width=self.gemm_width,
            tp_overlap=tp_overlap,
            dp_overlap=dp_overlap,
        )


def calibration(hardware_id: str, fitted: Mapping[str, object] = FITTED) -> Calibration:
    """The constants for ``hardware_id`` (see the module docstring)."""
    compute = dict(fitted["compute"])  # type: ignore[call-overload]
    comm = float(fitted["comm"])  # type: ignore[arg-type]
    width = float(fitted["gemm_width"])  # type: ignore[arg-type]
    family = FAMILY.get(hardware_id)
    if family in compute:
        value = compute[family]
        return Calibration(value, value, value, comm, width, family)
    values = list(compute.values())
    return Calibration(float(np.mean(values)), min(values), max(values), comm, width, None)


@dataclass(frozen=True)
class Prediction:
    """The model's throughput for a published run, against the published one."""

    run: PublishedRun
    layout: Layout
    step: StepTime
    fits_memory: bool
    published_tokens_per_s_per_gpu: float

    @property
    def predicted_tokens_per_s_per_gpu(self) -> float:
        return self.step.tokens_per_s / self.step.gpus

    @property
    def relative_error(self) -> float:
        """predicted / published - 1 (the same for tokens/s, TFLOP/s or MFU)."""
        return self.predicted_tokens_per_s_per_gpu / self.published_tokens_per_s_per_gpu - 1.0

    @property
    def predicted_value(self) -> float:
        """The prediction in the published figure's own unit and convention."""
        run = self.run
        flops = self.predicted_tokens_per_s_per_gpu * run.flops_per_token()
        return flops / 1e12 if run.metric == "tflops_per_gpu" else flops / self.step.peak_flops


def _divisors(n: int, limit: int) -> list[int]:
    return [k for k in range(1, min(n, limit) + 1) if n % k == 0]


def candidate_layouts(run: PublishedRun) -> list[Layout]:
    """The stated layout with every unstated knob free (micro-batch, virtual stages, recompute)."""
    per_dp = run.global_batch // run.dp
    micro = [run.microbatch] if run.microbatch else _divisors(per_dp, 8)
    layers_min = min(_stage_ends(run))
    virtual = (
        [run.virtual_stages]
        if run.virtual_stages
        else ([v for v in (1, 2, 3, 4, 6, 8) if v <= layers_min] if run.pp > 1 else [1])
    )
    recompute = [run.recompute] if run.recompute else list(RECOMPUTE)
    return [
        Layout(
            tp=run.tp,
            cp=run.cp,
            pp=run.pp,
            dp=run.dp,
            microbatch=b,
            virtual_stages=v,
            zero=run.zero,
            recompute=r,  # type: ignore[arg-type]
            sequence_parallel=run.sequence_parallel,
            flash_attention=run.flash_attention,
        )
        for b, v, r in itertools.product(micro, virtual, recompute)
    ]


def _stage_ends(run: PublishedRun) -> tuple[int, int, int]:
    return stage_layers(run.shape.n_layers, run.pp)


def predict(
    run: PublishedRun, hardware: Hardware, fitted: Mapping[str, object] = FITTED
) -> Prediction:
    """Throughput the model predicts for ``run``: its fastest unstated knobs that fit memory."""
    cluster = Cluster.from_hardware(hardware, run.gpus, network_gbps=run.network_gbps)
    efficiency = calibration(hardware.id, fitted).efficiency(
        tp_overlap=run.tp_overlap, dp_overlap=run.dp_overlap
    )
    best: tuple[bool, float, Layout, StepTime] | None = None
    for layout in candidate_layouts(run):
        m = run.global_batch / (run.dp * layout.microbatch)
        fits = memory_per_gpu(
            run.shape, layout, memory_gb=hardware.memory_gb, microbatches=m, numerics=run.numerics
        ).fits
        step = step_time(
            run.shape, layout, cluster, efficiency, global_batch=run.global_batch,
            numerics=run.numerics,
        )  # fmt: skip
        key = (fits, -step.total)
        if best is None or key > (best[0], -best[3].total):
            best = (fits, step.total, layout, step)
    assert best is not None
    fits, _, layout, step = best
    published = run.tokens_per_s_per_gpu(hardware.peak_flops)
    return Prediction(run, layout, step, fits, published)


def predict_all(
    hardware: Mapping[str, Hardware],
    fitted: Mapping[str, object] = FITTED,
    runs: Sequence[PublishedRun] = RUNS,
) -> list[Prediction]:
    return [predict(run, hardware[run.hardware], fitted) for run in runs]


def fit(hardware: Mapping[str, Hardware], runs: Sequence[PublishedRun] = RUNS) -> dict:
    """Least-squares fit of the constants on the ``train`` runs (log throughput residuals)."""
    train = [r for r in runs if r.role == "train"]
    families = sorted({FAMILY[r.hardware] for r in train})

    def constants(x: np.ndarray) -> dict:
        k = len(families)
        return {
            "compute": dict(zip(families, x[:k], strict=True)),
            "comm": x[k],
            "gemm_width": x[k + 1] * 1000.0,
        }

    def residuals(x: np.ndarray) -> np.ndarray:
        c = constants(x)
        return np.array(
            [math.log1p(predict(r, hardware[r.hardware], c).relative_error) for r in train]
        )

    x0 = np.array([0.7] * len(families) + [0.8, 0.3])
    result = least_squares(residuals, x0, bounds=(0.0, 1.0), x_scale=0.1, diff_step=1e-3)
    out = constants(result.x)
    return {
        "compute": {k: round(float(v), 3) for k, v in out["compute"].items()},
        "comm": round(float(out["comm"]), 3),
        "gemm_width": round(float(out["gemm_width"]), 0),
    }


def validation_band(
    hardware: Mapping[str, Hardware], fitted: Mapping[str, object] = FITTED
) -> tuple[float, float]:
    """Smallest and largest relative error (predicted / published - 1) over the validation runs."""
    errors = [p.relative_error for p in predict_all(hardware, fitted, runs("validation"))]
    return min(errors), max(errors)


def mfu_band(
    mfu: float, hardware_id: str, fitted: Mapping[str, object] = FITTED
) -> tuple[float, float]:
    """The range of real MFU a predicted ``mfu`` is consistent with.

    A prediction that overestimated validation runs by up to ``hi`` and underestimated them by up
    to ``lo`` (:data:`VALIDATION_BAND`) brackets reality in [mfu / (1 + hi), mfu / (1 + lo)]; an
    accelerator without a calibration run also spans the families' compute constants.
    """
    lo, hi = VALIDATION_BAND
    cal = calibration(hardware_id, fitted)
    return (
        mfu / (1.0 + hi) * cal.compute_low / cal.compute,
        mfu / (1.0 + lo) * cal.compute_high / cal.compute,
    )
