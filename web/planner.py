"""The route planner: routes from a role, from school or college, from skills typed in the person's own words,
or from an uploaded skills passport, with a server-drawn diagram and the adviser's sheet to download.

Each start is its own plain form (no script needed), chosen by `start=`:

- GET /routes?from=ROLE[&to=ROLE][&max_band=N][&sector=S] answers like `pathways routes FROM --to ROLE ...`;
- GET /routes?education=QUALIFICATION (repeatable) like `--from-education QUALIFICATION`;
- POST /routes with `skills` (one a line, `level` the default level) like `--have FILE` of an equal passport;
- POST /routes with a passport file (YAML or CSV) like `--have FILE`.

Every start also takes `area` (an area of the supply figures: each destination's vacancy and turnover there,
as `--area AREA`) and `prefer=shortage` (hard-to-fill destinations first, as `--prefer shortage`).

Their JSON twins are GET and POST /api/routes, equal to the CLI's `--format json`; /routes/sheet takes the
same fields and `format=html|docx` and answers with the adviser's sheet, drawn by cli/routes_sheet.py as
`--format html|docx` draws it.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from frameworks.levels import AFC_BANDS
from pathways.demand import PREFERENCES
from pathways.results import as_json
from web import forms
from web.diagram import route_diagram
from web.errors import BadInput, NotKnown, TooLarge, failure_of
from web.pages import remembered, sector_names
from web.site import Site
from web.supply import area_name, area_named, area_options

if TYPE_CHECKING:
    from frameworks.models import PassportFile

PASSPORT_SUFFIXES = (".yaml", ".yml", ".csv")
STARTS = {
    "role": "a role",
    "education": "school or college",
    "skills": "what they can do, in their own words",
    "passport": "a skills passport file",
}
MAX_SKILLS = 60  # lines of typed skills: more than a person would type, few enough to match quickly
DEFAULT_LEVEL = 2  # Career Framework level of a typed skill when its line gives none (a support worker's)
OWN_LEVEL = re.compile(r"[\s,;:(\-–]*\blevel\s*([1-9])\)?\s*$", re.IGNORECASE)
SHEET_TYPES = {
    "html": ("text/html; charset=utf-8", "html"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
}


def routes(site: Site) -> list[Route]:
    return [
        Route("/routes", site.guard(lambda r: planner_page(site, r)), methods=["GET", "POST"], name="routes"),
        Route("/routes/sheet", site.guard(lambda r: sheet_download(site, r)), methods=["GET", "POST"]),
        Route("/api/routes", site.guard(lambda r: routes_api(site, r)), methods=["GET", "POST"]),
    ]


async def _params(site: Site, request: Request) -> Any:
    """The query (GET) or the posted form (POST, with the passport file); Starlette keeps it once read."""
    if request.method == "POST":
        return await request.form(max_files=1, max_fields=40, max_part_size=site.max_upload)
    return request.query_params


def start_kind(params: Any, method: str) -> str:
    """Which start a request gives: `start=` when it says, else what its fields show (a POST without typed
    skills is a passport upload, as the API has always taken it)."""
    asked = str(params.get("start") or "")
    if asked in STARTS:
        return asked
    if method == "POST":
        return "skills" if "skills" in params and not params.get("passport") else "passport"
    return "education" if params.getlist("education") else "role"


async def _question(site: Site, request: Request) -> dict[str, Any]:
    """The routes question a form asks, checked as the CLI checks its options: keyword arguments for
    Session.routes, with the start as `start`, `education` or `passport`."""
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
    question["area"] = await area_named(site, params)
    question["prefer"] = preference(params)
    kind = start_kind(params, request.method)
    if kind == "role":
        question["start"] = forms.text(params, "from", required=True, label="a role to start from")
        await site.role_named(question["start"], "from")
    elif kind == "education":
        question["education"] = await _education(site, params.getlist("education"))
    elif kind == "skills":
        question["passport"] = skills_passport(str(params.get("skills") or ""), _level(params))
    elif params.get("passport_json"):
        question["passport"] = passport_from_json(str(params.get("passport_json")))
    else:
        question["passport"] = await _passport(site, params.get("passport"))
    if question["to"]:
        await site.role_named(question["to"], "to")  # a name the library does not know points at its field
    return question


def preference(params: Any) -> str | None:
    """`prefer=shortage` (the "most vacancies" box) as the CLI's `--prefer shortage`; None when not ticked."""
    value = forms.text(params, "prefer")
    if value is not None and value not in PREFERENCES:
        raise BadInput(f"prefer must be {' or '.join(PREFERENCES)}, not '{value}'", "prefer")
    return value


