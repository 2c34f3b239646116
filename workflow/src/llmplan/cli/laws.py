"""``llmplan laws``: the scaling-law registry with citations, and the laws fitted in this project."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from llmplan.cli.common import add_lang_argument, load_fits, text_language
from llmplan.core.errors import Where
from llmplan.core.messages import N_
from llmplan.laws.registry import all_laws
from llmplan.plan.check import load_settings


def register(subparsers: Any) -> None:
    q = subparsers.add_parser("laws", help="list the scaling-law registry with citations")
    q.add_argument("--json", action="store_true", help="print JSON")
    add_lang_argument(q)
    q.set_defaults(func=run_laws)


DETAILS = N_("N counts embeddings: {counts}; fitted range {range}; loss: {loss}")
RANGE = N_("{low} to {high} FLOPs")
#: A rule of thumb was fitted on no runs: it has no range to extrapolate from.
NO_RANGE = N_("none (a rule of thumb)")
YES, NO = N_("yes"), N_("no")


def run_laws(args: argparse.Namespace) -> int:
    settings = load_settings()
    laws = all_laws(
        tokens_per_param=settings.tokens_per_param, fitted=load_fits([], Where("command line"))
    )
    if args.json:
        json.dump([law.describe() for law in laws], sys.stdout, indent=2)
        print()
        return 0
    lang = text_language(args)
    for law in laws:
        described = law.describe()
        low, high = law.flops_range
        print(f"{law.id}: {lang.law_text(described, 'name')}")
        print(f"    {lang.law_text(described, 'citation')}")
        details = lang.gettext(DETAILS).format(
            counts=lang.gettext(YES if law.counts_embeddings else NO),
            range=lang.gettext(RANGE).format(low=f"{low:.2g}", high=f"{high:.2g}")
            if math.isfinite(high) and low > 0
            else lang.gettext(NO_RANGE),
            loss=lang.law_text(described, "loss_note"),
        )
        print(f"    {details}")
    return 0
