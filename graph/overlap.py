"""The coverage engine: when two competencies are the same skill, and how far one set of held
competencies covers a set of requirements. Every question that compares skills (overlap, similar roles,
the overlap matrix, crosswalks, similar competencies, routes, teams, job descriptions) uses `same_skill`
here, so they all agree on which pairs are one skill.

Scoring (the README repeats it):
- Two competencies are the **same skill** when they are the same competency, when their similarity is at
  or above the matcher's threshold, or when both resolve to the same anchor competency (see
  graph.matching). Pairs the library declares distinct are kept below the threshold by the matcher.
- A requirement of B is *met* by A when A holds the same skill; of A's matching competencies the one
  earning the most level credit counts, then the most similar, then the first listed (`SkillMatch.best`).
- Level credit: 1 when A holds it at B's level or above, else held/needed (levels as a fraction of each
  framework's scale), so a match at a lower level is *partial* and its level gap is reported.
- Weights: essential requirements 1, desirable 0.5. coverage(A -> B) = weighted credit / weighted total.
- The two-way score is the harmonic mean of the two directions (`mutual`): high only when each role
  covers much of the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

import numpy as np

from graph.build import edges_of, node_id
from graph.crosswalk import all_competency_texts, competencies
from graph.matching import Matcher, competency_text

if TYPE_CHECKING:
    import networkx as nx

COLUMNS_KEPT = 1000  # competencies: up to here a role's columns of the skill table are kept (5 KB a need)
ESSENTIAL_WEIGHT = 1.0
DESIRABLE_WEIGHT = 0.5
FREE_TEXT_SCALE = 9  # free text has no framework; its level reads on the 1-9 scale
NO_ANCHOR = -1


@dataclass(frozen=True)
class Need:
    """One requirement (or holding) as the coverage engine sees it."""

    competency: str
    label: str
    text: str
    level: int
    scale_max: int
    essential: bool

    @classmethod
    def of_competency(cls, data: dict, level: int, essential: bool = True, text: str | None = None) -> Need:
        """A requirement of a library competency (its node data) at a level of its framework's scale;
        `text` is its competency_text when the caller already has it."""
        text = competency_text(data) if text is None else text
        return cls(data["id"], data["label"], text, level, data.get("scale_max", 9), essential)

    @classmethod
    def of_text(cls, key: str, text: str, level: int, essential: bool = True) -> Need:
        """A requirement in a person's own words, under a key of the caller's (`need:1`, `passport:2`)."""
        return cls(key, text, text, level, FREE_TEXT_SCALE, essential)

    @property
    def weight(self) -> float:
        return ESSENTIAL_WEIGHT if self.essential else DESIRABLE_WEIGHT

    @property
    def depth(self) -> float:
        """The level as a fraction of its framework's scale, so scales of different length compare."""
        return self.level / self.scale_max

    def brief(self) -> dict:
        return {"competency": self.competency, "label": self.label, "level": self.level, "essential": self.essential}


def level_credit(have: float, need: float) -> float:
    """Full credit at or above the level needed, otherwise the fraction of it held."""
    return 1.0 if have >= need else have / need


def mutual(x, y):
    """The two-way overlap of two coverages (numbers or arrays): their harmonic mean, 0 when both are 0."""
    if np.ndim(x) == 0 and np.ndim(y) == 0:
        return 0.0 if x + y == 0 else 2 * x * y / (x + y)
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    return np.where(x + y > 0, 2 * x * y / np.maximum(x + y, 1e-12), 0.0)


# -- the same-skill rule ---------------------------------------------------------------------------
def anchor_codes(*groups: Sequence[str | None]) -> list[np.ndarray]:
    """Anchor ids (or None) as integers shared across the groups (NO_ANCHOR for none), so `same_skill`
    compares whole blocks at array speed."""
    names: dict[str, int] = {}
    return [
        np.array([NO_ANCHOR if a is None else names.setdefault(a, len(names)) for a in group], dtype=np.int64)
        for group in groups
    ]


