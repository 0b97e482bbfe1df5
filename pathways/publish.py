"""Publishing the graph to the shared Neo4j store, and checking what the store holds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import networkx as nx

    from graph.matching import Matcher

Counts = dict[str, dict[str, int]]  # {"nodes": {label: n}, "relationships": {type: n}}


@dataclass
class Verification:
    """What the store holds of ours against the local graph, per node label and relationship type."""

    verified: bool
    mismatches: list[str]
    local: Counts
    remote: Counts
    push: dict[str, Any] | None = None  # the marker the last push left: when, by which version, finished or not


@dataclass
class PushReport:
    """A push (`neo4j push`): where to, then the verification, then what the user should know."""

    uri: str
    database: str | None
    dialect: str
    verified: bool
    mismatches: list[str]
    local: Counts
    remote: Counts
    push: dict[str, Any] | None = None
    notices: list[str] = field(default_factory=list)


def competency_vectors(graph: nx.MultiDiGraph, matcher: Matcher) -> dict[str, list[float]] | None:
    """The vectors pushed with the competencies, so the shared graph can answer similarity queries;
    none with the lexical matcher (it has no vectors)."""
    if matcher.kind != "embedding":
        return None
    from graph.crosswalk import competencies
    from graph.matching import competency_text

    comps = competencies(graph)
    matrix = matcher.vectors([competency_text(d) for d in comps])
    return {d["id"]: [float(x) for x in row] for d, row in zip(comps, matrix, strict=True)}


def verify(graph: nx.MultiDiGraph, store) -> Verification:
    from graph.neo4j_store import verify as counts

    report, mismatches = counts(graph, store)
    return Verification(not mismatches, mismatches, report["local"], report["remote"], report["push"])


def push(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    store,
    uri: str,
    database: str | None,
    wipe: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> PushReport:
    """Push the graph (idempotent; with `wipe`, our nodes and only ours are deleted first), then verify."""
    from graph.neo4j_store import push as run_push

    notices = run_push(graph, store, competency_vectors(graph, matcher), wipe, progress or (lambda done, total: None))
    check = verify(graph, store)
    return PushReport(
        uri, database, store.dialect, check.verified, check.mismatches, check.local, check.remote, check.push, notices
    )
