"""The ``llmplan`` command line.

Each subcommand lives in its own module ``llmplan.cli.<name>`` exposing
``register(subparsers) -> None``, which adds a parser whose ``func`` default takes the parsed
arguments and returns an exit code. A user's mistake (:class:`~llmplan.errors.LlmplanError`) is
printed as one paragraph on stderr with exit code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import NoReturn

from llmplan import __version__
from llmplan.core.errors import InputError, LlmplanError, Where, error_lines

#: Modules that provide subcommands, in the order ``--help`` lists them.
SUBCOMMAND_MODULES: tuple[str, ...] = (
    "llmplan.cli.catalog",
    "llmplan.cli.allocate",
    "llmplan.cli.laws",
    "llmplan.cli.cost",
    "llmplan.cli.layout",
    "llmplan.cli.fit",
    "llmplan.cli.check",
    "llmplan.cli.arch",
    "llmplan.cli.diff",
    "llmplan.cli.ladder",
    "llmplan.cli.train",
    "llmplan.cli.sweep",
)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are :class:`InputError` (one line, exit 2), not argparse's
    usage block."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        field = None
        if message.startswith("argument "):
            field, _, message = message.removeprefix("argument ").partition(": ")
            field = field.split("/")[-1]
        raise InputError(
            Where("command line", field=field),
            message,
            hint=f"See `{self.prog} --help`.",
        )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="llmplan",
        description=(
            "Plan compute-optimal training of large language models: budgets, allocations under "
            "published scaling laws, fits to your own runs. The full workflow runs with "
            "`snakemake --cores 4`; these commands answer single questions."
        ),
    )
    parser.add_argument("--version", action="version", version=f"llmplan {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)
    for name in SUBCOMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if not hasattr(args, "func"):
            parser.print_help()
            return 0
        return int(args.func(args) or 0)
    except LlmplanError as err:
        print("\n".join(error_lines(err)), file=sys.stderr)
        return 2
    except BrokenPipeError:  # `llmplan catalog --json | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
