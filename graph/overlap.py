"""Role overlap with its evidence: how much of one role's requirements another role already meets.

Scoring (the README repeats it):
- A requirement of B is *met* by A when A requires a competency whose similarity to it is at or above
  the matcher's threshold (the same competency scores 1). Of A's matching competencies the one held at
  the highest level counts.
- Level credit: 1 when A holds it at B's level or above, else held/needed (levels as a fraction of each
  framework's scale), so a match at a lower level is *partial* and its level gap is reported.
- Weights: essential requirements 1, desirable 0.5. coverage(A -> B) = weighted credit / weighted total.
- The symmetric score is the harmonic mean of the two directions: high only when each role covers much
  of the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.build import node_id
from graph.matching import Matcher, competency_text

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

ESSENTIAL_WEIGHT = 1.0
DESIRABLE_WEIGHT = 0.5


@dataclass(frozen=True)
class Need:
    """One requirement of a role, as the overlap engine sees it."""

    competency: str
    label: str
    text: str
    level: int
    scale_max: int
    essential: bool

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


def harmonic(x: float, y: float) -> float:
    return 0.0 if x + y == 0 else 2 * x * y / (x + y)


def role_needs(graph: nx.MultiDiGraph, role_node: str) -> list[Need]:
    """A role's requirements in a stable order (essential first, then by competency id)."""
    needs = []
    for _, target, key, edge in graph.out_edges(role_node, keys=True, data=True):
        if key == "REQUIRES":
            data = graph.nodes[target]
            needs.append(
                Need(
                    data["id"],
                    data["label"],
                    competency_text(data),
                    edge["level"],
                    data.get("scale_max", 9),
                    edge["essential"],
                )
            )
    return sorted(needs, key=lambda n: (not n.essential, n.competency))


def similarity_between(have: Sequence[Need], need: Sequence[Need], matcher: Matcher) -> tuple[np.ndarray, dict]:
    """Similarity of every held competency to every needed one, and the pairs matched through a shared
    anchor ({(i, j): anchor id}; see graph.matching). The same competency scores 1; a shared anchor
    lifts a pair to the threshold."""
    sim = matcher.similarity([h.text for h in have], [n.text for n in need])
    anchors_have = matcher.anchor_of([h.competency for h in have], [h.text for h in have])
    anchors_need = matcher.anchor_of([n.competency for n in need], [n.text for n in need])
    via: dict[tuple[int, int], str] = {}
    for i, h in enumerate(have):
        for j, n in enumerate(need):
            if h.competency == n.competency:
                sim[i, j] = 1.0
            elif anchors_have[i] is not None and anchors_have[i] == anchors_need[j] and sim[i, j] < matcher.threshold:
                via[(i, j)] = anchors_have[i]
    return sim, via


def directional(
    have: Sequence[Need], need: Sequence[Need], sim: np.ndarray, threshold: float, via: dict | None = None
) -> dict:
    """How far `have` covers `need`, with matched, partial and missing requirements as evidence.
    `via` marks pairs that match through a shared anchor competency (their similarity may be lower)."""
    via = via or {}
    matched, partial, missing = [], [], []
    earned = total = 0.0
    for j, n in enumerate(need):
        total += n.weight
        candidates = [i for i in range(len(have)) if sim[i, j] >= threshold or (i, j) in via]
        if not candidates:
            closest = int(sim[:, j].argmax()) if len(have) else None
            missing.append(
                {
                    "need": n.brief(),
                    "closest": None if closest is None else _held(have[closest]),
                    "similarity": None if closest is None else round(float(sim[closest, j]), 3),
                }
            )
            continue
        best = max(candidates, key=lambda i: (level_credit(have[i].depth, n.depth), (i, j) not in via, sim[i, j]))
        credit = level_credit(have[best].depth, n.depth)
        earned += n.weight * credit
        item = {
            "need": n.brief(),
            "have": _held(have[best]),
            "similarity": round(float(sim[best, j]), 3),
            "via": via.get((best, j)),
        }
        if credit >= 1.0:
            matched.append(item)
        else:
            partial.append({**item, "level_gap": n.level - have[best].level, "credit": round(credit, 3)})
    return {
        "coverage": round(earned / total, 4) if total else 0.0,
        "matched": matched,
        "partial": partial,
        "missing": missing,
    }


def _held(h: Need) -> dict:
    return {"competency": h.competency, "label": h.label, "level": h.level}


def role_overlap(graph: nx.MultiDiGraph, role_a: str, role_b: str, matcher: Matcher) -> dict:
    """Overlap of two roles (ids): both directions with evidence, and the symmetric score."""
    needs_a = role_needs(graph, node_id("Role", role_a))
    needs_b = role_needs(graph, node_id("Role", role_b))
    sim, via = similarity_between(needs_a, needs_b, matcher)
    a_covers_b = directional(needs_a, needs_b, sim, matcher.threshold, via)
    b_covers_a = directional(needs_b, needs_a, sim.T, matcher.threshold, {(j, i): a for (i, j), a in via.items()})
    return {
        "a": role_a,
        "b": role_b,
        "matcher": matcher.description,
        "score": round(harmonic(a_covers_b["coverage"], b_covers_a["coverage"]), 4),
        "a_covers_b": a_covers_b,
        "b_covers_a": b_covers_a,
    }
