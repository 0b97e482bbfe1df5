"""Progression routes: where someone can go from a role or a skills passport, what each step needs,
which training closes the gap, and how long it takes.

How a route is built (the README repeats it):
- Moves are *known* (a progression link in the library, with its source) or *inferred*: to a role at
  most one level up (or at the same level) whose requirements the current role already covers to at
  least INFER_MIN_COVERAGE, so that the gap is trainable.
- Each step's gap is what the target needs that is not held (or held at a lower level), counting all
  that the person holds by then: the start, every role on the route so far and its training. Training is
  the qualification the move needs (the target's required ones and the link's `via`, one alternative of
  each {any_of} group: the one already held, else the quickest the person can start), then only short
  courses the person can start that close an *essential* gap, greedily by gaps closed per month. What no
  training develops is learned on the job under supervision (listed, with no months).
- A step's months are the listed training, one after another, so they add up; `months_basis` says what
  they are made of, and `experience_months` the experience the move asks for first.
- Levels never fall unless allowed, no role appears twice, and no role above the level cap is used.
- Ranking (RANKING_RULE, said in the output too): a route is as recognised as its least recognised step:
  a *ladder* step is a known link up to the next rung of the same career family; a *recognised* step is
  any other known link (a move across families or sectors, or sideways); an *inferred* step is a move the
  library does not list. Ladder routes come first, then recognised ones, then inferred ones; within a
  tier, routes up before sideways ones, then fewer steps, then less time (training plus experience asked
  for first), then smaller gap. With a target, the whole ladder comes first: a route that climbs every
  rung the library lists between two of its roles ranks before one that skips a rung (the step says
  which, in `skips`), then less time before fewer steps. So a detour through a sideways or lower role
  never outranks a ladder to the same destination, and a shortcut is offered as the next option. Without a target each
  destination appears once and at most two routes share a first move; with a target, routes that differ
  only by sideways steps count once. A `preference` (`routes --prefer shortage`, pathways.demand) orders
  destinations within a tier, before everything else but the tier.
"""

from __future__ import annotations

import bisect
import heapq
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

import numpy as np

from frameworks.vocabulary import ENTRY_LEVEL_MAX
from graph.build import alternatives, edges_of, node_id
from graph.collector import no_cycle_collection
from graph.overlap import Cover, Need, SkillTable, cover, covered_share, match_skills, role_needs, skill_table
from graph.overlap_matrix import RequirementTable, SimilaritySource, coverage_from_holdings, covers_of_one
from graph.queries import role_summary
from pathways.demand import RouteDemand
from pathways.errors import QuestionError
from pathways.refs import QualificationRef, Resolution, RoleSummary, SourceRef
from pathways.results import digits, named

T = TypeVar("T")  # an item ordered by `smallest`

if TYPE_CHECKING:
    import networkx as nx

    from frameworks.models import PassportFile
    from graph.matching import Matcher
    from graph.overlap import SkillColumns

GRADUATE_ROUTES = ("degree", "degree_apprenticeship")
INFER_MIN_COVERAGE = 0.6
MAX_INFERRED_RISE = 1
INFERRED_PER_STATE = 15  # candidate inferred moves considered from each role, best coverage first
BEAM = 40  # partial routes kept at each depth
TARGET_BEAM = 20  # with a destination: fewer, since they must all lead there
SKILL_TABLE_MAX = 4000  # competencies: a table of every pair takes 5 bytes a pair (80 MB at 4,000)
MAX_SHARING_FIRST_MOVE = 2  # diversity: routes to different places that all begin with the same move
DEFAULT_CAP = 4  # with no cap asked for, routes go up to level 4 (Bands 1-4) first


@dataclass
class Start:
    """Where a person starts: a role, a passport, or both."""

    key: str
    title: str
    level: int
    sector: str | None
    role: str | None
    needs: list[Need]
    qualifications: set[str]
    resolutions: list[dict] = field(default_factory=list)


@dataclass
class Step:
    """A move as the search judges it, built once per holding and shared by the routes that make it: what
    ranking needs (kind, levels, shortcut, coverage, gap, training, time). Its evidence in words (what
    carries over, each gap item, what the months are made of) is written out only for the routes shown
    (RoutePlanner.route_step), since most steps the search judges are never shown."""

    from_: str
    to: str
    to_title: str
    link: dict | None
    kind: str
    level_change: list[int]
    coverage: float
    gap: list[tuple[Need, int]]  # each requirement not held to its level, with the level held (0: none)
    training: list[dict]
    entry: list[dict]  # education the move needs first: entry requirements, not training time
    closed: set[str]  # the gap's competencies the training develops to the level needed
    months: float
    experience_months: float
    skips: list[str]
    have: list[Need]  # everything held before the move, for the evidence


@dataclass
class Route:
    """A route so far, with everything the person holds by its end: what every role on it required
    and what its training developed (highest level of each), and the qualifications gained. Those two
    are worked out only for routes the search grows further (RoutePlanner.settled); None until then.
    `tier`, `sideways` and `shortcuts` sum up its steps: its least recognised step's tier, the steps that
    do not rise, and the steps that skip a rung."""

    roles: list[str]
    steps: list[Step]
    held: dict[str, Need] | None = None
    quals: frozenset[str] | None = None
    tier: int = 0
    sideways: int = 0
    shortcuts: int = 0
    arrays: tuple | None = field(default=None, repr=False, compare=False)  # RoutePlanner._holding_rows

    @property
    def months(self) -> float:
        return sum(step.months for step in self.steps)

    @property
    def gap(self) -> int:
        return sum(len(step.gap) for step in self.steps)

    @cached_property
    def holding(self) -> tuple:
        """Everything held by the route's end, as a key: a step is judged once per holding."""
        return tuple(sorted((c, n.level) for c, n in self.held.items())), self.quals


@dataclass(eq=False)
class Grown:
    """A route one move longer than `parent`, before the move is judged. What the move is (its tier,
    whether it rises, whether it skips a rung) is known from the library alone, so the search orders grown
    routes by that first and judges (RoutePlanner.judged, into `route`) only those that could make the
    beam or the answer."""

    parent: Route
    to: str
    link: dict | None
    tier: int
    sideways: int
    shortcuts: int
    route: Route | None = None

    @property
    def roles(self) -> list[str]:
        return [*self.parent.roles, self.to]


# -- the answer: typed results (their JSON form is `pathways routes --format json`, see the README) ----------
Tier = Literal["ladder", "recognised", "inferred"]


@dataclass
class RouteOrigin:
    """Where the routes start: `key` is the role id, "passport" or "education"; `role` the role held, if any;
    `holds` the qualifications the person is taken to hold (a role's required ones and those most people in
    it hold, a passport's, or the education named)."""

    key: str
    title: str
    role: str | None
    level: int
    sector: str | None
    resolutions: list[Resolution]
    holds: list[QualificationRef]


@dataclass
class RouteLimits:
    """The limits the search kept to (the cap as applied, after the defaults)."""

    max_level: int
    sector: str
    max_steps: int
    allow_step_down: bool


@dataclass
class CarriedOver:
    """A requirement of the new role met by one already held (`via`: the anchor the match went through)."""

    need: str
    have: str
    similarity: float = digits(3)
    via: str | None


@dataclass
class GapItem:
    """A requirement of the new role not held, or held below the level needed (0: not held)."""

    competency: str
    label: str
    level_needed: int
    level_held: int
    essential: bool


@dataclass
class TrainingRow:
    """A qualification a step lists: the move's own (`required`), or a short course closing essential gaps."""

    id: str
    title: str
    kind: str
    code: str | None
    months: float
    apprenticeship: bool
    closes: list[str]
    required: bool
    alternatives: list[QualificationRef]


@dataclass
class Rung:
    """A role of the usual ladder that a shortcut passes over."""

    id: str
    title: str


@dataclass
class RouteStep:
    """One move of a route: what carries over, the gap, the training that closes it and the time it takes."""

    from_: str = named("from")
    to: str
    to_title: str
    kind: Literal["known", "inferred", "entry"]
    source: list[SourceRef]
    note: str
    level_change: list[int]
    band_change: list[str | None]
    sector_change: list[str] | None
    coverage: float = digits(4)
    carries_over: list[CarriedOver]
    gap: list[GapItem]
    training: list[TrainingRow]
    entry_requirements: list[QualificationRef]
    on_the_job: list[str]
    months: float = digits(1)
    months_basis: str
    experience_months: float
    skips: list[Rung]
    tier: Tier


