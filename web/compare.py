"""Compare two roles: how much of each one's requirements the other meets, with the evidence; and the
overlap of two sectors' roles as a heatmap.

GET /compare?a=ROLE&b=ROLE answers like `pathways overlap A B`; its JSON twin, GET /api/overlap?a=&b=,
is that command's `--format json`. GET /compare/matrix?sector=S&vs=T (health vs social care unless asked)
is `pathways overlap-matrix --sector S --vs T`, drawn as SVG on the server: every cell has its number as
well as its colour (WCAG: colour is never the only way to tell), and the same figures are in a table. Its
JSON twin, GET /api/overlap/matrix, is the OverlapMatrix (the figures the command writes as CSV).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pathways.results import as_json
from web import forms
from web.errors import failure_of
from web.pages import remembered, sector_names
from web.site import Site

MATRIX_SIDES = ("health", "social_care")  # the question workforce planners ask first: what carries across
# (lowest percentage, fill, text colour, legend): NHS blues; text contrast at least 4.5:1 on every fill
SHADES = (
    (80, "#003087", "#ffffff", "80% or more"),
    (60, "#005eb8", "#ffffff", "60 to 79%"),
    (40, "#8bb8e8", "#212b32", "40 to 59%"),
    (20, "#c6dcf0", "#212b32", "20 to 39%"),
    (0, "#f0f4f5", "#212b32", "under 20%"),
)
CELL_W, CELL_H, LABEL_W, HEAD_H, LABEL_CHARS = 38, 24, 270, 250, 38


def routes(site: Site) -> list[Route]:
    return [
        Route("/compare", site.guard(lambda r: compare_page(site, r)), name="compare"),
        Route("/compare/matrix", site.guard(lambda r: matrix_page(site, r)), name="matrix"),
        Route("/api/overlap", site.guard(lambda r: overlap_api(site, r))),
        Route("/api/overlap/matrix", site.guard(lambda r: matrix_api(site, r))),
    ]


async def _pair(site: Site, request: Request) -> tuple[Any, Any, list[str]]:
    """The two roles the form names (Found), each checked against its own field, and any near miss taken."""
    params = request.query_params
    a = forms.text(params, "a", required=True, label="the first role")
    b = forms.text(params, "b", required=True, label="the second role")
    first, second = await site.role_named(a or "", "a"), await site.role_named(b or "", "b")
    return first.value, second.value, [*first.notices, *second.notices]


async def overlap_api(site: Site, request: Request) -> Response:
    """`pathways overlap A B --format json`."""
    a, b, _ = await _pair(site, request)
    asked = await remembered(site, ("overlap", a.qid, b.qid), lambda s: s.overlap(a.qid, b.qid))
    return JSONResponse(as_json(asked.value, rounded=True))


async def compare_page(site: Site, request: Request) -> Response:
    params = request.query_params
    context: dict[str, Any] = {"view": "pair", "values": {k: params.get(k, "") for k in ("a", "b")}, "result": None}
    if not (params.get("a") or params.get("b")):
        return site.page(request, "compare.html", **context)
    try:
        a, b, notices = await _pair(site, request)
        asked = await remembered(site, ("overlap", a.qid, b.qid), lambda s: s.overlap(a.qid, b.qid))
    except Exception as err:
        failure = failure_of(err)
        if failure is None:
            raise
        return site.page(request, "compare.html", failure.status, error=failure, **context)
    context.update(result=asked.value, a=a, b=b)
    return site.page(request, "compare.html", notices=[*notices, *asked.notices], **context)


# -- two sectors: the heatmap -------------------------------------------------------------------------------
@dataclass
class Cell:
    x: int
    y: int
    fill: str
    ink: str
    percent: int


@dataclass
class Label:
    x: int
    y: int
    text: str
    full: str


@dataclass
class Heatmap:
    """Where the template draws each cell and label (coordinates only; the template escapes every title)."""

    width: int
    height: int
    cells: list[Cell] = field(default_factory=list)
    rows: list[Label] = field(default_factory=list)
    columns: list[Label] = field(default_factory=list)
    cell_w: int = CELL_W
    cell_h: int = CELL_H


def shade(percent: int) -> tuple[str, str]:
    """The fill and the text colour of a percentage (binned as shown, so 79.6% is drawn as 80%)."""
    for low, fill, ink, _ in SHADES:
        if percent >= low:
            return fill, ink
    return SHADES[-1][1], SHADES[-1][2]


def heatmap(matrix: Any) -> Heatmap:
    """The layout of an OverlapMatrix: rows down the left, columns written upwards along the top."""
    titles = matrix.titles
    short = [textwrap.shorten(titles.get(r, r), LABEL_CHARS, placeholder="…") for r in matrix.rows]
    out = Heatmap(LABEL_W + len(matrix.columns) * CELL_W + 8, HEAD_H + len(matrix.rows) * CELL_H + 8)
    for j, column in enumerate(matrix.columns):
        text = textwrap.shorten(titles.get(column, column), LABEL_CHARS, placeholder="…")
        out.columns.append(Label(LABEL_W + j * CELL_W + CELL_W // 2 + 4, HEAD_H - 8, text, titles.get(column, column)))
    for i, row in enumerate(matrix.rows):
        y = HEAD_H + i * CELL_H
        out.rows.append(Label(LABEL_W - 8, y + CELL_H // 2 + 4, short[i], titles.get(row, row)))
        for j, value in enumerate(matrix.score[i]):
            percent = round(value * 100)
            fill, ink = shade(percent)
            out.cells.append(Cell(LABEL_W + j * CELL_W, y, fill, ink, percent))
    return out


async def _matrix(site: Site, request: Request) -> tuple[str, str, Any]:
    """The sectors asked for (checked as the CLI checks --sector and --vs) and their OverlapMatrix."""
    params = request.query_params
    known = sorted((await site.ask(lambda s: sector_names(site))).value)
    rows = forms.sector(params, known) or MATRIX_SIDES[0]
    columns = forms.sector(params, known, name="vs") or MATRIX_SIDES[1]
    asked = await remembered(site, ("matrix", rows, columns), lambda s: s.overlap_matrix(sector=rows, versus=columns))
    return rows, columns, asked


async def matrix_api(site: Site, request: Request) -> Response:
    """`pathways overlap-matrix --sector S --vs T` as JSON (its CSV is `score`); health vs social care unless asked."""
    _, _, asked = await _matrix(site, request)
    return JSONResponse(as_json(asked.value, rounded=True))


async def matrix_page(site: Site, request: Request) -> Response:
    sectors = (await site.ask(lambda s: sector_names(site))).value
    params = request.query_params
    context: dict[str, Any] = {
        "view": "matrix",
        "values": {"sector": params.get("sector") or MATRIX_SIDES[0], "vs": params.get("vs") or MATRIX_SIDES[1]},
        "sector_options": sorted(sectors.items()),
        "sectors": sectors,
        "shades": SHADES,
        "matrix": None,
        "result": None,
    }
    try:
        rows, columns, asked = await _matrix(site, request)
    except Exception as err:
        failure = failure_of(err)
        if failure is None:
            raise
        return site.page(request, "compare.html", failure.status, error=failure, **context)
    context.update(matrix=asked.value, heatmap=heatmap(asked.value), rows=rows, columns=columns)
    return site.page(request, "compare.html", notices=asked.notices, **context)
