"""How llmplan reads a YAML value: the YAML 1.2 core schema, with the surprising number forms
refused.

PyYAML (and so Snakemake, which reads ``config/config.yaml`` with it) implements YAML 1.1, where a
plain value is turned into a number or a boolean by forms a person rarely means: ``010`` is the
octal 8, ``1:30`` the base-60 number 90, ``0b1000`` is 8, ``1_000`` is 1000, ``yes``, ``no``,
``on`` and ``off`` are booleans and ``2024-01-01`` is a date. YAML 1.2 (revision 1.2.2, 2021, s10.3
"Core schema") keeps only ``true``/``false``, ``null``/``~``, decimal integers, ``0o`` octal,
``0x`` hexadecimal, decimal floats (``.5``, ``1e3``) and ``.inf``/``.nan``; everything else is text.

llmplan reads every file with the YAML 1.2 core schema and, on top of it:

1. refuses integers written with a leading zero or in another base (``010``, ``0o17``, ``0x1E``),
   whatever the file: YAML 1.1 and 1.2 read ``010`` differently, and a GPU count in hexadecimal
   is a mistake more often than a choice. The message says how to write the number;
2. in a config file, which Snakemake reads too (as YAML 1.1), refuses every plain value the two
   versions read differently (``1e3``, ``yes``, ``1:30``, ``1_000``, ``2024-01-01``), so that the
   checks and the workflow never see different values (:func:`yaml11_disagreement`).

Explicit tags other than the core ones (``!!python/object``, ``!!binary``, ``!!timestamp``) are
refused by :mod:`llmplan.io.yamldoc`; nothing but text, numbers, booleans, null, lists and
mappings is ever built.
"""

from __future__ import annotations

import re
from typing import Any, Final

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver, Resolver

STR: Final = "tag:yaml.org,2002:str"
INT: Final = "tag:yaml.org,2002:int"
FLOAT: Final = "tag:yaml.org,2002:float"
BOOL: Final = "tag:yaml.org,2002:bool"
NULL: Final = "tag:yaml.org,2002:null"
SEQ: Final = "tag:yaml.org,2002:seq"
MAP: Final = "tag:yaml.org,2002:map"
MERGE: Final = "tag:yaml.org,2002:merge"
#: The tags a document may use (merge keys ``<<`` are kept: they only share mappings).
CORE_TAGS: Final = frozenset({STR, INT, FLOAT, BOOL, NULL, SEQ, MAP, MERGE})

#: Nesting deeper than this is refused (the deepest real input, a config's fit budgets, has 5).
MAX_DEPTH: Final = 20

_BOOL12: Final = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_NULL12: Final = re.compile(r"^(?:~|null|Null|NULL|)$")
_INT12: Final = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT12: Final = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_DECIMAL: Final = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$")
#: Most digits an integer may have (Python refuses to read more than 4,300 by default).
MAX_INT_DIGITS: Final = 30


class Resolver12(BaseResolver):
    """Plain values resolved by the YAML 1.2 core schema (s10.3.2), plus merge keys."""


Resolver12.yaml_implicit_resolvers = {}
for _tag, _regex, _first in (
    (BOOL, _BOOL12, "tTfF"),
    (INT, _INT12, "-+0123456789"),
    (FLOAT, _FLOAT12, "-+0123456789."),
    (NULL, _NULL12, ["~", "n", "N", ""]),
    (MERGE, re.compile(r"^(?:<<)$"), "<"),
):
    Resolver12.add_implicit_resolver(_tag, _regex, list(_first))


class LimitError(yaml.MarkedYAMLError):
    """A document beyond a limit (nesting), with the mark where it happens."""


class DuplicateKeyError(ConstructorError):
    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"found duplicate key '{key}'", mark)
        self.key = key


