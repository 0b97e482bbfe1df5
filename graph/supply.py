"""Supply figures for a role in an area: each measure from the closest place and narrowest subject.

The library's supply data (graph.graph["supply"], see frameworks/supply.py) holds figures per area and per
role or staff group. For one role in one area, each measure is looked up on its own, so a county's
turnover and England's vacancy rate can stand side by side, each saying where and when it is from:
- areas: the area asked for first, then each larger area it is `within`;
- in an area: a figure for the role itself, then the smallest staff group holding the role, since a wide
  group's rate is mostly its largest roles' (adult social care's 7.0% in 2024/25 is the care workers', not
  the one social worker post in ten vacant that the Tower Hamlets strategy reports);
- for the same subject: the newest figure (by its `as_of`; an undated figure last). Every figure says its
  date, so an older specific figure is never mistaken for a current one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from frameworks.vocabulary import SUPPLY_MEASURES
from graph.lookup import NotFound

if TYPE_CHECKING:
    import networkx as nx

MEASURES = SUPPLY_MEASURES
RATES = ("vacancy_rate", "turnover_rate", "leavers_staying_in_sector", "aged_55_plus")
# A role is hard to fill when one post in ten or more is vacant. Health and care as a whole run at about 8%
# (three times the under-3% of the whole UK economy, Tower Hamlets Together workforce strategy 2021-24), so
# a lower line would mark nearly every NHS and care role; one in ten singles out the roles that paper and
# the Staffordshire papers name as the shortages (social workers, care home nurses, specialist nursing).
HARD_TO_FILL_VACANCY = 0.10


@dataclass(frozen=True)
class Figure:
    """One measure's value and where it comes from."""

    value: Any
    area: str
    area_name: str
    subject: str  # the role's title, or the staff group's name
    as_of: str
    source: str


def supply_data(graph: nx.MultiDiGraph) -> dict:
    return graph.graph.get("supply") or {"areas": {}, "staff_groups": {}, "figures": []}


def find_area(graph: nx.MultiDiGraph, text: str) -> str:
    """The area id for what a person typed (id or name, any case); NotFound lists the nearest areas."""
    areas = supply_data(graph)["areas"]
    for area_id, area in areas.items():
        if text.strip().lower() in (area_id, area["name"].lower()):
            return area_id
    from rapidfuzz import fuzz, utils

    def score(area_id: str) -> float:  # plain spelling distance: area names are short (Kent), so any guess helps
        return max(
            fuzz.ratio(text, name, processor=utils.default_process) for name in (area_id, areas[area_id]["name"])
        )

    scored = sorted(((score(a), a) for a in areas), reverse=True)
    near = [(a, areas[a]["name"]) for value, a in scored[:3] if value >= 60]
    raise NotFound("Area", text, near or [(a, v["name"]) for a, v in list(areas.items())[:5]])


def area_chain(graph: nx.MultiDiGraph, area: str) -> list[str]:
    """The area and every larger area it lies within, closest first."""
    areas = supply_data(graph)["areas"]
    chain: list[str] = []
    while area in areas and area not in chain:
        chain.append(area)
        area = areas[area].get("within")
    return chain


def _date_key(as_of: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", as_of)) if as_of != "undated" else (0,)


def supply_of(graph: nx.MultiDiGraph, role: str, area: str) -> dict[str, Figure]:
    """Every measure known for the role (a qualified role id) in the area or the areas it lies within."""
    data = supply_data(graph)
    areas, groups = data["areas"], data["staff_groups"]
    title = graph.nodes[f"role:{role}"]["title"] if graph.has_node(f"role:{role}") else role
    found: dict[str, Figure] = {}
    for place in area_chain(graph, area):
        candidates = []
        for figure in data["figures"]:
            if figure["area"] != place:
                continue
            if figure["role"] == role:
                rank, subject = 0, title
            elif figure["staff_group"] and role in groups[figure["staff_group"]]["roles"]:
                group = groups[figure["staff_group"]]
                rank, subject = len(group["roles"]), group["name"]
            else:
                continue
            candidates.append(((rank, tuple(-n for n in _date_key(figure["as_of"]))), subject, figure))
        for _, subject, figure in sorted(candidates, key=lambda c: c[0]):
            for measure in MEASURES:
                if measure not in found and figure.get(measure) is not None:
                    source = figure["source"][0]["title"] if figure["source"] else figure["file"]
                    found[measure] = Figure(
                        figure[measure], place, areas[place]["name"], subject, figure["as_of"], source
                    )
    return found


def vacancy_rates(graph: nx.MultiDiGraph, roles: list[str], area: str) -> dict[str, float]:
    """Vacancy rate per role where one is known (roles without a figure are left out)."""
    rates = {}
    for role in roles:
        figure = supply_of(graph, role, area).get("vacancy_rate")
        if figure is not None:
            rates[role] = float(figure.value)
    return rates
