"""The route planner: routes from a role or an uploaded skills passport, with a server-drawn diagram.

GET /routes?from=ROLE[&to=ROLE][&max_band=N][&sector=S] answers like `pathways routes FROM --to ROLE
--max-band N --sector S`; POST /routes with a passport file (YAML or CSV) like `--have FILE`. Their JSON
twins are GET and POST /api/routes, equal to the CLI's `--format json`.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frameworks.levels import AFC_BANDS
from pathways.results import as_json
from web import forms
from web.diagram import route_diagram
from web.errors import BadInput, failure_of
from web.pages import sector_names
from web.site import Site

PASSPORT_SUFFIXES = (".yaml", ".yml", ".csv")


def routes(site: Site) -> list[Route]:
    return [
        Route("/routes", site.guard(lambda r: planner_page(site, r)), methods=["GET", "POST"], name="routes"),
        Route("/api/routes", site.guard(lambda r: routes_api(site, r)), methods=["GET", "POST"]),
    ]


async def _params(site: Site, request: Request) -> Any:
    """The query (GET) or the posted form (POST, with the passport file); Starlette keeps it once read."""
    if request.method == "POST":
        return await request.form(max_files=1, max_fields=20, max_part_size=site.max_upload)
    return request.query_params


async def _question(site: Site, request: Request) -> dict[str, Any]:
    """The routes question a form asks, checked as the CLI checks its options: keyword arguments for
    Session.routes, with the start as `start` or `passport`."""
    params = await _params(site, request)
    sectors = (await site.ask(lambda s: sorted(sector_names(site)))).value
    question: dict[str, Any] = {
        "to": forms.text(params, "to"),
        "max_band": forms.band(params, "max_band"),
        "max_level": forms.integer(params, "max_level", 1, 9),
        "sector": forms.sector(params, sectors, also=("any",)) or "any",
        "top": forms.integer(params, "top", 1, 1000, default=10),  # the CLI's --top default
    }
    if question["max_band"] and question["max_level"]:
        raise BadInput("give a band cap or a level cap, not both", "max_band")
    if request.method == "POST":
        question["passport"] = await _passport(site, params.get("passport"))
    else:
        question["start"] = forms.text(params, "from", required=True, label="a role to start from")
    if question["to"]:
        await site.role_named(question["to"], "to")  # a name the library does not know points at its field
    if question.get("start"):
        await site.role_named(question["start"], "from")
    return question


async def _passport(site: Site, upload: Any):
    """The uploaded passport, read by the same loader as `--have FILE` (a PassportFile)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise BadInput("choose a skills passport file (YAML or CSV)", "passport")
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.filename).name)[-60:]
    if not name.lower().endswith(PASSPORT_SUFFIXES):
        raise BadInput("the skills passport must be a .yaml, .yml or .csv file", "passport")
    data = await upload.read(site.max_upload + 1)
    if len(data) > site.max_upload:
        from web.errors import TooLarge

        raise TooLarge(f"the file is too large: at most {site.max_upload // 1024:,} KB", "passport")
    from frameworks.errors import LibraryError
    from frameworks.passport import load_passport

    with tempfile.TemporaryDirectory(prefix="pathways-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return load_passport(path)
        except LibraryError as err:
            message = "; ".join(str(p).replace(f"{folder}/", "") for p in err.problems)
            raise BadInput(" ".join(message.split()), "passport") from None


async def routes_api(site: Site, request: Request) -> Response:
    """`pathways routes FROM|--have FILE [--to R] [--max-band N] [--max-level N] [--sector S] --format json`."""
    question = await _question(site, request)
    asked = await site.ask(lambda s: s.routes(question.pop("start", None), **question))
    return JSONResponse(as_json(asked.value, rounded=True))


async def planner_page(site: Site, request: Request) -> Response:
    """The form, and the routes when a start is given: diagram first, then each route step by step."""
    sectors = (await site.ask(lambda s: sector_names(site))).value
    context: dict[str, Any] = {
        "values": {},
        "band_options": [(b, f"Band {b}") for b in AFC_BANDS],
        "sector_options": [("any", "Any sector"), *sorted(sectors.items())],
        "sectors": sectors,
        "answer": None,
        "diagram": None,
        "asked": request.method == "POST" or bool(request.query_params.get("from")),
    }
    try:
        params = await _params(site, request)
        context["values"] = {k: str(params.get(k) or "") for k in ("from", "to", "max_band", "sector")}
        if not context["asked"]:
            return site.page(request, "routes.html", **context)
        question = await _question(site, request)
        asked = await site.ask(lambda s: s.routes(question.pop("start", None), **question))
    except Exception as err:
        failure = failure_of(err)
        if failure is None:
            raise
        return site.page(request, "routes.html", failure.status, error=failure, **context)
    answer = asked.value
    context.update(answer=answer, diagram=route_diagram(answer), to_title=_to_title(answer))
    return site.page(request, "routes.html", notices=asked.notices, **context)


def _to_title(answer) -> str | None:
    for route in answer.routes:
        if route.destination.id == answer.to:
            return route.destination.title
    return answer.to
