"""Resolve `kind: supply` files: areas, staff groups and dated figures, checked across the library.

Areas and staff groups are plain ids shared by every file (a place is not a namespace's own); a later
layer may redefine them. Figures are kept per (area, subject): the newest layer that gives any figure for
an area's role or staff group replaces what earlier layers gave for it, so a user's own figures win per
area and the bundled ones stand elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rapidfuzz import process

from frameworks.models import SUPPLY_MEASURES, SupplyFile

if TYPE_CHECKING:
    from frameworks.errors import Problem
    from frameworks.parse import ParsedFile

Reference = Callable[[str, str, object, str, "ParsedFile", tuple], "str | None"]


def _defined(parsed: list[ParsedFile], key: str, problems: list[Problem]) -> dict[str, tuple[object, ParsedFile]]:
    """Areas or staff groups from every supply file; the same id twice in one layer is an error."""
    found: dict[str, tuple[object, ParsedFile]] = {}
    for p in parsed:
        for name, item in getattr(p.model, key).items():
            earlier = found.get(name)
            if earlier and earlier[1].layer == p.layer and earlier[0] != item:
                problems.append(
                    p.problem(
                        (key, name),
                        f"{key[:-1].replace('_', ' ')} '{name}' is also defined in {earlier[1].shown}",
                        expected="each id defined once per layer",
                    )
                )
                continue
            found[name] = (item, p)
    return found


def _unknown(p: ParsedFile, loc: tuple, what: str, name: str, known: list[str]) -> Problem:
    near = [m[0] for m in process.extract(name, known, limit=3, score_cutoff=60)]
    hint = "; did you mean " + " or ".join(f"'{n}'" for n in near) + "?" if near else ""
    return p.problem(
        loc,
        f"unknown {what} '{name}'{hint}",
        expected=f"the id of {'an' if what[0] in 'aeiou' else 'a'} {what} a supply file declares",
    )


def resolve_supply(
    parsed: list[ParsedFile],
    roles: dict[str, object],
    families: dict[str, str],
    reference: Reference,
    problems: list[Problem],
) -> dict:
    """The library's supply data as plain data: {areas, staff_groups, figures}, every reference checked."""
    files = [p for p in parsed if isinstance(p.model, SupplyFile)]
    areas = _defined(files, "areas", problems)
    groups = _defined(files, "staff_groups", problems)
    for name, (area, p) in areas.items():
        if area.within is not None and area.within not in areas:
            problems.append(_unknown(p, ("areas", name, "within"), "area", area.within, list(areas)))
    _check_area_cycles(areas, problems)
    group_roles: dict[str, list[str]] = {}
    for name, (group, p) in groups.items():
        members = [
            reference(r, p.model.namespace, roles, "role", p, ("staff_groups", name, "roles", i))
            for i, r in enumerate(group.roles)
        ]
        for i, family in enumerate(group.families):
            if family not in families:
                problems.append(
                    _unknown(p, ("staff_groups", name, "families", i), "career family", family, list(families))
                )
        members += [qid for qid, role in roles.items() if getattr(role, "family", None) in group.families]
        group_roles[name] = sorted({m for m in members if m})
    newest_layer: dict[tuple[str, str], int] = {}
    figures: list[tuple[int, dict]] = []
    for p in files:
        for i, figure in enumerate(p.model.figures):
            loc = ("figures", i)
            if figure.area not in areas:
                problems.append(_unknown(p, loc + ("area",), "area", figure.area, list(areas)))
                continue
            if figure.role is not None:
                subject = reference(figure.role, p.model.namespace, roles, "role", p, loc + ("role",))
            elif figure.staff_group in groups:
                subject = f"group:{figure.staff_group}"
            else:
                problems.append(_unknown(p, loc + ("staff_group",), "staff group", figure.staff_group, list(groups)))
                subject = None
            if subject is None:
                continue
            key = (figure.area, subject)
            newest_layer[key] = max(newest_layer.get(key, p.layer), p.layer)
            record = {
                "area": figure.area,
                "role": subject if figure.role is not None else None,
                "staff_group": figure.staff_group,
                "as_of": figure.as_of,
                **{m: _plain(getattr(figure, m)) for m in SUPPLY_MEASURES},
                "note": figure.note or "",
                "source": [s.model_dump(exclude_none=True) for s in (figure.source or p.model.source or [])],
                "file": p.shown,
            }
            figures.append((p.layer, record))
    return {
        "areas": {name: area.model_dump() for name, (area, _) in sorted(areas.items())},
        "staff_groups": {
            name: {"name": group.name, "roles": group_roles[name]} for name, (group, _) in sorted(groups.items())
        },
        "figures": [
            record
            for layer, record in figures
            if layer == newest_layer[(record["area"], record["role"] or f"group:{record['staff_group']}")]
        ],
    }


def _plain(value: object) -> object:
    return value.model_dump() if hasattr(value, "model_dump") else value


def _check_area_cycles(areas: dict[str, tuple[object, ParsedFile]], problems: list[Problem]) -> None:
    for name, (area, p) in areas.items():
        seen, here = {name}, area.within
        while here in areas:
            if here in seen:
                problems.append(
                    p.problem(
                        ("areas", name, "within"),
                        f"area '{name}' is within itself (via '{here}')",
                        expected="areas nested without a loop",
                    )
                )
                break
            seen.add(here)
            here = areas[here][0].within
