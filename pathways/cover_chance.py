"""The chance a need's cover holds when posts may stand vacant, and the smallest mixes of posts that hold it.

Posts are filled independently, each with its role's chance (1 - the vacancy rate). A need asking for k
people holds when at least k of the posts able to cover it are filled. That chance only grows as posts are
added, so the teams that hold it are exactly those with, in every group of equally likely posts, at least
as many posts as one of the *minimal mixes*: the mixes that hold it and would not without any one post.
The team design asks for one of them (pathways.team_supply), which is exact: no team that holds is ruled out.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SINGLE_LIMIT = 60  # posts of one kind considered for one need: beyond this a kind is taken as unable alone


def at_least(k: int, posts: Sequence[tuple[float, int]]) -> float:
    """P(at least k filled) for posts given as (chance filled, how many)."""
    below = np.zeros(k)  # below[i]: the chance exactly i are filled, for i < k
    below[0] = 1.0
    for chance, count in posts:
        for _ in range(count):
            below = _add_post(below, chance)
    return float(1.0 - below.sum())


def _add_post(below: np.ndarray, chance: float) -> np.ndarray:
    grown = below * (1.0 - chance)
    grown[1:] += below[:-1] * chance
    return grown


def minimal_mixes(chances: Sequence[float], k: int, confidence: float, limit: int = 2000) -> list[tuple[int, ...]]:
    """Every minimal count of posts per kind (kinds by their chance of being filled) for which at least k
    are filled with probability `confidence` or more; [] when no mix within SINGLE_LIMIT posts of each
    kind holds. Raises OverflowError past `limit` mixes (the caller says so in words)."""
    found: list[tuple[int, ...]] = []
    start = np.zeros(k)
    start[0] = 1.0

    def holds(below: np.ndarray) -> bool:
        return 1.0 - below.sum() >= confidence - 1e-12

    def search(kind: int, below: np.ndarray, counts: list[int]) -> None:
        if kind == len(chances):
            return
        state = below
        for count in range(SINGLE_LIMIT + 1):
            if count:
                state = _add_post(state, chances[kind])
            if holds(state):
                found.append(tuple([*counts, count] + [0] * (len(chances) - kind - 1)))
                if len(found) > limit:
                    raise OverflowError(limit)
                return  # more of this kind would not be minimal
            search(kind + 1, state, [*counts, count])

    search(0, start, [])
    return [mix for mix in found if not any(other != mix and _within(other, mix) for other in found)]


def _within(small: tuple[int, ...], large: tuple[int, ...]) -> bool:
    return all(a <= b for a, b in zip(small, large, strict=True))
