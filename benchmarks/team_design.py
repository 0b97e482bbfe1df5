"""Team design at size: about 60 roles x 150 needs solved to optimality; run by hand.

    .venv/bin/python benchmarks/team_design.py

Two kinds of instance, solved by the same integer program `pathways team design` uses:
- library: the bundled library's 59 roles and 150 needs drawn from the competencies those roles
  require (levels and covers varied), with a headcount cap and a sector-share rule; coverage is
  computed by the overlap engine exactly as the command does;
- random: 60 roles x 150 needs with random coverage (each role meets 10-25% of needs), a harder,
  structureless stress test.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pathways.teams import Candidate, Problem, TeamNeed  # noqa: E402

ROLES, NEEDS = 60, 150


def instance(seed: int) -> Problem:
    rng = np.random.default_rng(seed)
    pool = [
        Candidate(
            f"r{i}",
            f"Role {i}",
            "health" if i % 2 else "social_care",
            int(rng.integers(2, 7)),
            float(rng.integers(22000, 48000)),
            "synthetic",
            [],
        )
        for i in range(ROLES)
    ]
    covers = rng.random((ROLES, NEEDS)) < rng.uniform(0.10, 0.25, (ROLES, 1))
    covers[rng.integers(0, ROLES, NEEDS), np.arange(NEEDS)] = True  # every need has someone
    needs = [TeamNeed(n, f"need {n}", 3, int(rng.integers(1, 5)), None, None, None) for n in range(NEEDS)]
    rules = {"max_headcount": 60, "sector_share": {"social_care": {"min": 0.3}}}
    return Problem(pool, needs, covers, rules, "cost")


def library_instance(seed: int, graph, matcher, pool) -> Problem:
    from pathways.teams import coverage, resolve_needs

    rng = np.random.default_rng(seed)
    required = sorted({(n.competency, n.level) for c in pool for n in c.needs})
    picks = rng.choice(len(required), NEEDS, replace=False)
    needs = [
        {
            "competency": required[i][0],
            "level": int(max(1, required[i][1] - rng.integers(0, 2))),
            "cover": int(rng.integers(1, 4)),
        }
        for i in picks
    ]
    resolved = resolve_needs(graph, matcher, needs)
    covers, _ = coverage(pool, resolved, matcher)
    rules = {"max_headcount": 80, "sector_share": {"social_care": {"min": 0.25}}}
    return Problem(pool, resolved, covers, rules, "cost")


def library_timings() -> list[float]:
    import tempfile

    from frameworks.sources import library_layers
    from graph.crosswalk import all_competency_texts, anchor_competencies
    from graph.matching import choose_matcher
    from graph.store import load_graph
    from pathways.teams import candidates

    workspace = Path(tempfile.mkdtemp())
    graph, _ = load_graph(library_layers(), workspace)
    matcher, _ = choose_matcher(all_competency_texts(graph), workspace, anchors=anchor_competencies(graph))
    pool, _ = candidates(graph)
    timings = []
    for seed in range(5):
        problem = library_instance(seed, graph, matcher, pool)
        started = time.perf_counter()
        counts = problem.solve()
        timings.append(time.perf_counter() - started)
        assert counts is not None and all(
            problem.covers[:, n] @ counts >= need.cover for n, need in enumerate(problem.needs)
        )
    return timings


def main() -> None:
    library = library_timings()
    print(
        f"library: {len(library)} instances of 59 roles x {NEEDS} needs, optimal: median "
        f"{np.median(library):.3f} s, worst {max(library):.3f} s"
    )
    timings = []
    for seed in range(5):
        problem = instance(seed)
        started = time.perf_counter()
        counts = problem.solve()
        timings.append(time.perf_counter() - started)
        assert counts is not None and all(
            problem.covers[:, n] @ counts >= need.cover for n, need in enumerate(problem.needs)
        )
    print(
        f"random: {len(timings)} instances of {ROLES} roles x {NEEDS} needs, optimal: median "
        f"{np.median(timings):.3f} s, worst {max(timings):.3f} s"
    )


if __name__ == "__main__":
    main()