def same_skill(
    sim: np.ndarray,
    threshold: float,
    anchors_a: np.ndarray,
    anchors_b: np.ndarray,
    same_competency: np.ndarray | None = None,
) -> np.ndarray:
    """THE same-skill rule, for every pair of a block: the same competency (`same_competency`, a bool
    matrix, when the caller knows it), similarity at or above the threshold, or both sides resolving to
    the same anchor (`anchors_*`: codes from `anchor_codes`, NO_ANCHOR for none)."""
    left = np.asarray(anchors_a)[:, None]
    same = (sim >= threshold) | ((left == np.asarray(anchors_b)[None, :]) & (left != NO_ANCHOR))
    return same if same_competency is None else same | same_competency


@dataclass
class SkillMatch:
    """Which held competencies are the same skill as which needed ones: each pair's similarity (the same
    competency scores 1), the rule's verdict, and the anchor of pairs that match only through one."""

    have: Sequence[Need]
    need: Sequence[Need]
    sim: np.ndarray
    same: np.ndarray
    via: dict[tuple[int, int], str] = field(default_factory=dict)

    def holders(self, j: int) -> list[int]:
        """The held competencies that are the same skill as need `j`, in order."""
        return [int(i) for i in np.nonzero(self.same[:, j])[0]]

    def best(self, j: int, among: Iterable[int] | None = None, by_level: bool = True) -> int | None:
        """The holding that counts for need `j` (of `among`, default all that match): the most level
        credit (unless `by_level` is off), then the most similar (a direct match before one through an
        anchor, which always scores lower), then the first listed."""
        candidates = self.holders(j) if among is None else list(among)
        if not candidates:
            return None

        def rank(i: int) -> tuple:
            credit = level_credit(self.have[i].depth, self.need[j].depth) if by_level else 0.0
            return credit, float(self.sim[i, j])

        return max(candidates, key=rank)

    @property
    def T(self) -> SkillMatch:  # noqa: N802 - as numpy names it
        """The same match seen from the other side (needs as holders)."""
        via = {(j, i): a for (i, j), a in self.via.items()}
        return SkillMatch(self.need, self.have, self.sim.T, self.same.T, via)


def match_skills(
    have: Sequence[Need], need: Sequence[Need], matcher: Matcher, threshold: float | None = None
) -> SkillMatch:
    """Every held competency against every needed one, by the matcher (`threshold` overrides its own)."""
    threshold = matcher.threshold if threshold is None else threshold
    sim = matcher.similarity([h.text for h in have], [n.text for n in need])  # its own dtype: ties compare alike
    anchors = matcher.anchor_of([h.competency for h in have], [h.text for h in have])
    codes_have, codes_need = anchor_codes(
        anchors, matcher.anchor_of([n.competency for n in need], [n.text for n in need])
    )
    ids_have = np.array([h.competency for h in have], dtype=object).reshape(-1, 1)
    identical = ids_have == np.array([n.competency for n in need], dtype=object).reshape(1, -1)
    sim[identical] = 1.0
    same = same_skill(sim, threshold, codes_have, codes_need, identical)
    via = {(int(i), int(j)): anchors[i] for i, j in zip(*np.nonzero(same & (sim < threshold)), strict=True)}
    return SkillMatch(have, need, sim, same, via)


