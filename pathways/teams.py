"""Integrated-team skill mix: design the cheapest team that covers what a service must do, and assess
an existing team against the same needs.

How it works (the README repeats it):
- A role *covers* a need when it requires a matching competency (the same one, one at or above the
  similarity threshold, or one its words resolve to) at the need's level or above. So a care worker
  covers a personal-care need written in NHS words; every such credit through a different competency
  is listed (`similarity_credits`) so a planner can judge it.
- Design is an exact mixed-integer program (scipy.optimize.milp, HiGHS): a whole number of people per
  role, every need covered by at least its `cover` people, and the rules kept; minimising yearly pay
  (or headcount, with pay breaking ties).
- Costs: the midpoint of the role's recorded pay, a year (hourly pay x 37.5 h x 52 weeks); a role with no
  pay recorded is costed at the Agenda for Change band matching its Career Framework level, and says so.
- Rules come from the needs (a template or file) and from the user's options. An option wins over the
  needs' rule about the same thing (role, headcount, budget, sectors) and the answer says which rule it
  overrode; its status is then "optimal with overrides", never plain "optimal". Options that contradict
  each other are refused (Conflict), and nothing a user asked for is dropped silently.
- A team file may name fewer people than a role's `count`: the rest are unnamed posts. Named people are
  shown by name wherever the assessment talks about who (cover, single points of failure, training).
- Robust design (`availability="vacancy"`, an area): every need's cover must hold with probability
  `confidence` at the area's vacancy rates. pathways.team_supply says how, and holds that part: the area's
  figures, the minimal mixes, the availability answer (Availability, HardToFill) and check_availability,
  all re-exported here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from graph.build import node_id
from graph.overlap import Need, match_skills, mutual_overlap, role_needs
from graph.supply import supply_data
from pathways.errors import QuestionError
from pathways.refs import Resolution
from pathways.results import digits, named
from pathways.team_supply import CHANCE_STEPS as CHANCE_STEPS  # re-exported: robust design's public names
from pathways.team_supply import DEFAULT_CONFIDENCE as DEFAULT_CONFIDENCE
from pathways.team_supply import (
    Availability,
    HardToFill,
    availability_report,
    cover_mixes,
    vacancies_bite,
    with_mixes,
    with_vacancies,
)
from pathways.team_supply import check_availability as check_availability

if TYPE_CHECKING:
    import networkx as nx

    from graph.matching import Matcher

HOURS_A_YEAR = 37.5 * 52
# NHS Agenda for Change 2025/26 (England), midpoints of each band's range, from the library's role
# files' source (third-party calculator citing NHS Employers; see frameworks/library/roles).
AFC_MIDPOINTS = {
    1: 24465,
    2: 24465,
    3: (24937 + 26598) / 2,
    4: (27485 + 30162) / 2,
    5: (31049 + 37796) / 2,
    6: (38682 + 46580) / 2,
}
ALTERNATIVES = 3
SOLVE_SECONDS = 30  # per solve; a design runs the main solve, its alternatives and any infeasibility checks


class Conflict(QuestionError):
    """Constraints that contradict each other (the user's own options, or a needs file's own rules);
    the message names both."""


class Infeasible(Exception):
    """No team can meet the needs under the rules; `reasons` say why in plain words."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


# -- the answers (their JSON form is the README's "team design" and "team assess" contract) ------------
# Costs are whole pounds by design (estimates from pay ranges; the totals are sums of the rounded
# figures a reader sees), so they are ints, not rounded floats.


@dataclass
class NeedsRef:
    id: str | None
    title: str | None


@dataclass
class NeedBrief:
    """A need as the needs document states it: a competency id or free text, at a level, `cover` people."""

    competency: str | None
    text: str | None
    label: str
    level: int
    cover: int


@dataclass
class TeamMember:
    """A role in a designed team; `vacancy_rate` is the area's figure when an area was given."""

    role: str
    title: str
    sector: str
    level: int
    count: int
    unit_cost: int
    cost: int
    cost_basis: str
    blended_from: list[str]
    vacancy_rate: float | None = digits(3, default=None)


@dataclass
class DesignCover:
    """Who in a designed team covers a need, through which requirement (`exact`: the same competency)."""

    role: str
    count: int
    by: str
    competency: str
    level: int
    similarity: float = digits(3)
    via: str | None
    exact: bool


@dataclass
class DesignRow:
    """How a designed team covers a need. With an area: `expected_filled`, the posts covering it expected
    to be filled at the area's vacancy rates, and `cover_probability`, the chance that at least `cover` of
    them are (each post filled independently)."""

    need: NeedBrief
    provided: int
    margin: int
    covered_by: list[DesignCover]
    resolution: Resolution | None
    expected_filled: float | None = digits(2, default=None)
    cover_probability: float | None = digits(3, default=None)


@dataclass
class SimilarityCredit:
    """A need credited through a different (overlapping) competency, for a planner to judge."""

    need: str
    role: str
    by: str
    similarity: float = digits(3)
    via: str | None


@dataclass
class Alternative:
    """The optimal team without one role the answer uses."""

    without: str
    team: list[TeamMember]
    headcount: int
    cost: int
    extra_cost: int


@dataclass
class Override:
    """A rule of the needs that one of the user's options overrode."""

    rule: str
    from_: str = named("from")
    by: str


@dataclass
class TeamDesign:
    """The optimal team for a needs document. `rules` are the rules kept (only those set: min_roles,
    max_roles, exclude, max_headcount, budget, sector_share, sectors), in a needs file's words.
    `availability` and `hard_to_fill` are set only for a design for an area (else None)."""

    needs: NeedsRef
    objective: Literal["cost", "headcount"]
    matcher: dict[str, Any]
    status: Literal["optimal", "optimal with overrides"]
    team: list[TeamMember]
    headcount: int
    cost: int
    by_sector: dict[str, int]
    coverage: list[DesignRow]
    similarity_credits: list[SimilarityCredit]
    alternatives: list[Alternative]
    overridden: list[Override]
    notices: list[str]
    rules: dict[str, Any]
    availability: Availability | None = None
    hard_to_fill: list[HardToFill] | None = None


@dataclass
class AssessCover:
    """Members of a team covering a need; `people` are the names the team file gives them."""

    role: str
    title: str
    count: int
    people: list[str]
    by: str
    competency: str
    level: int
    similarity: float = digits(3)
    via: str | None
    exact: bool


@dataclass
class Training:
    id: str
    title: str
    kind: str
    months: float


@dataclass
class Trainee:
    """How many people of a role to train (`names`: those the team file names, first)."""

    role: str
    people: int
    names: list[str]
    title: str


