"""Checks that keep the library's routes ones a careers adviser would sign off.

They run after every id is resolved and add warnings (never errors: a user's own library may be
partial on purpose), each naming the file and line of the link or role:
- a link's `months` is the training time of its `via` qualifications, and nothing else;
- a link never goes via a qualification its from-role already requires;
- every role can be reached from a starting point, and has a way onward or says why it is a top role.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice, product
from typing import TYPE_CHECKING

from frameworks.models import AnyOf
from frameworks.vocabulary import ENTRY_LEVEL_MAX

if TYPE_CHECKING:
    from frameworks.loader import Library

MAX_COMBINATIONS = 256  # alternatives multiply; a link never needs more to be checked


def item_ids(items: Iterable[str | AnyOf]) -> list[str]:
    """Every qualification id named by a list of items, alternatives included."""
    ids: list[str] = []
    for item in items:
        ids.extend(item.any_of if isinstance(item, AnyOf) else [item])
    return ids


def training_months(via: list[str | AnyOf], months_of: dict[str, float]) -> tuple[float, set[float]]:
    """The training time of a move through `via`: the usual figure (the first alternative of each group)
    and every figure the alternatives allow. Unknown ids count 0 (their problem is reported elsewhere)."""
    choices = [item.any_of if isinstance(item, AnyOf) else [item] for item in via]
    usual = sum(months_of.get(options[0], 0.0) for options in choices)
    allowed = {
        round(sum(months_of.get(q, 0.0) for q in combo), 2) for combo in islice(product(*choices), MAX_COMBINATIONS)
    }
    return usual, allowed


def attainable_qualifications(library: Library) -> set[str]:
    """Qualifications a person can start from nothing or from education: every prerequisite item is met by
    one already attainable (any one alternative of a group), worked out to a fixed point. What an attainable
    qualification counts as is attainable with it."""
    quals = library.qualifications
    attained: set[str] = set()
    changed = True
    while changed:
        changed = False
        for qid, qual in quals.items():
            ready = qid in attained or all(_met(item, attained) for item in qual.prerequisites)
            if ready and not {qid, *qual.counts_as} <= attained:
                attained |= {qid, *qual.counts_as}  # what it counts as is attained with it
                changed = True
    return attained


def _met(item: str | AnyOf, held: set[str]) -> bool:
    return any(q in held for q in item.any_of) if isinstance(item, AnyOf) else item in held


def check_routes(library: Library, link_lines: dict[tuple[str, str], str]) -> None:
    """Fill in each link's months where left out, and warn where the routes would mislead an adviser."""
    months_of = {qid: q.months for qid, q in library.qualifications.items()}
    warn = library.warnings.append
    for link in library.progressions:
        where = link_lines.get((link.from_role, link.to_role), "")
        usual, allowed = training_months(link.via, months_of)
        if link.months is None:
            link.months = usual
        elif not link.via and link.months > 0:
            warn(
                f"{where}: progression {link.from_role} -> {link.to_role} gives {link.months:g} months but names no"
                " training (months is the training time of the move; put experience first in experience_months)"
            )
        elif link.via and round(link.months, 2) not in allowed:
            figures = " or ".join(f"{m:g}" for m in sorted(allowed))
            warn(
                f"{where}: progression {link.from_role} -> {link.to_role} gives {link.months:g} months but its"
                f" training takes {figures} (months is the training time of the move)"
            )
        already = {q for q in library.roles[link.from_role].qualifications.required if isinstance(q, str)}
        for qid in (q for q in link.via if isinstance(q, str) and q in already):
            warn(
                f"{where}: progression {link.from_role} -> {link.to_role} goes via {qid}, which"
                f" {link.from_role} already requires"
            )
    _check_reach(library)


def _check_reach(library: Library) -> None:
    """Every role reachable from a starting point (education, or a role recruited into from outside), and
    every role with a way onward or a `top:` reason."""
    attainable = attainable_qualifications(library)
    into: dict[str, list[str]] = {}
    onward: set[str] = set()
    for link in library.progressions:
        into.setdefault(link.to_role, []).append(link.from_role)
        onward.add(link.from_role)
    reached = {
        qid
        for qid, role in library.roles.items()
        if all(_met(item, attainable) for item in role.qualifications.required)
        and (role.level <= ENTRY_LEVEL_MAX or qid not in into)
    }
    frontier = list(reached)
    following: dict[str, list[str]] = {}
    for link in library.progressions:
        following.setdefault(link.from_role, []).append(link.to_role)
    while frontier:
        for nxt in following.get(frontier.pop(), []):
            if nxt not in reached:
                reached.add(nxt)
                frontier.append(nxt)
    for qid in sorted(library.roles):
        role = library.roles[qid]
        if qid not in reached:
            library.warnings.append(
                f"role {qid} cannot be reached: no progression leads to it from a role people can enter, and its"
                " required qualifications cannot be started from education"
            )
        if qid not in onward and not role.top:
            library.warnings.append(
                f"role {qid} has no way onward: add a progression from it, or 'top:' saying why it is a top role"
            )
