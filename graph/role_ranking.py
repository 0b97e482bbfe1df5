"""Roles ranked by overlap, and the overlap matrix between groups of roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from graph.matching import Matcher
from graph.overlap import harmonic, role_overlap
from graph.overlap_matrix import RequirementTable, SimilaritySource, coverage_matrix, coverage_of_one
from graph.queries import role_summary

if TYPE_CHECKING:
    import networkx as nx

EVIDENCE_PAIRS = 3


def ranking_score(overlap: np.ndarray, profile: np.ndarray | None) -> np.ndarray:
    """How similar-roles ranks: the symmetric overlap (requirement by requirement, at the same-skill
    threshold, level-aware) averaged with the cosine of the two roles' skill profiles (the mean of
    their competency vectors), which still sees closeness when few requirements pass the threshold.
    With the lexical matcher there are no vectors and the overlap alone ranks."""
    return overlap if profile is None else (overlap + np.clip(profile, 0.0, 1.0)) / 2


def role_ids(graph: nx.MultiDiGraph, sector: str | None = None) -> list[str]:
    return sorted(
        d["id"] for _, d in graph.nodes(data=True) if d["kind"] == "Role" and (sector is None or d["sector"] == sector)
    )


def similar_roles(
    graph: nx.MultiDiGraph, matcher: Matcher, role: str, sector: str | None = None, top: int = 10
) -> list[dict]:
    """Other roles ranked by symmetric overlap with `role`, each with both coverages and top evidence."""
    roles = role_ids(graph)
    table = RequirementTable.from_graph(graph, roles)
    index = roles.index(role)
    source = SimilaritySource(matcher, table.texts, table.competencies)
    covers, covered_by = coverage_of_one(table, source, index)
    overlap = np.array([harmonic(covers[j], covered_by[j]) for j in range(len(roles))])
    profiles = source.profiles(table)
    profile = None if profiles is None else profiles @ profiles[index]
    combined = ranking_score(overlap, profile)
    scores = [(float(combined[j]), j) for j in range(len(roles)) if j != index]
    wanted = [(s, j) for s, j in scores if sector is None or graph.nodes[f"role:{roles[j]}"]["sector"] == sector]
    ranked = sorted(wanted, key=lambda item: (-item[0], roles[item[1]]))[:top]
    results = []
    for score, j in ranked:
        detail = role_overlap(graph, role, roles[j], matcher)
        pairs = sorted(
            detail["a_covers_b"]["matched"] + detail["a_covers_b"]["partial"],
            key=lambda p: (p["need"]["competency"] == p["have"]["competency"], -p["similarity"]),
        )
        results.append(
            {
                **role_summary(graph, f"role:{roles[j]}"),
                "score": round(score, 4),
                "overlap": round(float(overlap[j]), 4),
                "profile": None if profile is None else round(float(profile[j]), 4),
                "covers": round(float(covers[j]), 4),
                "covered_by": round(float(covered_by[j]), 4),
                "evidence": [
                    {"need": p["need"]["label"], "have": p["have"]["label"], "similarity": p["similarity"]}
                    for p in pairs[:EVIDENCE_PAIRS]
                ],
            }
        )
    return results


def overlap_matrix(graph: nx.MultiDiGraph, matcher: Matcher, rows: Sequence[str], columns: Sequence[str]) -> dict:
    """Symmetric overlap scores for every (row role, column role), plus both directional coverages."""
    roles = list(dict.fromkeys([*rows, *columns]))
    table = RequirementTable.from_graph(graph, roles)
    cover = coverage_matrix(table, SimilaritySource(matcher, table.texts, table.competencies))
    r = np.array([roles.index(x) for x in rows])
    c = np.array([roles.index(x) for x in columns])
    a_covers_b, b_covers_a = cover[np.ix_(r, c)], cover[np.ix_(c, r)].T
    score = np.where(
        a_covers_b + b_covers_a > 0, 2 * a_covers_b * b_covers_a / np.maximum(a_covers_b + b_covers_a, 1e-12), 0.0
    )
    return {
        "rows": list(rows),
        "columns": list(columns),
        "matcher": matcher.description,
        "score": np.round(score, 4).tolist(),
        "row_covers_column": np.round(a_covers_b, 4).tolist(),
        "column_covers_row": np.round(b_covers_a, 4).tolist(),
    }
