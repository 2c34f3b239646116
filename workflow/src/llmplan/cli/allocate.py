"""``llmplan allocate``: one budget under every law.

The budget flags build the same mapping a scenario's ``budget:`` holds and go through
:func:`llmplan.inputs.budget.resolve_budget`, with the project's settings
(:func:`llmplan.plan.check.load_settings`), so the command line and the reports share one path and
one set of defaults.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from llmplan.cli.allocate_text import report
from llmplan.cli.common import DEFAULT_CATALOG, add_lang_argument, load_fits, text_language
from llmplan.core.errors import InputError, Where
from llmplan.core.units import parse_quantity
from llmplan.inputs.bounds import TOKENS_PER_PARAM_RANGE
from llmplan.inputs.budget import resolve_budget
from llmplan.inputs.catalog import Catalog, load_catalog
from llmplan.inputs.constraints import CONSTRAINT_KEYS, parse_constraints
from llmplan.inputs.model import parse_model
from llmplan.inputs.scenario import Scenario
from llmplan.io.jsonio import dumps
from llmplan.laws.base import Law
from llmplan.laws.registry import all_laws, canonical_id, get_law
from llmplan.plan.architecture import family_per_token, model_spec, plan_architecture
from llmplan.plan.build import auto_budget, plan_budget, resolve_mfu, settle
from llmplan.plan.check import load_settings

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
        help="model FLOPs utilisation, 0 < mfu <= 1, or auto: the MFU calibrated for the layout "
        "of the planned model (default: assumptions.mfu of the config)",
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
    catalog = load_catalog(Path(args.catalog))
    if args.scenario is not None:
        if _budget_spec(args) or any(getattr(args, k) is not None for k in CONSTRAINT_KEYS):
            raise InputError(
                where.at("--scenario"),
                "a scenario brings its own budget and constraints",
                expected="either --scenario NAME or budget and constraint flags, not both",
            )
        scenario, laws, primary = _from_scenario(args, settings, fitted, catalog)
        budget, constraints, spec = scenario.budget, scenario.constraints, model_spec(scenario)
    else:
        budget, laws, primary, constraints = _from_flags(args, settings, fitted, catalog, where)
        spec = parse_model(None, where.at("model"))  # what a scenario without model: builds
        budget = auto_budget(budget, spec, primary, settings.assumptions)  # --mfu auto
    result = plan_budget(
        budget,
        laws,
        primary,
        constraints,
        inference_loss_tolerance=settings.inference_loss_tolerance,
        catalog=catalog,
        per_token=family_per_token(spec),
    )
    rec = result["recommendation"]
    # the model to build: its exact FLOPs bound the tokens, its every parameter the memory
    model = plan_architecture(spec, budget, catalog, laws=laws, params=rec["params"])
    settle(result, model, budget, primary, catalog)
    if args.json:
        doc = {
            **rec,
            "budget": budget.to_dict(),
            "laws": result["allocations"],
            "laws_range": result["laws_range"],
        }
        sys.stdout.write(dumps(doc))
    else:
        print(report(budget, rec, result, text_language(args), model))
    return 0


def _from_flags(
    args: argparse.Namespace, settings: Any, fitted: dict[str, Law], catalog: Catalog, where: Where
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
    hardware = catalog.hardware if args.gpu is not None else {}
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


def _from_scenario(
    args: argparse.Namespace, settings: Any, fitted: dict[str, Law], catalog: Catalog
) -> tuple[Scenario, list[Law], Law]:
    """The scenario of ``--scenario`` (its MFU resolved as the workflow resolves it), its laws and
    its primary law, as plan.json has them."""
    from llmplan.cli.check import scenario_file
    from llmplan.inputs.scenario import load_scenario
    from llmplan.inputs.settings import known_law_ids
    from llmplan.laws.registry import KNOWN_IDS

    scenario = load_scenario(
        scenario_file(args.scenario),
        hardware=catalog.hardware,
        settings=settings,
        known_laws=(*known_law_ids({"fits": {k: {} for k in settings.fits}}, KNOWN_IDS), *fitted),
    )
    ids = list(dict.fromkeys(canonical_id(law_id) for law_id in scenario.laws))
    laws = [get_law(i, tokens_per_param=scenario.tokens_per_param, fitted=fitted) for i in ids]
    primary = laws[ids.index(canonical_id(scenario.primary_law))]
    return resolve_mfu(scenario, primary), laws, primary
