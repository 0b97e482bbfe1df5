"""Ranking primitives for role overlap: one role against all, and blocks of the coverage matrix.
The questions built on them (similar roles, the overlap matrix) are in pathways.overlap."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from graph.build import node_id
from graph.matching import Matcher
from graph.overlap import mutual
from graph.overlap_matrix import RequirementTable, SimilaritySource, coverage_matrix, coverage_of_one

if TYPE_CHECKING:
    import networkx as nx


def ranking_score(overlap: np.ndarray, profile: np.ndarray | None) -> np.ndarray:
    """How similar-roles ranks: the symmetric overlap (requirement by requirement, at the same-skill
    threshold, level-aware) averaged with the cosine of the two roles' skill profiles (the mean of
    their competency vectors), which still sees closeness when few requirements pass the threshold.
    With the lexical matcher there are no vectors and the overlap alone ranks."""
    return overlap if profile is None else (overlap + np.clip(profile, 0.0, 1.0)) / 2


def role_ids(graph: nx.MultiDiGraph, sector: str | None = None) -> list[str]:
    """The qualified ids of the roles (of a sector), sorted."""
    return sorted(
        d["id"] for _, d in graph.nodes(data=True) if d["kind"] == "Role" and (sector is None or d["sector"] == sector)
    )


@dataclass(frozen=True)
class Ranked:
    """One role as ranked against another: the ranking score and what it is made of."""

    role: str
    score: float
    overlap: float
    profile: float | None
    covers: float  # how much of this role the other meets
    covered_by: float


def rank_against(
    graph: nx.MultiDiGraph, matcher: Matcher, roles: Sequence[str], role: str, sector: str | None, top: int
) -> list[Ranked]:
    """The `top` other roles of `roles` (of `sector`) by ranking_score against `role`, best first (ties
    by id)."""
    roles = list(roles)
    table = RequirementTable.from_graph(graph, roles)
    index = roles.index(role)
    source = SimilaritySource(matcher, table.texts, table.competencies)
    covers, covered_by = coverage_of_one(table, source, index)
    overlap = mutual(covers, covered_by)
    profiles = source.profiles(table)
    profile = None if profiles is None else profiles @ profiles[index]
    combined = ranking_score(overlap, profile)
    wanted = [
        j
        for j in range(len(roles))
        if j != index and (sector is None or graph.nodes[node_id("Role", roles[j])]["sector"] == sector)
    ]
    ranked = sorted(wanted, key=lambda j: (-float(combined[j]), roles[j]))[:top]
    return [
        Ranked(
            roles[j],
            float(combined[j]),
            float(overlap[j]),
            None if profile is None else float(profile[j]),
            float(covers[j]),
            float(covered_by[j]),
        )
        for j in ranked
    ]


def coverage_blocks(
    graph: nx.MultiDiGraph, matcher: Matcher, rows: Sequence[str], columns: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """(how far each row role covers each column role, how far each column role covers each row role),
    both rows x columns."""
    roles = list(dict.fromkeys([*rows, *columns]))
    table = RequirementTable.from_graph(graph, roles)
    cover = coverage_matrix(table, SimilaritySource(matcher, table.texts, table.competencies))
    r = np.array([roles.index(x) for x in rows])
    c = np.array([roles.index(x) for x in columns])
    return cover[np.ix_(r, c)], cover[np.ix_(c, r)].T
