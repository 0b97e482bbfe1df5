"""The chance a need's cover holds with vacancies, and the minimal mixes of posts the team design asks for,
checked against sums worked by hand."""

from __future__ import annotations

import itertools

import pytest

from pathways.cover_chance import at_least, minimal_mixes


def test_the_chance_of_at_least_k_filled_is_the_poisson_binomial() -> None:
    assert at_least(2, [(0.7, 4)]) == pytest.approx(1 - 0.3**4 - 4 * 0.7 * 0.3**3)  # 0.9163
    # two posts at 0.7 and one at 0.97: none 0.09 x 0.03; one 2 x 0.7 x 0.3 x 0.03 + 0.09 x 0.97
    assert at_least(2, [(0.7, 2), (0.97, 1)]) == pytest.approx(1 - 0.0027 - 0.0999)
    assert at_least(1, []) == 0.0 and at_least(3, [(1.0, 3)]) == pytest.approx(1.0)


def test_minimal_mixes_are_exactly_the_smallest_holding_counts() -> None:
    chances, k, confidence = [0.7, 0.97], 2, 0.9
    mixes = minimal_mixes(chances, k, confidence)
    assert sorted(mixes) == [(0, 2), (3, 1), (4, 0)]  # 0.9409; 3 at 0.7 + 1 at 0.97; 0.9163 (3 alone: 0.784)

    def holds(mix: tuple[int, ...]) -> bool:
        return at_least(k, list(zip(chances, mix, strict=True))) >= confidence

    # every mix up to 6 of each holds exactly when it has at least one minimal mix's posts
    for mix in itertools.product(range(7), repeat=2):
        assert holds(mix) == any(all(a >= b for a, b in zip(mix, m, strict=True)) for m in mixes), mix


def test_a_kind_that_can_never_hold_gives_no_mix() -> None:
    assert minimal_mixes([0.0], 1, 0.9) == []
