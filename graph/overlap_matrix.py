"""All-pairs role overlap, fast: the same scores as graph.overlap, computed over the whole library.

The structure of the problem does the work. Roles share competencies, so similarity is computed once
over the unique competencies, in blocks, keeping only pairs that are the same skill (a sparse
matrix). Level credit is monotone in the level held, so for each role and competency we only need the
highest level at which the role holds anything matching it; coverage is then a sparse product per
distinct needed level. Nothing of size roles x requirements x requirements is ever built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from graph.build import node_id
from graph.matching import cosine, keep_apart
from graph.overlap import (
    DESIRABLE_WEIGHT,
    ESSENTIAL_WEIGHT,
    NO_ANCHOR,
    anchor_codes,
    competency_text_of,
    requirement_edges,
    same_skill,
)

if TYPE_CHECKING:
    import networkx as nx
    from scipy import sparse

    from graph.matching import Matcher

BLOCK = 2048


@dataclass
class RequirementTable:
    """Every requirement of every role as flat arrays, grouped by role."""

    roles: list[str]  # role ids, in row order
    competencies: list[str]  # unique competency ids
    texts: list[str]  # the text of each competency
    role_of: np.ndarray  # int32, per requirement
    comp_of: np.ndarray  # int32, per requirement
    depth: np.ndarray  # float32 level / scale max, per requirement
    weight: np.ndarray  # float32, per requirement

    @classmethod
    def from_graph(cls, graph: nx.MultiDiGraph, roles: Sequence[str]) -> RequirementTable:
        """The table of these roles (ids), read from the graph's edges in role_needs' order."""
        comp_index: dict[str, int] = {}
        texts: list[str] = []
        role_of: list[int] = []
        comp_of: list[int] = []
        depth: list[float] = []
        weight: list[float] = []
        for r, role in enumerate(roles):
            for data, edge in requirement_edges(graph, node_id("Role", role)):
                if data["id"] not in comp_index:
                    comp_index[data["id"]] = len(texts)
                    texts.append(competency_text_of(graph, data))
                role_of.append(r)
                comp_of.append(comp_index[data["id"]])
                depth.append(edge["level"] / data.get("scale_max", 9))  # as Need.depth and Need.weight
                weight.append(ESSENTIAL_WEIGHT if edge["essential"] else DESIRABLE_WEIGHT)
        return cls(
            list(roles),
            list(comp_index),
            texts,
            np.array(role_of, dtype=np.int32),
            np.array(comp_of, dtype=np.int32),
            np.array(depth, dtype=np.float32),
            np.array(weight, dtype=np.float32),
        )

    @property
    def totals(self) -> np.ndarray:
        return np.bincount(self.role_of, weights=self.weight, minlength=len(self.roles))


class SimilaritySource:
    """Similarity between competencies of a table, by index, in blocks."""

    def __init__(self, matcher: Matcher, texts: Sequence[str], ids: Sequence[str] | None = None):
        self.threshold = matcher.threshold
        self._vectors = matcher.vectors(texts).astype(np.float64) if matcher.kind == "embedding" else None
        self._matcher, self._texts = matcher, list(texts)
        self.anchors = matcher.anchor_of(list(ids), list(texts)) if ids is not None else [None] * len(texts)
        (self.anchor,) = anchor_codes(self.anchors)
        self._profiles: np.ndarray | None = None

    @classmethod
    def from_vectors(cls, vectors: np.ndarray, threshold: float) -> SimilaritySource:
        source = cls.__new__(cls)
        source.threshold, source._vectors, source._matcher, source._texts = threshold, vectors, None, []
        source.anchors, source.anchor = [None] * len(vectors), np.full(len(vectors), NO_ANCHOR, dtype=np.int64)
        source._profiles = None
        return source

    def matches(self, rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """Whether competencies (by index) are the same skill (graph.overlap.same_skill)."""
        right = np.arange(len(self.anchor)) if cols is None else cols
        identical = rows[:, None] == right[None, :]  # the table's competencies are unique
        return same_skill(self.block(rows, cols), self.threshold, self.anchor[rows], self.anchor[right], identical)

    def block(self, rows: np.ndarray, cols: np.ndarray | None = None) -> np.ndarray:
        """The matcher's similarity of competencies by index (with embeddings, from the vectors held here;
        pairs the library declares distinct are capped as the matcher caps them)."""
        if self._vectors is None:
            return self._matcher.similarity(self._pick(rows), self._pick(cols))
        sims = cosine(self._vectors[rows], self._vectors if cols is None else self._vectors[cols])
        distinct = getattr(self._matcher, "distinct", None)
        return keep_apart(sims, self._pick(rows), self._pick(cols), distinct) if distinct else sims

    def _pick(self, index: np.ndarray | None) -> list[str]:
        return self._texts if index is None else [self._texts[i] for i in index]

    def against(self, texts: Sequence[str]) -> np.ndarray:
        """The similarity of other texts (a person's holdings) to every competency of the table."""
        return self._matcher.similarity(list(texts), self._texts)

    def profiles(self, table: RequirementTable) -> np.ndarray | None:
        """Each role's skill profile: the weighted mean of its competency vectors, unit length
        (embeddings only; None for the lexical matcher)."""
        if self._vectors is None:
            return None
        if self._profiles is None:
            from scipy import sparse

            weights = sparse.csr_matrix(
                (table.weight, (table.role_of, table.comp_of)), shape=(len(table.roles), len(table.competencies))
            )
            sums = np.asarray(weights @ self._vectors.astype(np.float32))
            self._profiles = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        return self._profiles

    def neighbours(self, count: int) -> sparse.csr_matrix:
        """Pairs of competencies that are the same skill (each competency is itself)."""
        from scipy import sparse  # imported here: single-role queries never need it

        parts_r, parts_c = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
        for start in range(0, count, BLOCK):
            rows = np.arange(start, min(count, start + BLOCK))
            r, c = np.nonzero(self.matches(rows))
            parts_r.append(r + start)
            parts_c.append(c)
        r, c = np.concatenate(parts_r), np.concatenate(parts_c)
        return sparse.csr_matrix((np.ones(len(r), dtype=np.float32), (r, c)), shape=(count, count))


def _best_depth(table: RequirementTable, near: sparse.csr_matrix) -> sparse.csr_matrix:
    """For each (role, competency): the highest depth at which the role holds a matching competency."""
    from scipy import sparse

    counts = np.diff(near.indptr)[table.comp_of]
    starts = near.indptr[table.comp_of]
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    comp = near.indices[np.repeat(starts, counts) + offsets]
    role = np.repeat(table.role_of, counts)
    depth = np.repeat(table.depth, counts)
    order = np.lexsort((depth, comp, role))  # within each (role, competency), the deepest comes last
    role, comp, depth = role[order], comp[order], depth[order]
    last = np.ones(len(role), dtype=bool)
    last[:-1] = (role[1:] != role[:-1]) | (comp[1:] != comp[:-1])
    shape = (len(table.roles), len(table.competencies))
    return sparse.csr_matrix((depth[last], (role[last], comp[last])), shape=shape)


def coverage_matrix(table: RequirementTable, source: SimilaritySource) -> np.ndarray:
    """C[i, j] = coverage of role j's requirements by role i (see graph.overlap for the scoring)."""
    from scipy import sparse

    near = source.neighbours(len(table.competencies))
    best = _best_depth(table, near)
    result = np.zeros((len(table.roles), len(table.roles)), dtype=np.float64)
    for need_depth in np.unique(table.depth):
        at = table.depth == need_depth
        credit = best.copy()
        credit.data = np.minimum(1.0, credit.data / need_depth)
        wanted = sparse.csr_matrix(
            (table.weight[at], (table.comp_of[at], table.role_of[at])),
            shape=(len(table.competencies), len(table.roles)),
        )
        result += (credit @ wanted).toarray()
    return result / np.maximum(table.totals, 1e-12)[None, :]


def covers_of_one(
    table: RequirementTable, source: SimilaritySource | None, index: int, sims: np.ndarray | None = None
) -> np.ndarray:
    """Coverage of every role by role `index` (one row of coverage_matrix); `sims` is source.matches of
    the role's own competencies when the caller has it (then no source is needed)."""
    own = np.nonzero(table.role_of == index)[0]
    sims = source.matches(table.comp_of[own]) if sims is None else sims
    held = np.where(sims, table.depth[own][:, None], 0.0).max(axis=0)  # its best depth for each competency
    credit = np.minimum(1.0, held[table.comp_of] / table.depth) * table.weight
    return np.bincount(table.role_of, weights=credit, minlength=len(table.roles)) / table.totals


def coverage_of_one(table: RequirementTable, source: SimilaritySource, index: int) -> tuple[np.ndarray, np.ndarray]:
    """(coverage of every role by role `index`, coverage of role `index` by every role): one row and
    one column of coverage_matrix, without computing the rest."""
    own = np.nonzero(table.role_of == index)[0]
    sims = source.matches(table.comp_of[own])  # own requirements x all competencies
    covers = covers_of_one(table, source, index, sims)
    # every role as the holder of role `index`'s requirements
    match = sims[:, table.comp_of]  # own requirements x all requirements
    depth = np.where(match, table.depth[None, :], 0.0)
    order = np.argsort(table.role_of, kind="stable")
    starts = np.searchsorted(table.role_of[order], np.arange(len(table.roles)))
    best = np.maximum.reduceat(depth[:, order], starts, axis=1) if len(order) else depth
    best[:, np.diff(np.append(starts, len(order))) == 0] = 0.0
    need = table.depth[own][:, None]
    credit = np.minimum(1.0, best / need) * table.weight[own][:, None]
    covered_by = credit.sum(axis=0) / table.weight[own].sum()
    return covers, covered_by


def coverage_from_holdings(
    table: RequirementTable,
    source: SimilaritySource,
    matcher: Matcher,
    ids: Sequence[str],
    texts: Sequence[str],
    depth: np.ndarray,
) -> np.ndarray:
    """Coverage of every role's requirements by an arbitrary set of held competencies (a person's
    passport, or a role plus what they have learned): the first half of coverage_of_one for holdings
    that need not be competencies of the table."""
    if not ids:
        return np.zeros(len(table.roles))
    index = {cid: k for k, cid in enumerate(table.competencies)}
    identical = np.zeros((len(ids), len(table.competencies)), dtype=bool)
    for h, cid in enumerate(ids):
        if cid in index:
            identical[h, index[cid]] = True
    held_anchors, table_anchors = anchor_codes(matcher.anchor_of(list(ids), list(texts)), source.anchors)
    same = same_skill(source.against(texts), source.threshold, held_anchors, table_anchors, identical)
    held = np.where(same, np.asarray(depth, dtype=np.float32)[:, None], 0.0).max(axis=0)
    credit = np.minimum(1.0, held[table.comp_of] / table.depth) * table.weight
    return np.bincount(table.role_of, weights=credit, minlength=len(table.roles)) / table.totals
