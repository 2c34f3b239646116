"""The registry of published scaling laws: every constant with its source.

Approach 1 and 2 of Hoffmann et al. 2022 (arXiv:2203.15556, s3.1-3.2) state only N_opt = k C^a;
their coefficient k is not printed in the paper: it is derived here from the paper's own
projections (Table 3 for approach 1, Table A3 for approach 2) as the least-squares fit of
ln N - a ln C over the table's nine rows with a fixed at the published exponent
(:data:`HOFFMANN_TABLE3_APPROACH1`). Approach 3 comes with the rounded constants printed in the
paper and the unrounded ones of its LaTeX source; Epoch AI's 2024 refit (Besiroglu et al. 2024,
arXiv:2404.10102) carries published standard errors; Kaplan et al. 2020 (arXiv:2001.08361) counts
non-embedding parameters. Fitted laws ``fit:<dataset>`` join the registry from a fit's JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import cache
from typing import Any, Final

import numpy as np

from llmplan.core.compute import FLOPS_PER_PF_DAY
from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.laws.base import FloatArray, Law, ParametricLaw, PowerLaw, TokensPerParamLaw
from llmplan.laws.kaplan import KaplanLaw

#: One sentence a report prints wherever predicted losses of several laws stand side by side.
LOSS_COMPARABILITY_NOTE: Final = (
    "Predicted losses of different laws are not comparable with each other: each law was fitted "
    "on its own dataset with its own tokeniser (Hoffmann et al. and Epoch AI: MassiveText; Kaplan "
    "et al.: WebText2 with GPT-2 byte-pair encoding; fitted laws: your runs), so compare a law's "
    "losses only with the same law's."
)

_HOFFMANN: Final = (
    "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556"
)
# Hoffmann et al. trained 400+ models from 70M to 16B parameters on 5B-500B tokens (s3); the runs
# of their Figure 4, which the approach-3 fit uses, span 1.4e18 to 1.3e22 FLOPs (Epoch AI's
# extraction of those points, Besiroglu et al. 2024, arXiv:2404.10102).
_HOFFMANN_RANGE: Final = (1.4e18, 1.3e22)
_MASSIVETEXT: Final = (
    "loss in nats/token on MassiveText with the SentencePiece tokeniser of Hoffmann et al."
)

#: Hoffmann et al. 2022 Table 3 (approach 1 projections): (parameters, FLOPs, tokens).
#: SECONDARY: read in an ar5iv transcription of arXiv:2203.15556 and several independent GitHub
#: notes quoting it (all agree digit for digit); the PDF itself was not read.
HOFFMANN_TABLE3_APPROACH1: Final = (
    (400e6, 1.92e19, 8.0e9),
    (1e9, 1.21e20, 20.2e9),
    (10e9, 1.23e22, 205.1e9),
    (67e9, 5.76e23, 1.5e12),
    (175e9, 3.85e24, 3.7e12),
    (280e9, 9.90e24, 5.9e12),
    (520e9, 3.43e25, 11.0e12),
    (1e12, 1.27e26, 21.2e12),
    (10e12, 1.30e28, 216.2e12),
)

#: Hoffmann et al. 2022 Table A3, approach 2 columns: (parameters, FLOPs, tokens).
#: SECONDARY, same ar5iv transcription as :data:`HOFFMANN_TABLE3_APPROACH1`.
HOFFMANN_TABLEA3_APPROACH2: Final = (
    (400e6, 1.84e19, 7.7e9),
    (1e9, 1.20e20, 20.0e9),
    (10e9, 1.32e22, 219.5e9),
    (67e9, 6.88e23, 1.7e12),
    (175e9, 4.54e24, 4.3e12),
    (280e9, 1.18e25, 7.1e12),
    (520e9, 4.19e25, 13.4e12),
    (1e12, 1.59e26, 26.5e12),
    (10e12, 1.75e28, 292.0e12),
)

#: Exponents a of N_opt ~ C^a, Hoffmann et al. 2022 Table 2 (VERIFIED in laws.csv).
APPROACH1_EXPONENT: Final = 0.50
APPROACH2_EXPONENT: Final = 0.49


def coefficient_from_table(rows: tuple[tuple[float, float, float], ...], exponent: float) -> float:
    """k of N = k C^a fitted to (N, C) rows in log space with a fixed: exp(mean(ln N - a ln C)).

    DERIVED from the paper's projections: the paper does not print k.
    """
    params = np.array([r[0] for r in rows])
    flops = np.array([r[1] for r in rows])
    return float(np.exp(np.mean(np.log(params) - exponent * np.log(flops))))


# Hoffmann et al. 2022 approach 3, unrounded constants as used by Epoch AI
# (epoch-research/analyzing-chinchilla @92258837, data_analysis.ipynb cell 16 "true_params";
# laws.csv rows "approach3 unrounded"): A = exp(6.0073404), B = exp(6.0179186), E = exp(0.5267228).
_UNROUNDED: Final = {
    "E": math.exp(0.5267228),
    "A": math.exp(6.0073404),
    "B": math.exp(6.0179186),
    "alpha": 0.33917084,
    "beta": 0.2849083,
}

_EPOCH: Final = "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt, arXiv:2404.10102"
#: Epoch AI refit central values (paper table; SECONDARY: transcribed in >= 5 GitHub notes; the
#: notebook's own MLE agrees to 1e-3 relative, laws.csv).
EPOCH_2024: Final = {"E": 1.8172, "A": 482.01, "B": 2085.43, "alpha": 0.3478, "beta": 0.3658}
#: Standard errors used to sample the Epoch law: log-space SEs of A, B, E and SEs of alpha, beta
#: from Epoch's notebook (epoch-research/analyzing-chinchilla @92258837, data_analysis.ipynb
#: cells 25 and 54, 4000 bootstraps; laws.csv, VERIFIED).
EPOCH_2024_SE: Final = {
    "log_E": 0.014,
    "log_A": 0.258,
    "log_B": 0.421,
    "alpha": 0.0154,
    "beta": 0.0206,
}
#: Correlations between (ln E, ln A, ln B, alpha, beta) of the Epoch refit. Epoch AI publish only
#: marginal standard errors; these are the correlations of 4,000 bootstrap refits (seed 42, as in
#: Epoch's notebook) that llmplan's fitter made on Epoch's extraction of the Chinchilla points (240
#: points, the 5 highest losses dropped). Their marginal SDs reproduce Epoch's published SEs within
#: 5% (ln E 0.0138 vs 0.014, ln A 0.248 vs 0.258, ln B 0.412 vs 0.421, alpha 0.0148 vs 0.0154,
#: beta 0.0202 vs 0.0206). tests/test_laws.py recomputes them when ../shared/data is present.
#: DERIVED. ln A and alpha (ln B and beta) move together almost perfectly: sampling them
#: independently would make the intervals on N_opt an order of magnitude too wide.
EPOCH_2024_CORRELATION: Final = (
    (1.0, 0.5759, 0.6196, 0.5701, 0.6172),
    (0.5759, 1.0, -0.2510, 0.9993, -0.2573),
    (0.6196, -0.2510, 1.0, -0.2611, 0.9997),
    (0.5701, 0.9993, -0.2611, 1.0, -0.2679),
    (0.6172, -0.2573, 0.9997, -0.2679, 1.0),
)
EPOCH_SAMPLE_SEED: Final = 20240416
EPOCH_SAMPLE_COUNT: Final = 2000


def epoch_samples(*, seed: int = EPOCH_SAMPLE_SEED, count: int = EPOCH_SAMPLE_COUNT) -> FloatArray:
    """Parameter draws [E, A, B, alpha, beta] for the Epoch AI refit.

    (ln E, ln A, ln B, alpha, beta) are drawn from a multivariate normal centred on the published
    values, with the published standard errors (:data:`EPOCH_2024_SE`) and the bootstrap
    correlations of :data:`EPOCH_2024_CORRELATION`. Log space keeps A, B, E positive (a normal
    with B's SE of 1293 around 2085 would not).
    """
    rng = np.random.default_rng(seed)
    se = EPOCH_2024_SE
    c = EPOCH_2024
    sd = np.array([se["log_E"], se["log_A"], se["log_B"], se["alpha"], se["beta"]])
    corr = np.array(EPOCH_2024_CORRELATION)
    cov = corr * np.outer(sd, sd)
    # the rounded correlations are nearly singular: clip tiny negative eigenvalues to keep it PSD
    values, vectors = np.linalg.eigh(cov)
    root = vectors * np.sqrt(np.clip(values, 0.0, None))
    mean = np.array([math.log(c["E"]), math.log(c["A"]), math.log(c["B"]), c["alpha"], c["beta"]])
    z = mean + rng.standard_normal((count, 5)) @ root.T
    return np.column_stack([np.exp(z[:, 0]), np.exp(z[:, 1]), np.exp(z[:, 2]), z[:, 3], z[:, 4]])


_KAPLAN: Final = "Kaplan et al. 2020, Scaling Laws for Neural Language Models, arXiv:2001.08361"
# Kaplan et al.'s compute-efficient frontier spans roughly 1e-8 to 10 PF/s-days of C_min (Figures 1
# and 13 axes); APPROXIMATE, read off the figures, not a number the paper states.
_KAPLAN_RANGE: Final = (1e-8 * FLOPS_PER_PF_DAY, 10.0 * FLOPS_PER_PF_DAY)


@cache
def _builtin_laws(tokens_per_param: float) -> dict[str, Law]:
    approach3 = dict(
        counts_embeddings=True,
        flops_range=_HOFFMANN_RANGE,
        loss_note=_MASSIVETEXT,
    )
    laws: list[Law] = [
        PowerLaw(
            id="chinchilla-approach1",
            name="Chinchilla approach 1 (training-curve envelope)",
            citation=(
                f"{_HOFFMANN}, s3.1; exponent a = 0.50 from Table 2; coefficient derived from the "
                "Table 3 projections (least squares in log space)"
            ),
            counts_embeddings=True,
            flops_range=_HOFFMANN_RANGE,
            loss_note="approach 1 fits only the frontier: predicts no loss",
            notes=("coefficient k DERIVED from Table 3 (SECONDARY transcription)",),
            why=(
                "Approach 1 (Hoffmann et al. 2022) fits N_opt ∝ C^0.50 to the lowest loss reached "
                "at each compute along the training curves; it predicts no loss."
            ),
            coefficient=coefficient_from_table(HOFFMANN_TABLE3_APPROACH1, APPROACH1_EXPONENT),
            exponent=APPROACH1_EXPONENT,
        ),
        PowerLaw(
            id="chinchilla-approach2",
            name="Chinchilla approach 2 (IsoFLOP profiles)",
            citation=(
                f"{_HOFFMANN}, s3.2; a = 0.49, b = 0.51 from Table 2; coefficient derived from "
                "the Table A3 projections (least squares in log space)"
            ),
            counts_embeddings=True,
            flops_range=_HOFFMANN_RANGE,
            loss_note="approach 2 fits only the frontier: predicts no loss",
            notes=("coefficient k DERIVED from Table A3 (SECONDARY transcription)",),
            why=(
                "Approach 2 (Hoffmann et al. 2022) fits N_opt ∝ C^0.49 to the minima of IsoFLOP "
                "profiles; it predicts no loss."
            ),
            coefficient=coefficient_from_table(HOFFMANN_TABLEA3_APPROACH2, APPROACH2_EXPONENT),
            exponent=APPROACH2_EXPONENT,
        ),
        ParametricLaw(
            id="chinchilla-approach3",
            name="Chinchilla approach 3 (rounded constants)",
            citation=f"{_HOFFMANN}, s3.3 eq. 2 and 4; constants App. D.2 eq. 10",
            why=(
                "Approach 3 fits a loss L(N, D) = E + A/N^α + B/D^β. With the constants as printed "
                "(rounded) it favours many more tokens per parameter than with the unrounded ones, "
                "because the frontier depends on α, β and A/B raised to large powers."
            ),
            E=1.69,
            A=406.4,
            B=410.7,
            alpha=0.34,
            beta=0.28,
            **approach3,
        ),
        ParametricLaw(
            id="chinchilla-approach3-unrounded",
            name="Chinchilla approach 3 (unrounded constants)",
            citation=(
                f"{_HOFFMANN}, s3.3 eq. 2 and 4; unrounded constants from the paper's LaTeX source "
                "as recorded by Epoch AI (epoch-research/analyzing-chinchilla, data_analysis.ipynb)"
            ),
            why=(
                "Approach 3 fits a loss L(N, D) = E + A/N^α + B/D^β. With the constants as printed "
                "(rounded) it favours many more tokens per parameter than with the unrounded ones, "
                "because the frontier depends on α, β and A/B raised to large powers."
            ),
            **_UNROUNDED,
            **approach3,
        ),
        ParametricLaw(
            id="epoch-2024",
            name="Epoch AI refit of Chinchilla approach 3",
            citation=(
                f"{_EPOCH}, refit table; standard errors from Epoch's notebook "
                "(epoch-research/analyzing-chinchilla, data_analysis.ipynb cells 25 and 54)"
            ),
            notes=(
                "intervals: draws with the published standard errors and the correlations of "
                "a bootstrap of Epoch's data (EPOCH_2024_CORRELATION)",
            ),
            why=(
                "Epoch AI's 2024 refit (Besiroglu et al.) fits the same form to Hoffmann's own "
                "data and finds the original optimiser stopped early; it lands near 20 tokens per "
                "parameter, consistent with approaches 1 and 2, and publishes standard errors "
                "(hence intervals)."
            ),
            samples=epoch_samples(),
            **EPOCH_2024,
            **approach3,
        ),
        KaplanLaw(
            id="kaplan-2020",
            name="Kaplan et al. 2020",
            citation=(
                f"{_KAPLAN}, eq. 6.1 and Table 6 (N_opt = 1.3e9 C_PF-days^0.73); "
                "loss eq. 1.5 with Table 2 constants"
            ),
            counts_embeddings=False,
            flops_range=_KAPLAN_RANGE,
            loss_note=(
                "loss in nats/token on WebText2 with the GPT-2 byte-pair tokeniser, "
                "N = non-embedding parameters"
            ),
            notes=(
                "N excludes embedding parameters; D = C / 6N is our completion",
                "fitted range approximate (read off the paper's figures)",
            ),
            why=(
                "Kaplan et al. 2020 counted non-embedding parameters, trained with a fixed "
                "learning-rate schedule and small models; it puts most extra compute into "
                "parameters, so its models are larger and its D / N far lower."
            ),
            # Table 6: N_opt = N_e C_min^p_N with N_e = 1.3e9, p_N = 0.73 (C in PF/s-days);
            # Table 2: alpha_N = 0.076, alpha_D = 0.103, N_c = 6.4e13, D_c = 1.8e13
            n_e=1.3e9,
            p_n=0.73,
            n_c=6.4e13,
            d_c=1.8e13,
            alpha_n=0.076,
            alpha_d=0.103,
        ),
        TokensPerParamLaw(
            id="tokens-per-param",
            name=f"{tokens_per_param:g} tokens per parameter",
            citation=(
                f"{_HOFFMANN}, Table 3 (about 20 tokens per parameter at the compute-optimal "
                "frontier); C = 6 N D, Kaplan et al. 2020 arXiv:2001.08361 eq. 2.1"
            ),
            counts_embeddings=True,
            flops_range=(0.0, np.inf),
            loss_note="a rule of thumb: predicts no loss",
            why=(
                f"Tokens per parameter is the rule of thumb D = {tokens_per_param:g} N drawn from "
                "Hoffmann's Table 3."
            ),
            ratio=tokens_per_param,
        ),
    ]
    return {law.id: law for law in laws}


#: Every built-in law id, in registry order (the ids do not depend on the ratio).
LAW_IDS: Final = tuple(_builtin_laws(tokens_per_param=math.nan))

#: Keys of a fit result dict (written by the fitting stage).
FIT_KEYS: Final = ("E", "A", "B", "alpha", "beta")


def law_from_fit(
    dataset: str,
    fit: Mapping[str, Any],
    *,
    flops_range: tuple[float, float] = (0.0, math.inf),
    counts_embeddings: bool = True,
) -> ParametricLaw:
    """The law ``fit:<dataset>`` from a fit result {E, A, B, alpha, beta[, bootstrap]}.

    Parameters
    ----------
    dataset
        Name of the runs dataset (``data/runs/<dataset>.csv``).
    fit
        Central values under ``E, A, B, alpha, beta``; optional ``bootstrap``, a list of
        [E, A, B, alpha, beta] rows, becomes the law's samples (intervals).
    flops_range
        Range of 6 N D over the runs, if the caller knows it; unknown by default.
    counts_embeddings
        Whether the runs' N counts embedding parameters.

    Raises
    ------
    InputError
        A missing key, or a value that is not a finite positive number.
    """
    where = Where(f"fit:{dataset}")
    values: dict[str, float] = {}
    for key in FIT_KEYS:
        if key not in fit:
            raise InputError(
                where.at(key), f"missing '{key}'", expected=f"keys {', '.join(FIT_KEYS)}"
            )
        value = fit[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and value > 0)
        ):
            raise InputError(where.at(key), f"found {value!r}", expected="a finite positive number")
        values[key] = float(value)
    samples = None
    if fit.get("bootstrap") is not None:
        try:
            samples = np.asarray(fit["bootstrap"], dtype=float)
        except (TypeError, ValueError) as err:
            raise InputError(
                where.at("bootstrap"),
                f"cannot read as numbers ({err})",
                expected="rows of 5 numbers",
            ) from None
        if samples.ndim != 2 or samples.shape[1] != len(FIT_KEYS):
            raise InputError(
                where.at("bootstrap"),
                f"found an array of shape {samples.shape}",
                expected="a list of [E, A, B, alpha, beta] rows",
            )
        samples = samples[np.all(np.isfinite(samples) & (samples > 0), axis=1)]
    source = str(fit.get("file") or f"the runs of {dataset}")
    if "flops_range" in fit and flops_range == (0.0, math.inf):
        low, high = (float(x) for x in fit["flops_range"])
        flops_range = (low, high)
    return ParametricLaw(
        id=f"fit:{dataset}",
        name=f"Fitted to {dataset}" + (" (synthetic)" if fit.get("synthetic") else ""),
        citation=(
            f"fitted by llmplan to {source} with the parametric form of "
            f"{_HOFFMANN}, eq. 2 (approach 3)"
        ),
        counts_embeddings=counts_embeddings,
        flops_range=flops_range,
        loss_note=f"loss in the units and on the data of {source}",
        notes=() if samples is not None else ("no bootstrap samples: no intervals",),
        why="Approach 3 fitted by llmplan to your runs; its intervals come from the bootstrap.",
        samples=samples,
        **values,
    )


def _ratio(tokens_per_param: float | None) -> float:
    """The tokens-per-param ratio given, else the settings' default (from the config schema)."""
    from llmplan.inputs.settings import defaults

    return defaults().tokens_per_param if tokens_per_param is None else tokens_per_param


def get_law(
    law_id: str,
    *,
    tokens_per_param: float | None = None,
    where: Where | None = None,
    fitted: Mapping[str, Law] | None = None,
) -> Law:
    """The law with id ``law_id``: a built-in id, or ``fit:<name>`` resolved in ``fitted``.

    ``fitted`` maps ``fit:<name>`` (or bare ``<name>``) to laws built by :func:`law_from_fit`.

    Raises
    ------
    InputError
        For an unknown id, with the nearest valid ids.
    """
    laws = _builtin_laws(_ratio(tokens_per_param))
    if law_id in laws:
        return laws[law_id]
    fitted = fitted or {}
    by_id = {(k if k.startswith("fit:") else f"fit:{k}"): v for k, v in fitted.items()}
    if law_id in by_id:
        return by_id[law_id]
    raise unknown_choice(where or Where("law"), "law id", law_id, [*laws, *by_id])


def all_laws(
    *, tokens_per_param: float | None = None, fitted: Mapping[str, Law] | None = None
) -> list[Law]:
    """Every built-in law in registry order, then the fitted ones."""
    laws: list[Law] = list(_builtin_laws(_ratio(tokens_per_param)).values())
    return laws + list((fitted or {}).values())
