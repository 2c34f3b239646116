"""``python -m llmplan.train --config run.json --out runs.csv`` (see :mod:`llmplan.train.cli`)."""

from __future__ import annotations

import sys

from llmplan.train.cli import main

if __name__ == "__main__":
    sys.exit(main())
