"""The routes as a diagram, laid out here and drawn by a template as SVG (so every title is escaped).

One row per route, a box per role and an arrow per move, labelled with its training time; a known move
(a recognised progression with a source) is a solid arrow, an inferred one dashed. The numbered list of
steps under the diagram says the same in words, for screen readers and for print.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

BOX_W, BOX_H, GAP, ROW_H, PAD, LABEL_H = 190, 64, 64, 100, 12, 24
LINE_CHARS, MAX_LINES = 24, 3


@dataclass
class Box:
    x: int
    y: int
    lines: list[str]
    role: str
    start: bool = False


@dataclass
class Arrow:
    x1: int
    x2: int
    y: int
    label: str
    known: bool


@dataclass
class Row:
    y: int
    label: str
    boxes: list[Box] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)


@dataclass
class Diagram:
    width: int
    height: int
    rows: list[Row]
    description: str
    box_w: int = BOX_W
    box_h: int = BOX_H


def _lines(title: str) -> list[str]:
    lines = textwrap.wrap(title, LINE_CHARS) or [""]
    if len(lines) > MAX_LINES:
        rest = textwrap.shorten(" ".join(lines[MAX_LINES - 1 :]), LINE_CHARS, placeholder="…")
        lines = [*lines[: MAX_LINES - 1], rest]
    return lines


def _months(months: float) -> str:
    if not months:
        return "no training"
    return f"{months:g} month" + ("" if months == 1 else "s")


def route_diagram(answer) -> Diagram | None:
    """The layout of a RoutesAnswer's routes (None when there are none)."""
    if not answer.routes:
        return None
    rows = []
    for index, route in enumerate(answer.routes):
        y = PAD + index * (ROW_H + LABEL_H) + LABEL_H
        total = f"Route {index + 1}: {_months(route.total_months)} of training in all"
        row = Row(y - LABEL_H + 16, total)
        x = PAD
        row.boxes.append(Box(x, y, _lines(answer.from_.title), answer.from_.role or "", start=True))
        for step in route.steps:
            known = step.kind == "known"
            row.arrows.append(Arrow(x + BOX_W, x + BOX_W + GAP, y + BOX_H // 2, _months(step.months), known))
            x += BOX_W + GAP
            row.boxes.append(Box(x, y, _lines(step.to_title), step.to))
        rows.append(row)
    longest = max(len(route.steps) for route in answer.routes) + 1
    width = PAD * 2 + longest * BOX_W + (longest - 1) * GAP
    height = PAD * 2 + len(rows) * (ROW_H + LABEL_H) - (ROW_H - BOX_H)
    where = answer.from_.title
    description = f"{len(rows)} route{'s' if len(rows) != 1 else ''} from {where}, one per row, described below"
    return Diagram(width, height, rows, description)
