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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from graph.build import node_id
from graph.overlap import Need, role_needs, similarity_between

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


class Conflict(ValueError):
    """Constraints that contradict each other (the user's own options, or a needs file's own rules);
    the message names both."""


class Infeasible(Exception):
    """No team can meet the needs under the rules; `reasons` say why in plain words."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


@dataclass
class TeamNeed:
    index: int
    label: str
    level: int
    cover: int
    need: Need
    competency: str | None
    text: str | None
    resolution: dict | None = None

    def brief(self) -> dict:
        return {
            "competency": self.competency,
            "text": self.text,
            "label": self.label,
            "level": self.level,
            "cover": self.cover,
        }


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


def resolve_needs(graph: nx.MultiDiGraph, matcher: Matcher, needs: list[dict]) -> list[TeamNeed]:
    """The needs as the overlap engine sees them; free text is resolved and the resolution kept."""
    from graph.matching import competency_text

    out = []
    for i, item in enumerate(needs):
        if item.get("competency"):
            data = graph.nodes[node_id("Competency", item["competency"])]
            need = Need(data["id"], data["label"], competency_text(data), item["level"], data.get("scale_max", 9), True)
            out.append(TeamNeed(i, data["label"], item["level"], item["cover"], need, data["id"], None))
        else:
            text = item["text"]
            need = Need(f"need:{i + 1}", text, text, item["level"], 9, True)
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
                    {"text": text, "resolves_to": anchor, "label": label},
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
    from graph.overlap import directional, harmonic

    pairs = []
    for a in pool:
        for b in pool:
            if a.sector == "health" and b.sector == "social_care" and a.level == b.level:
                sim, via = similarity_between(a.needs, b.needs, matcher)
                score = harmonic(
                    directional(a.needs, b.needs, sim, matcher.threshold, via)["coverage"],
                    directional(b.needs, a.needs, sim.T, matcher.threshold, {(j, i): x for (i, j), x in via.items()})[
                        "coverage"
                    ],
                )
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
        sim, via = similarity_between(cand.needs, need_list, matcher)
        for n, team_need in enumerate(needs):
            able = [
                i
                for i, held in enumerate(cand.needs)
                if (sim[i, n] >= matcher.threshold or (i, n) in via) and held.depth >= team_need.need.depth - 1e-9
            ]
            best = max(able, key=lambda i: sim[i, n]) if able else None
            if best is not None:
                covers[r, n] = True
                held = cand.needs[best]
                how[(r, n)] = {
                    "by": held.label,
                    "competency": held.competency,
                    "level": held.level,
                    "similarity": round(float(sim[best, n]), 3),
                    "via": via.get((best, n)),
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
    `origin` says how a rule the user set was written (e.g. '--max hsc:x=2')."""

    pool: list[Candidate]
    needs: list[TeamNeed]
    covers: np.ndarray
    rules: dict
    objective: str = "cost"
    blocked: dict[str, str] = field(default_factory=dict)
    origin: dict = field(default_factory=dict)

    def solve(self, extra_upper: dict[int, int] | None = None) -> np.ndarray | None:
        """Counts per candidate at the optimum, or None if infeasible."""
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
        result = milp(
            c,
            constraints=LinearConstraint(np.array(rows), low, high),
            integrality=np.ones(k),
            bounds=Bounds(lower, upper),
            options={"time_limit": 30},
        )
        if result.status != 0 or result.x is None:
            return None
        return np.round(result.x).astype(int)

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
        for rule in ("max_headcount", "budget", "sector_share", "min_roles", "max_roles"):
            if not self.rules.get(rule):
                continue
            without = {**self.rules, rule: None if rule in ("max_headcount", "budget") else {}}
            objective = "headcount" if rule == "max_headcount" else "cost"
            counts = Problem(self.pool, self.needs, self.covers, without, objective, self.blocked).solve()
            if counts is None:
                continue
            others = " while keeping the other rules" if self.rules.get("min_roles") else ""
            if rule == "max_headcount":
                reasons.append(
                    f"{self.origin.get(rule, rule)} {self.rules[rule]} is too small: covering every need{others} "
                    f"takes at least {int(counts.sum())} people"
                )
            elif rule == "budget":
                cost = float(np.dot(counts, [c.cost for c in self.pool]))
                reasons.append(
                    f"{self.origin.get(rule, rule)} £{self.rules[rule]:,.0f} is too small: the cheapest team "
                    f"covering every need{others} costs £{cost:,.0f} a year"
                )
            elif rule == "sector_share":
                shares = "; ".join(share_text(s, v) for s, v in self.rules[rule].items())
                reasons.append(f"the rule {shares} cannot be kept together with covering every need")
            else:
                named = ", ".join(self.label(rule, role) for role in self.rules[rule])
                what = "minimums" if rule == "min_roles" else "caps"
                reasons.append(f"the role {what} ({named}) cannot be kept together with covering every need")
        if reasons:
            return reasons
        groups = [g for g in ("max_headcount", "budget", "sector_share", "min_roles", "max_roles") if self.rules.get(g)]
        for i, first in enumerate(groups):
            for second in groups[i + 1 :]:
                without = {**self.rules, first: _nothing(first), second: _nothing(second)}
                if (
                    Problem(self.pool, self.needs, self.covers, without, self.objective, self.blocked).solve()
                    is not None
                ):
                    named = " and ".join(", ".join(self._rule_words(g)) for g in (first, second))
                    reasons.append(f"{named} cannot all be kept together with covering every need")
        return reasons or ["the needs and rules cannot all be met together: " + ", ".join(self._all_rules())]

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


