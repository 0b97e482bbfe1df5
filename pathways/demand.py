"""Demand: the workforce supply figures of a role in an area, and routes ranked towards the jobs.

A careers adviser's "where are the jobs" question. For one role in one area (`roles show ROLE --area A`)
every measure the library's supply data knows is given with where, when and from what it comes; each
measure is looked up on its own (graph.supply.supply_of: the closest area, then the narrowest subject,
then the newest date), so a county's vacancy rate may stand beside England's turnover, each labelled.

Routes with an area (`routes FROM --area A`) carry each destination's vacancy and turnover. With
`prefer="shortage"`, within each tier of the usual ranking (ladder, recognised, inferred) routes into a
hard-to-fill role (a vacancy rate of graph.supply.HARD_TO_FILL_VACANCY or more) come first, the highest
vacancy first; every other route keeps its place, and a recognised route is never put behind an inferred
one for its destination's vacancies. Without an area, shortage is judged on England's figures (a notice
says so).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph.supply import HARD_TO_FILL_VACANCY, MEASURES, RATES, Figure, find_area, supply_data, supply_of
from pathways.errors import QuestionError
from pathways.results import digits

if TYPE_CHECKING:
    import networkx as nx

    from graph.matching import Matcher
    from pathways.routes import RoutesAnswer

PREFERENCES = ("shortage",)
DEFAULT_AREA = "england"  # where shortage is judged when no area is asked for


@dataclass
class PayFigure:
    """Mean pay as published: an amount a period."""

    amount: float = digits(2)
    period: str = "year"


@dataclass
class SupplyFigure:
    """One measure for a role in an area: its value (rates are fractions 0-1) and where it comes from:
    the area it was published for (the one asked for, or a larger one it lies within), the subject (the
    role itself or the staff group holding it), the date and the source."""

    measure: str  # headcount, fte, vacancy_rate, turnover_rate, leavers_staying_in_sector, aged_55_plus, mean_pay
    value: int | float | PayFigure = digits(4)
    area: str
    area_name: str
    subject: str
    as_of: str
    source: str


@dataclass
class RouteDemand:
    """A route's destination in the area asked for: its vacancy and turnover (None: no figure known in the
    area or any area it lies within), whether it is hard to fill, and the reasons in words."""

    area: str
    area_name: str
    vacancy_rate: SupplyFigure | None
    turnover_rate: SupplyFigure | None
    hard_to_fill: bool
    reasons: list[str] = field(default_factory=list)


def area_id(graph: nx.MultiDiGraph, text: str) -> str:
    """The area a person named (id or name, any case): graph.lookup.NotFound lists the nearest areas;
    a library with no supply data at all is a QuestionError saying so."""
    if not supply_data(graph)["areas"]:
        raise QuestionError(
            f"no workforce supply figures in this library, so no area '{text}': add a `kind: supply` file"
            " (see frameworks/FORMATS.md)"
        )
    return find_area(graph, text)


def supply_figure(measure: str, figure: Figure) -> SupplyFigure:
    value = figure.value
    if isinstance(value, dict):  # mean pay: {amount, period}
        value = PayFigure(float(value["amount"]), value.get("period", "year"))
    elif measure in RATES:
        value = float(value)
    return SupplyFigure(measure, value, figure.area, figure.area_name, figure.subject, figure.as_of, figure.source)


def role_supply(graph: nx.MultiDiGraph, role: str, area: str) -> list[SupplyFigure]:
    """Every measure known for a role (a qualified id) in an area (an area id), in MEASURES order;
    [] when neither the area nor any area it lies within has a figure for the role or its groups."""
    found = supply_of(graph, role, area)
    return [supply_figure(m, found[m]) for m in MEASURES if m in found]


def is_shortage(vacancy: SupplyFigure | Figure | float | None) -> bool:
    """Hard to fill: a vacancy rate of HARD_TO_FILL_VACANCY (10%) or more. No figure is not a shortage."""
    if vacancy is None:
        return False
    value = vacancy if isinstance(vacancy, (int, float)) else vacancy.value
    return float(value) >= HARD_TO_FILL_VACANCY


def percent(rate: float) -> str:
    """A rate for people: 0.16 -> '16%', 0.099 -> '9.9%'."""
    return f"{rate * 100:.1f}".removesuffix(".0") + "%"


MEASURE_WORDS = {  # how `roles show --area` and the role page name each measure
    "headcount": "staff in post",
    "fte": "full-time equivalent",
    "vacancy_rate": "vacancy rate",
    "turnover_rate": "turnover rate",
    "leavers_staying_in_sector": "leavers staying in the sector",
    "aged_55_plus": "aged 55 or over",
    "mean_pay": "mean pay",
}
# counts and pay of a whole staff group, never to be read as the role's own
GROUP_WORDS = {"headcount": " (whole group)", "fte": " (whole group)", "mean_pay": " (group average)"}


def measure_label(measure: str, subject: str, role_title: str) -> str:
    """A measure's name for people, saying when a count or a pay is a whole staff group's."""
    words = MEASURE_WORDS.get(measure, measure)
    return words + GROUP_WORDS[measure] if measure in GROUP_WORDS and subject != role_title else words


def value_text(measure: str, value: Any) -> str:
    """A figure's value for people: '20%' for a rate, '£12.50 an hour' for pay ({amount, period}, as JSON or
    a PayFigure), '9,072' for a count."""
    if measure in RATES:
        return percent(float(value))
    if isinstance(value, (int, float)):
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    amount, period = (value["amount"], value.get("period")) if isinstance(value, dict) else (value.amount, value.period)
    shown = f"£{float(amount):,.2f}".removesuffix(".00")
    period = period or "year"
    return f"{shown} {'an' if period == 'hour' else 'a'} {period}"


def figure_words(figure: SupplyFigure) -> str:
    """Where a figure is from, in words: '(Registered nurses, Kent, 2021/22)'."""
    return f"({figure.subject}, {figure.area_name}, {figure.as_of})"


def route_demand(graph: nx.MultiDiGraph, role: str, area: str) -> RouteDemand:
    """A destination's vacancy and turnover in an area, and why it counts as hard to fill (or not)."""
    found = supply_of(graph, role, area)
    vacancy, turnover = (supply_figure(m, found[m]) if m in found else None for m in ("vacancy_rate", "turnover_rate"))
    name = area_name(graph, area)
    if vacancy is None:
        reasons = [f"No vacancy figure for this role in {name} or any area it lies within."]
    elif is_shortage(vacancy):
        reasons = [f"Into a hard-to-fill role: vacancy {percent(vacancy.value)} {figure_words(vacancy)}."]
    else:
        floor = percent(HARD_TO_FILL_VACANCY)
        reasons = [f"Vacancy {percent(vacancy.value)} {figure_words(vacancy)}: below the {floor} of a shortage role."]
    return RouteDemand(area, name, vacancy, turnover, is_shortage(vacancy), reasons)