@dataclass
class Upskilling:
    """The cheapest listed training that closes a gap (None if none does), and whom to train."""

    shortfall: int
    training: Training | None
    train: list[Trainee]
    advice: str | None


@dataclass
class UpskillingPlan:
    """A gap's upskilling, named by its need (the assessment's list of them)."""

    need: str
    shortfall: int
    training: Training | None
    train: list[Trainee]
    advice: str | None


@dataclass
class AssessRow:
    """How a need is covered. `upskilling` is set for a gap only."""

    need: NeedBrief
    required: int
    provided: int
    margin: int
    status: Literal["ok", "gap", "single point of failure"]
    covered_by: list[AssessCover]
    resolution: Resolution | None
    upskilling: Upskilling | None = None


@dataclass
class SinglePoint:
    need: str
    only: str
    title: str
    people: list[str]


@dataclass
class Duplication:
    need: str
    required: int
    provided: int


@dataclass
class RuleCheck:
    """Whether a team keeps a rule of the needs; `kept` is None when it cannot be told."""

    rule: str
    kept: bool | None
    detail: str


@dataclass
class TeamAssessment:
    needs: NeedsRef
    matcher: dict[str, Any]
    headcount: int
    coverage: list[AssessRow]
    gaps: list[str]
    single_points_of_failure: list[SinglePoint]
    duplication: list[Duplication]
    upskilling: list[UpskillingPlan]
    rules: list[RuleCheck]


@dataclass
class TeamNeed:
    index: int
    label: str
    level: int
    cover: int
    need: Need
    competency: str | None
    text: str | None
    resolution: Resolution | None = None

    def brief(self) -> NeedBrief:
        return NeedBrief(self.competency, self.text, self.label, self.level, self.cover)


@dataclass
class Candidate:
    """A role the design may use (or a blended role made of two)."""

    id: str
    title: str
    sector: str
    level: int
    cost: float
    cost_basis: str
    needs: list[Need]
    blended_from: list[str] = field(default_factory=list)
    vacancy: float | None = None  # the vacancy rate in the area a design is for, when known


def resolve_needs(graph: nx.MultiDiGraph, matcher: Matcher, needs: list[dict]) -> list[TeamNeed]:
    """The needs as the overlap engine sees them; free text is resolved and the resolution kept."""
    out = []
    for i, item in enumerate(needs):
        if item.get("competency"):
            data = graph.nodes[node_id("Competency", item["competency"])]
            need = Need.of_competency(data, item["level"])
            out.append(TeamNeed(i, data["label"], item["level"], item["cover"], need, data["id"], None))
        else:
            text = item["text"]
            need = Need.of_text(f"need:{i + 1}", text, item["level"])
            (anchor,) = matcher.anchor_of([need.competency], [text])
            label = graph.nodes[node_id("Competency", anchor)]["label"] if anchor else None
            out.append(
                TeamNeed(
                    i,
                    text,
                    item["level"],
                    item["cover"],
                    need,
                    None,
                    text,
                    Resolution(text, anchor, label),
                )
            )
    return out


class _Names:
    """Checks the names a user's needs or team file uses against the library. Each unknown name becomes
    one located problem with the nearest known name, so a typo is reported as a typo, never read as a
    rule that cannot be kept."""

    def __init__(self, graph: nx.MultiDiGraph, path: Path):
        from frameworks.errors import display_path
        from frameworks.yamlfile import load_yaml

        self.graph = graph
        self.shown = display_path(path)
        self.lines = load_yaml(path, self.shown)[1]
        self.problems: list = []

    def problem(self, loc: tuple, message: str, expected: str = "") -> None:
        from frameworks.errors import Problem, key_path
        from frameworks.yamlfile import line_for

        self.problems.append(Problem(self.shown, message, line_for(self.lines, loc), key_path(loc), expected))

    def node(self, kind: str, name: str, loc: tuple) -> str:
        """The id a name exactly means (id, short id, title or alias); else a problem, and the name back."""
        from graph.lookup import NotFound, find

        try:
            match = find(self.graph, kind, name)
        except NotFound as err:
            what = "is ambiguous" if err.ambiguous else "unknown"
            near = [qid for qid, _ in err.candidates[:3]]
            if err.ambiguous:
                self.problem(loc, f"{kind.lower()} '{name}' is ambiguous: it may be {', '.join(near)}")
            else:
                hint = f"; did you mean '{near[0]}'?" if near else ""
                self.problem(loc, f"{what} {kind.lower()} '{name}'{hint}")
            return name
        if match.how == "fuzzy":
            self.problem(loc, f"unknown {kind.lower()} '{name}'; did you mean '{match.qid}'?")
            return name
        return match.qid

    def sector(self, name: str, loc: tuple) -> None:
        from rapidfuzz import process

        sectors = sorted(self.graph.graph.get("sectors", {}))
        if name not in sectors:
            near = process.extractOne(name, sectors, score_cutoff=60)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            self.problem(loc, f"unknown sector '{name}'{hint}", "one of " + ", ".join(sectors))

    def done(self) -> None:
        from frameworks.errors import LibraryError

        if self.problems:
            raise LibraryError(self.problems)


def read_needs_file(graph: nx.MultiDiGraph, path: Path) -> dict:
    """A user's needs file as a dict like a bundled template's, every competency, role and sector it names
    checked (located problems, with suggestions) and its rules checked to agree with each other."""
    from frameworks.models import NeedsFile
    from frameworks.parse import read_model_file

    doc = read_model_file(path, NeedsFile, "needs").model_dump(by_alias=True)
    names = _Names(graph, path)
    for i, item in enumerate(doc["needs"]):
        if item.get("competency"):
            item["competency"] = names.node("Competency", item["competency"], ("needs", i, "competency"))
    rules = doc["rules"]
    written: dict[tuple[str, str], str] = {}  # (group, role id) -> the key as written, to locate problems
    for group in ("min_roles", "max_roles"):
        resolved = {}
        for key, count in rules[group].items():
            role = names.node("Role", key, ("rules", group, key))
            written[(group, role)] = key
            resolved[role] = count
        rules[group] = resolved
    rules["exclude"] = [names.node("Role", r, ("rules", "exclude", i)) for i, r in enumerate(rules["exclude"])]
    for sector in rules["sector_share"]:
        names.sector(sector, ("rules", "sector_share", sector))
    for role, count in rules["min_roles"].items():
        loc = ("rules", "min_roles", written[("min_roles", role)])
        if role in rules["exclude"]:
            names.problem(loc, f"{role} is also in exclude", "a role either required or excluded, not both")
        cap = rules["max_roles"].get(role)
        if cap is not None and cap < count:
            names.problem(loc, f"at least {count} {role} but max_roles allows at most {cap}")
    names.done()
    return doc


