"""A scenario's laws: unknown ids are named one by one, and the primary law's check offers only
ids that exist (it suggested the unknown ones back)."""

from __future__ import annotations

import pytest

from llmplan.core.errors import InputError, InputErrors
from llmplan.inputs.scenario import parse_scenario
from llmplan.laws.registry import KNOWN_IDS


def _errors(laws: str) -> list[InputError]:
    text = f"title: t\nbudget: {{flops: 1e22}}\nlaws: {laws}\n"
    with pytest.raises(InputError) as caught:
        parse_scenario(text, "config/scenarios/t.yaml", hardware={}, known_laws=KNOWN_IDS)
    err = caught.value
    return list(err.errors) if isinstance(err, InputErrors) else [err]


def test_only_unknown_laws_give_one_error_each_and_no_primary_law_advice() -> None:
    errors = _errors("[chinchilla, epoch]")
    assert [e.where.field for e in errors] == ["laws[0]", "laws[1]"]
    assert all("unknown law id" in e.problem for e in errors)
    assert not any("primary" in e.message for e in errors)


def test_the_primary_law_advice_lists_only_known_laws() -> None:
    errors = _errors("[chinchilla, kaplan-2020]")
    assert len(errors) == 2
    primary = errors[1]
    assert "primary law 'epoch-2024'" in primary.problem
    assert primary.expected is not None
    assert "one of kaplan-2020," in primary.expected and "chinchilla," not in primary.expected
