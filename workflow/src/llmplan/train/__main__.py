"""``python -m llmplan.train ...``: the same command as ``llmplan train ...`` (:mod:`llmplan.cli.train`)."""

from __future__ import annotations

import sys

from llmplan.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
