"""Find a node from what a person typed: an id, a title, an alias, or a near miss.

Exact matches (case-insensitive) win; otherwise a clear winner by `name_score` is accepted and the caller
is told it was a guess. Several strong names raise NotFound marked ambiguous with them as the choices;
anything else raises NotFound with the best candidates, so the CLI can list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import networkx as nx

FUZZY_ACCEPT = 88  # a name scoring this (see name_score) may be taken without asking...
FUZZY_MARGIN = 4  # ...when it leads the next different node by this much
AMBIGUOUS_SPREAD = 10  # an ambiguous name lists the strong nodes and any within this of the best
CLEAR_FLOOR = 60  # a weaker best guess is taken only with evidence no other node has (see find)
SHORT_NAME = 4  # names this short once normalised (OT, RNA, HCA) match only exactly: fuzzily they match anything
MINOR_WORDS = frozenset({"and", "of", "the", "in", "for", "to", "a", "with", "e", "g"})

# evidence, strongest first: what kind of agreement a score rests on
EXACT, QUERY_IN_NAME, NAME_IN_QUERY, SHARED_WORD, CHARACTERS = 4, 3, 2, 1, 0


def _norm(text: str) -> str:
    """Lower case, punctuation as spaces, single spaces: how every name is compared."""
    from rapidfuzz import utils

    return " ".join(utils.default_process(text).split())


def grade(query: str, text: str) -> tuple[float, int]:
    """(score 0-100, evidence) for how well a typed `query` names `text`; see name_score."""
    from rapidfuzz import fuzz

    q, t = _norm(query), _norm(text)
    if not q or not t:
        return 0.0, CHARACTERS
    if q == t:
        return 100.0, EXACT
    if len(t) <= SHORT_NAME:
        return 0.0, CHARACTERS
    q_words, t_words = set(q.split()), set(t.split())
    if q_words <= t_words:
        return 90.0 + 9.0 * len(q) / len(t), QUERY_IN_NAME
    if len(q) <= SHORT_NAME:
        return 0.0, CHARACTERS  # a short query names only what it equals or is a word of
    if t_words <= q_words:
        return 80.0 + 9.0 * len(t) / len(q), NAME_IN_QUERY
    score = float(max(fuzz.ratio(q, t), fuzz.token_sort_ratio(q, t)))
    return score, SHARED_WORD if (q_words & t_words) - MINOR_WORDS else CHARACTERS


def name_score(query: str, text: str) -> float:
    """How well a typed `query` names `text` (0-100): the one scorer behind `find` and role search.

    Exact (ignoring case and punctuation) is 100. Short names (acronyms) score only when exact, since a
    two-letter alias is a substring or near miss of almost anything. When every word of the query is a
    word of the name the match is strong (90-99, more the more of the name it covers); when every word
    of the name is in the query it is good (80-89). Otherwise the better of plain and word-order-free
    edit similarity, so a typo still finds its name."""
    return grade(query, text)[0]


@dataclass(frozen=True)
class Match:
    """A name resolved to a graph node, and how (by id, title, alias, name or a close spelling)."""

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
        if data.get("code"):  # a qualification's standard or qualification number, e.g. ST0216
            names.append((data["code"], "code", node))
    return names


def _label(graph: nx.MultiDiGraph, node: str) -> str:
    data = graph.nodes[node]
    return data.get("title") or data.get("name") or data.get("label") or data["id"]


def ranked_nodes(graph: nx.MultiDiGraph, kind: str, name: str) -> list[tuple[str, float, str, int]]:
    """Every node of `kind` with its best score for `name`, the name that earned it and the strongest
    evidence any of its names gives, best first; on a tie a title or alias is reported rather than an id."""
    best: dict[str, tuple[float, int, bool, str]] = {}
    strongest: dict[str, int] = {}
    for text, how, node in _names(graph, kind):
        score, evidence = grade(name, text)
        entry = (score, evidence, how != "id", text)
        if node not in best or entry[:3] > best[node][:3]:
            best[node] = entry
        strongest[node] = max(evidence, strongest.get(node, CHARACTERS))
    ordered = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))
    return [(node, score, text, strongest[node]) for node, (score, _, _, text) in ordered]


OWN_NAME = {"id": 3, "title": 2, "name": 2}  # names that belong to one node, unlike aliases and codes


def find(graph: nx.MultiDiGraph, kind: str, name: str) -> Match:
    """Resolve `name` to one node of `kind` (Role, Framework, Competency, Qualification).

    An exact name wins (a node's own id or title over another node's alias). Otherwise the best-scoring
    node is taken, as a "fuzzy" match the caller should report, when it is clearly best: strong
    (FUZZY_ACCEPT) and ahead of the next node, or fair (CLEAR_FLOOR) with evidence no other node has (say
    the only one sharing a word with the name). When several strong nodes score about as well, the name is
    ambiguous and they are the choices."""
    names = _names(graph, kind)
    wanted = name.strip().casefold()
    exact: dict[str, tuple[str, str]] = {}
    for text, how, node in names:
        if text.casefold() == wanted and (node not in exact or OWN_NAME.get(how, 0) > OWN_NAME.get(exact[node][0], 0)):
            exact[node] = (how, text)
    own = {node: match for node, match in exact.items() if match[0] in OWN_NAME}
    if len(exact) == 1 or len(own) == 1:  # a role's own id or title beats another role's alias
        node, (how, text) = next(iter(exact.items() if len(exact) == 1 else own.items()))
        return Match(node, graph.nodes[node]["id"], how, text)
    if len(exact) > 1:
        raise NotFound(kind, name, [(graph.nodes[n]["id"], _label(graph, n)) for n in sorted(exact)], ambiguous=True)
    ranked = ranked_nodes(graph, kind, name)
    if ranked:
        node, score, text, evidence = ranked[0]
        others = ranked[1:]
        lead = score - max((s for _, s, _, _ in others), default=0.0)
        alone = evidence > CHARACTERS and all(e < evidence for _, _, _, e in others)
        if (score >= FUZZY_ACCEPT and lead >= FUZZY_MARGIN) or (score >= CLEAR_FLOOR and alone):
            return Match(node, graph.nodes[node]["id"], "fuzzy", text, score)
        if score >= FUZZY_ACCEPT:  # several strong names about as good: ask which
            close = [n for n, s, _, _ in ranked if s >= FUZZY_ACCEPT or score - s < AMBIGUOUS_SPREAD][:8]
            raise NotFound(kind, name, [(graph.nodes[n]["id"], _label(graph, n)) for n in close], ambiguous=True)
    candidates = [(graph.nodes[n]["id"], _label(graph, n)) for n, s, _, _ in ranked[:5] if s >= 50]
    raise NotFound(kind, name, candidates)
