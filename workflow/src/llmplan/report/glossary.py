"""The words a planning report uses, defined once for a reader who is not an ML researcher."""

from __future__ import annotations

from typing import Final

from llmplan.core.messages import N_

#: (term, definition), in the order a report prints them.
GLOSSARY: Final = (
    (
        N_("Compute-optimal"),
        N_(
            "The split of a fixed training budget between model size and training data that gives the "
            "lowest loss, according to a scaling law (Hoffmann et al. 2022)."
        ),
    ),
    (
        N_("FLOPs, PF/s-day"),
        N_(
            "Floating-point operations: the unit of training compute. Training costs about 6 FLOPs per "
            "parameter per token. A petaFLOP/s-day is 10^15 FLOPs per second for a day, "
            "8.64 × 10^19 FLOPs."
        ),
    ),
    (
        N_("MFU"),
        N_(
            "Model FLOPs utilisation: the share of the accelerators' peak throughput that does useful "
            "model arithmetic (Chowdhery et al. 2022). Large, well-tuned runs typically reach 35–55%. "
            "HFU (hardware FLOPs utilisation) also counts recomputed work, so it reads higher."
        ),
    ),
    (
        N_("D / N (tokens per parameter)"),
        N_(
            "Training tokens divided by parameters. Compute-optimal training lands near 20; models "
            "meant to serve heavy traffic are trained well beyond it."
        ),
    ),
    (
        N_("IsoFLOP"),
        N_(
            "All the ways of spending the same compute: a bigger model on fewer tokens, or a smaller "
            "one on more. Each point on an IsoFLOP curve costs the same."
        ),
    ),
    (
        N_("Loss"),
        N_(
            "The model's average prediction error on held-out text (nats per token); lower is better. "
            "Losses are comparable only within one law, since laws were fitted on different data."
        ),
    ),
    (
        N_("Extrapolation"),
        N_(
            "Using a law at a budget far beyond the training runs it was fitted on. llmplan flags laws "
            "used more than 10x beyond their fitted compute."
        ),
    ),
    (
        N_("Epoch"),
        N_(
            "One pass over the unique training data. Repeating data up to about 4 times costs little; "
            "beyond that each pass is worth less (Muennighoff et al. 2023)."
        ),
    ),
    (
        N_("Interval (10–90%)"),
        N_(
            "The range within which the quantity falls with 80% probability given the law's parameter "
            "uncertainty; the same convention on every page."
        ),
    ),
)


#: Verification labels of catalog entries, as reports print them.
VERIFICATION: Final = (N_("verified"), N_("secondary"), N_("estimate"))
