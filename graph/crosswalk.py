"""Competencies as the matcher needs them: by framework, their texts, anchors and declared-distinct pairs.
The competency questions (similar, crosswalk) are in pathways.competencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.build import node_id
from graph.matching import competency_text

if TYPE_CHECKING:
    import networkx as nx


def competencies(graph: nx.MultiDiGraph, framework: str | None = None) -> list[dict]:
    """Competency node data, optionally of one framework, in a stable order."""
    found = [
        d
        for _, d in graph.nodes(data=True)
        if d["kind"] == "Competency" and (framework is None or d["framework"] == framework)
    ]
    return sorted(found, key=lambda d: d["id"])


def all_competency_texts(graph: nx.MultiDiGraph) -> list[str]:
    return [competency_text(d) for d in competencies(graph)]


def distinct_pairs(graph: nx.MultiDiGraph) -> list[tuple[str, str]]:
    """Texts of competency pairs the library declares related but distinct (`distinct_from`), both ways:
    the matcher never counts them as the same skill, however alike their words."""
    pairs = []
    for _, data in graph.nodes(data=True):
        if data["kind"] == "Competency":
            for other in data.get("distinct_from", []):
                other_data = graph.nodes[node_id("Competency", other)]
                a, b = competency_text(data), competency_text(other_data)
                pairs += [(a, b), (b, a)]
    return pairs


def anchor_competencies(graph: nx.MultiDiGraph) -> tuple[list[str], list[str]]:
    """(ids, texts) of curated competencies, those given alternative terms, which free text may
    resolve to (see graph.matching.EmbeddingMatcher)."""
    curated = [d for d in competencies(graph) if d.get("keywords")]
    return [d["id"] for d in curated], [competency_text(d) for d in curated]
