"""Overlap questions: how much two roles share, which roles are most like one, and the overlap matrix.

The scoring is the coverage engine's (graph.overlap; the README's "How overlap is scored"); this module
asks it and shapes the answers. Roles are named by qualified id (`hsc:care-worker`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.build import node_id
from graph.overlap import Cover, Credit, Need, mutual, mutual_overlap, needs_of_role
from graph.role_ranking import role_ids
from pathways.errors import QuestionError
from pathways.refs import RoleSummary
from pathways.results import digits

if TYPE_CHECKING:
    import networkx as nx

    from graph.matching import Matcher

EVIDENCE_PAIRS = 3  # the best matches shown per similar role

MatcherInfo = dict[str, str | float | int | None]  # the matcher's description: kind, model, threshold, ...


@dataclass
class NeedBrief:
    competency: str
    label: str
    level: int
    essential: bool


@dataclass
class Held:
    competency: str
    label: str
    level: int


@dataclass
class Met:
    """A requirement met at its level: what meets it, how similar, and the anchor matched through."""

    need: NeedBrief
    have: Held
    similarity: float = digits(3)
    via: str | None


@dataclass
class Partial:
    """A requirement met below its level: the level gap and the credit earned."""

    need: NeedBrief
    have: Held
    similarity: float = digits(3)
    via: str | None
    level_gap: int
    credit: float = digits(3)


@dataclass
class Missing:
    """A requirement not met, with the closest holding (if any) and its similarity."""

    need: NeedBrief
    closest: Held | None
    similarity: float | None = digits(3)


@dataclass
class Direction:
    """How far one role covers the other's requirements (weighted, level-aware), with the evidence."""

    coverage: float = digits(4)
    matched: list[Met]
    partial: list[Partial]
    missing: list[Missing]


@dataclass
class Overlap:
    """Two roles' overlap: both directions with their evidence, and the two-way score."""

    a: str
    b: str
    matcher: MatcherInfo
    score: float = digits(4)
    a_covers_b: Direction
    b_covers_a: Direction


@dataclass
class Evidence:
    need: str
    have: str
    similarity: float = digits(3)


@dataclass
class SimilarRole(RoleSummary):
    """A role's short record, how it ranks against the asked-for role, and its best matches."""

    score: float = digits(4)
    overlap: float = digits(4)
    profile: float | None = digits(4)  # None with the lexical matcher (no vectors)
    covers: float = digits(4)  # how much of that role this one meets
    covered_by: float = digits(4)
    evidence: list[Evidence]


@dataclass
class SimilarRoles:
    role: str
    matcher: MatcherInfo
    results: list[SimilarRole]


@dataclass
class OverlapMatrix:
    """Two-way scores for every (row role, column role), and both directional coverages; `titles` names
    every role for a heatmap. The CSV is `rows` x `columns` of `score`."""

    rows: list[str]
    columns: list[str]
    matcher: MatcherInfo
    score: list[list[float]] = digits(4)
    row_covers_column: list[list[float]] = digits(4)
    column_covers_row: list[list[float]] = digits(4)
    titles: dict[str, str]


# -- two roles --------------------------------------------------------------------------------------
def _brief(n: Need) -> NeedBrief:
    return NeedBrief(n.competency, n.label, n.level, n.essential)


def _held(h: Need) -> Held:
    return Held(h.competency, h.label, h.level)


def _direction(result: Cover) -> Direction:
    def met(c: Credit) -> Met:
        return Met(_brief(c.need), _held(c.have), c.similarity, c.via)

    def partial(c: Credit) -> Partial:
        return Partial(_brief(c.need), _held(c.have), c.similarity, c.via, c.need.level - c.have.level, c.credit)

    def missing(c: Credit) -> Missing:
        return Missing(_brief(c.need), None if c.have is None else _held(c.have), c.similarity)

    return Direction(
        result.coverage,
        [met(c) for c in result.matched],
        [partial(c) for c in result.partial],
        [missing(c) for c in result.missing],
    )


def overlap(graph: nx.MultiDiGraph, matcher: Matcher, role_a: str, role_b: str) -> Overlap:
    """How much of each role's requirements the other meets, with the evidence, and the two-way score."""
    both = mutual_overlap(needs_of_role(graph, role_a), needs_of_role(graph, role_b), matcher)
    return Overlap(
        role_a,
        role_b,
        matcher.description,
        both.score,
        _direction(both.a_covers_b),
        _direction(both.b_covers_a),
    )


# -- one role against all -------------------------------------------------------------------------
def similar_roles(
    graph: nx.MultiDiGraph, matcher: Matcher, role: str, sector: str | None = None, top: int = 10
) -> SimilarRoles:
    """Other roles (of `sector`) ranked by overlap with `role` and skill-profile closeness (see
    graph.role_ranking.ranking_score), each with both coverages and its best-matching requirements."""
    from graph.role_ranking import rank_against

    ranked = rank_against(graph, matcher, role_ids(graph), role, sector, top)
    return SimilarRoles(role, matcher.description, [_similar_role(graph, matcher, role, r) for r in ranked])


def _similar_role(graph: nx.MultiDiGraph, matcher: Matcher, role: str, ranked) -> SimilarRole:
    from graph.queries import role_summary

    detail = overlap(graph, matcher, role, ranked.role).a_covers_b
    pairs = sorted(
        [*detail.matched, *detail.partial],
        key=lambda p: (p.need.competency == p.have.competency, -p.similarity),
    )
    evidence = [Evidence(p.need.label, p.have.label, p.similarity) for p in pairs[:EVIDENCE_PAIRS]]
    summary = role_summary(graph, node_id("Role", ranked.role))
    return SimilarRole(
        **summary,
        score=ranked.score,
        overlap=ranked.overlap,
        profile=ranked.profile,
        covers=ranked.covers,
        covered_by=ranked.covered_by,
        evidence=evidence,
    )


# -- the matrix -------------------------------------------------------------------------------------
def overlap_matrix(
    graph: nx.MultiDiGraph, matcher: Matcher, sector: str | None = None, versus: str | None = None
) -> OverlapMatrix:
    """Roles of `sector` (all by default) against roles of `versus` (default: the same as the rows)."""
    from graph.role_ranking import coverage_blocks

    rows, columns = role_ids(graph, sector), role_ids(graph, versus or sector)
    if not rows or not columns:
        raise QuestionError("no roles to compare for that choice of sectors")
    row_covers_column, column_covers_row = coverage_blocks(graph, matcher, rows, columns)
    titles = {r: graph.nodes[node_id("Role", r)]["title"] for r in dict.fromkeys([*rows, *columns])}
    return OverlapMatrix(
        rows,
        columns,
        matcher.description,
        mutual(row_covers_column, column_covers_row).tolist(),
        row_covers_column.tolist(),
        column_covers_row.tolist(),
        titles,
    )