def read_team_file(graph: nx.MultiDiGraph, path: Path) -> list[dict]:
    """A team file's members as {role, title, count, people}, each role and competency it names checked
    (located problems, with suggestions); people are names or {name, competencies}."""
    from frameworks.models import TeamFile
    from frameworks.parse import read_model_file

    team = read_model_file(path, TeamFile, "team")
    names = _Names(graph, path)
    members = []
    for i, m in enumerate(team.members):
        role = names.node("Role", m.role, ("members", i, "role"))
        people: list[Any] = []
        for j, p in enumerate(m.people):
            if isinstance(p, str):
                people.append(p)
                continue
            held = []
            for k, c in enumerate(p.competencies):
                loc = ("members", i, "people", j, "competencies", k, "competency")
                held.append(
                    {
                        "competency": names.node("Competency", c.competency, loc) if c.competency else None,
                        "text": c.text,
                        "level": c.level,
                    }
                )
            people.append({"name": p.name, "competencies": held})
        members.append({"role": role, "count": m.count, "people": people})
    names.done()
    return members


def needs_document(graph: nx.MultiDiGraph, needs: str | Path | Mapping[str, Any]) -> dict:
    """The needs a design or an assessment is for, given as an already-loaded needs document (a template's
    dict, or what read_needs_file returns), a needs file (.yaml, .yml, .json) or a bundled template's id
    (with or without its namespace). Anything else is a QuestionError naming the near templates."""
    if isinstance(needs, Mapping):
        return dict(needs)
    path = Path(needs)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return read_needs_file(graph, path)
    templates = graph.graph.get("team_templates", {})
    name = str(needs)
    matches = [qid for qid in templates if name in (qid, qid.split(":", 1)[1])]
    if len(matches) == 1:
        return templates[matches[0]]
    from rapidfuzz import process

    near = [m[0] for m in process.extract(name, list(templates), limit=3, score_cutoff=50)]
    raise QuestionError(
        f"NEEDS: '{name}' is neither a needs file nor a template"
        + (f"; did you mean {', '.join(near)}?" if near else "; see `pathways team templates`")
    )


def team_members(graph: nx.MultiDiGraph, team: str | Path | Sequence[Mapping[str, Any]]) -> list[dict]:
    """A team's members as assess() reads them: a team file (read and checked by read_team_file), or
    members already loaded as [{role: qualified id, count, people}]."""
    if isinstance(team, (str, Path)):
        return read_team_file(graph, Path(team))
    return [dict(m) for m in team]


def role_counts(
    pairs: Mapping[str, int] | Sequence[tuple[str, int]], option: str, qid: Callable[[str], str]
) -> dict[str, int]:
    """{role id: N} from (role name, N) pairs, each name resolved by `qid`. Two names for the same role
    are a contradiction (QuestionError naming both as `option` ROLE=N), not "last one wins"."""
    out: dict[str, int] = {}
    typed: dict[str, str] = {}
    for name, count in pairs.items() if isinstance(pairs, Mapping) else pairs:
        rid, written = qid(name), f"{name}={count}"
        if rid in out:
            raise QuestionError(f"{option} {typed[rid]} conflicts with {option} {written}")
        out[rid], typed[rid] = int(count), written
    return out


def chosen_sectors(graph: nx.MultiDiGraph, sectors: str | Sequence[str] | None) -> list[str] | None:
    """The sectors a design may draw on (a list, or one comma-separated string), each checked against
    the library's sectors with a suggestion for a near miss; None (or nothing named) means all of them."""
    if not sectors:
        return None
    from rapidfuzz import process

    known = sorted(graph.graph["sectors"])
    given = sectors.split(",") if isinstance(sectors, str) else sectors
    chosen = [s.strip() for s in given if s.strip()]
    for sector in chosen:
        if sector not in known:
            near = process.extractOne(sector, known, score_cutoff=60)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            raise QuestionError(f"--sectors: unknown sector '{sector}'{hint} (known: {', '.join(known)})")
    return chosen or None


def role_cost(data: dict) -> tuple[float | None, str]:
    """Yearly cost of one person in a role, and where the figure comes from."""
    pay = data.get("pay")
    if pay:
        mid = (pay["min"] + pay["max"]) / 2
        per_year = {"year": 1, "month": 12, "week": 52, "hour": HOURS_A_YEAR}[pay["period"]]
        return mid * per_year, pay.get("basis") or "recorded pay"
    level = data["level"]
    if level in AFC_MIDPOINTS:
        return AFC_MIDPOINTS[level], f"no pay recorded: Agenda for Change band {level} midpoint assumed"
    return None, "no pay recorded"


def candidates(
    graph: nx.MultiDiGraph, sectors: list[str] | None = None
) -> tuple[list[Candidate], list[tuple[str, str]]]:
    """Every costed role (optionally of some sectors), and (role, notice) for each role left out."""
    found, notices = [], []
    for node, d in sorted(graph.nodes(data=True)):
        if d["kind"] != "Role" or (sectors and d["sector"] not in sectors):
            continue
        cost, basis = role_cost(d)
        if cost is None:
            notices.append((d["id"], f"{d['id']} left out: {basis}"))
            continue
        found.append(Candidate(d["id"], d["title"], d["sector"], d["level"], cost, basis, role_needs(graph, node)))
    return found, notices


def blended_candidates(pool: list[Candidate], matcher: Matcher, limit: int = 8) -> list[Candidate]:
    """New roles combining a health and a social care role at the same level that already share much
    (a "holistic worker"): both sets of requirements, at the higher cost of the two."""
    pairs = []
    for a in pool:
        for b in pool:
            if a.sector == "health" and b.sector == "social_care" and a.level == b.level:
                score = mutual_overlap(a.needs, b.needs, matcher).score
                if score >= 0.5:
                    pairs.append((score, a, b))
    blends = []
    for _, a, b in sorted(pairs, key=lambda p: (-p[0], p[1].id, p[2].id))[:limit]:
        merged = {n.competency: n for n in b.needs}
        for n in a.needs:
            if n.competency not in merged or merged[n.competency].depth < n.depth:
                merged[n.competency] = n
        blends.append(
            Candidate(
                f"blend:{a.id}+{b.id}",
                f"Blended {a.title} / {b.title}",
                "blended",
                a.level,
                max(a.cost, b.cost),
                "blended role: the higher cost of the two",
                list(merged.values()),
                [a.id, b.id],
            )
        )
    return blends


