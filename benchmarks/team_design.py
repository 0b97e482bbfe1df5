"""Team design at size: 60 roles x 150 needs solved to optimality; run by hand.

    .venv/bin/python benchmarks/team_design.py

Random but realistic coverage (each role meets 10-25% of needs; needs want 1-4 people), a headcount
cap and a sector-share rule, solved by the same integer program `pathways team design` uses.
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


def main() -> None:
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
        f"{ROLES} roles x {NEEDS} needs, optimal: median {np.median(timings):.3f} s, worst {max(timings):.3f} s "
        f"over {len(timings)} instances"
    )


if __name__ == "__main__":
    main()
