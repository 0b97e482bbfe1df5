"""Read YAML into plain data while remembering the line of every key and item.

PyYAML's composed node tree knows where everything came from; we walk it once to build the Python
data and a map from location tuples (as pydantic reports them) to 1-based line numbers, so that a
validation error deep in a file can name the line a person must fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from frameworks.errors import LibraryError, Problem

Loc = tuple
LineMap = dict[Loc, int]

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_text(path: Path, shown: str) -> str:
    """Decode a file as UTF-8 (a BOM is allowed), or explain which byte is not UTF-8."""
    raw = path.read_bytes()
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


def load_yaml(path: Path, shown: str) -> tuple[Any, LineMap]:
    """Parse one YAML document, returning (data, line map); syntax errors become a Problem."""
    text = read_text(path, shown)
    try:
        node = yaml.compose(text, Loader=_Loader)
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
    lines: LineMap = {}
    if node is None:
        return None, lines
    try:
        data = _build(node, (), lines)
    except _Misplaced as err:
        raise LibraryError([Problem(shown, err.message, line=err.line, expected=err.expected)]) from None
    return data, lines


class _Misplaced(Exception):
    """A structural problem found while walking the node tree, with its line."""

    def __init__(self, node: yaml.Node, message: str, expected: str):
        self.line, self.message, self.expected = node.start_mark.line + 1, message, expected


def _build(node: yaml.Node, loc: Loc, lines: LineMap) -> Any:
    lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            if key in result:
                raise _Misplaced(key_node, f"key '{key}' appears twice in one mapping", "each key once")
            result[key] = _build(value_node, loc + (key,), lines)
            lines[loc + (key,)] = key_node.start_mark.line + 1  # the key's line, not its value's
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loc + (i,), lines) for i, item in enumerate(node.value)]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise _Misplaced(node, "a mapping key must be plain text", "a simple key such as 'title'")
    return _resolve(node)


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