async def _education(site: Site, names: list[str]) -> list[str]:
    """The school or college qualifications held, each one the library knows (as `--from-education`)."""
    from graph.lookup import NotFound

    names = [" ".join(str(n).split()) for n in names if str(n).strip()]
    if not names:
        raise BadInput("choose at least one qualification the person holds", "education")
    if len(names) > 20 or any(len(n) > forms.MAX_TEXT for n in names):
        raise BadInput("choose the qualifications from the list", "education")
    for name in names:
        try:
            await site.ask(lambda s, name=name: s.find("Qualification", name))
        except NotFound as err:
            raise NotKnown(str(err), "education") from None
    return names


def _level(params: Any) -> int:
    return forms.integer(params, "level", 1, 9, default=DEFAULT_LEVEL) or DEFAULT_LEVEL


def skills_passport(text: str, level: int = DEFAULT_LEVEL) -> PassportFile:
    """A passport of what a person can do, typed one a line in their own words (or as competency ids); a
    line ending "level N" has its own level, the others `level`. Checked by the passport's own model."""
    from pydantic import ValidationError

    from frameworks.csvform import is_competency_id
    from frameworks.models import PassportFile

    held = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = " ".join(line.split())
        if not line:
            continue
        own = OWN_LEVEL.search(line)
        line, line_level = (line[: own.start()].strip(), int(own.group(1))) if own else (line, level)
        if not line:
            raise BadInput(f"line {number}: say what the person can do before its level", "skills")
        if len(line) > forms.MAX_TEXT:
            raise BadInput(f"line {number} is too long (at most {forms.MAX_TEXT} characters)", "skills")
        key = "competency" if is_competency_id(line) else "text"
        held.append({key: line, "level": line_level})
    if not held:
        raise BadInput("enter at least one thing the person can do, one a line", "skills")
    if len(held) > MAX_SKILLS:
        raise BadInput(f"enter at most {MAX_SKILLS} skills, one a line", "skills")
    try:
        return PassportFile.model_validate({"kind": "passport", "competencies": held})
    except ValidationError as err:
        first = err.errors()[0]
        where = first["loc"][1] + 1 if len(first["loc"]) > 1 and isinstance(first["loc"][1], int) else None
        what = first["msg"].removeprefix("Value error, ")
        raise BadInput(f"skill {where}: {what}" if where else what, "skills") from None


def passport_from_json(text: str) -> PassportFile:
    """A passport the page gave back in its download form (its JSON), checked again by the passport model:
    the form could have been edited."""
    from pydantic import ValidationError

    from frameworks.models import PassportFile

    try:
        return PassportFile.model_validate(json.loads(text))
    except (ValueError, ValidationError):
        raise BadInput("the skills passport could not be read; upload it again", "passport") from None


def passport_json(passport: PassportFile) -> str:
    return json.dumps(passport.model_dump(mode="json", by_alias=True, exclude_none=True), ensure_ascii=False)


async def _passport(site: Site, upload: Any) -> PassportFile:
    """The uploaded passport, read by the same loader as `--have FILE` (a PassportFile)."""
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise BadInput("choose a skills passport file (YAML or CSV)", "passport")
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(upload.filename).name)[-60:]
    if not name.lower().endswith(PASSPORT_SUFFIXES):
        raise BadInput("the skills passport must be a .yaml, .yml or .csv file", "passport")
    data = await upload.read(site.max_upload + 1)
    if len(data) > site.max_upload:
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


def _ask_routes(question: dict[str, Any]):
    """The Session.routes call for a question (a copy is passed on: the question is kept for the page)."""
    kwargs = dict(question)
    start = kwargs.pop("start", None)
    return lambda s: s.routes(start, **kwargs)


def question_key(question: dict[str, Any]) -> tuple:
    """A routes question as a key for the answers kept (a passport by its JSON)."""
    items = []
    for name, value in sorted(question.items()):
        if name == "passport":
            value = passport_json(value)
        elif isinstance(value, list):
            value = tuple(value)
        items.append((name, value))
    return ("routes", *items)


async def routes_api(site: Site, request: Request) -> Response:
    """`pathways routes FROM|--from-education Q|--have FILE [--to R] [--max-band N] [--sector S] [--area A]
    [--prefer shortage] --format json`."""
    question = await _question(site, request)
    asked = await remembered(site, question_key(question), _ask_routes(question))
    return JSONResponse(as_json(asked.value, rounded=True))


