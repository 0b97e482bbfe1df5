"""Competency-level questions: the nearest competencies to a text, and framework crosswalks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.build import node_id
from graph.matching import Matcher, competency_text

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


def _brief(data: dict) -> dict:
    return {"id": data["id"], "label": data["label"], "framework": data["framework"], "statement": data["statement"]}


def similar_competencies(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    query: str,
    framework: str | None = None,
    top: int = 10,
    exclude: str | None = None,
) -> list[dict]:
    """The competencies nearest to a text, best first, each with its similarity and whether it counts
    as the same skill (`same_skill`): at or above the threshold, or, below it, the anchor competency the
    text resolves to, named in `via` (as in overlap evidence) so the answer says why it matched."""
    pool = [d for d in competencies(graph, framework) if d["id"] != exclude]
    if not pool:
        return []
    scores = matcher.similarity([query], [competency_text(d) for d in pool])[0]
    (anchor,) = matcher.anchor_of([exclude or "(query)"], [query])
    ranked = sorted(range(len(pool)), key=lambda i: (-scores[i], pool[i]["id"]))[:top]
    rows = []
    for i in ranked:
        close = bool(scores[i] >= matcher.threshold)
        via = pool[i]["id"] if not close and pool[i]["id"] == anchor else None
        rows.append(
            {
                **_brief(pool[i]),
                "similarity": round(float(scores[i]), 3),
                "same_skill": close or via is not None,
                "via": via,
            }
        )
    return rows


def crosswalk(
    graph: nx.MultiDiGraph, matcher: Matcher, framework_a: str, framework_b: str, threshold: float | None = None
) -> list[dict]:
    """Every pair (competency of A, competency of B) at or above the threshold, one-to-many, with
    A's competencies that match nothing listed once with an empty match."""
    threshold = matcher.threshold if threshold is None else threshold
    left, right = competencies(graph, framework_a), competencies(graph, framework_b)
    sim = matcher.similarity([competency_text(d) for d in left], [competency_text(d) for d in right])
    rows = []
    for i, a in enumerate(left):
        hits = sorted(
            ((float(sim[i, j]), b) for j, b in enumerate(right) if sim[i, j] >= threshold),
            key=lambda hit: (-hit[0], hit[1]["id"]),
        )
        for score, b in hits:
            rows.append(
                {
                    "a": a["id"],
                    "a_label": a["label"],
                    "b": b["id"],
                    "b_label": b["label"],
                    "similarity": round(score, 3),
                }
            )
        if not hits:
            rows.append({"a": a["id"], "a_label": a["label"], "b": None, "b_label": None, "similarity": None})
    return rows