@dataclass
class RouteRecord:
    """A whole route, ranked as recognised as its least recognised step (`tier`)."""

    destination: RoleSummary
    roles: list[str]
    total_months: float = digits(1)
    total_gap: int
    level_change: list[int]
    cross_sector: bool
    tier: Tier
    steps: list[RouteStep]
    demand: RouteDemand | None = None  # the destination's vacancy and turnover, when an area was asked for


@dataclass
class RoutesAnswer:
    """`pathways routes`: the start, the limits, the matcher, the ranking rule in words, and the routes."""

    from_: RouteOrigin = named("from")
    to: str | None
    constraints: RouteLimits
    matcher: dict[str, str | float | int | None]
    ranking: str
    routes: list[RouteRecord]
    area: str | None = None  # the area the destinations' demand is for (pathways.demand)
    prefer: str | None = None  # "shortage": hard-to-fill destinations first within each tier


@dataclass
class Programme:
    """A programme a school leaver can apply to for a role, with what it needs first (one of each list)."""

    id: str | None
    title: str
    kind: str
    months: float
    apprenticeship: bool
    needs_first: list[list[QualificationRef]]


@dataclass
class DirectEntry(Programme):
    """The way into an entry role with no qualification first: recruited, with these checks, trained in post."""

    checks: list[str] = field(default_factory=list)


@dataclass
class WaysInto:
    """`pathways routes --into ROLE`: every recognised way in, from education and from other roles."""

    into: RoleSummary
    from_education: list[DirectEntry | Programme]
    routes: list[RouteRecord]


def start_from_role(graph: nx.MultiDiGraph, role: str) -> Start:
    """Someone in post: they hold what the role requires (the usual route of each item) and what most people
    in it hold (`usually_held`: a band 3 post's Level 3), though a move into the role asks only the first."""
    data = graph.nodes[node_id("Role", role)]
    return Start(
        role,
        data["title"],
        data["level"],
        data["sector"],
        role,
        role_needs(graph, node_id("Role", role)),
        _usual_holdings(graph, role) | set(_usually_held(graph, role)),
    )


def _usual_holdings(graph: nx.MultiDiGraph, role: str) -> set[str]:
    """The usual route of each item a role requires: its first alternative, taken through the first
    programme that counts as it where others do (`usual_programmes`): a community staff nurse, in a post
    open to every field, is taken to hold the adult field's degree (the post builds on the adult nurse)."""
    usual = counted_by(graph)
    return {usual.get(options[0], options)[0] for options in _required_qualifications(graph, role)}


def start_from_education(graph: nx.MultiDiGraph, quals: list[str]) -> Start:
    """A school leaver or returner: what their education develops, at level 1, with no role; the first
    moves are the entry roles and programmes it opens (see RoutePlanner.entry_moves)."""
    titles = [graph.nodes[node_id("Qualification", qid)]["title"] for qid in quals]
    needs = _developed(graph, quals)
    return Start("education", "From education: " + "; ".join(titles), 1, None, None, list(needs.values()), set(quals))


def _developed(graph: nx.MultiDiGraph, quals) -> dict[str, Need]:
    """What holding these qualifications develops, at the highest level any of them brings."""
    needs: dict[str, Need] = {}
    for qid in quals:
        node = node_id("Qualification", qid)
        if node not in graph:
            continue
        for target, edge in edges_of(graph, node, "DEVELOPS"):
            need = Need.of_competency(graph.nodes[target], edge["level"])
            if need.competency not in needs or needs[need.competency].level < need.level:
                needs[need.competency] = need
    return needs


def start_from_passport(graph: nx.MultiDiGraph, matcher: Matcher, passport, role: str | None = None) -> Start:
    """Holdings from a skills passport (and the role it names, if any); free text is kept in the
    person's words and matched through anchors, and each resolution is reported."""
    needs: dict[str, Need] = {}
    base = start_from_role(graph, role) if role else None
    for need in [*(base.needs if base else []), *_developed(graph, passport.qualifications).values()]:
        if need.competency not in needs or needs[need.competency].level < need.level:
            needs[need.competency] = need
    resolutions = []
    for i, held in enumerate(passport.competencies):
        if held.competency:
            data = graph.nodes[node_id("Competency", held.competency)]
            need = Need.of_competency(data, held.level)
        else:
            need = Need.of_text(f"passport:{i + 1}", held.text, held.level)
            (anchor,) = matcher.anchor_of([need.competency], [need.text])
            resolutions.append(
                {
                    "text": held.text,
                    "resolves_to": anchor,
                    "label": graph.nodes[node_id("Competency", anchor)]["label"] if anchor else None,
                }
            )
        if need.competency not in needs or needs[need.competency].level < need.level:
            needs[need.competency] = need
    levels = [n.level for n in needs.values()] or [1]
    level = base.level if base else int(statistics.median(levels))
    quals = set(passport.qualifications) | (base.qualifications if base else set())
    title = passport.name or (f"{base.title} (with passport)" if base else "Skills passport")
    return Start(
        "passport", title, level, base.sector if base else None, role, list(needs.values()), quals, resolutions
    )


def _required_qualifications(graph: nx.MultiDiGraph, role: str) -> list[list[str]]:
    """The role's required qualifications as items of alternatives: [[id]] for one that must be held,
    [[a, b, c]] where holding any one of them is enough."""
    single: list[list[str]] = []
    groups: dict[int, list[tuple[int, str]]] = {}
    for t, e in edges_of(graph, node_id("Role", role), "REQUIRES_QUALIFICATION"):
        if e["essential"]:
            if e.get("alternatives") is None:
                single.append([graph.nodes[t]["id"]])
            else:
                groups.setdefault(e["alternatives"], []).append((e.get("order", 0), graph.nodes[t]["id"]))
    # alternatives in file order (kept as `order`, so a graph read back from Neo4j answers the same)
    return sorted(single) + [[q for _, q in sorted(groups[k])] for k in sorted(groups)]


def _usually_held(graph: nx.MultiDiGraph, role: str) -> list[str]:
    """The desirable qualifications most people in the role hold (a role file's `usually_held`)."""
    edges = edges_of(graph, node_id("Role", role), "REQUIRES_QUALIFICATION")
    return [graph.nodes[t]["id"] for t, e in edges if e.get("usually_held")]


EMPLOYED_ROUTES = ("apprenticeship", "degree_apprenticeship", "top_up")
LEVEL_BEARING = ("certificate", "diploma", "apprenticeship", "degree_apprenticeship", "degree", "top_up")


def with_prerequisites(held: set[str], quals: dict[str, dict]) -> set[str]:
    """What holding `held` implies (see `implied_by`)."""
    closed = set(held)
    for qid in held:
        closed |= implied_by(qid, quals)
    return closed


def implied_by(qid: str, quals: dict[str, dict]) -> frozenset[str]:
    """What holding one qualification implies, worked out once per qualification: itself, what it counts
    as (an adult nursing degree is a nursing degree of some field), and what starting it needed: each
    single prerequisite (a nurse holds the GCSEs the degree asked for) and, of an any_of group, only what
    every alternative implies (a health visitor came in as a nurse or as a midwife: neither is implied;
    the group itself is met, see `groups_met`)."""
    qual = quals.get(qid)
    if qual is None:
        return frozenset({qid})
    if "implies" not in qual:  # the loader refuses loops through prerequisites and counts_as
        found = {qid}
        for other in qual.get("counts_as") or []:
            found |= implied_by(other, quals)
        for item in qual.get("prerequisites", []):
            found |= frozenset.intersection(*(implied_by(q, quals) for q in alternatives(item)))
        qual["implies"] = frozenset(found)
    return qual["implies"]


