"""Competency questions: the competencies nearest to a text (or to a competency), and framework
crosswalks. Both say which rows are the same skill by the coverage engine's one rule (graph.overlap)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.crosswalk import competencies
from graph.overlap import Need, match_skills
from pathways.errors import QuestionError
from pathways.overlap import MatcherInfo
from pathways.results import digits

if TYPE_CHECKING:
    import networkx as nx

    from graph.matching import Matcher


@dataclass
class SimilarCompetency:
    """A competency near the query; `same_skill` by the one rule, `via` the anchor it went through."""

    id: str
    label: str
    framework: str
    statement: str
    similarity: float = digits(3)
    same_skill: bool
    via: str | None


@dataclass
class SimilarCompetencies:
    query: str
    matcher: MatcherInfo
    results: list[SimilarCompetency]


@dataclass
class CrosswalkPair:
    """A competency of A and one of B that are the same skill (`b` null: A's competency matches none)."""

    a: str
    a_label: str
    b: str | None
    b_label: str | None
    similarity: float | None = digits(3)
    via: str | None


@dataclass
class Crosswalk:
    a: str
    b: str
    matcher: MatcherInfo  # the matcher, with the threshold this crosswalk used
    pairs: list[CrosswalkPair]

    @property
    def matched(self) -> int:
        """How many of A's competencies match at least one of B's."""
        return len({p.a for p in self.pairs if p.b})

    @property
    def compared(self) -> int:
        return len({p.a for p in self.pairs})


def _need(data: dict) -> Need:
    return Need.of_competency(data, 1)


def query_competency(graph: nx.MultiDiGraph, query: str) -> dict | None:
    """The competency a query names, when it looks like an id (`practice.venepuncture`, `hsc:core.x`) or
    is a competency's label exactly; otherwise None and the query is read as free text."""
    from graph.build import node_id
    from graph.lookup import find

    text = query.strip()
    if ":" not in query and "." not in query.split()[0]:
        return None
    try:
        data = graph.nodes[node_id("Competency", find(graph, "Competency", query).qid)]
    except LookupError:
        return None
    return data if data["id"].endswith(text) or data["label"].casefold() == text.casefold() else None


def similar(
    graph: nx.MultiDiGraph, matcher: Matcher, query: str, framework: str | None = None, top: int = 10
) -> SimilarCompetencies:
    """The competencies (of `framework`) nearest to `query`, best first (ties by id). A query naming a
    competency compares its full text and leaves it out of the answer."""
    if not query.strip():
        raise QuestionError("give some text or a competency id to compare; it is empty")
    named = query_competency(graph, query)
    asked = _need(named) if named else Need.of_text("(query)", query, 1)
    pool = [d for d in competencies(graph, framework) if named is None or d["id"] != named["id"]]
    match = match_skills([asked], [_need(d) for d in pool], matcher)
    ranked = sorted(range(len(pool)), key=lambda i: (-match.sim[0, i], pool[i]["id"]))[:top]
    results = [
        SimilarCompetency(
            pool[i]["id"],
            pool[i]["label"],
            pool[i]["framework"],
            pool[i]["statement"],
            float(match.sim[0, i]),
            bool(match.same[0, i]),
            match.via.get((0, i)),
        )
        for i in ranked
    ]
    return SimilarCompetencies(query, matcher.description, results)


def crosswalk(
    graph: nx.MultiDiGraph, matcher: Matcher, framework_a: str, framework_b: str, threshold: float | None = None
) -> Crosswalk:
    """Every pair (competency of A, competency of B) that is the same skill (at `threshold` if given,
    else the matcher's), one-to-many, best first; A's competencies that match nothing listed once with
    an empty match."""
    threshold = matcher.threshold if threshold is None else threshold
    left, right = competencies(graph, framework_a), competencies(graph, framework_b)
    match = match_skills([_need(d) for d in left], [_need(d) for d in right], matcher, threshold)
    pairs, from_b = [], match.T
    for i, a in enumerate(left):
        hits = sorted(from_b.holders(i), key=lambda j: (-match.sim[i, j], right[j]["id"]))
        for j in hits:
            b, similarity = right[j], float(match.sim[i, j])
            pairs.append(CrosswalkPair(a["id"], a["label"], b["id"], b["label"], similarity, match.via.get((i, j))))
        if not hits:
            pairs.append(CrosswalkPair(a["id"], a["label"], None, None, None, None))
    return Crosswalk(framework_a, framework_b, {**matcher.description, "threshold": threshold}, pairs)
