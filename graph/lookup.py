"""Find a node from what a person typed: an id, a title, an alias, or a near miss.

Exact matches (case-insensitive) win; otherwise a clear fuzzy winner is accepted and the caller is
told it was a guess. Anything else raises NotFound with the best candidates, so the CLI can list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

FUZZY_ACCEPT = 88  # token-sort similarity a near miss needs to be taken without asking
FUZZY_MARGIN = 4  # ...and how far it must lead the next different node


@dataclass(frozen=True)
class Match:
    node: str
    qid: str
    how: str  # "id", "title", "alias", "name" or "fuzzy"
    matched: str
    score: float = 100.0


class NotFound(LookupError):
    """No node, or several equally good ones, for a name; `candidates` are (id, label) pairs."""

    def __init__(self, kind: str, name: str, candidates: list[tuple[str, str]], ambiguous: bool = False):
        self.kind, self.name, self.candidates, self.ambiguous = kind, name, candidates, ambiguous
        problem = "is ambiguous" if ambiguous else "not found"
        listed = "; ".join(f"{qid} ({label})" for qid, label in candidates)
        super().__init__(f"{kind.lower()} '{name}' {problem}" + (f"; candidates: {listed}" if listed else ""))


def _names(graph: nx.MultiDiGraph, kind: str) -> list[tuple[str, str, str]]:
    """(text, how, node) for every name a node of this kind answers to."""
    names: list[tuple[str, str, str]] = []
    for node, data in graph.nodes(data=True):
        if data["kind"] != kind:
            continue
        qid = data["id"]
        names += [(qid, "id", node), (qid.split(":", 1)[-1], "id", node)]
        for field, how in (("title", "title"), ("name", "name"), ("label", "title")):
            if data.get(field):
                names.append((data[field], how, node))
        names += [(alias, "alias", node) for alias in data.get("aliases", [])]
    return names


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    return data.get("title") or data.get("name") or data.get("label") or data["id"]


def find(graph: nx.MultiDiGraph, kind: str, name: str) -> Match:
    """Resolve `name` to one node of `kind` (Role, Framework, Competency, Qualification)."""
    names = _names(graph, kind)
    wanted = name.strip().casefold()
    exact = {}
    for text, how, node in names:
        if text.casefold() == wanted:
            exact.setdefault(node, (how, text))
    if len(exact) == 1:
        node, (how, text) = next(iter(exact.items()))
        return Match(node, graph.nodes[node]["id"], how, text)
    if len(exact) > 1:
        raise NotFound(kind, name, [(graph.nodes[n]["id"], _label(graph, n)) for n in sorted(exact)], ambiguous=True)
    from rapidfuzz import fuzz, process, utils  # only a near miss pays for fuzzy matching

    scored = process.extract(
        name, [t for t, _, _ in names], scorer=fuzz.token_sort_ratio, processor=utils.default_process, limit=40
    )
    best: dict[str, tuple[float, str]] = {}
    for text, score, index in scored:
        node = names[index][2]
        if node not in best or score > best[node][0]:
            best[node] = (score, text)
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    if ranked:
        node, (score, text) = ranked[0]
        runner_up = ranked[1][1][0] if len(ranked) > 1 else 0
        if score >= FUZZY_ACCEPT and score - runner_up >= FUZZY_MARGIN:
            return Match(node, graph.nodes[node]["id"], "fuzzy", text, score)
    candidates = [(graph.nodes[n]["id"], _label(graph, n)) for n, (s, _) in ranked[:5] if s >= 50]
    raise NotFound(kind, name, candidates, ambiguous=bool(ranked) and ranked[0][1][0] >= FUZZY_ACCEPT)