def groups_met(qid: str, quals: dict[str, dict]) -> frozenset[frozenset[str]]:
    """The any_of groups someone holding `qid` met on the way (its own prerequisites', and those of what
    it needed or counts as): whichever alternative they took, they took one. A district nursing SPQ holder
    is a nurse of some field; the shortened midwifery programme's, an adult nurse by one of three routes."""
    qual = quals.get(qid)
    if qual is None:
        return frozenset()
    if "groups" not in qual:
        found: set[frozenset[str]] = set()
        for item in qual.get("prerequisites", []):
            options = alternatives(item)
            if len(options) > 1:
                found.add(frozenset(options))
            else:
                found |= groups_met(options[0], quals)
        for other in qual.get("counts_as") or []:
            found |= groups_met(other, quals)
        qual["groups"] = frozenset(found)
    return qual["groups"]


def item_met(options: list[str], held: set[str], quals: dict[str, dict], by_level: bool = False) -> bool:
    """One requirement item met: an alternative held (or implied by what is held), or an any_of group met
    on the way whose every alternative implies one of `options`. With `by_level` (for what a programme
    needs first, never for a role's own registration), also a qualification held at the same or a higher
    RQF level than the lowest alternative: a Level 5 apprenticeship meets a Level 3 entry."""
    closed = with_prerequisites(held, quals)
    if any(q in closed for q in options):
        return True
    wanted = set(options)
    for group in {g for qid in held for g in groups_met(qid, quals)}:
        if all(implied_by(q, quals) & wanted for q in group):
            return True
    if not by_level:
        return False
    levels = [quals[q]["rqf_level"] for q in options if q in quals and quals[q].get("rqf_level")]
    held_levels = [
        quals[q]["rqf_level"] for q in held if q in quals and quals[q].get("qualification_kind") in LEVEL_BEARING
    ]
    return bool(levels and held_levels and max(held_levels) >= min(levels))


def prerequisites_met(qid: str, held: set[str], quals: dict[str, dict]) -> bool:
    """Whether a person holding `held` can start `qid` now."""
    return qid in quals and all(
        item_met(alternatives(item), held, quals, by_level=True) for item in quals[qid]["prerequisites"]
    )


def _choose(
    options: list[str], held: set[str], quals: dict[str, dict], employed: bool = True, by_level: bool = False
) -> str | None:
    """None when the item is already met; otherwise the alternative the person can start now, an
    apprenticeship or top-up for someone in work, else the library's usual (first) route."""
    if item_met(options, held, quals, by_level):
        return None
    known = usual_programmes([q for q in options if q in quals], quals) or options

    def ready(q: str) -> bool:
        return prerequisites_met(q, held, quals)

    def fits(q: str) -> bool:
        return (quals.get(q, {}).get("qualification_kind") in EMPLOYED_ROUTES) == employed

    return min(known, key=lambda q: (not ready(q), not fits(q), known.index(q)))


def usual_programmes(options: list[str], quals: dict[str, dict]) -> list[str]:
    """The programmes a person would take for `options`: a qualification that others count as (a nursing
    degree in any field) is taken through the first of them by id (the adult field's); the rest as they
    are, in order, once each."""
    taken: list[str] = []
    for q in options:
        usual = (quals.get(q, {}).get("counted_by") or [q])[0]
        if usual not in taken:
            taken.append(usual)
    return taken


def counted_by(graph: nx.MultiDiGraph) -> dict[str, list[str]]:
    """For each qualification that others count as, those others by id (the same from a file store or
    Neo4j): for the nursing programmes of no field, the adult field's comes first."""
    found: dict[str, list[str]] = {}
    for _, d in graph.nodes(data=True):
        if d["kind"] == "Qualification":
            for target in d.get("counts_as") or []:
                found.setdefault(target, []).append(d["id"])
    return {target: sorted(others) for target, others in found.items()}


def with_usual_programmes(graph: nx.MultiDiGraph, passport: PassportFile, notices: list[str]) -> PassportFile:
    """A passport naming a qualification that others count as (a nursing degree, no field said) is taken to
    hold the first of them (the adult field's), with a notice, unless it names one of them too: the field
    decides which posts it meets."""
    usual = counted_by(graph)
    named = set(passport.qualifications)
    held = []
    for qid in passport.qualifications:
        if qid in usual and named & set(usual[qid]):
            continue  # the passport names the programme it stands for, too
        if qid in usual:
            title = graph.nodes[node_id("Qualification", usual[qid][0])]["title"]
            notices.append(
                f"passport: {qid} stands for any of {len(usual[qid])} programmes; taken as {usual[qid][0]}"
                f" ({title}); name one of {', '.join(usual[qid])} to be exact"
            )
        held.append(usual[qid][0] if qid in usual else qid)
    return passport.model_copy(update={"qualifications": held})


def _role_qualifications(graph: nx.MultiDiGraph, role: str) -> list[str]:
    """Every qualification a role lists, required or desirable."""
    return [graph.nodes[t]["id"] for t, _ in edges_of(graph, node_id("Role", role), "REQUIRES_QUALIFICATION")]


def _qualifications(graph: nx.MultiDiGraph) -> dict[str, dict]:
    quals = {}
    for node, d in graph.nodes(data=True):
        if d["kind"] == "Qualification":
            develops = {
                graph.nodes[t]["id"]: e["level"] / graph.nodes[t].get("scale_max", 9)
                for t, e in edges_of(graph, node, "DEVELOPS")
            }
            quals[d["id"]] = {**d, "develops": develops}
    for qid, others in counted_by(graph).items():
        if qid in quals:
            quals[qid]["counted_by"] = others
    return quals