def coverage(pool: list[Candidate], needs: list[TeamNeed], matcher: Matcher) -> tuple[np.ndarray, dict]:
    """covers[r, n]: whether role r meets need n; how[(r, n)]: the matching requirement and similarity."""
    covers = np.zeros((len(pool), len(needs)), dtype=bool)
    how: dict[tuple[int, int], dict] = {}
    need_list = [n.need for n in needs]
    for r, cand in enumerate(pool):
        if not cand.needs:
            continue
        match = match_skills(cand.needs, need_list, matcher)
        for n, team_need in enumerate(needs):
            able = [i for i in match.holders(n) if cand.needs[i].depth >= team_need.need.depth - 1e-9]
            best = match.best(n, able)
            if best is not None:
                covers[r, n] = True
                held = cand.needs[best]
                how[(r, n)] = {
                    "by": held.label,
                    "competency": held.competency,
                    "level": held.level,
                    "similarity": float(match.sim[best, n]),
                    "via": match.via.get((best, n)),
                    "exact": held.competency == team_need.competency,
                }
    return covers, how


@dataclass
class Options:
    """What the user asked for on the command line. Each wins over the needs' own rule about the same
    thing (the answer says which rule it overrode); options that contradict each other are refused."""

    exclude: list[str] = field(default_factory=list)
    caps: dict[str, int] = field(default_factory=dict)
    minimums: dict[str, int] = field(default_factory=dict)
    sectors: list[str] | None = None
    max_headcount: int | None = None
    budget: float | None = None


def share_text(sector: str, share: dict) -> str:
    """A sector share rule as written in a needs file, e.g. 'sector_share health: min 0.75'."""
    bounds = [f"min {share['min']:g}"] if share.get("min", 0) > 0 else []
    bounds += [f"max {share['max']:g}"] if share.get("max", 1) < 1 else []
    return f"sector_share {sector}: {', '.join(bounds) or 'any'}"


def combine_rules(needs_doc: dict, opts: Options, role_sector: dict[str, str]) -> tuple[dict, list[dict], dict]:
    """The rules a design keeps: the needs' own, with each of the user's options winning over the needs'
    rule about the same role (or headcount, budget, sectors), so a user's explicit limit is never quietly
    beaten by a template's. Returns (rules, overrides [{rule, from, by}], origin: how each rule the user set
    was written, for messages). Raises Conflict when options contradict each other, or the needs' own
    rules do."""
    file_rules = needs_doc.get("rules") or {}
    source = needs_doc.get("id") or "the needs"
    mins = dict(file_rules.get("min_roles") or {})
    caps = dict(file_rules.get("max_roles") or {})
    exclude = list(file_rules.get("exclude") or [])
    shares = {k: dict(v) for k, v in (file_rules.get("sector_share") or {}).items()}
    for role, n in mins.items():  # a needs file is checked on reading; this also covers templates
        if role in exclude:
            raise Conflict(f"{source}: rule exclude {role} conflicts with rule min_roles {role}: {n}")
        if role in caps and caps[role] < n:
            raise Conflict(f"{source}: rule min_roles {role}: {n} conflicts with rule max_roles {role}: {caps[role]}")
    sectors_opt = f"--sectors {','.join(opts.sectors)}" if opts.sectors else ""
    for role, n in opts.minimums.items():
        if role in opts.exclude:
            raise Conflict(f"--exclude {role} conflicts with --min {role}={n}")
        if role in opts.caps and opts.caps[role] < n:
            raise Conflict(f"--min {role}={n} conflicts with --max {role}={opts.caps[role]}")
        if opts.sectors and role_sector.get(role) not in opts.sectors:
            raise Conflict(f"--min {role}={n} conflicts with {sectors_opt}: {role} is a {role_sector.get(role)} role")
    wanted = sum(opts.minimums.values())
    if opts.max_headcount is not None and wanted > opts.max_headcount:
        raise Conflict(f"--min asks for {wanted} people in all, more than --max-headcount {opts.max_headcount}")

    overrides: list[dict] = []
    origin: dict = {}

    def override(rule: str, by: str) -> None:
        overrides.append({"rule": rule, "from": source, "by": by})

    for role in opts.exclude:
        if role in mins:
            override(f"min_roles {role}: {mins.pop(role)}", f"--exclude {role}")
        if role not in exclude:
            exclude.append(role)
        origin[("exclude", role)] = f"--exclude {role}"
    for role, n in opts.caps.items():
        by = f"--max {role}={n}"
        if role in mins and mins[role] > n:
            override(f"min_roles {role}: {mins[role]}", by)
            mins[role] = n
        if role in caps and caps[role] != n:
            override(f"max_roles {role}: {caps[role]}", by)
        caps[role] = n
        origin[("max_roles", role)] = by
    for role, n in opts.minimums.items():
        by = f"--min {role}={n}"
        if role in exclude:
            override(f"exclude {role}", by)
            exclude.remove(role)
        if role in caps and caps[role] < n:  # only the needs' cap can be below: options were checked above
            override(f"max_roles {role}: {caps.pop(role)}", by)
        if role in mins and mins[role] != n:
            override(f"min_roles {role}: {mins[role]}", by)
        mins[role] = n
        origin[("min_roles", role)] = by
    if opts.sectors:
        for role in [r for r in mins if role_sector.get(r) not in opts.sectors]:
            override(f"min_roles {role}: {mins.pop(role)}", sectors_opt)
        for sector in [s for s, share in shares.items() if s not in opts.sectors and share.get("min", 0) > 0]:
            override(share_text(sector, shares.pop(sector)), sectors_opt)
    headcount, budget = file_rules.get("max_headcount"), file_rules.get("budget")
    if opts.max_headcount is not None:
        if headcount is not None and headcount != opts.max_headcount:
            override(f"max_headcount {headcount}", f"--max-headcount {opts.max_headcount}")
        headcount = opts.max_headcount
        origin["max_headcount"] = "--max-headcount"
    if opts.budget is not None:
        if budget is not None and budget != opts.budget:
            override(f"budget £{budget:,.0f}", f"--budget {opts.budget:g}")
        budget = opts.budget
        origin["budget"] = "--budget"
    rules = {
        "min_roles": {r: n for r, n in mins.items() if n > 0},
        "max_roles": caps,
        "exclude": exclude,
        "max_headcount": headcount,
        "budget": budget,
        "sector_share": shares,
        "sectors": list(opts.sectors or []),
    }
    return rules, overrides, origin