def team_record(problem: Problem, counts: np.ndarray, how: dict) -> dict:
    """A solved team in the JSON form (see the README)."""
    team = []
    for r, count in enumerate(counts):
        if count:
            cand = problem.pool[r]
            team.append(
                {
                    "role": cand.id,
                    "title": cand.title,
                    "sector": cand.sector,
                    "level": cand.level,
                    "count": int(count),
                    "unit_cost": round(cand.cost),
                    "cost": round(cand.cost * count),
                    "cost_basis": cand.cost_basis,
                    "blended_from": cand.blended_from,
                }
            )
    rows = []
    for n, need in enumerate(problem.needs):
        by = [
            {"role": problem.pool[r].id, "count": int(counts[r]), **how[(r, n)]}
            for r in np.nonzero(problem.covers[:, n] & (counts > 0))[0]
        ]
        provided = int(sum(b["count"] for b in by))
        rows.append(
            {
                "need": need.brief(),
                "provided": provided,
                "margin": provided - need.cover,
                "covered_by": by,
                "resolution": need.resolution,
            }
        )
    by_sector: dict[str, int] = {}
    for member in team:
        by_sector[member["sector"]] = by_sector.get(member["sector"], 0) + member["count"]
    return {
        "team": team,
        "headcount": int(counts.sum()),
        "cost": round(sum(m["cost"] for m in team)),
        "by_sector": by_sector,
        "coverage": rows,
    }


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
) -> dict:
    """The optimal team for a needs document (a template's dict or a needs file) under its rules and the
    user's options, with alternatives. Raises Conflict (contradicting constraints) or Infeasible."""
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
    needs = resolve_needs(graph, matcher, needs_doc["needs"])
    covers, how = coverage(pool, needs, matcher)
    problem = Problem(pool, needs, covers, rules, objective, blocked, origin)
    counts = problem.solve()
    if counts is None:
        culprits = []
        for written, fewer in _each_option_left_out(opts):
            rules2, _, origin2 = combine_rules(needs_doc, fewer, role_sector)
            blocked2 = _blocked(pool, rules2, origin2, fewer)
            if Problem(pool, needs, covers, rules2, objective, blocked2, origin2).solve() is not None:
                culprits.append(written)
        source = needs_doc.get("id") or "the needs"
        named = [
            f"with {c} no team covers every need under the other rules of {source} and your options;"
            " without it one does"
            for c in culprits
        ]
        raise Infeasible(named + problem.explain_infeasible())
    best = team_record(problem, counts, how)
    alternatives = []
    for r in sorted(np.nonzero(counts)[0], key=lambda r: -pool[r].cost * counts[r]):
        if pool[r].id in rules["min_roles"]:
            continue
        other = problem.solve({r: 0})
        if other is not None:
            record = team_record(problem, other, how)
            alternatives.append(
                {
                    "without": pool[r].id,
                    "team": record["team"],
                    "headcount": record["headcount"],
                    "cost": record["cost"],
                    "extra_cost": record["cost"] - best["cost"],
                }
            )
    if objective == "headcount":
        alternatives.sort(key=lambda a: (a["headcount"], a["cost"], a["without"]))
    else:
        alternatives.sort(key=lambda a: (a["cost"], a["headcount"], a["without"]))
    return {
        "needs": {"id": needs_doc.get("id"), "title": needs_doc.get("title")},
        "objective": objective,
        "matcher": matcher.description,
        "status": "optimal with overrides" if overrides else "optimal",
        **best,
        "similarity_credits": [
            {
                "need": row["need"]["label"],
                "role": b["role"],
                "by": b["by"],
                "similarity": b["similarity"],
                "via": b["via"],
            }
            for row in best["coverage"]
            for b in row["covered_by"]
            if not b["exact"]
        ],
        "alternatives": alternatives[:ALTERNATIVES],
        "overridden": overrides,
        "notices": [f"your {o['by']} overrides the rule {o['rule']} of {o['from']}" for o in overrides] + notices,
        "rules": {k: v for k, v in rules.items() if v},
    }


