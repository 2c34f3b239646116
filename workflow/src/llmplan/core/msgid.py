"""Marking a string for translation: ``N_`` (the gettext convention for "no-op").

``pybabel extract -k N_`` collects every ``N_("...")`` literal into the message catalog; at run
time ``N_`` returns its argument, and a report translates the string where it renders it.
It lives apart from :mod:`llmplan.core.messages` so that the per-stage message tables
(:mod:`llmplan.core.messages_run`, :mod:`llmplan.core.messages_arch`) can mark their strings
without importing the registry that merges them.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark ``message`` for translation without translating it here."""
    return message