async def sheet_download(site: Site, request: Request) -> Response:
    """The adviser's sheet of an answer: `pathways routes ... --format html|docx -o FILE [--name NAME]`."""
    params = await _params(site, request)
    fmt = str(params.get("format") or "html")
    if fmt not in SHEET_TYPES:
        raise BadInput("choose the sheet as html or docx", "format")
    person = forms.text(params, "name", label="the name")
    question = await _question(site, request)
    held = question.get("passport")
    person = person or (held.name if held is not None else None)
    answer = (await remembered(site, question_key(question), _ask_routes(question))).value
    data = (await site.ask(lambda s: adviser_sheet(s, answer, fmt, person))).value
    kind, suffix = SHEET_TYPES[fmt]
    headers = {"content-disposition": f'attachment; filename="career-routes.{suffix}"'}
    return Response(data, media_type=kind, headers=headers)


def adviser_sheet(session: Any, answer: Any, fmt: str, person: str | None) -> bytes:
    """The sheet as bytes, drawn by cli/routes_sheet.py (and its diagram for Word by cli/plots.py), as the
    CLI's `--format html|docx` draws it; run under the site's lock, as matplotlib is not thread-safe."""
    from cli.routes_sheet import render_docx, render_html, sheet_data

    payload = as_json(answer, rounded=True)
    sheet = sheet_data(session.graph, payload, person)
    if fmt == "html":
        return render_html(sheet).encode("utf-8")
    from cli.plots import routes_figure

    return render_docx(sheet, routes_figure(payload, "png") if payload["routes"] else None)


async def planner_page(site: Site, request: Request) -> Response:
    """The form of the start chosen, and the routes when one is given: diagram first, then each route step
    by step, then the sheet to download."""
    sectors = (await site.ask(lambda s: sector_names(site))).value
    params = await _params(site, request)
    kind = start_kind(params, request.method)
    education = (await site.ask(lambda s: s.qualifications(kind="education"))).value
    context: dict[str, Any] = {
        "kind": kind,
        "starts": STARTS,
        "values": {
            k: str(params.get(k) or "")
            for k in ("from", "to", "max_band", "sector", "skills", "level", "area", "prefer")
        },
        "chosen": set(params.getlist("education")),
        "education_options": [(q.id, q.title) for q in education],
        "level_options": [(str(n), f"Level {n}") for n in range(1, 10)],
        "band_options": [(b, f"Band {b}") for b in AFC_BANDS],
        "sector_options": [("any", "Any sector"), *sorted(sectors.items())],
        "sectors": sectors,
        "area_options": await area_options(site),
        "answer": None,
        "diagram": None,
        "download": None,
    }
    asked = request.method == "POST" or any(k in params for k in ("from", "education", "skills", "to", "max_band"))
    if not asked:
        return site.page(request, "routes.html", **context)
    try:
        question = await _question(site, request)
        answered = await remembered(site, question_key(question), _ask_routes(question))
    except Exception as err:
        failure = failure_of(err)
        if failure is None:
            raise
        return site.page(request, "routes.html", failure.status, error=failure, **context)
    answer = answered.value
    context.update(
        answer=answer,
        diagram=route_diagram(answer),
        to_title=_to_title(answer),
        from_heading=_from_heading(kind, answer),
        download=_download(kind, question, params),
        area=answer.area,
        area_name=await area_name(site, answer.area),
    )
    return site.page(request, "routes.html", notices=answered.notices, **context)


def _download(kind: str, question: dict[str, Any], params: Any) -> dict[str, Any]:
    """How the page asks for the sheet of the answer it shows: the same question again, as a GET link's
    fields (role, education) or as hidden fields of a POST (typed skills, a passport given back as JSON)."""
    fields: list[tuple[str, str]] = [("start", kind)]
    for key in ("to", "max_band", "sector", "area", "prefer"):
        if params.get(key):
            fields.append((key, str(params.get(key))))
    if kind == "role":
        fields.append(("from", str(params.get("from"))))
    elif kind == "education":
        fields += [("education", str(name)) for name in params.getlist("education")]
    elif kind == "skills":
        fields += [("skills", str(params.get("skills") or "")), ("level", str(params.get("level") or ""))]
    else:
        fields.append(("passport_json", passport_json(question["passport"])))
    return {"method": "get" if kind in ("role", "education") else "post", "fields": fields}


def _from_heading(kind: str, answer: Any) -> str:
    """Where the routes start, for the heading: education and typed skills say so rather than a code."""
    if answer.from_.key == "education":
        return "school or college"
    if kind == "skills":
        return "what the person can do"
    return answer.from_.title


def _to_title(answer: Any) -> str | None:
    for route in answer.routes:
        if route.destination.id == answer.to:
            return route.destination.title
    return answer.to
