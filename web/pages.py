"""Find a role and the role page, with their JSON twins (`roles search`, `roles list`, `roles show`,
`similar-roles`, `routes --into`), and `remembered`, the answers the pages keep.

A role page asks for the role's similar roles and every way in (a route search from each role with a link
in, over a second for some roles), and the session answers one question at a time; the library cannot
change while the page is served, so the answers to the slow questions (a role page's, routes, an overlap)
are kept, the most recent ANSWERS_KEPT of them, and a question asked again is answered at once.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frameworks.levels import AFC_BANDS
from pathways.results import as_json
from web import forms
from web.errors import BadInput, failure_of
from web.supply import area_name, area_named, area_options

if TYPE_CHECKING:
    from pathways.library import RoleRecord
    from pathways.session import Session
    from web.site import Asked, Site

SEARCH_TOP = 10  # as `roles search` (its --top default), so the page and /api/roles/search agree
SIMILAR_TOP = 5  # similar roles on a role page: enough to show the neighbours, few enough to read
ANSWERS_KEPT = 256  # answers kept per site: the popular questions of a day, a few megabytes
_kept: WeakKeyDictionary[Site, OrderedDict[Hashable, Asked]] = WeakKeyDictionary()


async def remembered(site: Site, key: Hashable, question: Callable[[Session], Any]) -> Asked:
    """`site.ask(question)`, or the answer kept from the last time `key` was asked (with its notices, such
    as a near miss taken, which belong to the question). A question that fails is not kept."""
    kept = _kept.setdefault(site, OrderedDict())
    if key in kept:
        kept.move_to_end(key)
        return kept[key]
    asked = await site.ask(question)
    kept[key] = asked
    while len(kept) > ANSWERS_KEPT:
        kept.popitem(last=False)
    return asked


def routes(site: Site) -> list[Route]:
    return [
        Route("/", site.guard(lambda r: find_page(site, r)), name="find"),
        Route("/roles", site.guard(lambda r: find_page(site, r))),
        Route("/roles/{role}", site.guard(lambda r: role_page(site, r)), name="role"),
        Route("/api/roles/search", site.guard(lambda r: search_api(site, r))),
        Route("/api/roles", site.guard(lambda r: roles_api(site, r))),
        Route("/api/roles/{role}", site.guard(lambda r: role_api(site, r))),
        Route("/api/roles/{role}/similar", site.guard(lambda r: similar_api(site, r))),
        Route("/api/roles/{role}/ways-in", site.guard(lambda r: ways_in_api(site, r))),
    ]


def sector_names(site: Site) -> dict[str, str]:
    """Sector id -> its short name for people ("Health", not "Health (NHS and independent healthcare)")."""
    declared = site.session.graph.graph["sectors"]
    return {key: str(text).split(" (")[0] for key, text in declared.items()}


def family_name(family: str | None) -> str:
    return (family or "other").replace("-", " ").capitalize()


# -- JSON twins: exactly the CLI's --format json ----------------------------------------------------------
async def search_api(site: Site, request: Request) -> Response:
    """`pathways roles search TEXT --top N --format json`."""
    text = forms.text(request.query_params, "q", required=True, label="a search")
    top = forms.integer(request.query_params, "top", 1, 1000, default=10)
    asked = await site.ask(lambda s: s.search_roles(text, top=top))
    return JSONResponse(as_json(asked.value, rounded=True))


async def roles_api(site: Site, request: Request) -> Response:
    """`pathways roles list [--sector S] [--band N] [--level N] --format json`."""
    params = request.query_params
    known = sorted(await _sectors(site))
    sector, band = forms.sector(params, known), forms.band(params)
    level = forms.integer(params, "level", 1, 9)
    asked = await site.ask(lambda s: s.roles(sector=sector, band=band, level=level))
    return JSONResponse(as_json(asked.value, rounded=True))


async def role_api(site: Site, request: Request) -> Response:
    """`pathways roles show ROLE [--area AREA] --format json`."""
    name = request.path_params["role"]
    area = await area_named(site, request.query_params)
    asked = await site.ask(lambda s: s.role(name, area=area))
    return JSONResponse(as_json(asked.value, rounded=True))


async def similar_api(site: Site, request: Request) -> Response:
    """`pathways similar-roles ROLE [--top N] --format json` (the role page shows the top 5)."""
    name = request.path_params["role"]
    top = forms.integer(request.query_params, "top", 1, 1000, default=10)  # the CLI's --top default
    asked = await site.ask(lambda s: s.similar_roles(s.qid("Role", name), top=top))
    return JSONResponse(as_json(asked.value, rounded=True))


async def ways_in_api(site: Site, request: Request) -> Response:
    """`pathways routes --into ROLE --format json`: every recognised way in, as the role page lists them."""
    name = request.path_params["role"]
    asked = await site.ask(lambda s: s.routes_into(name))
    return JSONResponse(as_json(asked.value, rounded=True))


async def _sectors(site: Site) -> dict[str, str]:
    return (await site.ask(lambda s: sector_names(site))).value


# -- pages --------------------------------------------------------------------------------------------------
async def find_page(site: Site, request: Request) -> Response:
    """Search (by title, alias or summary) and browse by sector, band and career family: plain GET forms."""
    params = request.query_params
    sectors = await _sectors(site)
    everything = (await site.ask(lambda s: s.roles())).value
    families = sorted({r.family or "other" for r in everything})
    context = {
        "q": None,
        "results": [],
        "sectors": sectors,
        "sector": params.get("sector") or None,
        "band": params.get("band") or None,
        "family": params.get("family") or None,
        "sector_options": sorted(sectors.items()),
        "band_options": [(b, f"Band {b}") for b in AFC_BANDS],
        "family_options": [(f, family_name(f)) for f in families],
        "families": [],
    }
    try:
        await _fill_find(site, params, context, families)
    except BadInput as err:
        failure = failure_of(err)
        return site.page(request, "find.html", failure.status, error=failure, **context)
    notices = []
    if context["q"] is not None:
        asked = await site.ask(lambda s: s.search_roles(context["q"], top=SEARCH_TOP))
        context["results"], notices = asked.value, asked.notices
    return site.page(request, "find.html", notices=notices, **context)


async def _fill_find(site: Site, params, context: dict, families: list[str]) -> None:
    context["q"] = forms.text(params, "q")
    sector = forms.sector(params, sorted(context["sectors"]))
    band = forms.band(params)
    family = forms.text(params, "family")
    if family is not None and family not in families:
        raise BadInput(f"unknown career family '{family}'", "family")
    rows = (await site.ask(lambda s: s.roles(sector=sector, band=band))).value
    grouped: dict[str, list] = defaultdict(list)
    for row in rows:
        if family is None or (row.family or "other") == family:
            grouped[family_name(row.family)].append(row)
    context["families"] = sorted(grouped.items())


async def role_page(site: Site, request: Request) -> Response:
    """One role in full: band, level, dated pay, requirements by framework area, qualifications, moves; with
    `area`, its workforce supply figures there (`roles show ROLE --area AREA`). An area the library does not
    know is shown next to the area chooser, over the role without figures."""
    name = request.path_params["role"]
    error, area = None, None
    try:
        area = await area_named(site, request.query_params)
    except BadInput as err:
        error = failure_of(err)
    asked = await site.ask(lambda s: _role_view(site, s.role(name, area=area)))
    role_id = asked.value["role"].id
    around = await remembered(
        site,
        ("around", role_id),
        lambda s: {"similar": s.similar_roles(role_id, top=SIMILAR_TOP), "ways_in": s.routes_into(role_id)},
    )
    context = {
        **asked.value,
        **around.value,
        "area": area,
        "area_name": await area_name(site, area),
        "area_options": await area_options(site),
        "area_asked": str(request.query_params.get("area") or ""),
    }
    status = error.status if error else 200
    return site.page(request, "role.html", status, error=error, notices=[*asked.notices, *around.notices], **context)


def _role_view(site: Site, role: RoleRecord) -> dict:
    """What the role template needs besides the record: grouped requirements, titles, words for codes."""
    from frameworks.vocabulary import CHECKS

    session = site.session
    areas = site.areas()
    groups: dict[tuple[str, str], list] = defaultdict(list)
    for requirement in role.requirements:
        groups[areas.get(requirement.competency, (requirement.framework, "Other"))].append(requirement)
    titles = {r.id: r.title for r in session.roles()}
    quals = {q.id: q.title for q in session.qualifications()}

    def via_text(via: list) -> str:
        words = []
        for item in via:
            if isinstance(item, dict):
                words.append("one of " + " or ".join(quals.get(q, q) for q in item.get("any_of", [])))
            else:
                words.append(quals.get(item, item))
        return ", then ".join(words)

    return {
        "role": role,
        "groups": list(groups.items()),
        "titles": titles,
        "via_text": via_text,
        "pay": pay_text(role.pay),
        "checks": [CHECKS.get(c, c) for c in role.entry.checks] if role.entry else [],
        "check_words": lambda codes: [CHECKS.get(c, c) for c in codes],
        "sectors": sector_names(site),
        "family_name": family_name,
    }


def pay_text(pay) -> str:
    """The pay and its dated basis, as `roles show` says it."""
    if pay is None:
        return "Not recorded"
    low, high = pay.min, pay.max
    span = f"£{low:,.2f}" if low == high else f"£{low:,.2f} to £{high:,.2f}"
    span = span.replace(".00", "")
    return f"{span} a {pay.period}" + (f" ({pay.basis})" if pay.basis else "")