def shortage_first(graph: nx.MultiDiGraph, area: str) -> Callable[[str], float]:
    """The routes ranking's hook (RoutePlanner `preference`): for a destination role, minus its vacancy
    rate when it is hard to fill (so the highest vacancy sorts first), else 0 (its place is kept)."""
    memo: dict[str, float] = {}

    def preference(role: str) -> float:
        if role not in memo:
            vacancy = supply_of(graph, role, area).get("vacancy_rate")
            memo[role] = -float(vacancy.value) if is_shortage(vacancy) else 0.0
        return memo[role]

    return preference


def shortage_rule(area_name: str) -> str:
    floor = percent(HARD_TO_FILL_VACANCY)
    return (
        f" Preferring shortage: within each kind of route, routes into hard-to-fill roles (a vacancy rate of"
        f" {floor} or more in {area_name}, or the nearest larger area with a figure) come first, the highest"
        " vacancy first; the other routes keep their order."
    )


def demand_routes(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    area: str | None,
    prefer: str | None,
    notices: list[str],
    **request,
) -> RoutesAnswer:
    """pathways.routes.find_routes with the destinations' demand in `area` (an area id, or None) and, with
    prefer="shortage", shortage roles first within each tier (England when no area is given: said in
    `notices`)."""
    from pathways.routes import find_routes

    if prefer is not None and prefer not in PREFERENCES:
        raise QuestionError(f"unknown preference '{prefer}'; known: {', '.join(PREFERENCES)}")
    if prefer and area is None:
        area = area_id(graph, DEFAULT_AREA)
        notices.append(f"no --area given: shortage judged on {area_name(graph, area)}'s figures")
    preference = shortage_first(graph, area) if prefer == "shortage" and area else None
    answer = find_routes(graph, matcher, preference=preference, **request)
    if area is None:
        return answer
    answer.area, answer.prefer = area, prefer
    if prefer == "shortage":
        answer.ranking += shortage_rule(area_name(graph, area))
    for route in answer.routes:
        route.demand = route_demand(graph, route.roles[-1], area)
    return answer


def area_name(graph: nx.MultiDiGraph, area: str) -> str:
    return supply_data(graph)["areas"][area]["name"]