def assess(graph: nx.MultiDiGraph, matcher: Matcher, members: list[dict], needs_doc: dict) -> dict:
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
    rows, gaps, single, duplicated = [], [], [], []
    for n, need in enumerate(needs):
        by = [
            {
                "role": pool[r].id,
                "title": groups[r]["title"],
                "count": int(counts[r]),
                "people": groups[r]["people"],
                **how[(r, n)],
            }
            for r in np.nonzero(covers[:, n])[0]
        ]
        provided = int(sum(b["count"] for b in by))
        status = "gap" if provided < need.cover else ("single point of failure" if provided == 1 else "ok")
        if provided - need.cover >= max(2, need.cover):
            duplicated.append({"need": need.label, "required": need.cover, "provided": provided})
        row = {
            "need": need.brief(),
            "required": need.cover,
            "provided": provided,
            "margin": provided - need.cover,
            "status": status,
            "covered_by": by,
            "resolution": need.resolution,
        }
        rows.append(row)
        if status == "gap":
            gaps.append(row)
            row["upskilling"] = upskilling(graph, matcher, pool, groups, covers, n, need)
        elif status == "single point of failure":
            (only,) = by
            single.append({"need": need.label, "only": only["role"], "title": only["title"], "people": only["people"]})
    return {
        "needs": {"id": needs_doc.get("id"), "title": needs_doc.get("title")},
        "matcher": matcher.description,
        "headcount": int(counts.sum()),
        "coverage": rows,
        "gaps": [g["need"]["label"] for g in gaps],
        "single_points_of_failure": single,
        "duplication": duplicated,
        "upskilling": [{"need": g["need"]["label"], **g["upskilling"]} for g in gaps],
        "rules": check_rules(needs_doc.get("rules") or {}, pool, counts),
    }


def check_rules(rules: dict, pool: list[Candidate], counts: np.ndarray) -> list[dict]:
    """Whether an existing team keeps each rule of the needs: [{rule, kept, detail}]; kept is None when
    it cannot be told (a role with no pay recorded, for the budget)."""
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
    return out


def upskilling(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    pool: list[Candidate],
    groups: list[dict],
    covers: np.ndarray,
    n: int,
    need: TeamNeed,
) -> dict:
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
                courses.append(
                    {"id": d["id"], "title": d["title"], "kind": d["qualification_kind"], "months": d["months"]}
                )
    courses.sort(key=lambda c: (c["months"], c["id"]))
    learners = sorted(
        (r for r in range(len(pool)) if not covers[r, n] and counts[r]),
        key=lambda r: (abs(pool[r].level - need.level), pool[r].id, not groups[r]["people"]),
    )
    plan, left = [], shortfall
    for r in learners:
        if left <= 0:
            break
        take = min(left, int(counts[r]))
        plan.append(
            {"role": pool[r].id, "people": take, "names": groups[r]["people"][:take], "title": groups[r]["title"]}
        )
        left -= take
    if not courses:
        return {
            "shortfall": shortfall,
            "training": None,
            "train": plan,
            "advice": "no listed training develops this; recruit or second a role that covers it",
        }
    more = f"{left} more {'person is' if left == 1 else 'people are'} needed than the team has to train"
    return {
        "shortfall": shortfall,
        "training": courses[0],
        "train": plan,
        "advice": None if left <= 0 else more,
    }
