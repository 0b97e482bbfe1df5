"""Speed and memory at ESCO scale (synthetic, vectors cached); run by hand.

    .venv/bin/python benchmarks/esco_scale.py

3,000 roles x 15 requirements over 14,000 competencies, with clustered unit vectors so that each
competency has a realistic handful of neighbours above the threshold. Prints the time and peak memory
of the all-pairs overlap matrix and of `similar-roles` for one role, and a plain numpy version (every
pair of roles compared requirement by requirement) timed on a sample of rows and scaled up.
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.matching import EMBEDDING_THRESHOLD  # noqa: E402
from graph.overlap_matrix import RequirementTable, SimilaritySource, coverage_matrix, coverage_of_one  # noqa: E402

ROLES, COMPETENCIES, PER_ROLE, DIM, CLUSTERS = 3000, 14000, 15, 384, 1400


def synthetic(seed: int = 7) -> tuple[RequirementTable, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((CLUSTERS, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    cluster = rng.integers(0, CLUSTERS, COMPETENCIES)
    vectors = centres[cluster] + 0.03 * rng.standard_normal((COMPETENCIES, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    members = [np.nonzero(cluster == c)[0] for c in range(CLUSTERS)]
    role_of, comp_of = [], []
    for role in range(ROLES):  # each role draws from a few related clusters
        picked: list[int] = []
        while len(picked) < PER_ROLE:
            pool = members[rng.integers(0, CLUSTERS)]
            picked += [int(c) for c in rng.choice(pool, min(len(pool), 5), replace=False) if c not in picked]
        comp_of += picked[:PER_ROLE]
        role_of += [role] * PER_ROLE
    count = len(role_of)
    table = RequirementTable(
        roles=[f"r{i}" for i in range(ROLES)],
        competencies=[f"c{i}" for i in range(COMPETENCIES)],
        texts=[""] * COMPETENCIES,
        role_of=np.array(role_of, dtype=np.int32),
        comp_of=np.array(comp_of, dtype=np.int32),
        depth=(rng.integers(2, 6, count) / 9).astype(np.float32),
        weight=np.where(rng.random(count) < 0.8, 1.0, 0.5).astype(np.float32),
    )
    return table, vectors


def plain_numpy_rows(table: RequirementTable, vectors: np.ndarray, rows: range) -> np.ndarray:
    """The obvious version: for each pair, the requirement-by-requirement similarity block."""
    by_role = [np.nonzero(table.role_of == r)[0] for r in range(len(table.roles))]
    out = np.zeros((len(rows), len(table.roles)))
    for k, i in enumerate(rows):
        a = by_role[i]
        sims = vectors[table.comp_of[a]] @ vectors[table.comp_of].T  # a x all requirements
        for j, b in enumerate(by_role):
            s = sims[:, b] >= EMBEDDING_THRESHOLD
            credit = np.where(s, np.minimum(1.0, table.depth[a][:, None] / table.depth[b][None, :]), 0.0).max(0)
            out[k, j] = (credit * table.weight[b]).sum() / table.weight[b].sum()
    return out


class PrecomputedMatcher:
    """The embedding matcher's interface over vectors made above (the synthetic texts are ids)."""

    kind, threshold = "embedding", EMBEDDING_THRESHOLD

    def __init__(self, vectors: np.ndarray):
        self._vectors = vectors
        self.description = {"kind": "embedding", "model": "synthetic", "threshold": self.threshold}

    def vectors(self, texts):
        return self._vectors[[int(t[1:]) for t in texts]]

    def similarity(self, texts_a, texts_b):
        return np.clip(self.vectors(texts_a) @ self.vectors(texts_b).T, 0.0, 1.0)

    def anchor_of(self, ids, texts):
        return [None] * len(ids)