@dataclass
class Problem:
    """The integer program's data, so the same team can be solved, explained and varied. `blocked` roles
    (excluded, or outside the chosen sectors) stay in the pool at zero, so an explanation can name them;
    `origin` says how a rule the user set was written (e.g. '--max hsc:x=2'). With `confidence`, every
    need's cover must hold with that probability at the candidates' vacancy rates (see
    pathways.team_supply); `area` (a name) is set when the candidates carry an area's rates, to report each need's
    chance of cover."""

    pool: list[Candidate]
    needs: list[TeamNeed]
    covers: np.ndarray
    rules: dict
    objective: str = "cost"
    blocked: dict[str, str] = field(default_factory=dict)
    origin: dict = field(default_factory=dict)
    confidence: float | None = None
    area: str | None = None

    @property
    def filled(self) -> np.ndarray:
        """Per candidate, the chance a post is filled: 1 - its vacancy rate (1 when none is known)."""
        return np.array([1.0 - (c.vacancy or 0.0) for c in self.pool])

    def expected_filled(self, counts: np.ndarray, n: int) -> float:
        return float(np.dot(counts * self.covers[:, n], self.filled))

    def cover_probability(self, counts: np.ndarray, n: int) -> float:
        """The chance at least `cover` of the posts covering need n are filled (Poisson binomial)."""
        chances, filled = np.ones(1), self.filled
        for r in np.nonzero(self.covers[:, n] & (counts > 0))[0]:
            p = filled[r]
            for _ in range(int(counts[r])):
                chances = np.convolve(chances, [1.0 - p, p])
        return float(chances[self.needs[n].cover :].sum())

    def solve(self, extra_upper: dict[int, int] | None = None) -> np.ndarray | None:
        """Counts per candidate at the optimum, or None if infeasible. A need asking for more than one person
        is first held only by a bound every team whose cover holds keeps; a need the best team then falls
        short on gets its exact condition (one of its minimal mixes), and the problem is solved again. Adding
        a need's exact condition never rules out a team that holds, so the last answer is the optimum."""
        exact: set[int] = set()
        while True:
            counts = self._solve_once(extra_upper, cover_mixes(self, exact))
            if counts is None or self.confidence is None:
                return counts
            short = {
                n
                for n, need in enumerate(self.needs)
                if need.cover > 1 and n not in exact and self.cover_probability(counts, n) < self.confidence - 1e-9
            }
            if not short:
                return counts
            exact |= short

    def _solve_once(self, extra_upper: dict[int, int] | None, mixes: list) -> np.ndarray | None:
        """One MILP solve. For each need with mixes (see pathways.team_supply.cover_mixes), a 0/1 variable
        per mix says which one the team holds: the posts of each group >= that mix's count x chosen, and one
        mix is chosen."""
        from scipy.optimize import Bounds, LinearConstraint, milp

        k = len(self.pool)
        if k == 0:
            return None
        costs = np.array([c.cost for c in self.pool])
        c = costs + 1e-3 if self.objective == "cost" else 1.0 + costs * 1e-7
        lower, upper = self._bounds(extra_upper)
        rows, low, high = [], [], []
        for n, need in enumerate(self.needs):
            rows.append(self.covers[:, n].astype(float))
            low.append(need.cover)
            high.append(np.inf)
        if self.confidence is not None:  # each need's cover holds with probability `confidence`
            filled = self.filled
            for n, need in enumerate(self.needs):
                column = self.covers[:, n].astype(float)
                if need.cover == 1:  # P(none filled) = prod v^x <= 1 - confidence, in logs
                    rows.append(column * np.log(np.maximum(1.0 - filled, 1e-9)))
                    low.append(-np.inf)
                    high.append(np.log(1.0 - self.confidence))
                else:  # a bound every team whose cover holds keeps (E[X] >= k P(X >= k)); the mixes are exact
                    rows.append(column * filled)
                    low.append(need.cover * self.confidence - 1e-9)
                    high.append(np.inf)
        if self.rules.get("max_headcount"):
            rows.append(np.ones(k))
            low.append(0)
            high.append(self.rules["max_headcount"])
        if self.rules.get("budget"):
            rows.append(costs)
            low.append(0)
            high.append(self.rules["budget"])
        for sector, share in (self.rules.get("sector_share") or {}).items():
            member = np.array([1.0 if cand.sector == sector else 0.0 for cand in self.pool])
            if share.get("min", 0) > 0:
                rows.append(member - share["min"])
                low.append(0)
                high.append(np.inf)
            if share.get("max", 1) < 1:
                rows.append(member - share["max"])
                low.append(-np.inf)
                high.append(0)
        matrix, c, lower, upper = with_mixes(np.array(rows), c, lower, upper, mixes, low, high)
        result = milp(
            c,
            constraints=LinearConstraint(matrix, low, high),
            integrality=np.ones(len(c)),
            bounds=Bounds(lower, upper),
            options={"time_limit": SOLVE_SECONDS},
        )
        if result.status == 1:  # the time limit: say so, never report it as "no team keeps the rules"
            raise QuestionError(
                f"the team design took longer than {SOLVE_SECONDS} s and was stopped; give fewer needs or"
                " tighter rules (--max-headcount, --exclude), or design part of the service at a time"
            )
        if result.status != 0 or result.x is None:
            return None
        return np.round(result.x[:k]).astype(int)

    def _bounds(self, extra_upper: dict[int, int] | None, headcount: bool = True) -> tuple[np.ndarray, np.ndarray]:
        ids = [c.id for c in self.pool]
        big = float((self.rules.get("max_headcount") if headcount else None) or 1000)
        lower = np.array([float((self.rules.get("min_roles") or {}).get(i, 0)) for i in ids])
        upper = np.array([float((self.rules.get("max_roles") or {}).get(i, big)) for i in ids])
        for r, cand in enumerate(self.pool):
            if cand.id in self.blocked:
                upper[r] = 0.0
        for r, value in (extra_upper or {}).items():
            upper[r] = min(upper[r], value)
        return lower, np.maximum(upper, lower)  # combine_rules keeps every minimum within its cap

    def label(self, group: str, role: str) -> str:
        """A role rule as the user or the needs file wrote it."""
        if (group, role) in self.origin:
            return self.origin[(group, role)]
        return f"{group} {role}: {self.rules[group][role]}"

    def _why_unavailable(self, r: int) -> str:
        role = self.pool[r].id
        return self.blocked.get(role) or self.label("max_roles", role)

    def explain_infeasible(self) -> list[str]:
        """Plain reasons: needs nobody allowed can meet (naming the roles ruled out that could), role caps
        too low for a need's cover, or the rule that makes covering every need impossible; each rule named
        as the user or the needs file wrote it."""
        _, upper = self._bounds(None)
        reasons = []
        for col, n in enumerate(self.needs):
            able = np.nonzero(self.covers[:, col])[0]
            if any(upper[r] > 0 for r in able):
                continue
            ruled_out = [f"{self.pool[r].id} ({self._why_unavailable(r)})" for r in able]
            reasons.append(
                f"no allowed role can meet '{n.label}' at level {n.level}"
                + (f"; roles that could are ruled out: {', '.join(ruled_out[:4])}" if ruled_out else "")
            )
        if reasons:
            return reasons
        _, capped = self._bounds(None, headcount=False)
        for n, need in enumerate(self.needs):
            able = np.nonzero(self.covers[:, n])[0]
            limit = sum(capped[r] for r in able)
            if limit < need.cover:
                caps = [
                    self._why_unavailable(r)
                    for r in able
                    if self.pool[r].id in self.blocked or self.pool[r].id in (self.rules.get("max_roles") or {})
                ]
                reasons.append(
                    f"'{need.label}' needs {need.cover} people but the role caps allow only {int(limit)} "
                    f"({', '.join(caps)})"
                )
        if reasons:
            return reasons
        every = self._every_need()
        for rule in ("max_headcount", "budget", "sector_share", "min_roles", "max_roles"):
            if not self.rules.get(rule):
                continue
            without = {**self.rules, rule: None if rule in ("max_headcount", "budget") else {}}
            objective = "headcount" if rule == "max_headcount" else "cost"
            counts = self._variant(without, objective).solve()
            if counts is None:
                continue
            others = " while keeping the other rules" if self.rules.get("min_roles") else ""
            if rule == "max_headcount":
                reasons.append(
                    f"{self.origin.get(rule, rule)} {self.rules[rule]} is too small: {every}{others} "
                    f"takes at least {int(counts.sum())} people"
                )
            elif rule == "budget":
                cost = float(np.dot(counts, [c.cost for c in self.pool]))
                reasons.append(
                    f"{self.origin.get(rule, rule)} £{self.rules[rule]:,.0f} is too small: the cheapest team "
                    f"{every}{others} costs £{cost:,.0f} a year"
                )
            elif rule == "sector_share":
                shares = "; ".join(share_text(s, v) for s, v in self.rules[rule].items())
                reasons.append(f"the rule {shares} cannot be kept together with {every}")
            else:
                named = ", ".join(self.label(rule, role) for role in self.rules[rule])
                what = "minimums" if rule == "min_roles" else "caps"
                reasons.append(f"the role {what} ({named}) cannot be kept together with {every}")
        if reasons:
            return reasons
        groups = [g for g in ("max_headcount", "budget", "sector_share", "min_roles", "max_roles") if self.rules.get(g)]
        for i, first in enumerate(groups):
            for second in groups[i + 1 :]:
                without = {**self.rules, first: _nothing(first), second: _nothing(second)}
                if self._variant(without, self.objective).solve() is not None:
                    named = " and ".join(", ".join(self._rule_words(g)) for g in (first, second))
                    reasons.append(f"{named} cannot all be kept together with {every}")
        return reasons or ["the needs and rules cannot all be met together: " + ", ".join(self._all_rules())]

    def _variant(self, rules: dict, objective: str) -> Problem:
        """The same problem under other rules (and objective), for explaining infeasibility."""
        from dataclasses import replace

        return replace(self, rules=rules, objective=objective, origin={})

    def _every_need(self) -> str:
        return "covering every need" + self.chance()

    def chance(self) -> str:
        """How sure cover must be, for messages ('' when every post is taken as filled)."""
        if self.confidence is None:
            return ""
        return f" with probability {self.confidence:g} at {self.area}'s vacancy rates"

    def _rule_words(self, group: str) -> list[str]:
        if group in ("max_headcount", "budget"):
            value = self.rules[group]
            return [f"{self.origin.get(group, group)} " + (f"£{value:,.0f}" if group == "budget" else f"{value}")]
        if group == "sector_share":
            return [share_text(s, v) for s, v in self.rules[group].items()]
        return [self.label(group, role) for role in self.rules[group]]

    def _all_rules(self) -> list[str]:
        groups = ("max_headcount", "budget", "sector_share", "min_roles", "max_roles")
        return [words for g in groups if self.rules.get(g) for words in self._rule_words(g)]


