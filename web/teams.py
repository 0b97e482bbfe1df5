"""The team designer and the team assessment, with their JSON twins (`pathways team design|assess|templates`).

GET /team?template=ID[&exclude=ROLE...][&area=A&availability=vacancy&confidence=0.9] (or POST /team with an
uploaded needs file) answers like `pathways team design NEEDS --exclude ROLE --max ROLE=N --area A ...`; POST
/team/assess with a team file like `pathways team assess TEAM --needs NEEDS`. Their twins, /api/team/design
and /api/team/assess, are the CLI's `--format json`.

Uploaded files are read by the CLI's own readers (`read_needs_file`, `read_team_file`) from a private temporary
folder, so a broken file gets the CLI's one-line, located message, with the folder taken out of it. Field
names: `template` (a bundled template's id) or `needs` (a needs file, which wins when both are given),
`team` (a team file); `exclude`, `max`, `min` hold one role (or ROLE=N) per line or per repeated field.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from graph.supply import HARD_TO_FILL_VACANCY
from pathways.demand import percent
from pathways.results import as_json
from web import forms
from web.errors import BadInput, TooLarge, user_failure
from web.pages import sector_names
from web.site import Site
from web.supply import area_named, area_options

NEEDS_SUFFIXES = (".yaml", ".yml", ".json")  # what `pathways team design NEEDS` reads as a file
TEAM_SUFFIXES = (".yaml", ".yml")
MAX_LINES = 50  # roles in one exclude/max/min box: more is not a question a person asks
OPTION_FIELDS = (  # the CLI option a library message names -> the form field to show it next to
    ("--max-headcount", "max_headcount"),
    ("--sectors", "sectors"),
    ("--exclude", "exclude"),
    ("--budget", "budget"),
    ("--max", "max"),
    ("--min", "min"),
    ("NEEDS", "template"),
    ("--availability", "availability"),
    ("--confidence", "confidence"),
    ("--area", "area"),
)
AVAILABILITY = {"all": "Every post filled", "vacancy": "Allow for the area's vacancies"}
DEFAULT_CONFIDENCE = 0.9  # as `team design --confidence`


def routes(site: Site) -> list[Route]:
    both = ["GET", "POST"]
    return [
        Route("/team", site.guard(lambda r: design_page(site, r)), methods=both, name="team"),
        Route("/team/assess", site.guard(lambda r: assess_page(site, r)), methods=both, name="team-assess"),
        Route("/api/team/templates", site.guard(lambda r: templates_api(site, r))),
        Route("/api/team/design", site.guard(lambda r: design_api(site, r)), methods=both),
        Route("/api/team/assess", site.guard(lambda r: assess_api(site, r)), methods=["POST"]),
    ]


class NoTeam(Exception):
    """A design with no feasible team: the library's plain reasons (pathways.teams.Infeasible), kept apart
    from bad input because the page shows them as an answer, not as a field to correct."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


# -- reading the form ---------------------------------------------------------------------------------------
async def params_of(site: Site, request: Request, upload_field: str = "needs") -> Any:
    """The query (GET) or the posted form with its files (POST); Starlette keeps a form once read. A body
    that grows past the cap as it arrives is said next to `upload_field`."""
    if request.method == "POST":
        try:
            return await request.form(max_files=3, max_fields=40, max_part_size=site.max_upload)
        except TooLarge as err:
            raise TooLarge(str(err), upload_field) from None
    return request.query_params


def lines(params: Any, name: str) -> list[str]:
    """The values of a repeatable field, each also split on line breaks (a textarea holds one per line)."""
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    out = [line.strip() for value in values if isinstance(value, str) for line in value.splitlines()]
    out = [line for line in out if line]
    if len(out) > MAX_LINES:
        raise BadInput(f"at most {MAX_LINES} lines in {name}", name)
    for line in out:
        if len(line) > forms.MAX_TEXT:
            raise BadInput(f"{name} is too long (at most {forms.MAX_TEXT} characters a line)", name)
    return out