class SkillTable:
    """`match_skills` for a fixed set of library competencies, every pair judged once by the same rule.

    A route search compares the same few hundred competencies thousands of times (each step: everything
    held by then against the next role's requirements); looking the verdicts up is several times quicker
    than asking the matcher each time. Holdings outside the set (a person's free text) go to the matcher."""

    def __init__(self, matcher: Matcher, ids: Sequence[str], texts: Sequence[str]):
        self.index = {cid: i for i, cid in enumerate(ids)}
        self.anchors = matcher.anchor_of(list(ids), list(texts))
        self.sim = np.array(matcher.similarity(list(texts), list(texts)))  # a copy: the diagonal is set
        np.fill_diagonal(self.sim, 1.0)  # the same competency scores 1, as in match_skills
        (codes,) = anchor_codes(self.anchors)
        self.same = same_skill(self.sim, matcher.threshold, codes, codes, np.eye(len(ids), dtype=bool))
        self.threshold, self.matcher = matcher.threshold, matcher

    def match(self, have: Sequence[Need], need: Sequence[Need]) -> SkillMatch:
        """As match_skills(have, need, matcher)."""
        rows = [self.index.get(h.competency) for h in have]
        cols = [self.index.get(n.competency) for n in need]
        if None in rows or None in cols:
            return match_skills(have, need, self.matcher)
        block = np.ix_(rows, cols)
        sim, same = self.sim[block], self.same[block]
        through_anchor = zip(*np.nonzero(same & (sim < self.threshold)), strict=True)
        via = {(int(i), int(j)): self.anchors[rows[i]] for i, j in through_anchor}
        return SkillMatch(have, need, sim, same, via)

    def rows(self, competency_ids: Iterable[str]) -> list[int] | None:
        """The table's rows of these competencies, or None if any is not in the table (free text)."""
        rows = [self.index.get(cid) for cid in competency_ids]
        return None if None in rows else rows

    def columns(self, need_rows: list[int]) -> SkillColumns:
        """A role's needed competencies in the table, for `best` to judge each holding against."""
        return SkillColumns(self, need_rows)

    def best(
        self, have_rows: np.ndarray, have_depth: np.ndarray, columns: SkillColumns, need_depth: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """best_holdings of held competencies (rows of the table, with their depths) against needed ones (their
        `columns`, with their depths): the same answer as best_holdings(self.match(have, need)), without
        building the match."""
        return best_of(*columns.block(have_rows), have_depth, need_depth)


class SkillColumns:
    """The table's columns for one role's needs. In a table of up to COLUMNS_KEPT competencies (the bundled
    library has 228) they are sliced out once, so each holding judged against the role reads its rows of
    them; in a larger one, where a role's columns would take too much memory to keep for every role a search
    meets, each holding's block is read from the table."""

    def __init__(self, table: SkillTable, need_rows: list[int]):
        self.table, self.need_rows = table, need_rows
        small = len(table.index) <= COLUMNS_KEPT
        self.kept = (table.sim[:, need_rows], table.same[:, need_rows]) if small else None

    def block(self, have_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Similarities and same-skill verdicts of these held competencies (rows) against the needs."""
        if self.kept is not None:
            return self.kept[0][have_rows], self.kept[1][have_rows]
        block = np.ix_(have_rows, self.need_rows)
        return self.table.sim[block], self.table.same[block]


# One table per graph and matcher: a web server answers many route questions over the same graph.
_SKILL_TABLES: WeakKeyDictionary[nx.MultiDiGraph, list[tuple[Matcher, SkillTable]]] = WeakKeyDictionary()


def skill_table(graph: nx.MultiDiGraph, matcher: Matcher) -> SkillTable:
    """The SkillTable of every competency of `graph` under `matcher`, built once."""
    tables = _SKILL_TABLES.setdefault(graph, [])
    for known, table in tables:
        if known is matcher:
            return table
    table = SkillTable(matcher, [d["id"] for d in competencies(graph)], all_competency_texts(graph))
    tables.append((matcher, table))
    return table


# -- coverage ----------------------------------------------------------------------------------------
@dataclass
class Credit:
    """How one requirement is met: the holding that counts (for a missing one, the closest holding),
    their similarity, the anchor matched through, and the level credit earned (0 when missing)."""

    need: Need
    have: Need | None
    similarity: float | None
    via: str | None = None
    credit: float = 0.0


@dataclass
class Cover:
    """How far a set of holdings covers a set of requirements, with the evidence, numbers exact."""

    coverage: float
    matched: list[Credit]
    partial: list[Credit]
    missing: list[Credit]


def best_holdings(match: SkillMatch) -> tuple[np.ndarray, np.ndarray]:
    """For every need at once, the holding `SkillMatch.best` picks (-1 for none) and its level credit:
    the most credit, then the most similar, then the first listed."""
    have = np.array([h.depth for h in match.have], dtype=np.float64)
    need = np.array([n.depth for n in match.need], dtype=np.float64)
    return best_of(match.sim, match.same, have, need)


def best_of(
    sim: np.ndarray, same: np.ndarray, have_depth: np.ndarray, need_depth: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """best_holdings on arrays: a block's similarities and same-skill verdicts, and each side's depths."""
    if not len(have_depth) or not len(need_depth):
        return np.full(len(need_depth), -1), np.zeros(len(need_depth))
    credit = np.where(have_depth[:, None] >= need_depth[None, :], 1.0, have_depth[:, None] / need_depth[None, :])
    credit = np.where(same, credit, -1.0)
    top = credit.max(axis=0)
    best = np.where(same & (credit == top[None, :]), sim, -np.inf).argmax(axis=0)  # the first of equals
    found = same.any(axis=0)
    return np.where(found, best, -1), np.where(found, top, 0.0)


def covered_share(weights: Sequence[float], credits: Sequence[float]) -> float:
    """The weighted share of requirements met: each one's weight times its level credit, over all weights,
    summed in order (so every caller gets the same number to the last digit)."""
    earned = total = 0.0
    for weight, credit in zip(weights, credits, strict=True):
        total += weight
        earned += weight * credit
    return earned / total if total else 0.0


def cover(match: SkillMatch) -> Cover:
    """How far `match.have` covers `match.need`: matched, partial and missing requirements."""
    matched, partial, missing = [], [], []
    best_index, credit_of = best_holdings(match)
    closest_of = match.sim.argmax(axis=0) if len(match.have) else None
    for j, n in enumerate(match.need):
        best = int(best_index[j])
        if best < 0:
            closest = None if closest_of is None else int(closest_of[j])
            similarity = None if closest is None else float(match.sim[closest, j])
            missing.append(Credit(n, None if closest is None else match.have[closest], similarity))
            continue
        credit = float(credit_of[j])
        item = Credit(n, match.have[best], float(match.sim[best, j]), match.via.get((best, j)), credit)
        (matched if credit >= 1.0 else partial).append(item)
    return Cover(covered_share([n.weight for n in match.need], credit_of.tolist()), matched, partial, missing)


def coverage_of(have: Sequence[Need], need: Sequence[Need], matcher: Matcher) -> Cover:
    """How far `have` covers `need`, by the matcher."""
    return cover(match_skills(have, need, matcher))


@dataclass
class MutualOverlap:
    """Both directions of an overlap and the two-way score."""

    score: float
    a_covers_b: Cover
    b_covers_a: Cover


def mutual_overlap(needs_a: Sequence[Need], needs_b: Sequence[Need], matcher: Matcher) -> MutualOverlap:
    """How much each of two sets of requirements covers the other, and the two-way score."""
    match = match_skills(needs_a, needs_b, matcher)
    a_covers_b, b_covers_a = cover(match), cover(match.T)
    return MutualOverlap(mutual(a_covers_b.coverage, b_covers_a.coverage), a_covers_b, b_covers_a)


# Role requirements per graph, read once: every question asks for them, routes hundreds of times. A built
# graph is never changed in place (a rebuild or a pull makes a new one), so the answers stay true.
_ROLE_NEEDS: WeakKeyDictionary[nx.MultiDiGraph, dict[str, tuple[Need, ...]]] = WeakKeyDictionary()
_COMPETENCY_TEXTS: WeakKeyDictionary[nx.MultiDiGraph, dict[str, str]] = WeakKeyDictionary()


def role_needs(graph: nx.MultiDiGraph, role_node: str) -> list[Need]:
    """A role's requirements in a stable order (essential first, then by competency id)."""
    known = _ROLE_NEEDS.setdefault(graph, {})
    if role_node not in known:
        known[role_node] = tuple(
            Need.of_competency(data, edge["level"], edge["essential"], competency_text_of(graph, data))
            for data, edge in requirement_edges(graph, role_node)
        )
    return list(known[role_node])


def requirement_edges(graph: nx.MultiDiGraph, role_node: str) -> list[tuple[dict, dict]]:
    """A role's requirements as (competency node data, edge data), in role_needs' order; for callers that
    want numbers for every role (graph.overlap_matrix) rather than a Need for each."""
    found = [(graph.nodes[target], edge) for target, edge in edges_of(graph, role_node, "REQUIRES")]
    return sorted(found, key=lambda pair: (not pair[1]["essential"], pair[0]["id"]))


def competency_text_of(graph: nx.MultiDiGraph, data: dict) -> str:
    """A competency's matching text (graph.matching.competency_text), made once per graph."""
    texts = _COMPETENCY_TEXTS.setdefault(graph, {})
    if data["id"] not in texts:
        texts[data["id"]] = competency_text(data)
    return texts[data["id"]]


def needs_of_role(graph: nx.MultiDiGraph, role: str) -> list[Need]:
    """A role's requirements, by its qualified id (`hsc:care-worker`)."""
    return role_needs(graph, node_id("Role", role))
