"""Typed results: how a question's answer becomes JSON, and the JSON Schema of each kind.

Every Session question returns a dataclass defined next to the code that answers it (`pathways.routes`,
`pathways.overlap`, ...). Their JSON form is their fields, recursively (`as_json`); numbers are kept
exact in the result and rounded only when the answer is formatted for a reader (`as_json(..., rounded=
True)`), to the digits a field declares with `digits(n)`. `pathways schema result-KIND` prints
`result_schema(KIND)`, generated from the same types by pydantic (imported only there, so the query path
stays light).
"""

from __future__ import annotations

import dataclasses
import importlib
import math
from typing import Any

RESULT_KINDS: dict[str, str] = {
    # kind (as in `pathways schema result-KIND`) -> "module:Class"
    "find": "pathways.library:FindResults",
    "role": "pathways.library:RoleRecord",
    "roles": "pathways.library:RoleList",
    "frameworks": "pathways.library:FrameworkList",
    "framework": "pathways.library:FrameworkRecord",
    "qualifications": "pathways.library:QualificationList",
    "qualification": "pathways.library:QualificationRecord",
    "overlap": "pathways.overlap:Overlap",
    "similar-roles": "pathways.overlap:SimilarRoles",
    "overlap-matrix": "pathways.overlap:OverlapMatrix",
    "similar": "pathways.competencies:SimilarCompetencies",
    "crosswalk": "pathways.competencies:Crosswalk",
    "routes": "pathways.routes:RoutesAnswer",
    "routes-into": "pathways.routes:WaysInto",
    "team-design": "pathways.teams:TeamDesign",
    "team-assess": "pathways.teams:TeamAssessment",
    "jd": "pathways.jd:JobDescription",
    "pipeline": "pathways.pipeline:Pipeline",
    "validate": "pathways.library:Validation",
    "graph-stats": "pathways.library:GraphStats",
    "team-templates": "pathways.library:TeamTemplates",
    "push": "pathways.publish:PushReport",
    "verify": "pathways.publish:Verification",
}


def digits(n: int, **kwargs: Any) -> Any:
    """A dataclass field whose number is shown rounded to `n` decimals (`x: float = digits(1)`)."""
    metadata = {**kwargs.pop("metadata", {}), "digits": n}
    return dataclasses.field(metadata=metadata, **kwargs)


def named(json_name: str, **kwargs: Any) -> Any:
    """A dataclass field whose JSON key is not a Python name (`from_: str = named("from")`)."""
    metadata = {**kwargs.pop("metadata", {}), "json_name": json_name}
    return dataclasses.field(metadata=metadata, **kwargs)


def _key(f: dataclasses.Field) -> str:
    return f.metadata.get("json_name", f.name)


def _round(value: Any, places: int | None) -> Any:
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return None  # JSON has no NaN: "no figure"
        return round(value, places) if places is not None else value
    if isinstance(value, list):
        return [_round(v, places) for v in value]
    return value


# Each result class's fields as (attribute, JSON key, digits), read once: an answer has thousands of objects.
_LAYOUTS: dict[type, list[tuple[str, str, int | None]]] = {}
_PLAIN = (str, int, bool, type(None))  # as they are in JSON


def as_json(value: Any, rounded: bool = False) -> Any:
    """The JSON form of a result: dataclasses as objects of their fields (in declaration order), tuples
    and sets as lists, dict keys as strings. With `rounded`, floats are rounded as their fields declare."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    layout = _LAYOUTS.get(kind)
    if layout is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        layout = _LAYOUTS[kind] = [(f.name, _key(f), f.metadata.get("digits")) for f in dataclasses.fields(value)]
    if layout is not None:
        out = {}
        for name, key, places in layout:
            item = as_json(getattr(value, name), rounded)
            out[key] = _round(item, places) if rounded else item
        return out
    if isinstance(value, dict):
        return {str(k): as_json(v, rounded) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [as_json(v, rounded) for v in value]
    if isinstance(value, (set, frozenset)):
        return [as_json(v, rounded) for v in sorted(value)]
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def result_type(kind: str) -> type:
    """The result class of a kind; KeyError for an unknown one."""
    module, name = RESULT_KINDS[kind].split(":")
    return getattr(importlib.import_module(module), name)


def result_schema(kind: str) -> dict:
    """The JSON Schema of a result kind, generated from its type."""
    from pydantic import TypeAdapter

    kind_type = result_type(kind)
    schema = TypeAdapter(kind_type).json_schema(mode="serialization")
    for cls in _dataclasses_in(kind_type):  # JSON keys that are not Python names (`from`); no undeclared keys
        renames = {f.name: _key(f) for f in dataclasses.fields(cls) if _key(f) != f.name}
        own = schema if schema.get("title") == cls.__name__ else None
        for target in [schema.get("$defs", {}).get(cls.__name__), own]:
            if target:
                target["properties"] = {renames.get(k, k): v for k, v in target.get("properties", {}).items()}
                target["required"] = [renames.get(k, k) for k in target.get("required", [])]
                target["additionalProperties"] = False  # a key the type does not declare is a contract break
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", kind)
    return schema


def _dataclasses_in(tp: Any, seen: set | None = None) -> set[type]:
    """Every dataclass a type refers to, through lists, dicts, unions and fields."""
    import typing

    seen = set() if seen is None else seen
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if tp in seen:
            return seen
        seen.add(tp)
        for hint in typing.get_type_hints(tp).values():
            _dataclasses_in(hint, seen)
        return seen
    for arg in typing.get_args(tp):
        _dataclasses_in(arg, seen)
    return seen