def _nothing(group: str) -> dict | None:
    return None if group in ("max_headcount", "budget") else {}


def _each_option_left_out(opts: Options) -> list[tuple[str, Options]]:
    """(how the option was written, the options without it), for finding which option makes a design
    infeasible."""
    from dataclasses import replace

    out = [(f"--exclude {r}", replace(opts, exclude=[x for x in opts.exclude if x != r])) for r in opts.exclude]
    for group, flag in (("caps", "--max"), ("minimums", "--min")):
        values = getattr(opts, group)
        out += [
            (f"{flag} {r}={n}", replace(opts, **{group: {k: v for k, v in values.items() if k != r}}))
            for r, n in values.items()
        ]
    if opts.sectors:
        out.append((f"--sectors {','.join(opts.sectors)}", replace(opts, sectors=None)))
    if opts.max_headcount is not None:
        out.append((f"--max-headcount {opts.max_headcount}", replace(opts, max_headcount=None)))
    if opts.budget is not None:
        out.append((f"--budget {opts.budget:g}", replace(opts, budget=None)))
    return out


@dataclass
class SolvedTeam:
    """A solved team: its members, size, yearly pay (whole pounds) and how it covers each need."""

    team: list[TeamMember]
    headcount: int
    cost: int
    by_sector: dict[str, int]
    coverage: list[DesignRow]


def team_record(problem: Problem, counts: np.ndarray, how: dict) -> SolvedTeam:
    """A solved team as the answer shows it (see the README)."""
    team = [
        TeamMember(
            cand.id,
            cand.title,
            cand.sector,
            cand.level,
            int(count),
            round(cand.cost),
            round(cand.cost * count),
            cand.cost_basis,
            cand.blended_from,
            cand.vacancy,
        )
        for cand, count in zip(problem.pool, counts, strict=True)
        if count
    ]
    rows = []
    for n, need in enumerate(problem.needs):
        by = [
            DesignCover(problem.pool[r].id, int(counts[r]), **how[(r, n)])
            for r in np.nonzero(problem.covers[:, n] & (counts > 0))[0]
        ]
        provided = sum(b.count for b in by)
        row = DesignRow(need.brief(), provided, provided - need.cover, by, need.resolution)
        if problem.area is not None:
            row.expected_filled = problem.expected_filled(counts, n)
            row.cover_probability = problem.cover_probability(counts, n)
        rows.append(row)
    by_sector: dict[str, int] = {}
    for member in team:
        by_sector[member.sector] = by_sector.get(member.sector, 0) + member.count
    return SolvedTeam(team, int(counts.sum()), sum(m.cost for m in team), by_sector, rows)


