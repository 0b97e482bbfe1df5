"""Robust team design: sizing a team for the posts an area's vacancies leave empty, and the availability
part of a design's answer. pathways.teams.design calls on it when given an area; the names here are
re-exported from pathways.teams, so `from pathways.teams import Availability` keeps working.

How it works (the README repeats it): with `availability="vacancy"` and an area, each post is taken as
filled, independently of the others, with probability 1 - its role's vacancy rate in the area
(graph.supply: the area's own figure, else that of an area it lies within; a role with none is taken as
always filled, and the answer says so). The vacancy rate already reflects turnover (a leaver's post stands
empty until refilled), so turnover is reported, not counted again. Every need's cover must then hold with
probability `confidence` or more: for a cover of one, P(nobody filled) = prod v_r^x_r, which is linear in
logs (sum x_r log v_r <= log(1 - confidence)); for a larger cover k, the team must hold one of the need's
minimal mixes (pathways.cover_chance: the fewest posts per group of equally likely posts for which at
least k are filled with that chance, the exact Poisson binomial), asked of the needs a first solve falls
short on (the others keep a bound every holding team keeps: E[filled] >= k x confidence). For those mixes
each chance is rounded down to a hundredth, or to a twentieth when a hundredth leaves too many mixes
(CHANCE_STEPS, MIX_LIMIT), so the cover holds with the true chances and the search stays small; the team
is the cheapest that holds with the rounded chances (with twentieths it may be a post dearer than with the
true ones), and every chance of cover reported uses the true ones. The answer gives
each need's expected filled posts and chance of cover, the plain (every post filled) team for comparison,
and the roles in the mix that are hard to fill (vacancy rate of graph.supply.HARD_TO_FILL_VACANCY or
more), with where each figure is from. With `availability="all"` and an area, the team is sized as if
every post were filled and the area's figures are only reported.

The integer program itself (pathways.teams.Problem) keeps the cover-of-one log rows and the chance of
cover per need; this module gives it the minimal mixes (cover_mixes, with_mixes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from graph.supply import HARD_TO_FILL_VACANCY, supply_of
from pathways.demand import SupplyFigure, area_id, supply_figure
from pathways.errors import QuestionError

if TYPE_CHECKING:
    import networkx as nx

    from graph.supply import Figure
    from pathways.teams import Candidate, Problem, SolvedTeam

# For a need asking for several people, each post's chance of being filled is rounded down, so the cover
# still holds with the true chances and the groups of equal chances stay few: to a hundredth (0.934 ->
# 0.93) when that keeps the need's minimal mixes within MIX_LIMIT, else to a twentieth (0.93 -> 0.90),
# which keeps the exact search small but may cost a post (0.99 read as 0.95).
CHANCE_STEPS = (100, 20)
MIX_LIMIT = 60
DEFAULT_CONFIDENCE = 0.9  # the chance each need's cover must hold, unless asked otherwise


# -- the answers (their JSON form is part of the README's "team design" contract) -----------------------


@dataclass
class HardToFill:
    """A role in the team at a vacancy rate of graph.supply.HARD_TO_FILL_VACANCY or more."""

    role: str
    title: str
    count: int
    vacancy_rate: SupplyFigure
    turnover_rate: SupplyFigure | None


@dataclass
class Availability:
    """How the design allows for vacancies in an area. basis "vacancy": each post is taken as filled,
    independently, with probability 1 - its role's vacancy rate, and every need's cover holds with
    probability `confidence` or more; basis "all": the team is sized as if every post were filled and the
    area's figures are only reported. `plain_headcount` and `plain_cost` are the team sized with every post
    filled; `assumed_filled`, the roles the design could use that have no vacancy figure for the area (or
    any area it lies within), taken as always filled; `assumptions` says all this in words."""

    basis: Literal["all", "vacancy"]
    area: str
    area_name: str
    confidence: float
    plain_headcount: int
    plain_cost: int
    assumed_filled: list[str]
    assumptions: list[str]


# -- sizing for vacancies --------------------------------------------------------------------------------


def cover_mixes(problem: Problem, needs: set[int]) -> list[tuple[dict[int, list[int]], list[tuple[int, ...]]]]:
    """For each of `needs` (indices of the problem's needs, each asking for more than one person): its
    covering candidates grouped by their chance of being filled, and the minimal mixes of posts per group
    that hold its cover (pathways.cover_chance)."""
    from pathways.cover_chance import minimal_mixes

    filled, found = problem.filled, []
    for n in sorted(needs):
        need = problem.needs[n]
        for steps in CHANCE_STEPS:  # the finest rounding whose mixes stay few
            kinds: dict[float, list[int]] = {}
            for r in np.nonzero(problem.covers[:, n] & (filled > 0))[0]:
                chance = math.floor(float(filled[r]) * steps + 1e-9) / steps
                if chance > 0:
                    kinds.setdefault(chance, []).append(int(r))
            try:
                mixes = minimal_mixes(list(kinds), need.cover, problem.confidence, limit=MIX_LIMIT)
                break
            except OverflowError:
                continue
        else:
            raise QuestionError(
                f"too many ways to hold the cover of '{need.label}' at confidence {problem.confidence:g} to"
                " weigh them all; design part of the service at a time or lower the confidence"
            )
        found.append((dict(enumerate(kinds.values())), mixes))
    return found


def with_mixes(
    rows: np.ndarray,
    c: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    mixes: list[tuple[dict[int, list[int]], list[tuple[int, ...]]]],
    low: list[float],
    high: list[float],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The problem with a 0/1 variable per minimal mix appended (they cost nothing); `low`/`high` grow.
    A need with no mix at all gets an impossible row, so the design is infeasible and says why."""
    k, extra = rows.shape[1], sum(len(options) for _, options in mixes)
    if not mixes:
        return rows, c, lower, upper
    matrix = [np.hstack([rows, np.zeros((rows.shape[0], extra))])]
    column = k
    for groups, options in mixes:
        one_of = np.zeros(k + extra)
        for mix in options:
            for group, posts in enumerate(mix):
                if posts:
                    row = np.zeros(k + extra)
                    row[groups[group]], row[column] = 1.0, -float(posts)  # posts of the group >= mix x chosen
                    matrix.append(row[None, :])
                    low.append(0.0)
                    high.append(np.inf)
            one_of[column] = 1.0
            column += 1
        matrix.append(one_of[None, :])
        low.append(1.0)
        high.append(np.inf)
    return (
        np.vstack(matrix),
        np.concatenate([c, np.zeros(extra)]),
        np.concatenate([lower, np.zeros(extra)]),
        np.concatenate([upper, np.ones(extra)]),
    )


def check_availability(
    graph: nx.MultiDiGraph, area: str | None, availability: str, confidence: float | None
) -> tuple[str | None, float]:
    """The id of the area a design allows for (None without one) and the confidence (DEFAULT_CONFIDENCE
    unless given), once the options agree: availability "vacancy" needs an area; a confidence is for
    availability "vacancy" only and lies strictly between 0 and 1. An unknown area raises
    graph.lookup.NotFound naming the nearest areas; the rest are QuestionErrors."""
    if availability not in ("all", "vacancy"):
        raise QuestionError(f"availability must be 'all' or 'vacancy', not {availability!r}")
    if confidence is not None and availability != "vacancy":
        raise QuestionError(
            "--confidence applies only with --availability vacancy: it is the chance each need's cover must hold"
            " at the area's vacancy rates"
        )
    confidence = DEFAULT_CONFIDENCE if confidence is None else confidence
    if not 0 < confidence < 1:
        raise QuestionError(f"--confidence must be above 0 and below 1 (e.g. 0.9), not {confidence:g}")
    if availability == "vacancy" and not area:
        raise QuestionError("--availability vacancy needs --area: the area whose vacancy rates to size the team for")
    return (area_id(graph, area) if area else None), confidence


def with_vacancies(graph: nx.MultiDiGraph, pool: list[Candidate], area: str) -> dict[str, dict[str, Figure]]:
    """Set each candidate's vacancy rate in the area (a blended role: the higher of its two roles'), and
    return the figures per role."""
    figures = {c.id: supply_of(graph, c.id, area) for c in pool if not c.blended_from}
    for cand in pool:
        rates = [
            figures[r]["vacancy_rate"].value for r in cand.blended_from or [cand.id] if "vacancy_rate" in figures[r]
        ]
        cand.vacancy = float(max(rates)) if rates else None
    return figures


def vacancies_bite(problem: Problem) -> list[str]:
    """Why a design sized for vacancies has no team, when one with every post filled does."""
    from dataclasses import replace

    if problem.confidence is None or replace(problem, confidence=None).solve() is None:
        return []
    return [
        f"with every post filled a team covers every need under the rules, but no team keeps them while "
        f"holding each need's cover with probability {problem.confidence:g} at {problem.area}'s vacancy rates;"
        " lower --confidence or loosen the rules"
    ]


def availability_report(
    problem: Problem,
    best: SolvedTeam,
    figures: dict[str, dict[str, Figure]],
    area: str,
    basis: str,
    confidence: float,
) -> tuple[Availability, list[HardToFill]]:
    """How the design allowed for the area's vacancies, and the hard-to-fill roles in its team."""
    from dataclasses import replace

    plain_headcount, plain_cost = best.headcount, best.cost
    if problem.confidence is not None:  # the same question with every post filled, for comparison
        counts = replace(problem, confidence=None).solve()
        if counts is not None:
            plain_headcount = int(counts.sum())
            plain_cost = sum(round(c.cost * n) for c, n in zip(problem.pool, counts, strict=True) if n)
    usable = [c for c in problem.pool if c.id not in problem.blocked]
    unknown = sorted(c.id for c in usable if c.vacancy is None)
    in_team = [m.role for m in best.team if m.vacancy_rate is None]
    name = problem.area
    said = [
        f"each post is taken as filled with probability 1 - its role's vacancy rate in {name} (or the nearest"
        " larger area with a figure), independently of the other posts; every need's cover holds with"
        f" probability {problem.confidence:g} or more"
        if problem.confidence is not None
        else f"the team is sized as if every post were filled; each need's chance of cover at {name}'s vacancy"
        " rates is shown (--availability vacancy sizes the team for them)",
        "a vacancy rate already reflects turnover (a leaver's post stands empty until it is refilled), so"
        " turnover is shown for hard-to-fill roles, not counted again",
    ]
    if unknown:
        one = len(unknown) == 1
        said.append(
            f"{len(unknown)} of the {len(usable)} roles the design could use {'has' if one else 'have'} no vacancy"
            f" figure for {name} or any area it lies within and {'is' if one else 'are'} taken as always filled,"
            f" which favours {'it' if one else 'them'}"
            + (f": {', '.join(unknown)}" if len(unknown) <= 5 else "")
            + (f"; in this team: {', '.join(in_team)}" if in_team and len(unknown) > 5 else "")
        )
    if any(c.blended_from for c in usable):
        said.append("a blended role is taken at the higher vacancy rate of its two roles")
    hard = []
    for member in sorted(best.team, key=lambda m: (-(m.vacancy_rate or 0.0), m.role)):
        if member.vacancy_rate is None or member.vacancy_rate < HARD_TO_FILL_VACANCY:
            continue
        role = max(
            (r for r in member.blended_from or [member.role] if "vacancy_rate" in figures[r]),
            key=lambda r: figures[r]["vacancy_rate"].value,
        )
        turnover = figures[role].get("turnover_rate")
        hard.append(
            HardToFill(
                member.role,
                member.title,
                member.count,
                supply_figure("vacancy_rate", figures[role]["vacancy_rate"]),
                supply_figure("turnover_rate", turnover) if turnover else None,
            )
        )
    return (
        Availability(basis, area, name, confidence, plain_headcount, plain_cost, unknown, said),  # type: ignore[arg-type]
        hard,
    )
