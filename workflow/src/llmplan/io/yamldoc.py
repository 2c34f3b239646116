"""Reading the user's YAML safely, with line numbers for error messages.

YAML is parsed with PyYAML's safe loader only (a ``!!python/object`` tag is an error, never
executed). Alongside the data we keep the line of every mapping key and sequence item so that an
error can say ``config/scenarios/x.yaml:7``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from llmplan.core.errors import InputError, Where

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML document and the 1-based line of each node, keyed by its path."""

    data: Any
    file: str
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int | None:
        """Line of the node at ``path``, or of its nearest ancestor that has one."""
        key: PathKey = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)

    def line_of_field(self, dotted: str | None) -> int | None:
        """Line of a field given as a dotted path such as ``budget.mfu`` or ``laws[1]``."""
        if not dotted:
            return None
        parts: list[str | int] = []
        for piece in dotted.replace("]", "").replace("[", ".").split("."):
            if piece:
                parts.append(int(piece) if piece.isdigit() else piece)
        return self.line(*parts)

    def where(self, *path: str | int, entry: str | None = None) -> Where:
        """A :class:`Where` for the node at ``path`` (fields joined with dots)."""
        fields = [str(p) if isinstance(p, str) else f"[{p}]" for p in path]
        dotted = ".".join(fields).replace(".[", "[") or None
        return Where(self.file, entry, dotted, self.line(*path))


#: Most nodes a document may hold once its aliases are expanded. Every real input has a few
#: thousand; a file of nested aliases ("billion laughs") would otherwise take forever to walk.
MAX_NODES = 200_000

SYNTAX_EXPECTED = (
    "valid YAML: 'key: value' lines indented with spaces (not tabs), lists as '- item' or "
    "[a, b], every bracket and quote closed"
)


def _index_lines(root: yaml.Node, file: str) -> dict[PathKey, int]:
    """Line of every node by path; refuses recursive aliases and alias bombs."""
    out: dict[PathKey, int] = {}
    count = 0
    # (node, path, ids of the nodes above it); iterative, so deep nesting cannot overflow the stack
    stack: list[tuple[yaml.Node, PathKey, frozenset[int]]] = [(root, (), frozenset())]
    while stack:
        node, path, above = stack.pop()
        count += 1
        if id(node) in above:
            raise InputError(
                Where(file, field=_dotted(path), line=node.start_mark.line + 1),
                "YAML alias refers to a node that contains it (a recursive structure)",
                expected="plain values; anchors (&name) and aliases (*name) must not nest in "
                "themselves",
            )
        if count > MAX_NODES:
            raise InputError(
                Where(file, line=node.start_mark.line + 1),
                f"YAML document expands to more than {MAX_NODES:,} values (nested aliases?)",
                expected="a small hand-written file; remove the nested anchors and aliases",
            )
        out.setdefault(path, node.start_mark.line + 1)
        inner = above | {id(node)}
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value
                out[(*path, key)] = key_node.start_mark.line + 1
                stack.append((value_node, (*path, key), inner))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, (*path, i), inner))
    return out


def _dotted(path: PathKey) -> str | None:
    """``('laws', 1)`` -> ``'laws[1]'``; ``('budget', 'mfu')`` -> ``'budget.mfu'``."""
    text = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path)
    return text.replace(".[", "[") or None


def _field_on_line(lines: dict[PathKey, int], line: int | None) -> str | None:
    """The outermost field that starts on ``line`` (for errors PyYAML reports by line only)."""
    on_line = [path for path, at in lines.items() if at == line and path]
    return _dotted(min(on_line, key=len)) if on_line else None


def _syntax_error(err: yaml.YAMLError, text: str, file: str) -> InputError:
    """A PyYAML scanner, parser or composer error as an :class:`InputError` with its line.

    PyYAML reports an unclosed bracket or quote at the end of the file; the line where the
    unclosed construct starts (its 'context') is more useful then.
    """
    mark = getattr(err, "problem_mark", None)
    context = getattr(err, "context", None)
    context_mark = getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    n_lines = max(len(text.splitlines()), 1)
    line = mark.line + 1 if mark else None
    if context_mark is not None and (line is None or line > n_lines):
        line = context_mark.line + 1
    text_problem = f"YAML syntax error: {problem}"
    if context and context_mark is not None:
        text_problem += f" ({context} that starts on line {context_mark.line + 1})"
    hint = None
    if "\\t" in problem:  # PyYAML writes the tab as the two characters \t
        hint = "Replace the tab with spaces."
    elif "mapping values are not allowed" in problem or "<block end>" in problem:
        hint = (
            "Check this line's indentation against the lines above, and quote text that holds ': '."
        )
    elif "stream end" in problem or "end of stream" in problem:
        hint = "Something opened there is never closed."
    return InputError(Where(file, line=line), text_problem, expected=SYNTAX_EXPECTED, hint=hint)


def parse_yaml(text: str, file: str) -> YamlDoc:
    """Parse YAML text safely.

    Raises
    ------
    InputError
        On a syntax error (with its line), on a tag that would build a Python object, on a
        duplicate key, or on recursive or exploding aliases.
    """
    lines: dict[PathKey, int] = {}
    try:
        node = yaml.compose(text, Loader=_UniqueKeySafeLoader)
        lines = _index_lines(node, file) if node is not None else {}
        data = yaml.load(text, Loader=_UniqueKeySafeLoader)
    except _DuplicateKeyError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        raise InputError(
            Where(file, field=str(err.key), line=line),
            f"the key '{err.key}' appears twice in the same mapping",
            expected="each key once (a second one would silently replace the first)",
        ) from None
    except yaml.constructor.ConstructorError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        raise InputError(
            Where(file, field=_field_on_line(lines, line), line=line),
            f"YAML {err.problem}",
            expected="plain YAML values (numbers, strings, lists, mappings); tags that build "
            "Python objects are refused",
        ) from None
    except yaml.YAMLError as err:
        raise _syntax_error(err, text, file) from None
    return YamlDoc(data=data, file=file, lines=lines)


def read_text(path: Path | str, shown: str) -> str:
    """A user's text file, or an :class:`InputError` naming it as ``shown``."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Where(shown), "file not found") from None
    except UnicodeDecodeError as err:
        raise InputError(Where(shown), f"not UTF-8 text ({err.reason})") from None


def read_yaml(path: Path | str, *, display: str | None = None) -> YamlDoc:
    """Read and parse a YAML file; ``display`` is the name shown in errors (default: the path)."""
    shown = display or str(path)
    return parse_yaml(read_text(path, shown), shown)


class _DuplicateKeyError(yaml.constructor.ConstructorError):
    def __init__(self, key: Any, mark: yaml.Mark) -> None:
        super().__init__(None, None, f"found duplicate key '{key}'", mark)
        self.key = key


class _UniqueKeySafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (a silent overwrite hides typos)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise _DuplicateKeyError(key, key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