class RoutePlanner:
    """Searches routes over one graph with one matcher; each step is computed once per holding."""

    def __init__(self, graph: nx.MultiDiGraph, matcher: Matcher, preference: Callable[[str], float] | None = None):
        self.graph, self.matcher = graph, matcher
        self.preference = preference or (lambda role: 0.0)  # within a tier, lower first (pathways.demand)
        self.roles = sorted(d["id"] for _, d in graph.nodes(data=True) if d["kind"] == "Role")
        self.index = {r: i for i, r in enumerate(self.roles)}
        self.quals = _qualifications(graph)
        self.level = np.array([graph.nodes[node_id("Role", r)]["level"] for r in self.roles])
        self._rows: dict[str, np.ndarray] = {}
        self._steps: dict[tuple, Step] = {}
        self._need_rows: dict[str, tuple[SkillColumns | None, np.ndarray, list[float]]] = {}
        self._anchor_memo: dict[str, str | None] = {}
        self._skips: dict[tuple[str, str], list[str]] = {}
        self._ladders: dict[str, frozenset[str]] = {}
        self._listed: dict[str, frozenset[str]] = {}
        self._needs: dict[str, list[Need]] = {}
        self._developed: dict[str, list[Need]] = {}
        self._links: dict[str, dict[str, dict]] = {}
        self._required: dict[str, list[list[str]]] = {}
        self._choices: dict[tuple, str | None] = {}
        self.short_courses = {q for q, d in self.quals.items() if d["qualification_kind"] == "short_course"}

    # -- coverage and candidate moves ---------------------------------------------------------
    @cached_property
    def table(self) -> RequirementTable:
        """Every role's requirements as arrays, for inferred moves only (many answers need none)."""
        return RequirementTable.from_graph(self.graph, self.roles)

    @cached_property
    def skills(self) -> SkillTable | None:
        """Every pair of library competencies judged once (graph.overlap.skill_table); None for the lexical
        matcher, whose word scores cost more to tabulate for every pair than to compute for each step, and for
        a library of more than SKILL_TABLE_MAX competencies, whose table would not fit in memory (ESCO's
        14,000: some 1 GB), where each step asks the matcher instead."""
        if self.matcher.kind != "embedding":
            return None
        count = sum(1 for _, kind in self.graph.nodes(data="kind") if kind == "Competency")
        return skill_table(self.graph, self.matcher) if count <= SKILL_TABLE_MAX else None

    @cached_property
    def source(self) -> SimilaritySource:
        return SimilaritySource(self.matcher, self.table.texts, self.table.competencies)

    def _covers(self, current: str, start: Start) -> np.ndarray:
        if current not in self._rows:
            if current == start.key and (start.role is None or start.key == "passport"):
                self._rows[current] = coverage_from_holdings(
                    self.table,
                    self.source,
                    self.matcher,
                    [n.competency for n in start.needs],
                    [n.text for n in start.needs],
                    np.array([n.depth for n in start.needs]),
                )
            else:
                same = self._same(current)  # from the skill table when there is one, else from the source
                source = self.source if same is None else None
                self._rows[current] = covers_of_one(self.table, source, self.index[current], same)
        return self._rows[current]

    def _same(self, role: str) -> np.ndarray | None:
        """Which of the requirement table's competencies are the same skill as each of `role`'s, from the
        skill table (the verdicts `SimilaritySource.matches` would compute again); None without one."""
        if self.skills is None:
            return None
        table = self.table
        rows = self._table_rows
        own = table.comp_of[table.role_of == self.index[role]]
        return self.skills.same[np.ix_(rows[own], rows)]

    @cached_property
    def _table_rows(self) -> np.ndarray:
        """The skill table's row of each competency of the requirement table."""
        return np.array([self.skills.index[cid] for cid in self.table.competencies], dtype=np.int64)

    def _known(self, role: str | None) -> dict[str, dict]:
        """The known links out of a role (target -> link), read once per search."""
        if role is None:
            return {}
        if role not in self._links:
            self._links[role] = {
                self.graph.nodes[t]["id"]: e for t, e in edges_of(self.graph, node_id("Role", role), "PROGRESSES_TO")
            }
        return self._links[role]

    def courses_listed(self, role: str) -> frozenset[str]:
        """Every qualification a role lists, required or desirable, read once per search."""
        if role not in self._listed:
            self._listed[role] = frozenset(_role_qualifications(self.graph, role))
        return self._listed[role]

    def required_of(self, role: str) -> list[list[str]]:
        """A role's required qualifications as items of alternatives, read once per search."""
        if role not in self._required:
            self._required[role] = _required_qualifications(self.graph, role)
        return self._required[role]

    def moves(
        self,
        current: str,
        level: int,
        start: Start,
        cap: int,
        visited: set[str],
        allow_step_down: bool,
        inferred: bool = True,
    ) -> list[tuple[str, dict | None]]:
        """Next roles from `current`: known links, then (if `inferred`) moves inferred from enough coverage."""
        role = start.role if current == start.key else current
        out: dict[str, dict | None] = {}
        if role is None and current == start.key:  # no role yet: the roles and programmes the person can enter
            for target in self.entry_moves(start.qualifications):
                if self._allowed(target, level, cap, visited, allow_step_down, rise=None):
                    out[target] = {"entry": True, "via": [], "note": "An entry role or programme open to this start."}
        for target, link in self._known(role).items():
            if self._allowed(target, level, cap, visited, allow_step_down, rise=None):
                out[target] = link
        if not inferred:
            return list(out.items())
        covers = self._covers(current, start)
        for j in np.argsort(-covers, kind="stable"):
            if covers[j] < INFER_MIN_COVERAGE or sum(v is None for v in out.values()) >= INFERRED_PER_STATE:
                break
            target = self.roles[j]
            if target not in out and self._allowed(target, level, cap, visited, allow_step_down, MAX_INFERRED_RISE):
                out[target] = None
        return list(out.items())

    def entry_moves(self, held: set[str]) -> list[str]:
        """Roles a person with no current role can enter: every required item held or startable now (its
        prerequisites held), asking for no experience first, at level ENTRY_LEVEL_MAX or below, or through
        a degree-level programme the person can start (graduate entry, e.g. A levels -> nursing degree)."""
        found = []
        for role in self.roles:
            data = self.graph.nodes[node_id("Role", role)]
            if ((data.get("entry") or {}).get("experience_months") or 0) > 0:
                continue
            items = self.required_of(role)
            if items and all(item_met(item, held, self.quals) for item in items):
                found.append(role)  # already qualified for it, whatever its level
                continue
            chosen = [
                next((q for q in item if q in held or prerequisites_met(q, held, self.quals)), None) for item in items
            ]
            if None in chosen:
                continue
            graduate = any(self.quals.get(q, {}).get("qualification_kind") in GRADUATE_ROUTES for q in chosen)
            if data["level"] <= ENTRY_LEVEL_MAX or graduate:
                found.append(role)
        return found

    def developed_by(self, qualification: str) -> list[Need]:
        """What a qualification leaves a person holding, as holdings (read once per search)."""
        if qualification not in self._developed:
            self._developed[qualification] = []
            for cid, depth in self.quals[qualification]["develops"].items():
                data = self.graph.nodes[node_id("Competency", cid)]
                self._developed[qualification].append(Need.of_competency(data, round(depth * data.get("scale_max", 9))))
        return self._developed[qualification]

    def choose(self, options: list[str], held: set[str], employed: bool = True, by_level: bool = False) -> str | None:
        """_choose, remembered for the search: the same few items are weighed against the same holdings
        again and again."""
        key = (tuple(options), frozenset(held), employed, by_level)
        if key not in self._choices:
            self._choices[key] = _choose(options, held, self.quals, employed, by_level)
        return self._choices[key]

    def needs_of(self, role: str) -> list[Need]:
        """A role's requirements, read from the graph once per search."""
        if role not in self._needs:
            self._needs[role] = role_needs(self.graph, node_id("Role", role))
        return self._needs[role]

    def skipped_rungs(self, role: str, target: str) -> list[str]:
        """The rungs a known move from `role` straight to `target` passes over: the roles of the shortest
        chain of two or more known links between them whose rungs are in the destination's career family
        and above `role`, that climbs without dropping a level, and that gains a qualification (not a
        short course) the straight move does not (emergency care assistant -> paramedic skips the
        associate ambulance practitioner and its apprenticeship; a trainee post on the way to the same
        qualification is no rung). Empty when the move is itself the ladder."""
        if (role, target) not in self._skips:
            self._skips[(role, target)] = self._shortest_ladder(role, target)
        return self._skips[(role, target)]

    def _shortest_ladder(self, role: str, target: str) -> list[str]:
        def data(r: str) -> dict:
            return self.graph.nodes[node_id("Role", r)]

        family = data(target).get("family")
        low, high = data(role)["level"], data(target)["level"]
        direct = self._via(role, target)
        paths, seen = [([role], frozenset())], {role}
        while paths:
            grown, ladders = [], []
            for path, training in paths:
                for nxt in sorted(self._known(path[-1])):
                    gained = training | self._via(path[-1], nxt)
                    if nxt == target and len(path) > 1 and gained - direct:
                        ladders.append(path)  # the ladder adds a qualification the straight move leaves out
                    rises = data(path[-1])["level"] <= data(nxt)["level"] and low < data(nxt)["level"] <= high
                    in_family = family is not None and data(nxt).get("family") == family
                    if nxt not in seen and nxt != target and in_family and rises:
                        seen.add(nxt)
                        grown.append(([*path, nxt], gained))
            if ladders:  # of equally short ladders, the quickest (training and experience asked for)
                return min(ladders, key=lambda path: (self._ladder_months([*path, target]), path))[1:]
            paths = grown
        return []

    def _ladder_months(self, path: list[str]) -> float:
        links = [self._known(a)[b] for a, b in zip(path, path[1:], strict=False)]
        return sum(link.get("months", 0) + link.get("experience_months", 0) for link in links)

    def _via(self, role: str, target: str) -> frozenset[str]:
        """The qualifications a known link names (any of a group's alternatives), short courses aside: a
        rung is worth climbing for what it qualifies a person in, not for a course."""
        link = self._known(role).get(target) or {}
        return frozenset(q for item in link.get("via", []) for q in alternatives(item) if q not in self.short_courses)

    def _allowed(
        self, target: str, level: int, cap: int, visited: set[str], allow_step_down: bool, rise: int | None
    ) -> bool:
        to_level = int(self.level[self.index[target]])
        if target in visited or to_level > cap or (to_level < level and not allow_step_down):
            return False
        return rise is None or to_level <= level + rise

    # -- one step: gap, training, time ------------------------------------------------------------
    def step(self, route: Route, target: str, start: Start, link: dict | None) -> Step:
        """The next step of a route, judged on everything held by then (computed once per holding)."""
        key = (route.roles[-1], target, route.holding)
        if key not in self._steps:
            self._steps[key] = self._build_step(route, target, link, start)
        return self._steps[key]

    def _build_step(self, route: Route, target: str, link: dict | None, start: Start) -> Step:
        current, held_quals = route.roles[-1], set(route.quals)
        coverage, gap = self._covered(route, target)
        # the move's own route first, so a role's alternatives are met by the qualification the move gives
        items = [alternatives(v) for v in (link or {}).get("via", [])] + self.required_of(target)
        mandatory: list[str] = []
        others: dict[str, list[str]] = {}  # a chosen qualification -> the other routes that would also do
        employed = start.role is not None or current != start.key  # in work: apprenticeships fit
        for options_of_item in items:
            choice = self.choose(options_of_item, held_quals | set(mandatory), employed)
            if choice is not None and choice not in mandatory:
                mandatory.append(choice)
                others[choice] = [
                    q for q in usual_programmes(options_of_item, self.quals) if q != choice and q in self.quals
                ]
        # beyond what the move requires, only the short courses the target role itself lists
        options = set(mandatory) | (self.courses_listed(target) & self.short_courses)
        training, closed = self._training([need for need, _ in gap], mandatory, options, held_quals)
        entry = [t for t in training if t["kind"] == "education"]  # entry requirements, not training time
        training = [
            {**t, "alternatives": [{"id": q, "title": self.quals[q]["title"]} for q in others.get(t["id"], [])]}
            for t in training
            if t["kind"] != "education"
        ]
        target_data = self.graph.nodes[node_id("Role", target)]
        from_level = start.level if current == start.key else self.graph.nodes[node_id("Role", current)]["level"]
        from_role = start.role if current == start.key else current
        skips = self.skipped_rungs(from_role, target) if link and not link.get("entry") and from_role else []
        return Step(
            from_=current,
            to=target,
            to_title=target_data["title"],
            link=link,
            kind=move_kind(link),
            level_change=[from_level, target_data["level"]],
            coverage=coverage,
            gap=gap,
            training=training,
            entry=entry,
            closed=closed,
            months=float(sum(t["months"] for t in training)),  # one after another: the figures add up
            experience_months=float((link or {}).get("experience_months", 0.0)),
            skips=skips,
            have=self._holding_rows(route)[0],
        )

    def _covered(self, route: Route, target: str) -> tuple[float, list[tuple[Need, int]]]:
        """How far what the route holds covers the target's requirements, and the gap: each requirement
        held below its level (with the level held), then each not held at all. Through the skill table
        on arrays when every competency is in it (as `cover` would judge them), else by `cover`."""
        need = self.needs_of(target)
        have, have_rows, have_depth = self._holding_rows(route)
        columns, need_depth, weights = self._target_rows(target, need)
        if have_rows is None or columns is None:
            covered = self._cover(have, need)
            gap = [(c.need, c.have.level) for c in covered.partial] + [(c.need, 0) for c in covered.missing]
            return covered.coverage, gap
        best, credit = self.skills.best(have_rows, have_depth, columns, need_depth)
        best_of, credits = best.tolist(), credit.tolist()
        partial = [(n, have[b].level) for n, b, c in zip(need, best_of, credits, strict=True) if b >= 0 and c < 1.0]
        missing = [(n, 0) for n, b in zip(need, best_of, strict=True) if b < 0]
        return covered_share(weights, credits), partial + missing

    def _cover(self, have: list[Need], need: list[Need]) -> Cover:
        return cover(self.skills.match(have, need) if self.skills else match_skills(have, need, self.matcher))

    def _holding_rows(self, route: Route) -> tuple[list[Need], np.ndarray | None, np.ndarray]:
        """What a route holds, in its own order (the first of equal holdings is the one named), as skill-table
        rows (None: not all in the table) and depths; once per route, which is judged against every move."""
        if route.arrays is None:
            have = list(route.held.values())
            rows = self.skills.rows(h.competency for h in have) if self.skills else None
            route.arrays = (
                have,
                None if rows is None else np.array(rows, dtype=np.intp),
                np.array([h.depth for h in have], dtype=np.float64),
            )
        return route.arrays

    def _target_rows(self, target: str, need: list[Need]) -> tuple[SkillColumns | None, np.ndarray, list[float]]:
        """A role's requirements as skill-table columns (None: not all in the table), depths and weights."""
        if target not in self._need_rows:
            rows = self.skills.rows(n.competency for n in need) if self.skills else None
            depth = np.array([n.depth for n in need], dtype=np.float64)
            columns = None if rows is None else self.skills.columns(rows)
            self._need_rows[target] = (columns, depth, [n.weight for n in need])
        return self._need_rows[target]

    def route_step(self, step: Step, start: Start, tier: Tier) -> RouteStep:
        """A step as the answer gives it, with its evidence: what carries over (the holdings each met
        requirement is matched to) and the gap in words."""
        need = self.needs_of(step.to)
        covered = self._cover(step.have, need)
        from_band = None if step.from_ == start.key else self.graph.nodes[node_id("Role", step.from_)]["band"]
        refs = QualificationRef
        training = [TrainingRow(**{**t, "alternatives": [refs(**a) for a in t["alternatives"]]}) for t in step.training]
        return RouteStep(
            from_=step.from_,
            to=step.to,
            to_title=step.to_title,
            kind=step.kind,
            source=(step.link or {}).get("source", []),
            note=(step.link or {}).get("note", ""),
            level_change=step.level_change,
            band_change=[from_band, self.graph.nodes[node_id("Role", step.to)]["band"]],
            sector_change=self.sector_change(step, start),
            coverage=step.coverage,
            carries_over=[CarriedOver(m.need.label, m.have.label, m.similarity, m.via) for m in covered.matched],
            gap=[GapItem(n.competency, n.label, n.level, held, n.essential) for n, held in step.gap],
            training=training,
            entry_requirements=[refs(id=t["id"], title=t["title"]) for t in step.entry],
            on_the_job=[n.competency for n, _ in step.gap if n.competency not in step.closed],
            months=step.months,
            months_basis=_months_basis(step.training, step.link),
            experience_months=step.experience_months,
            skips=[Rung(r, self.graph.nodes[node_id("Role", r)]["title"]) for r in step.skips],
            tier=tier,
        )

    def sector_change(self, step: Step, start: Start) -> list[str] | None:
        """The sectors a move crosses between ([from, to]), or None within one (or from no sector)."""
        to_sector = self.graph.nodes[node_id("Role", step.to)]["sector"]
        from_start = step.from_ == start.key
        from_sector = start.sector if from_start else self.graph.nodes[node_id("Role", step.from_)]["sector"]
        return None if from_sector in (None, to_sector) else [from_sector, to_sector]

    def route_record(self, route: Route, start: Start) -> RouteRecord:
        """A found route as the answer gives it (see the README)."""
        graph, end = self.graph, route.roles[-1]
        return RouteRecord(
            destination=RoleSummary(**role_summary(graph, node_id("Role", end))),
            roles=route.roles,
            total_months=route.months,
            total_gap=route.gap,
            level_change=[start.level, graph.nodes[node_id("Role", end)]["level"]],
            cross_sector=any(self.sector_change(step, start) for step in route.steps),
            tier=TIERS[route_tier(graph, route, start)],
            steps=[self.route_step(step, start, TIERS[step_tier(graph, step, start)]) for step in route.steps],
        )

    def _training(
        self, gap: list[Need], mandatory: list[str], options: set[str], held: set[str]
    ) -> tuple[list[dict], set[str]]:
        """The move's required qualifications (with what they need first), then the options that close the
        most essential gaps per month; education prerequisites come back too, for the caller to list as
        entry requirements."""
        anchors = self._anchors([g.competency for g in gap], [g.text for g in gap])
        chosen: list[str] = []
        closed: set[str] = set()

        closing: dict[str, set[str]] = {}

        def closes(qid: str) -> set[str]:
            if qid not in closing:
                develops = self.quals[qid]["develops"]
                closing[qid] = {  # developed to the level needed, itself or the anchor it resolves to
                    g.competency
                    for g in gap
                    if max(develops.get(g.competency, -1.0), develops.get(anchors[g.competency] or "", -1.0))
                    >= g.depth - 1e-9
                }
            return closing[qid]

        def take(qid: str) -> None:
            for item in self.quals.get(qid, {}).get("prerequisites", []):
                pre = self.choose(alternatives(item), held | set(chosen), by_level=True)
                if pre is not None and pre in self.quals:
                    take(pre)
            if qid in self.quals and qid not in chosen:
                chosen.append(qid)
                closed.update(closes(qid))

        for qid in mandatory:
            take(qid)
        required = set(chosen)  # what the move needs, with what that needs first; the rest is optional
        essential = {g.competency for g in gap if g.essential}

        def eligible(qid: str) -> bool:  # optional training never drags in a programme it needs first
            return prerequisites_met(qid, held | set(chosen), self.quals)

        while True:
            best, best_value = None, 0.0
            for qid in sorted(options & set(self.quals)):
                if qid in held or qid in chosen or not eligible(qid):
                    continue
                gain = len((closes(qid) - closed) & essential)  # only essential gaps are worth a course
                value = gain / max(self.quals[qid]["months"], 0.25)
                if gain and value > best_value:
                    best, best_value = qid, value
            if best is None:
                break
            take(best)
        rows = []
        for qid in chosen:
            q = self.quals[qid]
            rows.append(
                {
                    "id": qid,
                    "title": q["title"],
                    "kind": q["qualification_kind"],
                    "code": q["code"] or None,
                    "months": q["months"],
                    "apprenticeship": q["qualification_kind"] in ("apprenticeship", "degree_apprenticeship"),
                    "closes": sorted(closes(qid)),
                    "required": qid in required,
                }
            )
        return rows, closed

    def _anchors(self, ids: list[str], texts: list[str]) -> dict[str, str | None]:
        missing = [i for i, c in enumerate(ids) if c not in self._anchor_memo]
        if missing:
            found = self.matcher.anchor_of([ids[i] for i in missing], [texts[i] for i in missing])
            self._anchor_memo.update({ids[i]: a for i, a in zip(missing, found, strict=True)})
        return {c: self._anchor_memo[c] for c in ids}

    # -- search -----------------------------------------------------------------------------
    def routes(
        self,
        start: Start,
        target: str | None = None,
        cap: int = 4,
        sector: str | None = None,
        max_steps: int = 3,
        top: int = 5,
        allow_step_down: bool = False,
    ) -> list[Route]:
        """The best `top` routes by the ranking rule. Tier comes first in every ordering the search uses (the
        beam's and the ranking's), so the routes of tiers up to t are found alike whether or not steps of
        higher tiers are built: the search tries ladder steps alone, then recognised ones too, and builds
        inferred moves only when fewer than `top` routes are found without them. The answer is the same,
        the work much smaller."""
        for most in range(len(TIERS)):
            found = self._search(start, target, cap, max_steps, allow_step_down, most)
            chosen = self._rank(found, start, target, sector, top)
            if len(chosen) >= top:
                break
        return chosen

    def _search(
        self, start: Start, target: str | None, cap: int, max_steps: int, allow_step_down: bool, most: int
    ) -> list[Grown]:
        """Every route the beam search finds using steps of tier `most` or lower. A grown route is judged
        (its last step built) only when its cheap facts could put it in the beam; `_rank` judges the rest
        it needs. The beam is the same as if every route were judged (see `smallest`)."""
        partial = [Route([start.key], [], {n.competency: n for n in start.needs}, frozenset(start.qualifications))]
        finished: list[Grown] = []
        for depth in range(max_steps):
            last = depth == max_steps - 1  # with a destination, a last step elsewhere leads nowhere
            grown: list[Grown] = []
            for route in partial:
                current = route.roles[-1]
                level = start.level if current == start.key else int(self.level[self.index[current]])
                visited = set(route.roles) | {start.role or ""}
                for nxt, link in self.moves(current, level, start, cap, visited, allow_step_down, most >= INFERRED):
                    if target is not None and last and nxt != target:
                        continue
                    move = self.grow(route, nxt, link, level, start)
                    if move.tier <= most:
                        grown.append(move)
            finished += grown
            onward = grown if target is None else [g for g in grown if g.to != target]
            kept = smallest(
                onward,
                BEAM if target is None else TARGET_BEAM,
                lambda g: self._partial_key(g, target),
                lambda g: self._partial_key(g, target, self.judged(g, start)),
            )
            partial = [self.settled(g, start) for g in kept]
            if not partial:
                break
        return finished

    def grow(self, route: Route, to: str, link: dict | None, level: int, start: Start) -> Grown:
        """`route` one move longer, before the move is judged: its tier, whether it rises, and whether it
        skips a rung, from the library alone (as step_tier, step_rises and the step's `skips` will say)."""
        current = route.roles[-1]
        from_role = start.role if current == start.key else current
        to_level = int(self.level[self.index[to]])
        kind = move_kind(link)
        skips = bool(link and not link.get("entry") and from_role and self.skipped_rungs(from_role, to))
        return Grown(
            parent=route,
            to=to,
            link=link,
            tier=max(route.tier, tier_of(self.graph, kind, from_role, to, level, to_level)),
            sideways=route.sideways + (not rises_to(self.graph, to, level, to_level)),
            shortcuts=route.shortcuts + skips,
        )

    def judged(self, grown: Grown, start: Start) -> Route:
        """The grown route with its last step built (once)."""
        if grown.route is None:
            step = self.step(grown.parent, grown.to, start, grown.link)
            steps = [*grown.parent.steps, step]
            grown.route = Route(grown.roles, steps, tier=grown.tier, sideways=grown.sideways, shortcuts=grown.shortcuts)
        return grown.route

    def settled(self, grown: Grown, start: Start) -> Route:
        """The judged route with what the person holds by its end, to grow it further: the new role's
        requirements and the training are now held."""
        route, parent = self.judged(grown, start), grown.parent
        if route.held is None:
            step, held = route.steps[-1], dict(parent.held)
            gained = [*self.needs_of(grown.to)]
            for qual in step.training:
                gained += self.developed_by(qual["id"])
            for need in gained:
                if need.competency not in held or held[need.competency].depth < need.depth:
                    held[need.competency] = need
            quals = set(parent.quals) | {q["id"] for q in step.training}
            for options in self.required_of(grown.to):  # holding the role means holding one of each
                choice = self.choose(options, quals)
                if choice is not None:
                    quals.add(choice)
            route.held, route.quals = held, frozenset(quals)
        return route

    def _partial_key(self, grown: Grown, target: str | None, route: Route | None = None) -> tuple:
        """Which partial routes the search keeps growing: the most recognised and quickest; with a
        target, routes with no sideways step first too, as the final ranking will want them. Without the
        judged `route`, a bound known before judging: never above the whole key."""
        cheap = (grown.tier,) if target is None else (grown.tier, grown.sideways, self.off_ladder(grown, target))
        return (*cheap, earliest(grown)) if route is None else (*cheap, route_time(route), route.gap, route.roles)

    def off_ladder(self, route: Route | Grown, target: str) -> int:
        """How many rungs of the route (past its start, short of `target`) are not on the destination's own
        ladder: the roles it builds on, and theirs, as the library declares (a registered nurse builds on the
        nursing associate, who builds on the trainee post)."""
        if target not in self._ladders:
            ladder, todo = set(), list(self.graph.nodes[node_id("Role", target)].get("builds_on", []))
            while todo:
                role = todo.pop()
                if role not in ladder:
                    ladder.add(role)
                    todo += self.graph.nodes[node_id("Role", role)].get("builds_on", [])
            self._ladders[target] = frozenset(ladder)
        if not self._ladders[target]:
            return 0  # the library declares no ladder for it: no route is a detour from it
        return sum(1 for role in route.roles[1:] if role != target and role not in self._ladders[target])

    def _rank(self, found: list[Grown], start: Start, target: str | None, sector: str | None, top: int) -> list[Route]:
        """The best `top` of the routes found, by the ranking rule, judging only those that can still be in
        them: routes are taken in order of the part of their key known before judging, and each group
        alike in it is judged and ordered by the whole key."""

        def judged(grown: Grown) -> Route:
            return self.judged(grown, start)

        if target is not None:

            def to_target(grown: Grown | Route) -> tuple:  # one destination: the whole ladder, then the least time
                return (grown.tier, grown.sideways, grown.shortcuts, self.off_ladder(grown, target))

            def bound(grown: Grown) -> tuple:
                return (*to_target(grown), earliest(grown))

            def whole(route: Route) -> tuple:
                builds = -statistics.fmean(step.coverage for step in route.steps)
                return (*to_target(route), route_time(route), builds, len(route.steps), route.gap, route.roles)

            seen: set[tuple[str, ...]] = set()

            def first_of_its_rises(route: Route) -> bool:  # routes differing only by sideways steps count once
                rises = tuple(s.to for s in route.steps if step_rises(self.graph, s))
                if rises in seen:
                    return False
                seen.add(rises)
                return True

            ending = [g for g in found if g.to == target]
            return first_in_order(ending, bound, judged, whole, first_of_its_rises, top)

        def key(grown: Grown | Route) -> tuple:
            end = grown.roles[-1]
            if start.role is None:  # no role to rise from: the way in where most of what they can do carries over
                return (grown.tier, self.preference(end), len(grown.roles) - 1)
            gain = int(self.level[self.index[end]]) - start.level
            up = gain > 0 or self.graph.nodes[node_id("Role", end)].get("training_post", False)
            return (grown.tier, self.preference(end), not up, len(grown.roles) - 1)

        def full(route: Route) -> tuple:
            carried = (-route.steps[0].coverage,) if start.role is None else ()
            return (*key(route), *carried, route_time(route), route.gap, route.roles)

        ends: set[str] = set()
        first_moves: dict[str, int] = {}

        def shown(route: Route) -> bool:
            end, first = route.roles[-1], route.roles[1]
            if sector and self.graph.nodes[node_id("Role", end)]["sector"] != sector:
                return False
            if end in ends or first_moves.get(first, 0) >= MAX_SHARING_FIRST_MOVE:
                return False  # one route per destination, and no more than two down the same first move
            ends.add(end)
            first_moves[first] = first_moves.get(first, 0) + 1
            return True

        def bound(grown: Grown) -> tuple:  # time comes after the coverage carried over when there is no role
            return key(grown) if start.role is None else (*key(grown), earliest(grown))

        return first_in_order(found, bound, judged, full, shown, top)


