"""Memory needed to train a model (when the hardware is known).

Mixed-precision Adam keeps 16 bytes per parameter: 2 (bf16
weights) + 2 (bf16 gradients) + 12 (fp32 master weights, momentum and variance) (Rajbhandari et al.
2020, ZeRO, arXiv:1910.02054, s3.1, "16 Psi"). Fully sharded (ZeRO-3 / FSDP) each of k devices
holds 16 N / k. Activations are NOT sharded that way; we estimate them per device for one
2,048-token sequence per micro-batch with full activation recomputation: the bf16 input of every
layer, 2 s h L bytes, plus one layer's working set during recomputation, s h (34 + 5 a s / h) bytes
(Korthikanti et al. 2022, arXiv:2205.05198, s4, eq. 1), with the shape guessed from N = 12 L h^2
(Kaplan et al. 2020, eq. 2.1 without embeddings), aspect ratio h / L = 128 (GPT-3 175B: 12,288 / 96,
Brown et al. 2020 Table 2.1) and 128-wide heads. A 10 % reserve of device memory is kept for the
framework, buffers and fragmentation. This is an estimate of the fewest devices, not a
parallelism plan.
"""

from __future__ import annotations

import math
from typing import Any, Final

from llmplan.inputs.catalog import Hardware

#: Training-state bytes per parameter for mixed-precision Adam (ZeRO, arXiv:1910.02054, s3.1).
TRAINING_BYTES_PER_PARAM: Final = 16.0
#: Activation-estimate assumptions (see module docstring).
SEQUENCE_LENGTH: Final = 2048
ASPECT_RATIO: Final = 128.0
HEAD_DIM: Final = 128.0
ACTIVATION_BYTES_PER_ELEMENT: Final = 2.0
USABLE_MEMORY_FRACTION: Final = 0.9
BYTES_PER_GB: Final = 1e9


def activation_bytes_per_device(params: float) -> float:
    """Activation memory per device for one sequence, full recomputation (see module docstring)."""
    hidden = (ASPECT_RATIO * params / 12.0) ** (1.0 / 3.0)
    layers = max(hidden / ASPECT_RATIO, 1.0)
    heads = max(hidden / HEAD_DIM, 1.0)
    s = SEQUENCE_LENGTH
    checkpoints = ACTIVATION_BYTES_PER_ELEMENT * s * hidden * layers
    working = s * hidden * (34.0 + 5.0 * heads * s / hidden)
    return checkpoints + working


def memory_plan(params: float, hardware: Hardware, count: float | None) -> dict[str, Any]:
    """Fewest devices of ``hardware`` that hold the training state fully sharded."""
    state = TRAINING_BYTES_PER_PARAM * params
    activations = activation_bytes_per_device(params)
    usable = USABLE_MEMORY_FRACTION * hardware.memory_gb * BYTES_PER_GB
    min_devices = math.ceil(state / (usable - activations)) if usable > activations else None
    fits = None
    if count is not None:
        fits = min_devices is not None and count >= min_devices
    return {
        "params": params,
        "hardware": hardware.id,
        "memory_gb_per_device": hardware.memory_gb,
        "bytes_per_param": TRAINING_BYTES_PER_PARAM,
        "state_gb": state / BYTES_PER_GB,
        "activation_gb_per_device": activations / BYTES_PER_GB,
        "min_devices": min_devices,
        "count": count,
        "fits": fits,
        "method": (
            "16 bytes/param mixed-precision Adam state (ZeRO s3.1), fully sharded; activations "
            f"for one {SEQUENCE_LENGTH}-token sequence with full recomputation per device "
            f"(Korthikanti et al. 2022); {USABLE_MEMORY_FRACTION:.0%} of device memory usable"
        ),
    }
