"""Read one library file into its model, turning every validation error into a located Problem."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from rapidfuzz import process

from frameworks.errors import LibraryError, Problem, key_path, quote
from frameworks.models import AS_OF, FILE_MODELS, Model
from frameworks.yamlfile import LineMap, line_for, load_yaml


@dataclass
class ParsedFile:
    """A file that passed its own checks; cross-file checks come later in the loader."""

    path: Path
    shown: str
    layer: int
    model: Model
    lines: LineMap

    def line(self, *loc: Any) -> int | None:
        return line_for(self.lines, loc)

    def problem(self, loc: tuple, message: str, expected: str = "") -> Problem:
        return Problem(self.shown, message, line=self.line(*loc), key=key_path(loc), expected=expected)


@dataclass
class FileReport:
    """What one file yielded: the models of everything in it that passed its own checks, every problem
    found, and the qualified ids of items that failed (so that a reference to a role that exists but is
    broken is not also reported as an unknown role)."""

    parsed: list[ParsedFile] = dc_field(default_factory=list)
    problems: list[Problem] = dc_field(default_factory=list)
    broken: dict[str, set[str]] = dc_field(default_factory=dict)

    def mark_broken(self, space: str, namespace: Any, local: Any) -> None:
        if isinstance(namespace, str) and isinstance(local, str):
            self.broken.setdefault(space, set()).add(local if ":" in local else f"{namespace}:{local}")


# For the kinds that hold a list of items: the list's key and the id space of its items.
_ITEM_LISTS = {
    "roles": ("roles", "role"),
    "qualifications": ("qualifications", "qualification"),
    "progressions": ("progressions", ""),
    "supply": ("figures", ""),
}


def parse_yaml_file(path: Path, shown: str, layer: int) -> ParsedFile:
    """Parse and validate one YAML library file (raises LibraryError with every problem in it)."""
    report = yaml_report(path, shown, layer)
    if report.problems:
        raise LibraryError(report.problems)
    return report.parsed[0]


def yaml_report(path: Path, shown: str, layer: int) -> FileReport:
    """Parse and validate one YAML library file, keeping every item that passes when others fail."""
    data, lines = load_yaml(path, shown)
    if data is None:
        raise LibraryError([Problem(shown, "the file is empty", expected="a YAML mapping with a 'kind' key")])
    if not isinstance(data, dict):
        raise LibraryError(
            [Problem(shown, f"the top level is a {_kind_of(data)}", line=1, expected="a mapping with a 'kind' key")]
        )
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in FILE_MODELS:
        raise LibraryError([_bad_kind(shown, kind, line_for(lines, ("kind",)))])
    model_cls = FILE_MODELS[kind]
    report = FileReport()
    try:
        report.parsed.append(ParsedFile(path, shown, layer, model_cls.model_validate(data), lines))
        return report
    except ValidationError as err:
        errors = err.errors()
    report.problems = [problem_from_error(shown, lines, e, model_cls) for e in errors]
    namespace = data.get("namespace", "local")
    if kind == "framework":  # one item: every competency it defines is broken with it
        for area in _dicts(data.get("areas")):
            for function in _dicts(area.get("functions")):
                for competency in _dicts(function.get("competencies")):
                    report.mark_broken("competency", namespace, competency.get("id"))
        return report
    if kind not in _ITEM_LISTS or not isinstance(data.get(_ITEM_LISTS[kind][0]), list):
        return report
    key, space = _ITEM_LISTS[kind]
    items = data[key]
    bad = {e["loc"][1] for e in errors if len(e["loc"]) >= 2 and e["loc"][0] == key and isinstance(e["loc"][1], int)}
    whole_file = any(not (len(e["loc"]) >= 2 and e["loc"][0] == key) for e in errors)
    keep = [] if whole_file else [i for i in range(len(items)) if i not in bad]
    for i, item in enumerate(items):
        if space and i not in keep and isinstance(item, dict):
            report.mark_broken(space, namespace, item.get("id"))
    if keep:  # the file again with only its good items, lines renumbered to match
        renumber = {old: new for new, old in enumerate(keep)}
        kept_lines = {
            (loc[:1] + (renumber[loc[1]],) + loc[2:] if len(loc) >= 2 and loc[0] == key else loc): line
            for loc, line in lines.items()
            if not (len(loc) >= 2 and loc[0] == key and loc[1] not in renumber)
        }
        try:
            model = model_cls.model_validate({**data, key: [items[i] for i in keep]})
        except ValidationError:  # the good items do not stand on their own: nothing is kept
            return report
        report.parsed.append(ParsedFile(path, shown, layer, model, kept_lines))
    return report


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def read_model_file(path: Path, model_cls: type[Model], kind: str) -> Model:
    """Read one standalone YAML file (a passport, a needs or a team file) into its model, with every
    problem located; `kind` may be left out of the file."""
    from frameworks.errors import display_path

    shown = display_path(path)
    data, lines = load_yaml(path, shown, what=f"a {kind} YAML file")
    if not isinstance(data, dict):
        raise LibraryError([Problem(shown, f"not a {kind} file", line=1, expected=f"a mapping with kind: {kind}")])
    given = data.setdefault("kind", kind)
    if given != kind:
        raise LibraryError(
            [
                Problem(
                    shown,
                    f"this is a {quote(given)} file, not a {kind} file",
                    line=line_for(lines, ("kind",)),
                    key="kind",
                    expected=f"a {kind} file (`pathways schema {kind}` shows the format)",
                )
            ]
        )
    try:
        return model_cls.model_validate(data)
    except ValidationError as err:
        raise LibraryError([problem_from_error(shown, lines, e, model_cls) for e in err.errors()]) from None


def _bad_kind(shown: str, kind: Any, line: int | None) -> Problem:
    kinds = ", ".join(FILE_MODELS)
    if kind is None:
        return Problem(shown, "no 'kind' key", line=line or 1, expected=f"kind: one of {kinds}")
    if not isinstance(kind, str):
        return Problem(
            shown, f"a {_kind_of(kind)} where one word belongs", line=line, key="kind", expected=f"one of {kinds}"
        )
    near = process.extractOne(str(kind), list(FILE_MODELS))
    hint = f"; did you mean '{near[0]}'?" if near and near[1] >= 60 else ""
    return Problem(shown, f"unknown kind {quote(kind)}{hint}", line=line, key="kind", expected=f"one of {kinds}")


def problem_from_error(shown: str, lines: LineMap, error: Any, model_cls: type[BaseModel]) -> Problem:
    """Translate one pydantic error into words a person editing the file understands."""
    # "[key]" and "<tag>" (the branch of a tagged union) are pydantic's, not places in the file
    loc = tuple(part for part in error["loc"] if part != "[key]" and not str(part).startswith("<"))
    kind = error["type"]
    line = line_for(lines, loc)
    if kind == "missing":
        return Problem(shown, f"missing required field '{loc[-1]}'", line, key_path(loc[:-1]) or "(top level)")
    if kind == "extra_forbidden":
        allowed = _fields_at(model_cls, loc[:-1])
        near = process.extractOne(str(loc[-1]), allowed) if allowed else None
        hint = f"; did you mean '{near[0]}'?" if near and near[1] >= 70 else ""
        return Problem(
            shown,
            f"unknown field '{loc[-1]}'{hint}",
            line,
            key_path(loc[:-1]) or "(top level)",
            expected="one of " + ", ".join(allowed) if allowed else "",
        )
    got = error.get("input")
    if kind == "string_pattern_mismatch" and error.get("ctx", {}).get("pattern") == AS_OF:
        return Problem(
            shown, f"{quote(got)} is not a date", line, key_path(loc), expected="2022, 2021/22, 2023-02 or undated"
        )
    if kind == "string_pattern_mismatch":
        return Problem(
            shown,
            f"{quote(got)} is not a valid id",
            line,
            key_path(loc),
            expected="lower-case letters, digits, '.', '-' or '_', optionally 'namespace:' first",
        )
    message = error["msg"]
    if message.startswith("Input should be "):
        return Problem(shown, f"wrong value {_short(got)}", line, key_path(loc), expected=message[16:])
    message = message.removeprefix("Value error, ").replace(" after validation", "")
    return Problem(shown, f"{message[0].lower()}{message[1:]}", line, key_path(loc))


def _short(value: Any) -> str:
    return quote(value, 60) if not isinstance(value, (dict, list)) else type(value).__name__


def _kind_of(value: Any) -> str:
    return {list: "list", str: "plain text", int: "number", float: "number"}.get(type(value), type(value).__name__)


def _fields_at(model_cls: Any, loc: tuple) -> list[str]:
    """Names of the fields allowed at a location, found by walking the model's annotations."""
    current: Any = model_cls
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = typing.get_args(current)
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = _field_by_key(current, part)
            current = field.annotation if field else None
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _field_by_key(model_cls: type[BaseModel], key: str) -> Any:
    for name, field in model_cls.model_fields.items():
        if key in (name, field.alias):
            return field
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Optional/Annotated so that list[...] and models show through."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = options[0] if len(options) == 1 else annotation
            if len(options) != 1:
                return annotation
        else:
            return annotation