def earliest(grown: Grown) -> float:
    """The least time a grown route can take, before its move is judged: its parent's time and the
    experience the move asks for first (training adds to that, never takes away), less a hair so that
    adding the same figures in another order can never put it above the judged time."""
    return route_time(grown.parent) + float((grown.link or {}).get("experience_months", 0.0)) - 1e-9


def smallest(items: list[T], n: int, bound: Callable[[T], tuple], whole: Callable[[T], tuple]) -> list[T]:
    """The first `n` items in order of `whole`, computing it for as few as can be: items are taken in order
    of `bound` (a key never above the whole key), and no further once n taken ones come before the next
    item's bound."""
    taken: list[tuple[tuple, int, T]] = []  # (whole key, place, item), least first: each key computed once
    for place, (limit, item) in enumerate(sorted(((bound(i), i) for i in items), key=lambda pair: pair[0])):
        if len(taken) >= n and taken[n - 1][0] < limit:
            break
        bisect.insort(taken, (whole(item), place, item))
    return [item for _, _, item in taken[:n]]


def first_in_order(
    items: list[Grown],
    bound: Callable[[Grown], tuple],
    judge: Callable[[Grown], Route],
    whole: Callable[[Route], tuple],
    accept: Callable[[Route], bool],
    top: int,
) -> list[Route]:
    """The first `top` routes `accept` takes, in order of `whole`: grown routes are judged in order of
    `bound` (a key never above the whole key), and a judged route is offered to `accept` once no route
    still unjudged can come before it; none is judged once `top` are taken."""
    pending = sorted(((bound(item), item) for item in items), key=lambda pair: pair[0])  # each bound once
    ready: list[tuple[tuple, int, Route]] = []  # judged routes, least whole key first
    chosen: list[Route] = []
    next_item = 0
    while len(chosen) < top:
        while next_item < len(pending) and (not ready or ready[0][0] > pending[next_item][0]):
            route = judge(pending[next_item][1])
            heapq.heappush(ready, (whole(route), next_item, route))
            next_item += 1
        if not ready:
            break
        route = heapq.heappop(ready)[2]
        if accept(route):
            chosen.append(route)
    return chosen


