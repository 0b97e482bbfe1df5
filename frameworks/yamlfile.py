"""Read YAML into plain data while remembering the line of every key and item.

PyYAML's composed node tree knows where everything came from; we walk it once to build the Python
data and a map from location tuples (as pydantic reports them) to 1-based line numbers, so that a
validation error deep in a file can name the line a person must fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from frameworks.errors import LibraryError, Problem, control_character, key_path
from frameworks.sources import file_problem

Loc = tuple
LineMap = dict[Loc, int]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path, shown: str, what: str = "a YAML or CSV file") -> str:
    """Decode a file as UTF-8 (a BOM is allowed), or explain which byte is not UTF-8. Only a regular
    file within the size limit is opened (a named pipe would block forever)."""
    problem = file_problem(path, shown, what)
    if problem:
        raise LibraryError([problem])
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise LibraryError([Problem(shown, f"cannot read it: {err.strerror or err}", expected=what)]) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise LibraryError(
            [
                Problem(
                    shown,
                    f"not UTF-8 text: byte 0x{raw[err.start]:02x} cannot be decoded",
                    line=line,
                    expected="a UTF-8 encoded file (save it as UTF-8)",
                )
            ]
        ) from None


def load_yaml(path: Path, shown: str, what: str = "a YAML file") -> tuple[Any, LineMap]:
    """Parse one YAML document, returning (data, line map); syntax errors become a Problem."""
    text = read_text(path, shown, what)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except RecursionError:
        raise LibraryError([Problem(shown, "the YAML is nested too deeply", expected=_NESTING)]) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise LibraryError(
            [
                Problem(
                    shown,
                    f"invalid YAML: {reason}",
                    line=mark.line + 1 if mark else None,
                    expected="well-formed YAML; check indentation, colons and quotes",
                )
            ]
        ) from None
    if node is None:
        return None, {}
    builder = _Builder()
    try:
        data = builder.build(node, (), 1)
    except _Misplaced as err:
        builder.problems.append(err)
    except RecursionError:
        raise LibraryError([Problem(shown, "the YAML is nested too deeply", expected=_NESTING)]) from None
    if builder.problems:
        raise LibraryError(
            [Problem(shown, e.message, line=e.line, key=key_path(e.loc), expected=e.expected) for e in builder.problems]
        )
    return data, builder.lines


_NESTING = "lists and mappings nested a few levels deep, as in FORMATS.md"


class _Misplaced(Exception):
    """A structural problem found while walking the node tree, with its line."""

    def __init__(self, line: int, message: str, expected: str, loc: Loc = ()):
        self.line, self.message, self.expected, self.loc = line, message, expected, loc


class _Builder:
    """Walks the composed node tree once, building plain data, the line map and a list of problems.

    An alias (`*name`) makes the composer hand back the very node it names, so meeting a node twice
    means an alias: refused, because our formats never need one and nested aliases can expand to
    billions of items ("billion laughs").
    """

    def __init__(self) -> None:
        self.lines: LineMap = {}
        self.problems: list[_Misplaced] = []
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, loc: Loc, where: int) -> Any:
        if id(node) in self.seen:
            raise _Misplaced(
                where,
                "YAML anchors and aliases (&name, *name) are not supported",
                "each value written out in full",
                loc,
            )
        self.seen.add(id(node))
        line = node.start_mark.line + 1
        self.lines[loc] = line
        if isinstance(node, yaml.MappingNode):
            result: dict[Any, Any] = {}
            written: dict[Any, tuple[str, int]] = {}
            for key_node, value_node in node.value:
                key = self.scalar(key_node, loc)
                key_line = key_node.start_mark.line + 1
                if key in result:
                    first, first_line = written[key]
                    same = first == key_node.value
                    raise _Misplaced(
                        key_line,
                        f"key {key_node.value!r} appears twice in one mapping"
                        if same
                        else f"key {key_node.value!r} is read as the same key as {first!r} on line {first_line}",
                        "each key once",
                        loc,
                    )
                written[key] = (key_node.value, key_line)
                result[key] = self.build(value_node, loc + (key,), key_line)
                self.lines[loc + (key,)] = key_line  # the key's line, not its value's
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (i,), line) for i, item in enumerate(node.value)]
        return self.scalar(node, loc)

    def scalar(self, node: yaml.Node, loc: Loc) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise _Misplaced(
                node.start_mark.line + 1, "a mapping key must be plain text", "a simple key such as 'title'", loc
            )
        value = _resolve(node)
        if isinstance(value, str):
            bad = control_character(value)
            if bad:
                self.problems.append(
                    _Misplaced(
                        node.start_mark.line + 1,
                        f"control character {bad} is not allowed in text",
                        "printable text; tab and line breaks only where text may span lines",
                        loc,
                    )
                )
        return value


_SCALAR_LOADER = yaml.SafeLoader("")


def _resolve(node: yaml.ScalarNode) -> Any:
    """Construct a scalar exactly as SafeLoader would (ints, floats, bools, null, dates stay text)."""
    construct = _SCALAR_LOADER.yaml_constructors.get(node.tag)
    if construct is None:  # an unknown !tag: keep the text
        return node.value
    value = construct(_SCALAR_LOADER, node)
    if hasattr(value, "isoformat"):  # YAML dates: keep them as the text the user wrote
        return node.value
    return value


def line_for(lines: LineMap, loc: Loc) -> int | None:
    """The line of the deepest known part of a location (a missing key points at its parent)."""
    loc = tuple(loc)
    while loc:
        if loc in lines:
            return lines[loc]
        loc = loc[:-1]
    return lines.get(())