def _blocked(pool: list[Candidate], rules: dict, origin: dict, opts: Options) -> dict[str, str]:
    """Roles the design may not use, each with the rule or option that rules it out."""
    blocked = {role: origin.get(("exclude", role), f"exclude {role}") for role in rules["exclude"]}
    if opts.sectors:
        for cand in pool:
            if cand.sector not in opts.sectors:
                blocked.setdefault(cand.id, f"--sectors {','.join(opts.sectors)}")
    return blocked


def role_sectors(graph: nx.MultiDiGraph) -> dict[str, str]:
    return {d["id"]: d["sector"] for _, d in graph.nodes(data=True) if d["kind"] == "Role"}


def check_options(graph: nx.MultiDiGraph, needs_doc: dict, opts: Options) -> None:
    """Raise Conflict if the options contradict each other or the needs' own rules do (cheap: before any
    matching is done)."""
    combine_rules(needs_doc, opts, role_sectors(graph))


def design(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    needs_doc: dict,
    objective: str = "cost",
    blended: bool = False,
    options: Options | None = None,
    area: str | None = None,
    availability: str = "all",
    confidence: float = 0.9,
) -> TeamDesign:
    """The optimal team for a needs document (a template's dict or a needs file) under its rules and the
    user's options, with alternatives. Raises Conflict (contradicting constraints) or Infeasible. With an
    `area` (an area id: see check_availability) each role carries the area's vacancy rate and each need its
    chance of cover; availability "vacancy" sizes the team so every need's cover holds with probability
    `confidence` (pathways.team_supply's docstring says how)."""
    if objective not in ("cost", "headcount"):
        raise QuestionError(f"objective must be 'cost' or 'headcount', not {objective!r}")
    opts = options or Options()
    pool, left_out = candidates(graph)
    role_sector = role_sectors(graph)
    rules, overrides, origin = combine_rules(needs_doc, opts, role_sector)
    blocked = _blocked(pool, rules, origin, opts)
    costed = {c.id for c in pool}
    uncosted = [role for role in rules["min_roles"] if role not in costed]
    problem = Problem(pool, [], np.zeros((0, 0), dtype=bool), rules, objective, blocked, origin)
    if uncosted:
        raise Infeasible(
            [f"{problem.label('min_roles', r)} cannot be kept: {r} has no pay recorded to cost it" for r in uncosted]
        )
    notices = [
        note
        for role, note in left_out
        if role not in blocked and (not opts.sectors or role_sector.get(role) in opts.sectors)
    ]
    if blended:
        pool = pool + blended_candidates([c for c in pool if c.id not in blocked], matcher)
    figures = with_vacancies(graph, pool, area) if area else {}
    robust = {
        "confidence": confidence if availability == "vacancy" else None,
        "area": supply_data(graph)["areas"][area]["name"] if area else None,
    }
    needs = resolve_needs(graph, matcher, needs_doc["needs"])
    covers, how = coverage(pool, needs, matcher)
    problem = Problem(pool, needs, covers, rules, objective, blocked, origin, **robust)
    counts = problem.solve()
    if counts is None:
        culprits = []
        for written, fewer in _each_option_left_out(opts):
            rules2, _, origin2 = combine_rules(needs_doc, fewer, role_sector)
            blocked2 = _blocked(pool, rules2, origin2, fewer)
            if Problem(pool, needs, covers, rules2, objective, blocked2, origin2, **robust).solve() is not None:
                culprits.append(written)
        source = needs_doc.get("id") or "the needs"
        blamed = [
            f"with {c} no team covers every need{problem.chance()} under the other rules of {source} and your options;"
            " without it one does"
            for c in culprits
        ]
        raise Infeasible(blamed + vacancies_bite(problem) + problem.explain_infeasible())
    best = team_record(problem, counts, how)
    supply = availability_report(problem, best, figures, area, availability, confidence) if area else None
    return TeamDesign(
        needs=NeedsRef(needs_doc.get("id"), needs_doc.get("title")),
        objective=objective,  # type: ignore[arg-type]  # checked above
        matcher=matcher.description,
        status="optimal with overrides" if overrides else "optimal",
        team=best.team,
        headcount=best.headcount,
        cost=best.cost,
        by_sector=best.by_sector,
        coverage=best.coverage,
        similarity_credits=[
            SimilarityCredit(row.need.label, b.role, b.by, b.similarity, b.via)
            for row in best.coverage
            for b in row.covered_by
            if not b.exact
        ],
        alternatives=_alternatives(problem, counts, how, best)[:ALTERNATIVES],
        overridden=[Override(o["rule"], o["from"], o["by"]) for o in overrides],
        notices=[f"your {o['by']} overrides the rule {o['rule']} of {o['from']}" for o in overrides] + notices,
        rules={k: v for k, v in rules.items() if v},
        availability=supply[0] if supply else None,
        hard_to_fill=supply[1] if supply else None,
    )


def _alternatives(problem: Problem, counts: np.ndarray, how: dict, best: SolvedTeam) -> list[Alternative]:
    """The optimal team without each role the best one uses (a role the rules require is kept), best first."""
    pool, found = problem.pool, []
    for r in sorted(np.nonzero(counts)[0], key=lambda r: -pool[r].cost * counts[r]):
        if pool[r].id in problem.rules["min_roles"]:
            continue
        other = problem.solve({r: 0})
        if other is not None:
            record = team_record(problem, other, how)
            found.append(Alternative(pool[r].id, record.team, record.headcount, record.cost, record.cost - best.cost))
    if problem.objective == "headcount":
        found.sort(key=lambda a: (a.headcount, a.cost, a.without))
    else:
        found.sort(key=lambda a: (a.cost, a.headcount, a.without))
    return found