def move_kind(link: dict | None) -> str:
    """A move's kind: an entry route, a known progression link, or a move inferred from shared skills."""
    return "entry" if link and link.get("entry") else ("known" if link else "inferred")


def _months_basis(training: list[dict], link: dict | None) -> str:
    """What a step's months are made of, in words."""
    if not training:
        return "no training: by recruitment or promotion" if link else "no training listed"
    required = [t for t in training if t["kind"] != "short_course"]
    courses = [t for t in training if t["kind"] == "short_course"]
    parts = ([f"{', '.join(t['title'] for t in required)}"] if required else []) + (
        [f"{len(courses)} short course{'s' if len(courses) != 1 else ''}"] if courses else []
    )
    return "training: " + " + ".join(parts)


RANKING_RULE = (
    "Ladder routes (known links up the same career family) first, then recognised routes (other known links,"
    " across families or sectors), then inferred moves; within each, routes up first, then fewer steps, less"
    " time (training plus experience asked for first), smaller gap. With a destination, routes with no sideways"
    " step, then routes that climb every rung of its ladder, come before shortcuts that skip one (the step names"
    " the rung it skips); then routes through the destination's own rungs (the roles it builds on, where the"
    " library declares them) before detours through other posts; then less time."
)
TIERS = ("ladder", "recognised", "inferred")
INFERRED = TIERS.index("inferred")


