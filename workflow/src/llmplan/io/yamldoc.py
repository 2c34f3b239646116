"""Reading the user's YAML safely, with line numbers for error messages.

A document is read with the YAML 1.2 core schema and the refusals of :mod:`llmplan.io.yaml12`
(never a Python object: a ``!!python/object`` tag is an error, never executed). Alongside the data
we keep the line of every mapping key and sequence item so that an error can say
``config/scenarios/x.yaml:7``. Before anything is built, the document is checked against limits a
hand-written file never reaches: size (:data:`llmplan.io.files.MAX_YAML_BYTES`), nesting
(:data:`~llmplan.io.yaml12.MAX_DEPTH`), values after alias expansion (:data:`MAX_NODES`) and
length of one value (:data:`MAX_SCALAR_CHARS`); keys must be text, and text must be printable
(:mod:`llmplan.core.text`). Every such mistake in a file is reported, not only the first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import yaml

from llmplan.core.errors import InputError, InputErrors, Where
from llmplan.core.text import PRINTABLE, refused_char, shorten
from llmplan.io import yaml12
from llmplan.io.files import MAX_YAML_BYTES, read_user_text

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
        return Where(self.file, entry, _dotted(path), self.line(*path))


#: Most nodes a document may hold once its aliases are expanded. Every real input has a few
#: thousand; a file of nested aliases ("billion laughs") would otherwise take forever to walk.
MAX_NODES: Final = 200_000
#: Most characters of one value or key (the schemas set tighter limits per field).
MAX_SCALAR_CHARS: Final = 10_000
#: Mistakes reported per file before the rest are left out.
MAX_REPORTED: Final = 20

SYNTAX_EXPECTED = (
    "valid YAML: 'key: value' lines indented with spaces (not tabs), lists as '- item' or "
    "[a, b], every bracket and quote closed"
)

_KIND: Final = {
    yaml12.INT: "number",
    yaml12.FLOAT: "number",
    yaml12.BOOL: "true/false value",
    yaml12.NULL: "null (empty) value",
}


def _tag_refused(tag: str) -> tuple[str, str]:
    return (
        f"YAML could not determine a constructor for the tag '{tag}'",
        "plain YAML values (numbers, strings, lists, mappings); tags that build Python objects "
        "are refused",
    )


def _scalar_errors(node: yaml.ScalarNode, *, config: bool, is_key: bool) -> list[tuple[str, str]]:
    """(problem, expected) of each thing wrong with one value or key."""
    out = []
    if node.tag not in yaml12.CORE_TAGS:
        out.append(_tag_refused(node.tag))
        return out
    if len(node.value) > MAX_SCALAR_CHARS:
        out.append(
            (
                f"found a value of {len(node.value):,} characters",
                f"at most {MAX_SCALAR_CHARS:,} characters",
            )
        )
        return out
    form = yaml12.number_form_error(node) or yaml12.overflow_error(node)
    if form:
        out.append(form)
    elif config and (differs := yaml12.yaml11_disagreement(node)):
        out.append(differs)
    if node.tag == yaml12.STR and (bad := refused_char(node.value)):
        out.append((f"the text holds {bad}", PRINTABLE))
    if is_key and node.tag not in (yaml12.STR, yaml12.MERGE) and not out:
        out.append(
            (
                f"the key {node.value or '~'} is a {_KIND.get(node.tag, 'value')}",
                f"keys that are text; quote it ('{node.value}') if it is meant as one",
            )
        )
    return out


def _index_lines(
    root: yaml.Node, file: str, *, config: bool = False, entry_key: str | None = None
) -> tuple[dict[PathKey, int], list[InputError]]:
    """Line of every node by path, and every mistake in the values and keys.

    With ``entry_key``, a mistake inside a list item that has that key (a catalog entry's
    ``id``) names the item as the entry and the field relative to it. Refuses recursive aliases
    and alias bombs at once (they stop the walk).
    """
    out: dict[PathKey, int] = {}
    errors: list[InputError] = []
    ids: dict[PathKey, str] = {}
    count = 0

    def report(path: PathKey, node: yaml.Node, problem: str, expected: str) -> None:
        if len(errors) >= MAX_REPORTED:
            return
        entry, rel = None, path
        for depth in range(len(path), 0, -1):
            if path[:depth] in ids:
                entry, rel = ids[path[:depth]], path[depth:]
                break
        where = Where(file, entry, _dotted(rel), node.start_mark.line + 1)
        errors.append(InputError(where, problem, expected=expected))

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
        if isinstance(node, yaml.ScalarNode):
            for problem, expected in _scalar_errors(node, config=config, is_key=False):
                report(path, node, problem, expected)
        elif node.tag not in (yaml12.SEQ, yaml12.MAP):
            report(path, node, *_tag_refused(node.tag))
        elif isinstance(node, yaml.MappingNode):
            if entry_key and path and isinstance(path[-1], int):
                for key_node, value_node in node.value:
                    if key_node.value == entry_key and isinstance(value_node, yaml.ScalarNode):
                        ids[path] = shorten(value_node.value, 80)
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    report(path, key_node, "a key is a list or mapping", "keys that are text")
                    continue
                key = shorten(key_node.value, 80)
                for problem, expected in _scalar_errors(key_node, config=config, is_key=True):
                    report((*path, key), key_node, problem, expected)
                out[(*path, key)] = key_node.start_mark.line + 1
                stack.append((value_node, (*path, key), inner))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, (*path, i), inner))
    return out, errors


def _dotted(path: PathKey) -> str | None:
    """``('laws', 1)`` -> ``'laws[1]'``; ``('budget', 'mfu')`` -> ``'budget.mfu'``."""
    text = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in path)
    return text.replace(".[", "[") or None


def _field_on_line(lines: dict[PathKey, int], line: int | None) -> str | None:
    """The outermost field that starts on ``line`` (for errors PyYAML reports by line only)."""
    on_line = [path for path, at in lines.items() if at == line and path]
    return _dotted(min(on_line, key=len)) if on_line else None


def _syntax_error(err: yaml.YAMLError, text: str, file: str) -> InputError:
    """A PyYAML reader, scanner, parser or composer error as an :class:`InputError` with its line.

    PyYAML reports an unclosed bracket or quote at the end of the file; the line where the
    unclosed construct starts (its 'context') is more useful then.
    """
    if isinstance(err, yaml.reader.ReaderError):
        line = text[: err.position].count("\n") + 1
        char = chr(err.character) if isinstance(err.character, int) else str(err.character)
        from llmplan.core.text import char_name

        return InputError(
            Where(file, line=line),
            f"the file holds a control character ({char_name(char)})",
            expected=PRINTABLE,
        )
    mark = getattr(err, "problem_mark", None)
    context = getattr(err, "context", None)
    context_mark = getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    n_lines = max(len(text.splitlines()), 1)
    line = mark.line + 1 if mark else None
    if context_mark is not None and (line is None or line > n_lines):
        line = context_mark.line + 1
    if isinstance(err, yaml12.LimitError):
        return InputError(
            Where(file, line=line), problem, expected="a hand-written file of a few levels"
        )
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


def _compose(text: str, loader_class: type) -> tuple[Any, yaml.Node | None]:
    loader = loader_class(text)
    try:
        return loader, loader.get_single_node()
    except BaseException:
        loader.dispose()
        raise


def parse_yaml(
    text: str, file: str, *, config: bool = False, entry_key: str | None = None
) -> YamlDoc:
    """Parse YAML text safely (YAML 1.2 core schema, see :mod:`llmplan.io.yaml12`).

    Parameters
    ----------
    text
        The document.
    file
        The path shown in errors.
    config
        The file is also read by Snakemake (as YAML 1.1): refuse values the two read differently.
    entry_key
        The key that names a list item as an entry in messages (``id`` in the catalog).

    Raises
    ------
    InputError
        On a syntax error (with its line), a tag that would build a Python object, a duplicate
        key, a key that is not text, a refused number form or character, recursive or exploding
        aliases, or a limit exceeded; :class:`InputErrors` when there are several.
    """
    try:
        try:
            loader, node = _compose(text, yaml12.FastLoader or yaml12.PyLoader)
        except yaml.YAMLError:
            # libyaml words errors differently: take PyYAML's documented messages
            loader, node = _compose(text, yaml12.PyLoader)
    except yaml.YAMLError as err:
        raise _syntax_error(err, text, file) from None
    try:
        if node is None:
            return YamlDoc(data=None, file=file, lines={})
        lines, errors = _index_lines(node, file, config=config, entry_key=entry_key)
        if errors:
            raise InputErrors(sorted(errors, key=lambda e: e.where.line or 0))
        try:
            data = loader.construct_document(node)
        except yaml12.DuplicateKeyError as err:
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
                expected="plain YAML values (numbers, strings, lists, mappings)",
            ) from None
    finally:
        loader.dispose()
    return YamlDoc(data=data, file=file, lines=lines)


def read_text(path: Path | str, shown: str, *, field: str | None = None) -> str:
    """A user's YAML file as text (a regular UTF-8 file of at most 1 MiB), or an
    :class:`InputError` naming it as ``shown``."""
    where = Where(shown, field=field)
    return read_user_text(path, where, limit=MAX_YAML_BYTES, what="a YAML file")


def read_yaml(
    path: Path | str,
    *,
    display: str | None = None,
    config: bool = False,
    entry_key: str | None = None,
) -> YamlDoc:
    """Read and parse a YAML file; ``display`` is the name shown in errors (default: the path)."""
    shown = display or str(path)
    return parse_yaml(read_text(path, shown), shown, config=config, entry_key=entry_key)
