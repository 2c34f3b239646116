"""The registry of published scaling laws (constants with their sources in :mod:`.published`).

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

from llmplan.core.errors import InputError, Where, unknown_choice
from llmplan.core.messages import N_, message
from llmplan.laws.base import Law, ParametricLaw, PowerLaw, TokensPerParamLaw
from llmplan.laws.kaplan import KaplanLaw
from llmplan.laws.published import (
    APPROACH1_EXPONENT,
    APPROACH2_EXPONENT,
    EPOCH,
    EPOCH_2024,
    HOFFMANN,
    HOFFMANN_RANGE,
    HOFFMANN_TABLE3_APPROACH1,
    HOFFMANN_TABLEA3_APPROACH2,
    KAPLAN,
    KAPLAN_RANGE,
    MASSIVETEXT,
    UNROUNDED,
    coefficient_from_table,
    epoch_samples,
)

#: One sentence a report prints wherever predicted losses of several laws stand side by side.
LOSS_COMPARABILITY_NOTE: Final = N_(
    "Predicted losses of different laws are not comparable with each other: each law was fitted "
    "on its own dataset with its own tokeniser (Hoffmann et al. and Epoch AI: MassiveText; Kaplan "
    "et al.: WebText2 with GPT-2 byte-pair encoding; fitted laws: your runs), so compare a law's "
    "losses only with the same law's."
)


#: Epoch AI's analysis of the Chinchilla fits, where the unrounded constants are recorded.
EPOCH_NOTEBOOK: Final = "epoch-research/analyzing-chinchilla, data_analysis.ipynb"


def _cited(code: str, **args: Any) -> dict[str, Any]:
    """A law's ``citation`` and its message (``messages["citation"]``, for translated reports)."""
    cited = message(code, **args)
    return {"citation": cited["text"], "messages": {"citation": cited}}


