"""``llmplan laws``: the scaling-law registry with citations, and the laws fitted in this project."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from llmplan.cli.common import load_fits
from llmplan.core.errors import Where
from llmplan.laws.registry import all_laws
from llmplan.plan.check import load_settings


def register(subparsers: Any) -> None:
    q = subparsers.add_parser("laws", help="list the scaling-law registry with citations")
    q.add_argument("--json", action="store_true", help="print JSON")
    q.set_defaults(func=run_laws)


def run_laws(args: argparse.Namespace) -> int:
    settings = load_settings()
    laws = all_laws(
        tokens_per_param=settings.tokens_per_param, fitted=load_fits([], Where("command line"))
    )
    if args.json:
        json.dump([law.describe() for law in laws], sys.stdout, indent=2)
        print()
        return 0
    for law in laws:
        low, high = law.flops_range
        print(f"{law.id}: {law.name}")
        print(f"    {law.citation}")
        print(
            f"    N counts embeddings: {'yes' if law.counts_embeddings else 'no'}; "
            f"fitted range {low:.2g} to {high:.2g} FLOPs; "
            f"loss: {law.loss_note}"
        )
    return 0
