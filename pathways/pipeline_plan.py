"""Reading a pipeline plan (`kind: pipeline`, FORMATS.md) and resolving it against the library: the
plan checked, its role names and flows matched to roles and progression links (training months taken
from the links where the plan gives none), its area found, and each role's starting figures looked up.

Split from pathways.pipeline to keep modules short: pathways.pipeline.project calls it (and re-exports
read_plan), and the projection engine, results and notes stay there. A plan file's problems are located
(file, line, key path) and collected, then raised together (`_Where.done`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from frameworks.errors import LibraryError, Problem, display_path, key_path
from graph.build import node_id
from graph.lookup import NotFound, find
from graph.supply import Figure, find_area, supply_data, supply_of
from pathways.errors import QuestionError

if TYPE_CHECKING:
    import networkx as nx

    from frameworks.models import PipelinePlan
    from pathways.pipeline import PipelineRole


class _Where:
    """Locates the problems of one plan (a file's lines, or the key path alone for a plan given as data)."""

    def __init__(self, shown: str, lines: Mapping | None = None):
        self.shown, self.lines, self.problems = shown, lines or {}, []

    def problem(self, loc: tuple, message: str, expected: str = "") -> None:
        from frameworks.yamlfile import line_for

        self.problems.append(Problem(self.shown, message, line_for(self.lines, loc), key_path(loc), expected))

    def done(self) -> None:
        if self.problems:
            raise LibraryError(self.problems)


def read_plan(plan: str | Path | Mapping[str, Any] | PipelinePlan) -> tuple[PipelinePlan, _Where]:
    """A plan file (YAML), a plan as data, or a PipelinePlan, checked against the format."""
    from pydantic import ValidationError

    from frameworks.models import PipelinePlan
    from frameworks.parse import problem_from_error, read_model_file
    from frameworks.yamlfile import load_yaml

    if isinstance(plan, PipelinePlan):
        return plan, _Where("plan")
    if isinstance(plan, Mapping):
        data = {"kind": "pipeline", **plan}
        try:
            return PipelinePlan.model_validate(data), _Where("plan")
        except ValidationError as err:
            raise LibraryError([problem_from_error("plan", {}, e, PipelinePlan) for e in err.errors()]) from None
    path = Path(plan)
    model = read_model_file(path, PipelinePlan, "pipeline")
    shown = display_path(path)
    return model, _Where(shown, load_yaml(path, shown)[1])


def _role(graph: nx.MultiDiGraph, name: str, where: _Where, loc: tuple) -> str | None:
    """The role a name in the plan means exactly (id, title or alias); a near miss is a problem with the
    nearest name, as in every file a user writes."""
    try:
        match = find(graph, "Role", name)
    except NotFound as err:
        near = [qid for qid, _ in err.candidates[:3]]
        if err.ambiguous:
            where.problem(loc, f"role '{name}' is ambiguous: it may be {', '.join(near)}")
        else:
            where.problem(loc, f"unknown role '{name}'" + (f"; did you mean '{near[0]}'?" if near else ""))
        return None
    if match.how == "fuzzy":
        where.problem(loc, f"unknown role '{name}'; did you mean '{match.qid}'?")
        return None
    return match.qid


def _link(graph: nx.MultiDiGraph, a: str, b: str) -> dict | None:
    return graph.get_edge_data(node_id("Role", a), node_id("Role", b), key="PROGRESSES_TO")


def _title(graph: nx.MultiDiGraph, qid: str) -> str:
    return graph.nodes[node_id("Role", qid)]["title"]


def _training_months(graph: nx.MultiDiGraph, chain: list[str], where: _Where, loc: tuple) -> tuple[float, str] | None:
    """The months of the library's links along from -> via... -> to, or a problem saying what is missing
    (naming a training post that would join the two roles, when the library has one)."""
    total, words = 0.0, []
    for a, b in zip(chain, chain[1:], strict=False):
        edge = _link(graph, a, b)
        if edge is None:
            between = [
                graph.nodes[m]["id"]
                for _, m, k in graph.out_edges(node_id("Role", a), keys=True)
                if k == "PROGRESSES_TO" and _link(graph, graph.nodes[m]["id"], b) is not None
            ]
            hint = f"; did you mean via: [{between[0]}]?" if between and len(chain) == 2 else ""
            where.problem(
                loc,
                f"the library has no progression link from {a} to {b} to take the training months from{hint}",
                expected="months: the training time, or via: the training posts on the way",
            )
            return None
        total += float(edge.get("months") or 0)
        words.append(f"{a} -> {b} {float(edge.get('months') or 0):g}")
    return total, "library link" + ("s " if len(words) > 1 else " ") + ", ".join(words)


@dataclass
class _Flow:
    src: str
    dst: str
    via: list[str]
    places: int
    months: float
    months_from: str
    attrition: float
    cost: float | None
    first_year: int
    last_year: int | None
    backfill: bool


def _flows(graph: nx.MultiDiGraph, plan: PipelinePlan, where: _Where) -> list[_Flow]:
    flows = []
    for i, flow in enumerate(plan.flows):
        loc = ("flows", i)
        src = _role(graph, flow.from_role, where, (*loc, "from"))
        dst = _role(graph, flow.to, where, (*loc, "to"))
        via = [_role(graph, v, where, (*loc, "via", j)) for j, v in enumerate(flow.via)]
        if src is None or dst is None or None in via:
            continue
        if src == dst:
            where.problem((*loc, "to"), f"a flow from {src} to itself", expected="a flow to another role")
            continue
        if flow.months is not None:
            months = (flow.months, "plan")
        else:
            months = _training_months(graph, [src, *via, dst], where, loc)
            if months is None:
                continue
        flows.append(
            _Flow(
                src,
                dst,
                [v for v in via if v is not None],
                flow.places,
                *months,
                flow.attrition,
                flow.cost,
                flow.first_year or 1,
                flow.last_year,
                flow.backfill,
            )
        )
    return flows


def _area(graph: nx.MultiDiGraph, plan: PipelinePlan, area: str | None, where: _Where) -> str | None:
    """The area id: `area` (an option, whose mistake is one line) over the plan's (a located problem)."""
    if area is not None:
        from pathways.demand import area_id

        return area_id(graph, area)
    if plan.area is None:
        return None
    if not supply_data(graph)["areas"]:
        where.problem(
            ("area",),
            f"no area '{plan.area}': this library has no workforce supply figures",
            "a kind: supply file (frameworks/FORMATS.md), or no area in the plan",
        )
        return None
    try:
        return find_area(graph, plan.area)
    except NotFound as err:
        near = [a for a, _ in err.candidates[:3]]
        where.problem(
            ("area",), f"unknown area '{plan.area}'", "one of the areas of the supply figures: " + ", ".join(near)
        )
        return None


def _said(figure: Figure) -> str:
    return f"{figure.subject}, {figure.area_name}, {figure.as_of} ({figure.source})"


@dataclass
class _Figures:
    start: PipelineRole
    vacancy_known: bool


def _own_headcount(graph: nx.MultiDiGraph, qid: str, area: str | None) -> tuple[int | None, str]:
    """The role's own headcount in the area (never a staff group's or a larger area's), else why not."""
    if area is None:
        return None, "no area given"
    figure = supply_of(graph, qid, area).get("headcount")
    if figure is None:
        return None, f"none in {supply_data(graph)['areas'][area]['name']}"
    if figure.subject != _title(graph, qid):
        return None, f"only one for {figure.subject} as a whole in {figure.area_name}: {figure.value:,}"
    if figure.area != area:
        return None, f"only one for the larger area {figure.area_name}: {figure.value:,}"
    return int(figure.value), _said(figure)


def _figures(graph: nx.MultiDiGraph, qid: str, given: Any, area: str | None, missing: list[str]) -> _Figures | None:
    """A role's starting figures: the plan's where given, else the library's supply figures. What cannot be
    found is added to `missing` (one entry per role) and None returned."""
    known = supply_of(graph, qid, area) if area is not None else {}
    title, lacks = _title(graph, qid), {}
    if given is not None and given.headcount is not None:
        headcount, headcount_from = float(given.headcount), "plan"
    else:
        value, headcount_from = _own_headcount(graph, qid, area)
        if value is None:
            lacks["headcount"] = f"no headcount ({headcount_from})"
        headcount = float(value or 0)
    if given is not None and given.turnover_rate is not None:
        turnover, turnover_from = given.turnover_rate, "plan"
    elif "turnover_rate" in known:
        turnover, turnover_from = float(known["turnover_rate"].value), _said(known["turnover_rate"])
    else:
        lacks["turnover_rate"] = "no turnover rate" + (
            f" in {supply_data(graph)['areas'][area]['name']} or larger areas" if area else " (no area given)"
        )
        turnover, turnover_from = 0.0, ""
    vacancy_known = True
    if given is not None and given.establishment is not None:
        establishment, establishment_from = float(given.establishment), "plan"
    elif given is not None and given.vacancy_rate is not None:
        establishment = headcount / (1 - given.vacancy_rate)
        establishment_from = f"headcount / (1 - vacancy rate {given.vacancy_rate:g} from the plan)"
    elif "vacancy_rate" in known:
        rate = float(known["vacancy_rate"].value)
        establishment = headcount / (1 - rate) if rate < 1 else headcount
        establishment_from = f"headcount / (1 - vacancy rate {rate:g}: {_said(known['vacancy_rate'])})"
    else:
        establishment, establishment_from, vacancy_known = headcount, "headcount (no vacancy rate known)", False
    if lacks:
        example = ", ".join(f"{key}: {'N' if key == 'headcount' else '0.1'}" for key in lacks)
        missing.append(
            f"{title}: {' and '.join(lacks.values())}; give it in the plan, roles: {{{title}: {{{example}}}}}"
        )
        return None
    from pathways.pipeline import PipelineRole  # here, not above: pathways.pipeline imports this module

    recruits = given.recruits if given is not None else None
    start = PipelineRole(
        qid, title, headcount, headcount_from, establishment, establishment_from, turnover, turnover_from, recruits
    )
    return _Figures(start, vacancy_known)


def _with_headcount(graph: nx.MultiDiGraph, area: str | None) -> list[str]:
    """`roles: all`: every role with its own headcount in the area."""
    if area is None:
        raise QuestionError("roles: all needs an area (area: in the plan, or --area) to find headcounts in")
    roles = [d["id"] for _, d in graph.nodes(data=True) if d.get("kind") == "Role"]
    return [qid for qid in sorted(roles) if _own_headcount(graph, qid, area)[0] is not None]
