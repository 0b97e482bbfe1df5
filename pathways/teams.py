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
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

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


def candidates(graph: nx.MultiDiGraph, sectors: list[str] | None = None) -> tuple[list[Candidate], list[str]]:
    """Every costed role (optionally of some sectors), and notices about roles left out."""
    found, notices = [], []
    for node, d in sorted(graph.nodes(data=True)):
        if d["kind"] != "Role" or (sectors and d["sector"] not in sectors):
            continue
        cost, basis = role_cost(d)
        if cost is None:
            notices.append(f"{d['id']} left out: {basis}")
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
class Problem:
    """The integer program's data, so the same team can be solved, explained and varied."""

    pool: list[Candidate]
    needs: list[TeamNeed]
    covers: np.ndarray
    rules: dict
    objective: str = "cost"

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
        for sector, share in self.rules.get("sector_share", {}).items():
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

    def _bounds(self, extra_upper: dict[int, int] | None) -> tuple[np.ndarray, np.ndarray]:
        ids = [c.id for c in self.pool]
        big = float(self.rules.get("max_headcount") or 1000)
        lower = np.array([float(self.rules.get("min_roles", {}).get(i, 0)) for i in ids])
        upper = np.array([float(self.rules.get("max_roles", {}).get(i, big)) for i in ids])
        for r, value in (extra_upper or {}).items():
            upper[r] = min(upper[r], value)
        return lower, np.maximum(upper, lower)

    def explain_infeasible(self) -> list[str]:
        """Plain reasons: needs nobody allowed can meet, or the rule that makes covering them impossible."""
        reasons = [
            f"no allowed role can meet '{n.label}' at level {n.level}"
            for col, n in enumerate(self.needs)
            if not self.covers[:, col].any()
        ]
        if reasons:
            return reasons
        for n, need in enumerate(self.needs):
            limit = sum(self._bounds(None)[1][r] for r in np.nonzero(self.covers[:, n])[0])
            if limit < need.cover:
                reasons.append(f"'{need.label}' needs {need.cover} people but the role caps allow only {int(limit)}")
        if reasons:
            return reasons
        for rule in ("max_headcount", "budget", "sector_share", "min_roles", "max_roles"):
            if not self.rules.get(rule):
                continue
            without = {**self.rules, rule: None if rule in ("max_headcount", "budget") else {}}
            objective = "headcount" if rule == "max_headcount" else "cost"
            counts = Problem(self.pool, self.needs, self.covers, without, objective).solve()
            if counts is None:
                continue
            if rule == "max_headcount":
                reasons.append(
                    f"max_headcount {self.rules[rule]} is too small: covering every need takes at "
                    f"least {int(counts.sum())} people"
                )
            elif rule == "budget":
                cost = float(np.dot(counts, [c.cost for c in self.pool]))
                reasons.append(
                    f"budget £{self.rules[rule]:,.0f} is too small: the cheapest team covering every "
                    f"need costs £{cost:,.0f} a year"
                )
            else:
                reasons.append(f"the rule '{rule}' cannot be kept together with covering every need")
        return reasons or ["the needs and rules cannot all be met together"]


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


def design(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    needs_doc: dict,
    objective: str = "cost",
    sectors: list[str] | None = None,
    blended: bool = False,
    exclude: list[str] = (),
    caps: dict[str, int] | None = None,
    minimums: dict[str, int] | None = None,
) -> dict:
    """The optimal team for a needs document (a template's dict or a needs file), with alternatives."""
    rules = dict(needs_doc.get("rules") or {})
    rules["max_roles"] = {**rules.get("max_roles", {}), **(caps or {})}
    rules["min_roles"] = {**rules.get("min_roles", {}), **(minimums or {})}
    excluded = set(rules.get("exclude", [])) | set(exclude)
    pool, notices = candidates(graph, sectors)
    pool = [c for c in pool if c.id not in excluded or c.id in rules["min_roles"]]
    if blended:
        pool += blended_candidates(pool, matcher)
    needs = resolve_needs(graph, matcher, needs_doc["needs"])
    covers, how = coverage(pool, needs, matcher)
    problem = Problem(pool, needs, covers, rules, objective)
    counts = problem.solve()
    if counts is None:
        raise Infeasible(problem.explain_infeasible())
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
    alternatives.sort(key=lambda a: (a["cost"], a["headcount"], a["without"]))
    return {
        "needs": {"id": needs_doc.get("id"), "title": needs_doc.get("title")},
        "objective": objective,
        "matcher": matcher.description,
        "status": "optimal",
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
        "notices": notices,
        "rules": {k: v for k, v in rules.items() if v},
    }


def assess(graph: nx.MultiDiGraph, matcher: Matcher, members: list[dict], needs_doc: dict) -> dict:
    """How an existing team covers the needs: gaps, single points of failure, duplication, and the
    cheapest training that closes each gap."""
    pool, expanded = [], []
    for m in members:
        data = graph.nodes[node_id("Role", m["role"])]
        cost, basis = role_cost(data)
        base = role_needs(graph, node_id("Role", m["role"]))
        skilled = [p for p in m.get("people", []) if isinstance(p, dict)]
        names = [p for p in m.get("people", []) if isinstance(p, str)]
        if m["count"] > len(skilled):  # members known only by their role
            pool.append(Candidate(m["role"], data["title"], data["sector"], data["level"], cost or 0.0, basis, base))
            expanded.append({"role": m["role"], "count": m["count"] - len(skilled), "people": names})
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
            expanded.append({"role": m["role"], "count": 1, "people": [person["name"]]})
    members = expanded
    needs = resolve_needs(graph, matcher, needs_doc["needs"])
    covers, how = coverage(pool, needs, matcher)
    counts = np.array([m["count"] for m in members])
    rows, gaps, single, duplicated = [], [], [], []
    for n, need in enumerate(needs):
        by = [
            {"role": pool[r].id, "count": int(counts[r]), "people": members[r].get("people", []), **how[(r, n)]}
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
            row["upskilling"] = upskilling(graph, matcher, pool, counts, covers, n, need)
        elif status == "single point of failure":
            single.append({"need": need.label, "only": by[0]["role"], "people": by[0]["people"]})
    return {
        "needs": {"id": needs_doc.get("id"), "title": needs_doc.get("title")},
        "matcher": matcher.description,
        "headcount": int(counts.sum()),
        "coverage": rows,
        "gaps": [g["need"]["label"] for g in gaps],
        "single_points_of_failure": single,
        "duplication": duplicated,
        "upskilling": [{"need": g["need"]["label"], **g["upskilling"]} for g in gaps],
    }


def upskilling(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    pool: list[Candidate],
    counts: np.ndarray,
    covers: np.ndarray,
    n: int,
    need: TeamNeed,
) -> dict:
    """The cheapest training (fewest months) that lets team members not yet covering a need cover it,
    for as many people as the shortfall, from the roles closest to it in level."""
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
        key=lambda r: (abs(pool[r].level - need.level), pool[r].id),
    )
    plan, left = [], shortfall
    for r in learners:
        if left <= 0:
            break
        take = min(left, int(counts[r]))
        plan.append({"role": pool[r].id, "people": take})
        left -= take
    if not courses:
        return {
            "shortfall": shortfall,
            "training": None,
            "train": plan,
            "advice": "no listed training develops this; recruit or second a role that covers it",
        }
    return {
        "shortfall": shortfall,
        "training": courses[0],
        "train": plan,
        "advice": None if left <= 0 else f"{left} more people are needed than the team has to train",
    }