def role_counts(params: Any, name: str) -> list[tuple[str, int]]:
    """ROLE=N lines as (role name, N), refused in the CLI's words (`--max 'x' should be ROLE=N, ...`)."""
    out = []
    for value in lines(params, name):
        role, sep, count = value.rpartition("=")
        if not sep or not role.strip() or not count.strip().isdigit():
            raise BadInput(f"--{name} '{value}' should be ROLE=N, N a whole number", name)
        out.append((role.strip(), int(count)))
    return out


def budget(params: Any) -> float | None:
    """A yearly pay budget in pounds (commas and a leading £ allowed), above zero as the CLI's FloatRange."""
    value = forms.text(params, "budget")
    if value is None:
        return None
    try:
        number = float(value.replace(",", "").lstrip("£").strip())
    except ValueError:
        raise BadInput(f"'{value}' is not a number of pounds", "budget") from None
    if not 0 < number < 1e12:
        raise BadInput("budget must be more than 0", "budget")
    return number


async def upload(site: Site, item: Any, field: str, suffixes: tuple[str, ...], read) -> Any:
    """An uploaded file read by `read(graph, path)` (the CLI's reader) in a private temporary folder; None
    when no file was chosen. A file the reader refuses is BadInput with its one-line message, folder removed."""
    if not isinstance(item, UploadFile) or not item.filename:
        return None
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(item.filename).name)[-60:]
    if not name.lower().endswith(suffixes):
        raise BadInput(f"the file must be a {', '.join(suffixes[:-1])} or {suffixes[-1]} file", field)
    data = await item.read(site.max_upload + 1)
    if len(data) > site.max_upload:
        raise TooLarge(f"the file is too large: at most {site.max_upload // 1024:,} KB", field)
    from frameworks.errors import LibraryError, one_line

    with tempfile.TemporaryDirectory(prefix="pathways-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return (await site.ask(lambda s: read(s.graph, path))).value
        except LibraryError as err:
            message = "; ".join(one_line(str(p)).replace(f"{folder}/", "") for p in err.problems)
            raise BadInput(message, field) from None


async def needs_of(site: Site, params: Any) -> Any:
    """What the needs are: an uploaded needs file (read as the CLI reads it), else a template's id."""
    from pathways.teams import read_needs_file

    uploaded = await upload(site, params.get("needs"), "needs", NEEDS_SUFFIXES, read_needs_file)
    if uploaded is not None:
        return uploaded
    template = forms.text(params, "template")
    if template is None:
        raise BadInput("choose a template or upload a needs file", "template")
    return template


async def design_question(site: Site, params: Any) -> dict[str, Any]:
    """Keyword arguments for Session.team_design, checked as the CLI checks its options; every role name is
    looked up first so one the library does not know is shown next to its own field."""
    objective = forms.text(params, "objective") or "cost"
    if objective not in ("cost", "headcount"):
        raise BadInput(f"objective must be cost or headcount, not '{objective}'", "objective")
    question: dict[str, Any] = {
        "objective": objective,
        "sectors": [s.strip() for line in lines(params, "sectors") for s in line.split(",") if s.strip()] or None,
        "allow_blended_role": bool(forms.text(params, "allow_blended_role")),
        "exclude": lines(params, "exclude"),
        "caps": role_counts(params, "max"),
        "minimums": role_counts(params, "min"),
        "max_headcount": forms.integer(params, "max_headcount", 1, 100_000),
        "budget": budget(params),
        "area": await area_named(site, params),
        "availability": forms.text(params, "availability") or "all",
        "confidence": forms.fraction(params, "confidence", DEFAULT_CONFIDENCE, "confidence"),
    }
    if forms.text(params, "confidence") is None:
        question["confidence"] = None  # the library's default (0.9), as without --confidence
    elif question["availability"] != "vacancy":  # as the CLI refuses --confidence without vacancy sizing
        raise BadInput(
            "the chance each need's cover must hold is for allowing for the area's vacancies: choose that"
            " availability, or leave the chance empty",
            "confidence",
        )
    if question["availability"] not in AVAILABILITY:
        raise BadInput(f"availability must be all or vacancy, not '{question['availability']}'", "availability")
    for field, names in (
        ("exclude", question["exclude"]),
        ("max", [r for r, _ in question["caps"]]),
        ("min", [r for r, _ in question["minimums"]]),
    ):
        for name in names:
            await site.role_named(name, field)
    question["needs"] = await needs_of(site, params)
    return question


FORM_WORDS = (  # the option a library message names -> the designer form's box, longest first
    ("--availability vacancy", "'Allow for the area's vacancies'"),
    ("--max-headcount", "'Most people in the team'"),
    ("--confidence", "'Chance each need's cover must hold'"),
    ("--exclude", "'Roles not to use'"),
    ("--sectors", "'Sectors'"),
    ("--budget", "'Yearly pay budget'"),
    ("--area", "an 'Area'"),
    ("--max", "'Most people of a role'"),
    ("--min", "'Fewest people of a role'"),
)


def in_form_words(message: str) -> str:
    """A library message as the designer page says it: the form's boxes, not the command's options (the
    JSON twins keep the command's words, as `pathways team design` prints them)."""
    for option, words in FORM_WORDS:
        message = message.replace(option, words)
    return message


def field_of(message: str) -> str | None:
    """The form field a library message is about, by the option it names (`--exclude X conflicts ...`)."""
    for option, field in OPTION_FIELDS:
        if message.startswith(option):
            return field
    return None


async def designed(site: Site, question: dict[str, Any]) -> Any:
    """Session.team_design's answer (Asked); no feasible team is NoTeam, a refused option points at its field."""
    from pathways.errors import QuestionError
    from pathways.teams import Infeasible

    needs = question.pop("needs")
    try:
        return await site.ask(lambda s: s.team_design(needs, **question))
    except Infeasible as err:
        raise NoTeam([f"infeasible: {reason}" for reason in err.reasons]) from None
    except QuestionError as err:
        raise BadInput(str(err), field_of(str(err))) from None


# -- JSON twins ---------------------------------------------------------------------------------------------
async def templates_api(site: Site, request: Request) -> Response:
    """`pathways team templates --format json`."""
    asked = await site.ask(lambda s: s.team_templates())
    return JSONResponse(as_json(asked.value, rounded=True))


async def design_api(site: Site, request: Request) -> Response:
    """`pathways team design NEEDS [--exclude R] [--max R=N] [--min R=N] [--area A --availability vacancy
    --confidence C] [...] --format json`; no feasible
    team is a 400 with the CLI's first `infeasible:` line as `error` and every line in `reasons`."""
    question = await design_question(site, await params_of(site, request))
    try:
        asked = await designed(site, question)
    except NoTeam as err:
        return JSONResponse({"error": err.reasons[0], "reasons": err.reasons}, status_code=400)
    return JSONResponse(as_json(asked.value, rounded=True))


async def assess_question(site: Site, params: Any) -> tuple[Any, Any]:
    """The team (the uploaded team file's members) and the needs (a template or an uploaded needs file)."""
    from pathways.teams import read_team_file

    members = await upload(site, params.get("team"), "team", TEAM_SUFFIXES, read_team_file)
    if members is None:
        raise BadInput("choose a team file (YAML)", "team")
    return members, await needs_of(site, params)


async def assess_api(site: Site, request: Request) -> Response:
    """`pathways team assess TEAM --needs NEEDS --format json` (TEAM uploaded as `team`)."""
    members, needs = await assess_question(site, await params_of(site, request, "team"))
    asked = await site.ask(lambda s: s.team_assess(members, needs))
    return JSONResponse(as_json(asked.value, rounded=True))


# -- pages --------------------------------------------------------------------------------------------------
async def _choices(site: Site) -> dict[str, Any]:
    """The template and sector options every team form offers."""
    templates = (await site.ask(lambda s: s.team_templates())).value
    sectors = (await site.ask(lambda s: sector_names(site))).value
    return {
        "template_options": [(t.id, t.title) for t in templates],
        "sector_options": sorted(sectors.items()),
        "sectors": sectors,
        "area_options": await area_options(site),
        "availability_options": list(AVAILABILITY.items()),
    }


def _values(params: Any) -> dict[str, Any]:
    """The form as it was filled in, to show it again (files cannot be refilled; browsers forbid it)."""
    keys = ("template", "objective", "max_headcount", "budget", "area", "availability", "confidence")
    text = {k: str(params.get(k) or "") for k in keys}
    text.update({k: "\n".join(lines_or_raw(params, k)) for k in ("exclude", "max", "min")})
    text["sectors"] = [s for s in params.getlist("sectors") if isinstance(s, str)] if hasattr(params, "getlist") else []
    text["allow_blended_role"] = bool(params.get("allow_blended_role"))
    return text


def lines_or_raw(params: Any, name: str) -> list[str]:
    values = params.getlist(name) if hasattr(params, "getlist") else []
    return [v[:2000] for v in values if isinstance(v, str)]


async def design_page(site: Site, request: Request) -> Response:
    """The designer: the form, and the optimal team, its coverage and the alternatives once asked."""
    context: dict[str, Any] = {**await _choices(site), "values": {}, "result": None, "infeasible": None}
    params = await params_of(site, request)
    context["values"] = _values(params)
    if request.method == "GET" and not params.get("template"):
        return site.page(request, "team.html", **context)
    try:
        asked = await designed(site, await design_question(site, params))
    except NoTeam as err:
        return site.page(
            request, "team.html", 400, **{**context, "infeasible": [in_form_words(r) for r in err.reasons]}
        )
    except Exception as err:
        f = user_failure(err)
        return site.page(request, "team.html", f.status, error=replace(f, message=in_form_words(f.message)), **context)
    result = asked.value
    titles = (await site.ask(lambda s: {r.id: r.title for r in s.roles()})).value
    for alternative in result.alternatives:
        titles.update({m.role: m.title for m in alternative.team})  # blended roles are not in the library
    titles.update({m.role: m.title for m in result.team})
    floor = percent(HARD_TO_FILL_VACANCY)
    context.update(result=result, titles=titles, rules=rules_text(result.rules, titles), hard_to_fill_floor=floor)
    return site.page(request, "team.html", notices=[*asked.notices, *result.notices], **context)


async def assess_page(site: Site, request: Request) -> Response:
    """The assessment: upload a team file, choose the needs, see gaps, single points of failure,
    duplication and the upskilling that closes each gap."""
    context: dict[str, Any] = {**await _choices(site), "values": {}, "result": None}
    params = await params_of(site, request, "team")
    context["values"] = _values(params)
    if request.method == "GET":
        return site.page(request, "assess.html", **context)
    try:
        members, needs = await assess_question(site, params)
        asked = await site.ask(lambda s: s.team_assess(members, needs))
    except Exception as err:
        return site.page(request, "assess.html", (f := user_failure(err)).status, error=f, **context)
    titles = {cover.role: cover.title for row in asked.value.coverage for cover in row.covered_by}
    context.update(result=asked.value, titles=titles)
    return site.page(request, "assess.html", notices=asked.notices, **context)


def rules_text(rules: dict, titles: dict[str, str]) -> list[str]:
    """The rules a design kept, in plain words, roles by their titles (the CLI's table says the same)."""
    from pathways.teams import share_text

    def title(role: str) -> str:
        return titles.get(role, role)

    out = [f"at most {rules['max_headcount']} people"] if rules.get("max_headcount") else []
    out += [f"a yearly pay budget of £{rules['budget']:,.0f}"] if rules.get("budget") else []
    out += [share_text(s, v) for s, v in (rules.get("sector_share") or {}).items()]
    out += [f"at least {n} {title(r)}" for r, n in (rules.get("min_roles") or {}).items()]
    out += [f"at most {n} {title(r)}" for r, n in (rules.get("max_roles") or {}).items()]
    out += [f"no {title(r)}" for r in rules.get("exclude") or []]
    out += [f"only roles of {', '.join(rules['sectors'])}"] if rules.get("sectors") else []
    return out