def assess(graph: nx.MultiDiGraph, matcher: Matcher, members: list[dict], needs_doc: dict) -> TeamAssessment:
    """How an existing team covers the needs: gaps, single points of failure, duplication, the cheapest
    training that closes each gap, and whether the team keeps each rule of the needs. Members are
    {role, count, people}; people beyond the named ones are unnamed posts. Who is meant is given by
    name where the team file names people."""
    pool, groups = [], []
    for m in members:
        data = graph.nodes[node_id("Role", m["role"])]
        cost, basis = role_cost(data)
        base = role_needs(graph, node_id("Role", m["role"]))
        skilled = [p for p in m.get("people", []) if isinstance(p, dict)]
        names = [p for p in m.get("people", []) if isinstance(p, str)]
        group = {"role": m["role"], "title": data["title"]}
        if m["count"] > len(skilled):  # people known by name only, and unnamed posts: the role's requirements
            pool.append(Candidate(m["role"], data["title"], data["sector"], data["level"], cost or 0.0, basis, base))
            groups.append({**group, "count": m["count"] - len(skilled), "people": names})
        for person in skilled:  # a named person: the role's requirements plus their own passport
            extra = resolve_needs(graph, matcher, [{**c, "cover": 1} for c in person["competencies"]])
            pool.append(
                Candidate(
                    m["role"],
                    data["title"],
                    data["sector"],
                    data["level"],
                    cost or 0.0,
                    basis,
                    base + [n.need for n in extra],
                )
            )
            groups.append({**group, "count": 1, "people": [person["name"]]})
    needs = resolve_needs(graph, matcher, needs_doc["needs"])
    covers, how = coverage(pool, needs, matcher)
    counts = np.array([g["count"] for g in groups])
    rows: list[AssessRow] = []
    single, duplicated = [], []
    for n, need in enumerate(needs):
        by = [
            AssessCover(pool[r].id, groups[r]["title"], int(counts[r]), groups[r]["people"], **how[(r, n)])
            for r in np.nonzero(covers[:, n])[0]
        ]
        provided = sum(b.count for b in by)
        status = "gap" if provided < need.cover else ("single point of failure" if provided == 1 else "ok")
        if provided - need.cover >= max(2, need.cover):
            duplicated.append(Duplication(need.label, need.cover, provided))
        row = AssessRow(need.brief(), need.cover, provided, provided - need.cover, status, by, need.resolution)
        rows.append(row)
        if status == "gap":
            row.upskilling = upskilling(graph, matcher, pool, groups, covers, n, need)
        elif status == "single point of failure":
            (only,) = by
            single.append(SinglePoint(need.label, only.role, only.title, only.people))
    gaps = [row for row in rows if row.status == "gap"]
    return TeamAssessment(
        needs=NeedsRef(needs_doc.get("id"), needs_doc.get("title")),
        matcher=matcher.description,
        headcount=int(counts.sum()),
        coverage=rows,
        gaps=[g.need.label for g in gaps],
        single_points_of_failure=single,
        duplication=duplicated,
        upskilling=[UpskillingPlan(g.need.label, **vars(g.upskilling)) for g in gaps if g.upskilling],
        rules=check_rules(needs_doc.get("rules") or {}, pool, counts),
    )


def check_rules(rules: dict, pool: list[Candidate], counts: np.ndarray) -> list[RuleCheck]:
    """Whether an existing team keeps each rule of the needs; kept is None when it cannot be told (a role
    with no pay recorded, for the budget)."""
    headcount = int(counts.sum())
    per_role: dict[str, int] = {}
    per_sector: dict[str, int] = {}
    for cand, count in zip(pool, counts, strict=True):
        per_role[cand.id] = per_role.get(cand.id, 0) + int(count)
        per_sector[cand.sector] = per_sector.get(cand.sector, 0) + int(count)
    out = []
    if rules.get("max_headcount"):
        limit = rules["max_headcount"]
        out.append({"rule": f"max_headcount {limit}", "kept": headcount <= limit, "detail": f"{headcount} in the team"})
    if rules.get("budget"):
        unpaid = sorted({c.id for c in pool if c.cost_basis == "no pay recorded"})
        cost = float(np.dot(counts, [c.cost for c in pool]))
        out.append(
            {
                "rule": f"budget £{rules['budget']:,.0f}",
                "kept": None if unpaid else cost <= rules["budget"],
                "detail": f"cannot be costed: {', '.join(unpaid)} (no pay recorded)"
                if unpaid
                else f"yearly pay £{cost:,.0f}",
            }
        )
    for sector, share in (rules.get("sector_share") or {}).items():
        part = per_sector.get(sector, 0) / headcount if headcount else 0.0
        out.append(
            {
                "rule": share_text(sector, share),
                "kept": share.get("min", 0) - 1e-9 <= part <= share.get("max", 1) + 1e-9,
                "detail": f"{per_sector.get(sector, 0)} of {headcount} ({part:.2f})",
            }
        )
    for role, least in (rules.get("min_roles") or {}).items():
        have = per_role.get(role, 0)
        out.append({"rule": f"min_roles {role}: {least}", "kept": have >= least, "detail": f"{have} in the team"})
    for role, most in (rules.get("max_roles") or {}).items():
        have = per_role.get(role, 0)
        out.append({"rule": f"max_roles {role}: {most}", "kept": have <= most, "detail": f"{have} in the team"})
    for role in rules.get("exclude") or []:
        have = per_role.get(role, 0)
        out.append({"rule": f"exclude {role}", "kept": have == 0, "detail": f"{have} in the team"})
    return [RuleCheck(**r) for r in out]


def upskilling(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    pool: list[Candidate],
    groups: list[dict],
    covers: np.ndarray,
    n: int,
    need: TeamNeed,
) -> Upskilling:
    """The cheapest training (fewest months) that lets team members not yet covering a need cover it,
    for as many people as the shortfall, from the roles closest to it in level; named people first."""
    counts = np.array([g["count"] for g in groups])
    shortfall = need.cover - int(counts[covers[:, n]].sum())
    (anchor,) = matcher.anchor_of([need.need.competency], [need.need.text])
    target = need.competency or anchor
    courses = []
    for node, d in graph.nodes(data=True):
        if d["kind"] != "Qualification":
            continue
        for _, comp, key, edge in graph.out_edges(node, keys=True, data=True):
            cdata = graph.nodes[comp]
            if (
                key == "DEVELOPS"
                and cdata["id"] == target
                and edge["level"] / cdata.get("scale_max", 9) >= need.need.depth - 1e-9
            ):
                courses.append(Training(d["id"], d["title"], d["qualification_kind"], d["months"]))
    courses.sort(key=lambda c: (c.months, c.id))
    learners = sorted(
        (r for r in range(len(pool)) if not covers[r, n] and counts[r]),
        key=lambda r: (abs(pool[r].level - need.level), pool[r].id, not groups[r]["people"]),
    )
    plan, left = [], shortfall
    for r in learners:
        if left <= 0:
            break
        take = min(left, int(counts[r]))
        plan.append(Trainee(pool[r].id, take, groups[r]["people"][:take], groups[r]["title"]))
        left -= take
    if not courses:
        return Upskilling(
            shortfall, None, plan, "no listed training develops this; recruit or second a role that covers it"
        )
    more = f"{left} more {'person is' if left == 1 else 'people are'} needed than the team has to train"
    return Upskilling(shortfall, courses[0], plan, None if left <= 0 else more)