class _DepthComposer(Composer):
    """PyYAML's composer (recursive) with a nesting limit checked before each level."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise LimitError(
                    None, None, f"the document nests deeper than {MAX_DEPTH} levels", mark
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Constructor(SafeConstructor):
    """SafeConstructor that refuses duplicate mapping keys (a silent overwrite hides typos)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        self.flatten_mapping(node)  # merge keys (<<) first: their node builds no value
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key; refused by the document check
                continue
            if duplicate:
                raise DuplicateKeyError(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class PyLoader(
    yaml.reader.Reader,
    yaml.scanner.Scanner,
    yaml.parser.Parser,
    _DepthComposer,
    _Constructor,
    Resolver12,
):
    """The pure-Python loader: slow, but its error messages are the ones documented."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _DepthComposer.__init__(self)
        _Constructor.__init__(self)
        Resolver12.__init__(self)


try:
    from yaml.cyaml import CParser
except ImportError:  # PyYAML built without libyaml
    FastLoader: type | None = None
else:

    class _CLoader(CParser, _DepthComposer, _Constructor, Resolver12):  # type: ignore[misc]
        """libyaml's scanner and parser (ten times faster) under the same composer."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            _DepthComposer.__init__(self)
            _Constructor.__init__(self)
            Resolver12.__init__(self)

        def get_single_node(self) -> Any:
            return _DepthComposer.get_single_node(self)

    FastLoader = _CLoader


def number_form_error(node: yaml.ScalarNode) -> tuple[str, str] | None:
    """(problem, expected) if a number is written in a form llmplan refuses, else ``None``."""
    value = node.value
    if node.tag == INT:
        if _DECIMAL.match(value):
            if len(value.lstrip("+-")) > MAX_INT_DIGITS:
                return (
                    f"found a number of {len(value):,} digits",
                    f"at most {MAX_INT_DIGITS} digits (write large numbers as 1.5e+24)",
                )
            return None
        digits = value.lstrip("+-")
        base = {"0x": 16, "0o": 8, "0b": 2}.get(digits[:2].lower())
        if base is None and _INT12.match(value):  # a leading zero
            return (
                f"found {value}, a number with a leading zero (YAML 1.1 reads it as octal, "
                f"YAML 1.2 as decimal)",
                f"a number without leading zeros ({int(digits)}), or text in quotes ('{value}')",
            )
        names = {16: "a hexadecimal", 8: "an octal", 2: "a binary"}
        try:
            decimal = f" ({int(value.replace(digits[:2], '', 1), base or 10)})"
        except ValueError:
            decimal = ""
        return (
            f"found {value}, {names.get(base or 0, 'an unusual')} number",
            f"a decimal number{decimal}, or text in quotes ('{value}')",
        )
    if node.tag == FLOAT and not _FLOAT12.match(value) and not _INT12.match(value):
        return (f"found {value!r} tagged as a number", "a decimal number such as 0.4 or 1.5e+24")
    if node.tag == BOOL and not _BOOL12.match(value):
        return (f"found {value!r} tagged as true or false", "true or false")
    return None


def overflow_error(node: yaml.ScalarNode) -> tuple[str, str] | None:
    """(problem, expected) for a float written with more digits of exponent than a float holds
    (``1e400``, which Python would read as infinity), else ``None``."""
    if node.tag != FLOAT or "inf" in node.value.lower() or "nan" in node.value.lower():
        return None
    try:
        value = float(node.value)
    except ValueError:
        return None
    if value in (float("inf"), float("-inf")):
        return (
            f"found {node.value}, a number too large to represent (the largest is about 1.8e+308)",
            "a finite number",
        )
    return None


_RESOLVER11: Final = Resolver()


def yaml11_disagreement(node: yaml.ScalarNode) -> tuple[str, str] | None:
    """(problem, expected) if YAML 1.1 (Snakemake's reading) differs from ours, else ``None``.

    Only plain (unquoted) values can differ; quoted ones are text in both versions.
    """
    if node.style or node.tag not in (STR, INT, FLOAT, BOOL, NULL):  # plain style: None or ''
        return None
    tag11 = _RESOLVER11.resolve(yaml.ScalarNode, node.value, (True, False))
    if tag11 == node.tag:
        return None
    try:
        as11 = yaml.safe_load(node.value)
    except yaml.YAMLError:
        as11 = node.value
    as12: Any = node.value if node.tag == STR else yaml.load(node.value, Loader=PyLoader)
    quoted = f"text in quotes ('{node.value}')"
    if isinstance(as12, int | float) and not isinstance(as12, bool):
        expected = f"the number written so that both read it: {_yaml11_number(as12)}"
    elif isinstance(as11, bool):
        expected = f"true or false, or {quoted}"
    elif isinstance(as11, int | float):
        expected = f"the number itself ({_yaml11_number(as11)}), or {quoted}"
    else:
        expected = quoted
    return (
        f"found {node.value}, which Snakemake reads (as YAML 1.1) as {as11!r} and llmplan (as "
        f"YAML 1.2) as {as12!r}",
        expected,
    )


def _yaml11_number(value: float) -> str:
    """``value`` as both YAML versions read it: 1000 or 1.0e+18 (YAML 1.1 floats need a decimal
    point and a signed exponent)."""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = f"{float(value):.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{'+' if not exponent.startswith(('-', '+')) else ''}{exponent}"
    return text if "." in text else text + ".0"
