"""Sweeps parsed against the repository's catalog and default settings."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from llmplan.inputs.settings import defaults
from llmplan.sweep.spec import Sweep, parse_sweep

SETTINGS = defaults()


@pytest.fixture(scope="session")
def make_sweep(catalog):
    """Parse a sweep given as a mapping (or YAML text) in the file ``config/sweeps/<name>.yaml``."""

    def make(spec: dict[str, Any] | str, name: str = "s", **options: Any) -> Sweep:
        text = spec if isinstance(spec, str) else yaml.safe_dump(spec, sort_keys=False)
        return parse_sweep(
            text,
            f"config/sweeps/{name}.yaml",
            hardware=catalog.hardware,
            settings=SETTINGS,
            **options,
        )

    return make
