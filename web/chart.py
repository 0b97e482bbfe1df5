"""A pipeline's headcount as line charts, laid out here and drawn by a template as SVG (so every title is
escaped), as web/diagram.py does the routes diagram: no script, nothing inline but SVG attributes.

One small chart per role (their sizes differ too much for one scale): headcount at the start and at the end
of each year, the establishment dashed and, for a Monte Carlo run, the 10th-90th percentile band of the end
headcount shaded. The table of each role under the charts says the same in numbers, for screen readers and
for print.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

WIDTH, HEIGHT = 380, 230
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 34, 40  # room for the y labels, the title and the year labels
TICKS = 4


@dataclass
class Tick:
    at: float  # pixels along the axis
    label: str


@dataclass
class Panel:
    title: str
    description: str
    line: str  # SVG points of the headcount line
    dots: list[tuple[float, float]]
    band: str | None  # SVG points of the 10th-90th percentile polygon
    establishment: float  # y in pixels
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def nice_ticks(low: float, high: float, count: int = TICKS) -> list[float]:
    """About `count` round values (1, 2 or 5 times a power of ten apart) covering low..high."""
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    values = []
    value = first
    while value < high + step * 0.999:
        values.append(round(value, 10))
        value += step
    return values


def count_text(value: float) -> str:
    """A headcount for people: '1,200', '10.8'."""
    return f"{value:,.1f}".removesuffix(".0")


def _panel(role: dict, years: list[dict], bands: bool) -> Panel:
    start = float(role["headcount"])
    values = [start, *(float(y["end"]) for y in years)]
    low_band = [start, *(float(y["end_band"]["p10"]) for y in years)] if bands else []
    high_band = [start, *(float(y["end_band"]["p90"]) for y in years)] if bands else []
    establishment = float(role["establishment"])
    ticks = nice_ticks(min([*values, *low_band, establishment]), max([*values, *high_band, establishment]))
    bottom, top = ticks[0], ticks[-1]
    span_x = max(len(values) - 1, 1)

    def x(year: int) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * year / span_x, 1)

    def y(value: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - TOP - BOTTOM) * (value - bottom) / (top - bottom), 1)

    dots = [(x(i), y(v)) for i, v in enumerate(values)]
    band = None
    if bands:
        edge = [(x(i), y(v)) for i, v in enumerate(high_band)] + [
            (x(i), y(v)) for i, v in reversed(list(enumerate(low_band)))
        ]
        band = " ".join(f"{a},{b}" for a, b in edge)
    end = values[-1]
    description = (
        f"{role['title']}: {count_text(start)} at the start, {count_text(end)} at the end of year {len(years)};"
        f" establishment {count_text(establishment)}"
        + (", shaded: 10th to 90th percentile of the Monte Carlo runs" if bands else "")
    )
    return Panel(
        title=role["title"],
        description=description,
        line=" ".join(f"{a},{b}" for a, b in dots),
        dots=dots,
        band=band,
        establishment=y(establishment),
        x_ticks=[Tick(x(i), str(i)) for i in range(len(values))],
        y_ticks=[Tick(y(v), count_text(v)) for v in ticks],
    )


def pipeline_charts(payload: dict) -> list[Panel]:
    """One panel per role of a pipeline answer (its JSON form, as the CLI's plot reads it)."""
    bands = payload["mode"] == "monte carlo"
    panels = []
    for role in payload["roles"]:
        years = [r for r in payload["headcount"] if r["role"] == role["role"]]
        panels.append(_panel(role, years, bands and all(r["end_band"] for r in years)))
    return panels