def step_tier(graph: nx.MultiDiGraph, step: Step, start: Start) -> int:
    """0 for a ladder step (a known link up one family), 1 for another known link, 2 for an inferred move."""
    from_role = start.role if step.from_ == start.key else step.from_
    return tier_of(graph, step.kind, from_role, step.to, *step.level_change)


def tier_of(graph: nx.MultiDiGraph, kind: str, from_role: str | None, to: str, before: int, after: int) -> int:
    """A move's tier from what it is (entry, known or inferred), the roles it joins and their levels."""
    if kind == "entry":
        return 1  # a recognised way in, from education or another working life
    if kind != "known":
        return 2
    families = [graph.nodes[node_id("Role", r)].get("family") for r in (from_role, to)]
    rises = rises_to(graph, to, before, after)
    return 0 if rises and families[0] is not None and families[0] == families[1] else 1


def step_rises(graph: nx.MultiDiGraph, step: Step) -> bool:
    """A step up: to a higher level, or into a training post for the next rung at the same level."""
    return rises_to(graph, step.to, *step.level_change)


def rises_to(graph: nx.MultiDiGraph, to: str, before: int, after: int) -> bool:
    return after > before or (after == before and graph.nodes[node_id("Role", to)].get("training_post", False))


def route_tier(graph: nx.MultiDiGraph, route: Route, start: Start) -> int:
    return max((step_tier(graph, step, start) for step in route.steps), default=2)


def route_time(route: Route) -> float:
    """Months of training plus the experience each step asks for first."""
    return route.months + sum(step.experience_months for step in route.steps)


