"""The words a planning report uses, defined once for a reader who is not an ML researcher."""

from __future__ import annotations

from typing import Final

#: (term, definition), in the order a report prints them.
GLOSSARY: Final = (
    (
        "Compute-optimal",
        "The split of a fixed training budget between model size and training data that gives the "
        "lowest loss, according to a scaling law (Hoffmann et al. 2022).",
    ),
    (
        "FLOPs, PF/s-day",
        "Floating-point operations: the unit of training compute. Training costs about 6 FLOPs per "
        "parameter per token. A petaFLOP/s-day is 10^15 FLOPs per second for a day, "
        "8.64 × 10^19 FLOPs.",
    ),
    (
        "MFU",
        "Model FLOPs utilisation: the share of the accelerators' peak throughput that does useful "
        "model arithmetic (Chowdhery et al. 2022). 35-55% is typical of large, well-tuned runs. "
        "HFU (hardware FLOPs utilisation) also counts recomputed work, so it reads higher.",
    ),
    (
        "D / N (tokens per parameter)",
        "Training tokens divided by parameters. Compute-optimal training lands near 20; models "
        "meant to serve heavy traffic are trained well beyond it.",
    ),
    (
        "IsoFLOP",
        "All the ways of spending the same compute: a bigger model on fewer tokens, or a smaller "
        "one on more. Each point on an IsoFLOP curve costs the same.",
    ),
    (
        "Loss",
        "The model's average prediction error on held-out text (nats per token); lower is better. "
        "Losses are comparable only within one law, since laws were fitted on different data.",
    ),
    (
        "Extrapolation",
        "Using a law at a budget far beyond the training runs it was fitted on. llmplan flags laws "
        "used more than 10x beyond their fitted compute.",
    ),
    (
        "Epoch",
        "One pass over the unique training data. Repeating data up to about 4 times costs little; "
        "beyond that each pass is worth less (Muennighoff et al. 2023).",
    ),
    (
        "Interval (10–90%)",
        "The range within which the quantity falls with 80% probability given the law's parameter "
        "uncertainty; the same convention on every page.",
    ),
)
