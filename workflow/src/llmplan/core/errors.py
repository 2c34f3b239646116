"""Errors a user can act on.

Every mistake in a user's input (a scenario, the catalog, a runs CSV, a command-line flag) ends in
an :class:`InputError` whose message names where the mistake is (file and, for YAML, line), which
entry and which field, what was found and what was expected. The command-line tool and the workflow
scripts print that message and exit non-zero; they never show a Python traceback for it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass


class LlmplanError(Exception):
    """Base class of every error llmplan raises on purpose."""


@dataclass(frozen=True)
class Where:
    """Location of a value in the user's input.

    Parameters
    ----------
    file
        Path of the file as the user would type it (``config/scenarios/x.yaml``), or a
        pseudo-location such as ``command line``.
    entry
        The entry in that file (a model id, a scenario name, a CSV row), or ``None``.
    field
        Dotted path of the field inside the entry (``budget.mfu``), or ``None``.
    line
        1-based line number in the file, where known.
    """

    file: str
    entry: str | None = None
    field: str | None = None
    line: int | None = None

    def at(self, field: str, line: int | None = None) -> Where:
        """The same place, one field deeper."""
        full = f"{self.field}.{field}" if self.field else field
        return Where(self.file, self.entry, full, line if line is not None else self.line)

    def for_entry(self, entry: str, line: int | None = None) -> Where:
        return Where(self.file, entry, None, line if line is not None else self.line)

    def __str__(self) -> str:
        parts = [f"{self.file}:{self.line}" if self.line else self.file]
        if self.entry:
            parts.append(f"entry '{self.entry}'")
        if self.field:
            parts.append(f"field '{self.field}'")
        return ", ".join(parts)


class InputError(LlmplanError):
    """A mistake in the user's input, with where it is, what was found and what was expected."""

    def __init__(
        self,
        where: Where | str,
        problem: str,
        *,
        expected: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.where = where if isinstance(where, Where) else Where(where)
        self.problem = problem
        self.expected = expected
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        text = f"{self.where}: {self.problem}"
        if self.expected:
            text += f"; expected {self.expected}"
        if self.hint:
            text += f" {self.hint}" if text.endswith((".", "?")) else f". {self.hint}"
        return _one_line(text if text.endswith((".", "?")) else text + ".")

    def __str__(self) -> str:
        return self.message

    def in_entry(self, entry: str) -> InputError:
        """The same error, naming ``entry`` (when it names none yet)."""
        w = self.where
        if w.entry:
            return self
        return InputError(
            Where(w.file, entry, w.field, w.line),
            self.problem,
            expected=self.expected,
            hint=self.hint,
        )

    def at_line(self, line: int | None) -> InputError:
        """The same error, pointing at ``line`` (when known)."""
        if line is None:
            return self
        w = self.where
        return InputError(
            Where(w.file, w.entry, w.field, line),
            self.problem,
            expected=self.expected,
            hint=self.hint,
        )


#: Characters a message never prints raw: line breaks (a message is one line) and controls that a
#: terminal would act on (ESC starts escape sequences) or that reorder text (bidi overrides).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def _one_line(text: str) -> str:
    """``text`` with line breaks and control characters escaped (\\n, \\x1b, \\u202e)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class InputErrors(InputError):
    """Several mistakes, reported together as a compiler does: one line each.

    Behaves as its first error (``where``, ``problem``) where one is expected; ``errors`` holds
    them all and ``message`` has one line per error.
    """

    def __init__(self, errors: Sequence[InputError]) -> None:
        flat: list[InputError] = []
        for err in errors:
            flat.extend(err.errors if isinstance(err, InputErrors) else [err])
        if not flat:
            raise ValueError("InputErrors needs at least one error")
        self.errors: tuple[InputError, ...] = tuple(flat)
        first = flat[0]
        super().__init__(first.where, first.problem, expected=first.expected, hint=first.hint)

    @property
    def message(self) -> str:
        return "\n".join(err.message for err in self.errors)

    def in_entry(self, entry: str) -> InputErrors:
        return InputErrors([err.in_entry(entry) for err in self.errors])


def all_errors(err: InputError) -> tuple[InputError, ...]:
    """The single errors in ``err`` (itself, or each of an :class:`InputErrors`)."""
    return err.errors if isinstance(err, InputErrors) else (err,)


class ErrorCollector:
    """Collects :class:`InputError` from independent checks, to report them all at once.

    >>> errors = ErrorCollector()
    >>> with errors.checking():
    ...     check_one_thing()
    >>> errors.raise_if_any()
    """

    def __init__(self) -> None:
        self.errors: list[InputError] = []

    @contextmanager
    def checking(self) -> Iterator[None]:
        """Run the body; an :class:`InputError` it raises is kept instead of propagating."""
        try:
            yield
        except InputError as err:
            self.errors.extend(all_errors(err))

    def add(self, err: InputError) -> None:
        self.errors.extend(all_errors(err))

    def raise_if_any(self) -> None:
        """Raise the one error, or :class:`InputErrors` of several; nothing if there is none."""
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise InputErrors(self.errors)


def error_lines(err: LlmplanError, *, prefix: str = "llmplan: error: ") -> list[str]:
    """The lines to print for ``err``: one per mistake, then a count when there are several."""
    if not isinstance(err, InputError):
        return [prefix + _one_line(str(err))]
    errors = all_errors(err)
    lines = [prefix + e.message for e in errors]
    if len(errors) > 1:
        files = {e.where.file for e in errors}
        lines.append(
            f"llmplan: {len(errors)} errors in {len(files)} file{'s' if len(files) > 1 else ''}"
        )
    return lines


def did_you_mean(word: str, choices: Iterable[str], *, n: int = 3) -> str | None:
    """A 'did you mean ...?' hint with the nearest valid choices, or ``None`` if none is close."""
    word = str(word)
    if len(word) > 100:  # nothing that long is a misspelt id (and difflib is quadratic)
        return None
    close = difflib.get_close_matches(word, sorted(choices), n=n, cutoff=0.5)
    if not close:
        return None
    return "Did you mean " + " or ".join(f"'{c}'" for c in close) + "?"


def unknown_choice(where: Where, kind: str, found: object, choices: Iterable[str]) -> InputError:
    """The error for an id that is not in a registry (hardware id, law id, key)."""
    choices = sorted(choices)
    hint = did_you_mean(str(found), choices)
    if kind == "hardware id":
        extra = "New accelerators go in data/catalog/hardware.yaml."
        hint = f"{hint} {extra}" if hint else extra
    listing = ", ".join(choices)
    if len(listing) > 300:
        listing = listing[:300].rsplit(",", 1)[0] + ", ..."
    shown = str(found) if len(str(found)) <= 60 else str(found)[:57] + "..."
    return InputError(
        where,
        f"unknown {kind} '{shown}'",
        expected=f"one of {listing}",
        hint=hint,
    )
