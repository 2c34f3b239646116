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

from llmplan.errors import InputError, Where

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


def _index_lines(node: yaml.Node, path: PathKey, out: dict[PathKey, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            out[(*path, key)] = key_node.start_mark.line + 1
            _index_lines(value_node, (*path, key), out)
            out[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index_lines(item, (*path, i), out)


def parse_yaml(text: str, file: str) -> YamlDoc:
    """Parse YAML text safely.

    Raises
    ------
    InputError
        On a syntax error (with its line), on a tag that would build a Python object, or on a
        duplicate key.
    """
    try:
        node = yaml.compose(text, Loader=_UniqueKeySafeLoader)
        data = yaml.load(text, Loader=_UniqueKeySafeLoader)
    except yaml.constructor.ConstructorError as err:
        line = err.problem_mark.line + 1 if err.problem_mark else None
        raise InputError(
            Where(file, line=line),
            f"YAML {err.problem}",
            expected="plain YAML values (numbers, strings, lists, mappings); tags that build "
            "Python objects are refused",
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(err, "problem", None) or str(err)
        raise InputError(Where(file, line=line), f"YAML syntax error: {problem}") from None
    lines: dict[PathKey, int] = {}
    if node is not None:
        _index_lines(node, (), lines)
    return YamlDoc(data=data, file=file, lines=lines)


def read_yaml(path: Path | str, *, display: str | None = None) -> YamlDoc:
    """Read and parse a YAML file; ``display`` is the name shown in errors (default: the path)."""
    path = Path(path)
    shown = display or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(Where(shown), "file not found") from None
    except UnicodeDecodeError as err:
        raise InputError(Where(shown), f"not UTF-8 text ({err.reason})") from None
    return parse_yaml(text, shown)


class _UniqueKeySafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (a silent overwrite hides typos)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"found duplicate key '{key}'", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)
