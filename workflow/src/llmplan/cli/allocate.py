"""``llmplan allocate``: one budget under every law.

The budget flags build the same mapping a scenario's ``budget:`` holds and go through
:func:`llmplan.inputs.budget.resolve_budget`, with the project's settings
(:func:`llmplan.plan.check.load_settings`), so the command line and the reports share one path and
one set of defaults.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path
from typing import Any, Final

from llmplan.cli.common import DEFAULT_CATALOG, add_lang_argument, load_fits, text_language
from llmplan.core.errors import InputError, Where
from llmplan.core.intervals import INTERVAL_SHORT
from llmplan.core.messages import N_
from llmplan.core.units import parse_quantity
from llmplan.inputs.bounds import TOKENS_PER_PARAM_RANGE
from llmplan.inputs.budget import resolve_budget
from llmplan.inputs.catalog import load_catalog
from llmplan.inputs.constraints import CONSTRAINT_KEYS, parse_constraints
from llmplan.inputs.scenario import Scenario
from llmplan.io.jsonio import dumps
from llmplan.laws.base import Law
from llmplan.laws.registry import LOSS_COMPARABILITY_NOTE, all_laws, canonical_id, get_law
from llmplan.plan.architecture import exact_per_token, plan_architecture
from llmplan.plan.build import hold_in_memory, plan_budget, resolve_mfu
from llmplan.plan.check import load_settings
from llmplan.report.i18n import Language

# flag destination -> budget key of the scenario contract
_BUDGET_FLAGS = {
    "flops": "flops",
    "pf_days": "pf_days",
    "gpu": "hardware",
    "count": "count",
    "days": "days",
    "gpu_hours": "gpu_hours",
    "usd": "usd",
    "price": "price_per_hour",
    "mfu": "mfu",
}


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "allocate",
        help="compute-optimal model size and tokens for a budget under every law",
        description=(
            "Allocate a training budget under published scaling laws, side by side. State the "
            "budget one way: --flops; --pf-days; --gpu --count --days [--mfu]; "
            "--gpu --gpu-hours [--mfu]; --gpu --usd --price [--mfu]."
        ),
    )
    b = p.add_argument_group("budget (exactly one form)")
    b.add_argument("--flops", help="training compute in FLOPs (5.76e23)")
    b.add_argument("--pf-days", dest="pf_days", help="training compute in PF/s-days")
    b.add_argument("--gpu", help="accelerator id from the catalog (h100-sxm)")
    b.add_argument("--count", help="number of accelerators")
    b.add_argument("--days", help="wall-clock days")
    b.add_argument("--gpu-hours", dest="gpu_hours", help='accelerator-hours ("1.3M")')
    b.add_argument("--usd", help="money to spend in US dollars")
    b.add_argument("--price", help="price per accelerator-hour in US dollars")
    b.add_argument(
        "--mfu",
        help="model FLOPs utilisation, 0 < mfu <= 1 (default: assumptions.mfu of the config)",
    )
    p.add_argument("--law", default="all", help="law id, or 'all' (default); see `llmplan laws`")
    p.add_argument(
        "--tokens-per-param",
        dest="tokens_per_param",
        help="ratio r of the tokens-per-param law, D = r N (default: tokens_per_param of the config)",
    )
    p.add_argument(
        "--fit",
        action="append",
        default=[],
        metavar="FIT.json",
        help="a fit.json of `llmplan fit --json` or the workflow, adding the law fit:<dataset> "
        "(default: every reports/fits/<dataset>/fit.json)",
    )
    c = p.add_argument_group("constraints")
    c.add_argument("--max-params", dest="max_params", help='largest model ("30B")')
    c.add_argument("--unique-tokens", dest="unique_tokens", help='unique training tokens ("1T")')
    c.add_argument(
        "--inference-tokens", dest="inference_tokens", help='lifetime inference tokens ("2T")'
    )
    p.add_argument("--catalog", default=DEFAULT_CATALOG, help="catalog directory")
    p.add_argument(
        "--scenario",
        metavar="NAME",
        help="plan a scenario (config/scenarios/NAME.yaml or a .yaml path) instead of flags",
    )
    p.add_argument(
        "--soft-budget",
        dest="soft_budget",
        action="store_true",
        help="the plan may train past the budget to save over the model's lifetime",
    )
    p.add_argument("--config", default=None, help="settings file (default config/config.yaml)")
    p.add_argument(
        "--json",
        action="store_true",
        help="print JSON: the recommendation at the top level (every constraint applied), the "
        "law's own optimum under 'unconstrained', every law under 'laws'",
    )
    add_lang_argument(p)
    p.set_defaults(func=run_allocate)


def _budget_spec(args: argparse.Namespace) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    for dest, key in _BUDGET_FLAGS.items():
        value = getattr(args, dest)
        if value is not None:
            spec[key] = value
    return spec


#: budget key or constraint -> the flag a user typed, for error messages
_FLAG_OF = {
    **{f"budget.{key}": "--" + dest.replace("_", "-") for dest, key in _BUDGET_FLAGS.items()},
    **{f"constraints.{key}": "--" + key.replace("_", "-") for key in CONSTRAINT_KEYS},
    "budget": "budget flags",
    "law": "--law",
    "fit": "--fit",
}


def run_allocate(args: argparse.Namespace) -> int:
    try:
        return _run_allocate(args)
    except InputError as err:  # name the flag the user typed, not the scenario key behind it
        where = err.where
        if where.file != "command line" or where.field not in _FLAG_OF:
            raise
        flag = _FLAG_OF[where.field]
        raise InputError(
            Where(where.file, field=flag), err.problem, expected=err.expected, hint=err.hint
        ) from None


def _run_allocate(args: argparse.Namespace) -> int:
    where = Where("command line")
    settings = load_settings(args.config)
    fitted = load_fits(args.fit, where.at("fit"))
    if args.scenario is not None:
        if _budget_spec(args) or any(getattr(args, k) is not None for k in CONSTRAINT_KEYS):
            raise InputError(
                where.at("--scenario"),
                "a scenario brings its own budget and constraints",
                expected="either --scenario NAME or budget and constraint flags, not both",
            )
        scenario = _from_scenario(args, settings, fitted)
        budget, constraints, per_token = (
            scenario.budget,
            scenario.constraints,
            exact_per_token(scenario),
        )
        laws, primary = _laws(scenario, fitted)
    else:
        budget, laws, primary, constraints = _from_flags(args, settings, fitted, where)
        scenario, per_token = None, None
    catalog = load_catalog(Path(args.catalog))
    result = plan_budget(
        budget,
        laws,
        primary,
        constraints,
        inference_loss_tolerance=settings.inference_loss_tolerance,
        catalog=catalog,
        per_token=per_token,
    )
    rec = result["recommendation"]
    model = None
    if scenario is not None:  # the scenario's model, as plan.json sizes its memory
        model = plan_architecture(scenario, catalog, laws=laws, params=rec["params"])
        hold_in_memory(result, model, budget)
    if args.json:
        doc = {
            **rec,
            "budget": budget.to_dict(),
            "laws": result["allocations"],
            "laws_range": result["laws_range"],
        }
        sys.stdout.write(dumps(doc))
    else:
        print(_report(budget, rec, result, text_language(args), model))
    return 0


def _from_flags(
    args: argparse.Namespace, settings: Any, fitted: dict[str, Law], where: Where
) -> tuple[Any, list[Law], Law, Any]:
    ratio = settings.tokens_per_param
    if args.tokens_per_param is not None:
        low, high = TOKENS_PER_PARAM_RANGE
        ratio = parse_quantity(
            args.tokens_per_param,
            where.at("--tokens-per-param"),
            kind="number",
            at_least=low,
            at_most=high,
        )
    spec = _budget_spec(args)
    if args.soft_budget:
        spec["soft"] = True
    hardware = load_catalog(Path(args.catalog)).hardware if args.gpu is not None else {}
    budget = resolve_budget(spec, hardware, where.at("budget"), assumptions=settings.assumptions)
    constraints = parse_constraints(
        {k: getattr(args, k) for k in CONSTRAINT_KEYS if getattr(args, k) is not None},
        where.at("constraints"),
    )
    if args.law == "all":
        laws = all_laws(tokens_per_param=ratio, fitted=fitted)
        primary_id = canonical_id(settings.primary_law)
        by_id = {law.id: law for law in laws}
        if primary_id not in by_id:
            raise InputError(
                Where("config/config.yaml", field="primary_law"),
                f"'{settings.primary_law}' is not a known law here",
                expected="a built-in law id, or fit:<name> with its fit.json under reports/fits",
            )
        return budget, laws, by_id[primary_id], constraints
    law = get_law(args.law, tokens_per_param=ratio, where=where.at("law"), fitted=fitted)
    return budget, [law], law, constraints


def _laws(scenario: Scenario, fitted: dict[str, Law]) -> tuple[list[Law], Law]:
    """The laws of a scenario and its primary law, as plan.json has them."""
    ids = list(dict.fromkeys(canonical_id(law_id) for law_id in scenario.laws))
    laws = [get_law(i, tokens_per_param=scenario.tokens_per_param, fitted=fitted) for i in ids]
    return laws, laws[ids.index(canonical_id(scenario.primary_law))]


def _from_scenario(args: argparse.Namespace, settings: Any, fitted: dict[str, Law]) -> Scenario:
    """The scenario of ``--scenario``, its MFU resolved as the workflow resolves it."""
    from llmplan.cli.check import scenario_file
    from llmplan.inputs.scenario import load_scenario
    from llmplan.inputs.settings import known_law_ids
    from llmplan.laws.registry import KNOWN_IDS

    catalog = load_catalog(Path(args.catalog))
    scenario = load_scenario(
        scenario_file(args.scenario),
        hardware=catalog.hardware,
        settings=settings,
        known_laws=(*known_law_ids({"fits": {k: {} for k in settings.fits}}, KNOWN_IDS), *fitted),
    )
    return resolve_mfu(scenario, _laws(scenario, fitted)[1])


#: The text output's sentences (``--lang`` picks their translation).
TEXT: Final = {
    "budget": N_("Budget: {flops} FLOPs = {pf_days} PF/s-days"),
    "budget_days": N_("{days} days on {count} × {hardware}"),
    "recommendation": N_(
        "Recommendation ({law}): {params} parameters on {tokens} tokens ({ratio} per parameter)"
    ),
    "moe": N_("a mixture of experts: these are its active parameters, {total} in all"),
    "days": N_("{days} days"),
    "loss": N_("loss {value}"),
    "interval": N_("best size ({interval}): {low} to {high}"),
    "why": N_("why: {why}"),
    "alternative": N_(
        "alternative past the budget (Sardana et al. 2023): {params} parameters on {tokens} "
        "tokens, {extra} compute"
    ),
    "risk": N_("risk: {text}"),
    "every_law": N_("Every law, before constraints:"),
    "law": N_("law"),
    "params": N_("params"),
    "tokens": N_("tokens"),
    "beyond": N_("beyond fit"),
    "n_interval": N_("N interval"),
    "warnings": N_("Warnings:"),
}


def _say(lang: Language, key: str, **args: Any) -> str:
    return lang.gettext(TEXT[key]).format(**args)


def _report(
    budget: Any,
    rec: dict[str, Any],
    result: dict[str, Any],
    lang: Language,
    model: dict[str, Any] | None = None,
) -> str:
    """The text output; ``model`` is the scenario's architecture (plan.json's), if any."""
    si, fmt = lang.si, lang.formats
    head = _say(lang, "budget", flops=f"{budget.flops:.3g}", pf_days=f"{budget.pf_days:.4g}")
    extras = []
    if budget.days is not None:
        extras.append(
            _say(
                lang,
                "budget_days",
                days=f"{budget.days:.3g}",
                count=f"{budget.count:,.0f}",
                hardware=budget.hardware.id,
            )
        )
    if budget.usd is not None:
        extras.append(fmt["usd"](budget.usd))
    lines = [lang.comma.join([head, *extras]), ""]
    lines.append(
        _say(
            lang,
            "recommendation",
            law=rec["law"],
            params=si(rec["params"]),
            tokens=si(rec["tokens"]),
            ratio=f"{rec['tokens_per_param']:.3g}",
        )
    )
    if model is not None and model.get("moe"):
        lines.append("  " + _say(lang, "moe", total=si(model["moe"]["params_total"])))
    facts = [f"{rec['train_flops']:.3g} FLOPs"]
    if rec["days"] is not None:
        facts.append(_say(lang, "days", days=f"{rec['days']:.3g}"))
    if rec["usd"] is not None:
        facts.append(fmt["usd"](rec["usd"]))
    if rec["loss"] is not None:
        loss = f"{rec['loss']:.3f}"
        if rec["loss_interval"]:
            loss += f" [{rec['loss_interval'][0]:.3f}, {rec['loss_interval'][1]:.3f}]"
        facts.append(_say(lang, "loss", value=loss))
    lines.append("  " + lang.comma.join(facts))
    if rec["params_interval"]:
        lo, hi = rec["params_interval"]
        lines.append(
            "  " + _say(lang, "interval", interval=INTERVAL_SHORT, low=si(lo), high=si(hi))
        )
    why = lang.join(lang.message(item) for item in rec["basis"])
    lines.append("  " + _say(lang, "why", why=why))
    for alt in rec["alternatives"]:
        extra = fmt["signed_pct"](alt["extra_fraction"])
        lines.append(
            "  "
            + _say(
                lang,
                "alternative",
                params=si(alt["params"]),
                tokens=si(alt["tokens"]),
                extra=extra,
            )
        )
    for risk in rec["risks"]:
        lines.append("  " + _say(lang, "risk", text=lang.message(risk)))
    lines += ["", _table(result["allocations"], lang)]
    return "\n".join(lines)


def _fmt_interval(values: list[float] | None, fmt: Any) -> str:
    return "" if values is None else f"[{fmt(values[0])}, {fmt(values[1])}]"


def _width(text: str) -> int:
    """Terminal columns of ``text``: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` padded to ``width`` terminal columns."""
    fill = " " * max(0, width - _width(text))
    return fill + text if right else text + fill


def _table(allocations: list[dict[str, Any]], lang: Language) -> str:
    say = lang.gettext
    lines = [say(TEXT["every_law"])]
    header = (
        f"{_pad(say(TEXT['law']), 32)} {_pad(say(TEXT['params']), 8, right=True)} "
        f"{_pad(say(TEXT['tokens']), 8, right=True)} {'D/N':>7} {_pad(say('Loss'), 6, right=True)}"
        f"  {_pad(say(TEXT['beyond']), 10, right=True)}  {say(TEXT['n_interval'])} "
        f"({INTERVAL_SHORT})"
    )
    lines += [header, "-" * _width(header)]
    for a in allocations:
        loss = f"{a['loss']:6.3f}" if a["loss"] is not None else "     -"
        interval = ""
        if a["intervals"]:
            interval = _fmt_interval(a["intervals"]["params"], lang.si)
        factor = a["extrapolation_factor"]
        beyond = "-" if factor <= 1 else f"{factor:.3g}x" + (" !" if not a["in_range"] else "")
        lines.append(
            f"{a['law']:32} {_pad(lang.si(a['params']), 8, right=True)} "
            f"{_pad(lang.si(a['tokens']), 8, right=True)} "
            f"{a['tokens_per_param']:7.3g} {loss}  {beyond:>10}  {interval}"
        )
    warnings = [w for a in allocations for w in a["warnings"]]
    if warnings:
        lines += ["", say(TEXT["warnings"]), *(f"- {w}" for w in warnings)]
    lines += ["", say(LOSS_COMPARABILITY_NOTE)]
    return "\n".join(lines)
