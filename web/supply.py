"""Workforce supply on the pages (issue 15): the area chooser the role page, the route planner and the team
designer share, and supply figures in words.

The chooser offers the library's areas (graph.supply: `supply_data(graph)["areas"]`), "none" by default;
an area typed into the address is looked up as `--area AREA` is (`Session.area`), so a name the library does
not know is shown next to the field with the nearest areas. A figure is shown as the CLI's `roles show
--area` table shows it: rates as percentages, pay as an amount a period, and where it is from (the area,
the role or staff group it is for, its date and its source).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pathways.demand import measure_label, percent, value_text
from web import forms
from web.errors import BadInput, NotKnown

if TYPE_CHECKING:
    import jinja2

    from web.site import Site


def area_choices(site: Site) -> list[tuple[str, str]]:
    """The library's areas as (id, "Name (type, in Larger area)"), by name; [] without supply data."""
    from graph.supply import supply_data

    areas = supply_data(site.session.graph)["areas"]

    def label(area: dict) -> str:
        within = areas.get(area.get("within") or "", {}).get("name")
        kind = ", ".join(part for part in (area.get("type"), f"in {within}" if within else None) if part)
        return f"{area['name']} ({kind})" if kind else area["name"]

    return sorted(((key, label(area)) for key, area in areas.items()), key=lambda item: item[1].lower())


async def area_options(site: Site) -> list[tuple[str, str]]:
    return (await site.ask(lambda s: area_choices(site))).value


async def area_named(site: Site, params: Any, field: str = "area") -> str | None:
    """The id of the area a form field names (None when empty), looked up as the CLI's `--area`; a name
    the library does not know is NotKnown (with the nearest areas) pointing at the field."""
    from graph.lookup import NotFound
    from pathways.errors import QuestionError

    text = forms.text(params, field, label="an area")
    if text is None:
        return None
    try:
        return (await site.ask(lambda s: s.area(text))).value
    except NotFound as err:
        raise NotKnown(str(err), field) from None
    except QuestionError as err:  # a library with no supply figures at all
        raise BadInput(str(err), field) from None


async def area_name(site: Site, area: str | None) -> str | None:
    """An area id's name, for headings (None for no area)."""
    from graph.supply import supply_data

    if area is None:
        return None
    areas = (await site.ask(lambda s: supply_data(s.graph)["areas"])).value
    return areas.get(area, {}).get("name", area)


def figure_value(figure: Any) -> str:
    """A figure's value for people (pathways.demand.value_text), from a figure as JSON (a dict) or as the
    result type (pathways.demand.SupplyFigure)."""
    return value_text(_get(figure, "measure"), _get(figure, "value"))


def measure_name(figure: Any, role_title: str = "") -> str:
    """A figure's measure as the role page names it, capitalised (pathways.demand.measure_label)."""
    words = measure_label(_get(figure, "measure"), _get(figure, "subject"), role_title)
    return words[:1].upper() + words[1:]


def figure_where(figure: Any) -> str:
    """Where a figure is from: 'Kent, Registered nurse (mental health), 2015/16'."""
    return ", ".join(str(_get(figure, key)) for key in ("area_name", "subject", "as_of"))


def chance(probability: float) -> str:
    """A probability as a percentage that never rounds a near-certainty up to a certainty."""
    if probability >= 1:
        return "100%"
    return "over 99.9%" if probability > 0.999 else percent(probability)


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else getattr(item, key)


def install(env: jinja2.Environment) -> None:
    """The filters the templates use to show figures."""
    env.filters["figure_value"] = figure_value
    env.filters["figure_where"] = figure_where
    env.filters["percent"] = lambda rate: percent(float(rate))
    env.filters["chance"] = chance
    env.filters["measure_name"] = measure_name
