"""What a plan without a ``model:`` section recommends, found by a search of its own.

A plan prices its model in the exact FLOPs per token of the family the architecture section
builds (the default family when the scenario states none), so its N is the law's optimum on
C = F(N) D, not on C = 6 N D. :func:`llmplan.arch.allocation.exact_allocation` finds that optimum
with its own search, independent of :func:`llmplan.plan.decide.decide`.
"""

from __future__ import annotations

from llmplan.arch.allocation import exact_allocation
from llmplan.core.errors import Where
from llmplan.inputs.model import parse_model
from llmplan.laws.registry import get_law


def exact_params(law_id: str, flops: float) -> float:
    """N of ``law_id``'s optimum at ``flops`` on the default dense family's exact FLOPs."""
    spec = parse_model(None, Where("test"))
    convention = "palm-causal" if spec.causal_mask else "palm"
    return exact_allocation(get_law(law_id), flops, spec.template(), convention=convention).params