@cache
def _builtin_laws(tokens_per_param: float) -> dict[str, Law]:
    approach3 = dict(
        counts_embeddings=True,
        flops_range=HOFFMANN_RANGE,
        loss_note=MASSIVETEXT,
    )
    laws: list[Law] = [
        PowerLaw(
            id="chinchilla-approach1",
            name=N_("Chinchilla approach 1 (training-curve envelope)"),
            **_cited("law.citation.approach1", ref=HOFFMANN),
            counts_embeddings=True,
            flops_range=HOFFMANN_RANGE,
            loss_note=N_("approach 1 fits only the frontier: predicts no loss"),
            notes=("coefficient k DERIVED from Table 3 (SECONDARY transcription)",),
            why=N_(
                "Approach 1 (Hoffmann et al. 2022) fits N_opt ∝ C^0.50 to the lowest loss reached "
                "at each compute along the training curves; it predicts no loss."
            ),
            coefficient=coefficient_from_table(HOFFMANN_TABLE3_APPROACH1, APPROACH1_EXPONENT),
            exponent=APPROACH1_EXPONENT,
        ),
        PowerLaw(
            id="chinchilla-approach2",
            name=N_("Chinchilla approach 2 (IsoFLOP profiles)"),
            **_cited("law.citation.approach2", ref=HOFFMANN),
            counts_embeddings=True,
            flops_range=HOFFMANN_RANGE,
            loss_note=N_("approach 2 fits only the frontier: predicts no loss"),
            notes=("coefficient k DERIVED from Table A3 (SECONDARY transcription)",),
            why=N_(
                "Approach 2 (Hoffmann et al. 2022) fits N_opt ∝ C^0.49 to the minima of IsoFLOP "
                "profiles; it predicts no loss."
            ),
            coefficient=coefficient_from_table(HOFFMANN_TABLEA3_APPROACH2, APPROACH2_EXPONENT),
            exponent=APPROACH2_EXPONENT,
        ),
        ParametricLaw(
            id="chinchilla-approach3",
            name=N_("Chinchilla approach 3"),
            **_cited("law.citation.approach3", ref=HOFFMANN, notebook=EPOCH_NOTEBOOK),
            notes=(
                "reproduces the paper's Figure 4 (40B at Gopher's budget) and Table A3 within 8%",
            ),
            why=N_(
                "Approach 3 (Hoffmann et al. 2022) fits a loss L(N, D) = E + A/N^α + B/D^β to "
                "every run; with the unrounded constants of the paper's source it reproduces the "
                "paper's own projections (Figure 4: 40B parameters at Gopher's budget)."
            ),
            **UNROUNDED,
            **approach3,
        ),
        ParametricLaw(
            id="chinchilla-approach3-rounded",
            name=N_("Chinchilla approach 3 (rounded constants)"),
            **_cited("law.citation.approach3_rounded", ref=HOFFMANN),
            notes=(
                "the constants as printed; they do not reproduce the paper's Figure 4 or Table A3 "
                "(32B instead of 40B at Gopher's budget)",
            ),
            why=N_(
                "The same approach-3 fit with the constants rounded as printed: the frontier "
                "depends on α, β and A/B raised to large powers, so the rounding alone moves it to "
                "about 93 tokens per parameter at Gopher's budget, where the paper's own Figure 4 "
                "says 40B parameters (59 per parameter)."
            ),
            E=1.69,
            A=406.4,
            B=410.7,
            alpha=0.34,
            beta=0.28,
            **approach3,
        ),
        ParametricLaw(
            id="epoch-2024",
            name=N_("Epoch AI refit of Chinchilla approach 3"),
            **_cited("law.citation.epoch", ref=EPOCH, notebook=EPOCH_NOTEBOOK),
            notes=(
                "intervals: draws with the published standard errors and the correlations of "
                "a bootstrap of Epoch's data (EPOCH_2024_CORRELATION)",
            ),
            why=N_(
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
            name=N_("Kaplan et al. 2020"),
            **_cited("law.citation.kaplan", ref=KAPLAN),
            counts_embeddings=False,
            flops_range=KAPLAN_RANGE,
            loss_note=N_(
                "loss in nats/token on WebText2 with the GPT-2 byte-pair tokeniser, "
                "N = non-embedding parameters"
            ),
            notes=(
                "N excludes embedding parameters; D = C / 6N is our completion",
                "fitted range approximate (read off the paper's figures)",
            ),
            why=N_(
                "Kaplan et al. 2020 counted non-embedding parameters, trained with a fixed "
                "learning-rate schedule and small models; it puts most extra compute into "
                "parameters, so its models are larger and its D / N far lower."
            ),
            # Table 6: N_opt = N_e C_min^p_N with N_e = 1.3e9, p_N = 0.73 (C_min in PF/s-days);
            # eq. 6.7: C = 2 C_min at the critical batch size (Hoffmann et al. App. D.4: 4.68B at
            # 1e21 FLOPs); Table 2: alpha_N = 0.076, alpha_D = 0.103, N_c = 6.4e13, D_c = 1.8e13
            n_e=1.3e9,
            p_n=0.73,
            c_min_per_c=0.5,
            n_c=6.4e13,
            d_c=1.8e13,
            alpha_n=0.076,
            alpha_d=0.103,
        ),
        TokensPerParamLaw(
            id="tokens-per-param",
            name=f"{tokens_per_param:g} tokens per parameter",
            messages={
                "name": message("law.tokens_per_param.name", ratio=tokens_per_param),
                "why": message("law.tokens_per_param.why", ratio=tokens_per_param),
                "citation": (cited := message("law.citation.tokens_per_param", ref=HOFFMANN)),
            },
            citation=cited["text"],
            counts_embeddings=True,
            flops_range=(0.0, np.inf),
            loss_note=N_("a rule of thumb: predicts no loss"),
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

#: Old law ids that keep working, with the id they now mean. ``chinchilla-approach3`` used to be
#: the rounded constants; it now reproduces the paper's own figures (the unrounded constants).
ALIASES: Final = {"chinchilla-approach3-unrounded": "chinchilla-approach3"}
#: Every id a scenario, the config or the command line may name.
KNOWN_IDS: Final = (*LAW_IDS, *ALIASES)


def canonical_id(law_id: str) -> str:
    """The current id of ``law_id`` (an old id maps to its new name)."""
    return ALIASES.get(law_id, law_id)


def alias_note(law_id: str) -> str | None:
    """A note for an old id, or None."""
    if law_id not in ALIASES:
        return None
    return f"law id '{law_id}' is now called '{ALIASES[law_id]}' (same constants)"


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
        [E, A, B, alpha, beta] rows, becomes the law's samples (intervals); optional
        ``residual_quantiles`` (log scale) add run-to-run noise to the loss prediction interval.
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
    residuals = _residuals(fit, where)
    source = str(fit.get("file") or f"the runs of {dataset}")
    if "flops_range" in fit and flops_range == (0.0, math.inf):
        low, high = (float(x) for x in fit["flops_range"])
        flops_range = (low, high)
    return ParametricLaw(
        id=f"fit:{dataset}",
        name=f"Fitted to {dataset}" + (" (synthetic)" if fit.get("synthetic") else ""),
        messages={
            "name": message(
                "law.fit.synthetic_name" if fit.get("synthetic") else "law.fit.name",
                dataset=dataset,
            ),
            "loss_note": message("law.fit.loss_note", source=source),
            "citation": (cited := message("law.citation.fit", source=source, ref=HOFFMANN)),
        },
        citation=cited["text"],
        counts_embeddings=counts_embeddings,
        flops_range=flops_range,
        loss_note=f"loss in the units and on the data of {source}",
        notes=() if samples is not None else ("no bootstrap samples: no intervals",),
        why=N_("Approach 3 fitted by llmplan to your runs; its intervals come from the bootstrap."),
        samples=samples,
        residuals=residuals,
        **values,
    )


def _residuals(fit: Mapping[str, Any], where: Where) -> np.ndarray | None:
    """``residual_quantiles`` of a fit (log-residual quantiles: the noise of one run), if any."""
    raw = fit.get("residual_quantiles")
    if raw is None:
        return None
    try:
        values = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        values = np.empty(0)
    if values.ndim != 1 or values.size == 0 or not np.isfinite(values).all():
        raise InputError(
            where.at("residual_quantiles"),
            f"found {str(raw)[:60]!r}",
            expected="a list of finite numbers (log-residual quantiles)",
        )
    return values


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
    law_id = canonical_id(law_id)
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