# -- the question: a request, checked against the limits, to an answer -------------------------------------
def find_routes(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    *,
    role: str | None = None,
    passport: PassportFile | None = None,
    education: Sequence[str] = (),
    to: str | None = None,
    max_band: str | None = None,
    max_level: int | None = None,
    sector: str = "any",
    max_steps: int | None = None,
    top: int = 5,
    allow_step_down: bool = False,
    preference: Callable[[str], float] | None = None,
) -> RoutesAnswer:
    """Routes from one start (a role id, a passport with resolved ids, or education qualification ids),
    ending at `to` if given, within the level cap (see level_cap) and `max_steps` (default 3, or 5 with
    a destination, so a whole ladder fits); destinations in `sector` unless "any". `preference(role)`
    orders destinations within a tier, lower first (pathways.demand.shortage_first)."""
    start = starting_point(graph, matcher, role, passport, education)
    cap = level_cap(graph, start, to, max_band, max_level, sector, allow_step_down)
    steps = max_steps or (5 if to is not None else 3)
    ending_in = None if sector == "any" else sector
    with no_cycle_collection():  # thousands of short-lived steps; the collector would walk the graph each time
        planner = RoutePlanner(graph, matcher, preference)
        found = planner.routes(start, to, cap, ending_in, steps, top, allow_step_down)
    return RoutesAnswer(
        from_=RouteOrigin(
            start.key,
            start.title,
            start.role,
            start.level,
            start.sector,
            [Resolution(**r) for r in start.resolutions],
            _held_refs(graph, start.qualifications),
        ),
        to=to,
        constraints=RouteLimits(cap, sector, steps, allow_step_down),
        matcher=matcher.description,
        ranking=RANKING_RULE,
        routes=[planner.route_record(r, start) for r in found],
    )


def _held_refs(graph: nx.MultiDiGraph, quals: set[str]) -> list[QualificationRef]:
    """The qualifications of a start as the answer names them, by title."""
    nodes = [graph.nodes[node_id("Qualification", q)] for q in quals if node_id("Qualification", q) in graph]
    return sorted((QualificationRef(d["id"], d["title"]) for d in nodes), key=lambda ref: (ref.title, ref.id))


def starting_point(
    graph: nx.MultiDiGraph, matcher: Matcher, role: str | None, passport: PassportFile | None, education: Sequence[str]
) -> Start:
    """The one start asked for: a role, a passport (from the role it names, if any) or education."""
    if sum(bool(x) for x in (role, passport, education)) != 1:
        raise QuestionError("give one start: a role, a skills passport or education")
    if passport is not None:
        return start_from_passport(graph, matcher, passport, passport.role)
    if education:
        return start_from_education(graph, [_education(graph, qid) for qid in education])
    return start_from_role(graph, role)


def _education(graph: nx.MultiDiGraph, qid: str) -> str:
    """A school or college entry point (GCSE, A levels, T Level, Access to HE), or a refusal naming them."""
    data = graph.nodes[node_id("Qualification", qid)]
    if data["qualification_kind"] != "education":
        from graph.queries import list_qualifications

        known = ", ".join(q["title"].split(" (")[0] for q in list_qualifications(graph, kind="education"))
        raise QuestionError(f"'{data['title']}' is not school or college education; known: {known}")
    return qid


def level_cap(
    graph: nx.MultiDiGraph,
    start: Start,
    to: str | None,
    max_band: str | None,
    max_level: int | None,
    sector: str,
    allow_step_down: bool,
) -> int:
    """The highest level a route may use. Asked for (`max_level`, or the level of `max_band`): that, and a
    start above it or a destination above it is refused. Not asked for: DEFAULT_CAP, or one above a start
    already there, or the destination's level. A destination outside `sector`, or the start itself, is
    refused too."""
    from frameworks.levels import level_for_band

    if max_band and max_level:
        raise QuestionError("give --max-band or --max-level, not both")
    if sector != "any" and sector not in graph.graph["sectors"]:
        raise QuestionError(f"unknown sector '{sector}'; known: {', '.join(sorted(graph.graph['sectors']))}, any")
    explicit = max_level or (level_for_band(max_band) if max_band else None)
    cap_name = f"--max-level {max_level}" if max_level else f"--max-band {max_band} (level {explicit})"
    if explicit and start.level > explicit and not allow_step_down:
        raise QuestionError(
            f"the start ({start.title}) is at level {start.level}, above {cap_name}: every move would be a step"
            " down (allow them with --allow-step-down)"
        )
    cap = explicit or max(DEFAULT_CAP, start.level + 1)
    if to is None:
        return cap
    to_data = graph.nodes[node_id("Role", to)]
    if explicit and to_data["level"] > explicit:
        raise QuestionError(f"--to {to} ({to_data['title']}) is at level {to_data['level']}, above the cap {cap_name}")
    if sector != "any" and to_data["sector"] != sector:
        raise QuestionError(f"--to {to} ({to_data['title']}) is in {to_data['sector']}, not --sector {sector}")
    if to == start.role:
        raise QuestionError(f"--to {to} is where the route starts")
    return cap if explicit else max(cap, to_data["level"])


def resolved_passport(passport: PassportFile | str | Path, qid: Callable[[str, str], str]) -> PassportFile:
    """A passport (or the file holding one) with every id it names resolved by `qid(kind, name)` to a
    qualified id (a near miss is taken as the session says); the passport given is left as it was."""
    if isinstance(passport, (str, Path)):
        from frameworks.passport import load_passport

        passport = load_passport(Path(passport))
    held = [
        item.model_copy(update={"competency": qid("Competency", item.competency)}) if item.competency else item
        for item in passport.competencies
    ]
    return passport.model_copy(
        update={
            "role": qid("Role", passport.role) if passport.role else None,
            "competencies": held,
            "qualifications": [qid("Qualification", q) for q in passport.qualifications],
        }
    )


INTO_STEPS = 2  # how far back `ways_into` looks along known links


def ways_into(graph: nx.MultiDiGraph, matcher: Matcher, target: str, top: int = 10) -> WaysInto:
    """Every recognised way into `target`: the programmes a person can start from education (with what
    they need first), and the best route from each role that leads there within INTO_STEPS known links
    (support roles, other sectors), ladders first, then by time; the first `top` of those routes."""
    planner = RoutePlanner(graph, matcher)
    level = graph.nodes[node_id("Role", target)]["level"]
    found = []
    for origin in sorted(_predecessors(graph, target, INTO_STEPS)):
        start = start_from_role(graph, origin)
        best = planner.routes(start, target, max(level, start.level), None, INTO_STEPS, 1, True)
        found += [(planner.route_record(route, start), route) for route in best]
    found.sort(key=lambda pair: (TIERS.index(pair[0].tier), route_time(pair[1]), len(pair[1].steps)))
    return WaysInto(
        RoleSummary(**role_summary(graph, node_id("Role", target))),
        _ways_from_education(planner, target),
        [record for record, _ in found][:top],
    )


def _ways_from_education(planner: RoutePlanner, target: str) -> list[DirectEntry | Programme]:
    """Direct entry first when the role is open to anyone, then the degree-level programmes a school
    leaver can apply to, in the role's own order."""
    quals = planner.quals
    ways: list[DirectEntry | Programme] = []
    if target in planner.entry_moves(set()):  # open to anyone: recruited, and trained in post
        entry = planner.graph.nodes[node_id("Role", target)].get("entry") or {}
        title = "Direct entry: recruited without a qualification first, trained in post"
        ways.append(DirectEntry(None, title, "entry", 0.0, False, [], list(entry.get("checks", []))))
    for options in planner.required_of(target):
        for qid in usual_programmes(options, quals):
            qual = quals.get(qid, {})
            if qual.get("qualification_kind") in GRADUATE_ROUTES and _from_school(qual, quals):
                needs_first = [
                    [QualificationRef(q, quals[q]["title"]) for q in alternatives(item) if q in quals]
                    for item in qual.get("prerequisites", [])
                ]
                kind = qual["qualification_kind"]
                ways.append(
                    Programme(qid, qual["title"], kind, qual["months"], kind == "degree_apprenticeship", needs_first)
                )
    return ways


def _from_school(qual: dict, quals: dict[str, dict]) -> bool:
    """A programme whose prerequisites are all education (or none): a school leaver can apply."""
    return all(
        any(quals.get(q, {}).get("qualification_kind") == "education" for q in alternatives(item))
        for item in qual.get("prerequisites", [])
    )


def _predecessors(graph: nx.MultiDiGraph, target: str, depth: int) -> set[str]:
    """Roles with known links into `target` within `depth` links."""
    found: set[str] = set()
    frontier = {node_id("Role", target)}
    for _ in range(depth):
        frontier = {s for node in frontier for s, _, k in graph.in_edges(node, keys=True) if k == "PROGRESSES_TO"}
        found |= {graph.nodes[n]["id"] for n in frontier}
    found.discard(target)
    return found