def synthetic_graph(table: RequirementTable, seed: int = 11):
    """The same library as a graph, plus qualifications and progression links, for route queries."""
    import networkx as nx

    rng = np.random.default_rng(seed)
    graph = nx.MultiDiGraph(sectors={"health": "", "social_care": ""})
    levels = rng.integers(1, 7, ROLES)
    for c in range(COMPETENCIES):
        graph.add_node(
            f"competency:c{c}",
            kind="Competency",
            id=f"c{c}",
            label=f"c{c}",
            statement=f"c{c}",
            keywords=[],
            framework="f",
            scale_max=9,
        )
    for r in range(ROLES):
        graph.add_node(
            f"role:r{r}",
            kind="Role",
            id=f"r{r}",
            title=f"Role {r}",
            aliases=[],
            settings=[],
            sector="health" if r % 2 else "social_care",
            band=None,
            level=int(levels[r]),
            summary="",
            pay=None,
            source=[],
        )
    for r, c, depth, weight in zip(table.role_of, table.comp_of, table.depth, table.weight, strict=True):
        graph.add_edge(
            f"role:r{r}",
            f"competency:c{c}",
            key="REQUIRES",
            type="REQUIRES",
            level=int(round(depth * 9)),
            essential=bool(weight == 1.0),
        )
    for q in range(300):
        graph.add_node(
            f"qualification:q{q}",
            kind="Qualification",
            id=f"q{q}",
            title=f"Course {q}",
            qualification_kind="short_course" if q % 3 else "apprenticeship",
            code="",
            rqf_level=3,
            months=1.0 if q % 3 else 18.0,
            prerequisites=[],
            note="",
            source=[],
        )
        for c in rng.choice(COMPETENCIES, 40, replace=False):
            graph.add_edge(
                f"qualification:q{q}",
                f"competency:c{c}",
                key="DEVELOPS",
                type="DEVELOPS",
                level=int(rng.integers(2, 6)),
            )
    for r in range(ROLES):
        for other in rng.choice(ROLES, 2, replace=False):
            if other != r and levels[other] >= levels[r]:
                graph.add_edge(
                    f"role:r{r}",
                    f"role:r{other}",
                    key="PROGRESSES_TO",
                    type="PROGRESSES_TO",
                    via=[f"q{int(rng.integers(0, 300))}"],
                    months=12.0,
                    note="",
                    source=[],
                )
    return graph


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    table, vectors = synthetic()
    source = SimilaritySource.from_vectors(vectors, EMBEDDING_THRESHOLD)
    neighbours = source.neighbours(COMPETENCIES)
    print(
        f"{ROLES} roles, {COMPETENCIES} competencies, {len(table.role_of)} requirements; "
        f"{(neighbours.nnz - COMPETENCIES) / COMPETENCIES:.1f} neighbours per competency above {EMBEDDING_THRESHOLD}"
    )
    before = peak_mb()
    started = time.perf_counter()
    cover = coverage_matrix(table, source)
    matrix_s = time.perf_counter() - started
    print(f"all-pairs overlap matrix: {matrix_s:.2f} s, peak RSS {peak_mb():.0f} MB (was {before:.0f} MB before)")

    timings = []
    for index in range(0, ROLES, 300):
        started = time.perf_counter()
        covers, covered_by = coverage_of_one(table, source, index)
        profiles = source.profiles(table)  # every role's profile, as a one-off query computes them
        _ = profiles @ profiles[index]
        timings.append(time.perf_counter() - started)
        assert np.allclose(covers, cover[index], atol=1e-5) and np.allclose(covered_by, cover[:, index], atol=1e-5)
    print(
        f"similar-roles for one role: first {1000 * timings[0]:.1f} ms (builds every role's profile), then median"
        f" {1000 * float(np.median(timings[1:])):.1f} ms over {len(timings) - 1} roles"
    )

    sample = range(0, 20)
    started = time.perf_counter()
    plain = plain_numpy_rows(table, vectors, sample)
    per_row = (time.perf_counter() - started) / len(sample)
    assert np.allclose(plain, cover[: len(sample)], atol=1e-5)
    print(f"plain numpy version: {per_row * 1000:.0f} ms a row -> about {per_row * ROLES:.0f} s for the matrix")

    from pathways.routes import RoutePlanner, start_from_role

    graph = synthetic_graph(table)
    matcher = PrecomputedMatcher(vectors)
    timings = []
    for role in ("r1", "r500", "r1500", "r2999"):
        started = time.perf_counter()
        planner = RoutePlanner(graph, matcher)
        found = planner.routes(start_from_role(graph, role), cap=6, top=10)
        timings.append(time.perf_counter() - started)
    print(
        f"route query (planner built, 3 steps, top 10): median {float(np.median(timings)):.2f} s, "
        f"worst {max(timings):.2f} s; last found {len(found)} routes"
    )


if __name__ == "__main__":
    main()
