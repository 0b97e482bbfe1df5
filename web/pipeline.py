"""The pipeline planner ("grow your own", issue 15): a simple plan typed into a form, projected by
Session.pipeline as `pathways pipeline PLAN` projects a plan file, shown as a chart per role and the
numbers year by year.

GET /pipeline?area=A&years=N&flow1_from=R&flow1_to=R[&flow1_via=R]&flow1_places=N[&flow1_months=M]
[&flow1_attrition=P][&flow1_cost=GBP][&flow1_backfill=yes][&flow1_first_year=Y&flow1_last_year=Y]...
[&role1=R&headcount1=N&turnover1=P&recruits1=N&establishment1=N|vacancy1=P]...
[&spread_turnover=F&spread_attrition=F][&runs=N&seed=S] answers like `pathways pipeline PLAN --runs N --seed S`
for the plan the fields make (`plan_question`): up to FLOW_ROWS flows, each from one role to another (through
a training post if given) with its places a year, its months (blank: the library's links), its attrition,
its cost per trainee a year, whether the movers are backfilled, and the first and last years places start;
up to ROLE_ROWS roles' own starting headcount, turnover, recruits a year and funded posts (or the vacancy rate
that sets them) (blank: the library's figures for the area); and the plan's
`uncertainty` spreads. Rates are typed as percentages (12 for 12%), as people say them, and spreads as
fractions or percentages (0.2 or 20%, as the team page's fractions); the plan holds fractions, under the keys
FORMATS.md names. Its JSON twin, GET or POST /api/pipeline with the same fields, is the CLI's --format json.
A plan the library refuses is said in the form's words, pointing at the field to fill (`in_form_words`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from pathways.results import as_json
from web import forms
from web.chart import count_text, pipeline_charts
from web.errors import BadInput, user_failure
from web.pages import remembered
from web.site import Site
from web.supply import area_named, area_options

FLOW_ROWS = 3  # flows a form offers: a plan of more is a file for `pathways pipeline`
ROLE_ROWS = 4
MAX_YEARS, MAX_RUNS, MAX_SEED = 50, 100_000, 2**32 - 1  # as `pathways pipeline` --years, --runs and --seed
MAX_PLACES, MAX_HEADCOUNT, MAX_MONTHS = 1_000_000, 10_000_000, 600  # as the plan format (frameworks/models.py)
MAX_COST = 10_000_000
DEFAULT_YEARS = 5
FLOW_PARTS = ("from", "to", "via", "places", "months", "attrition", "cost", "backfill", "first_year", "last_year")
ROLE_PARTS = ("role", "headcount", "turnover", "recruits", "establishment", "vacancy")
ROLE_KEYS = {  # a plan role's keys (FORMATS.md) -> the row's box
    "headcount": "headcount",
    "turnover_rate": "turnover",
    "recruits": "recruits",
    "establishment": "establishment",
    "vacancy_rate": "vacancy",
}
SPREADS = ("turnover", "attrition")  # the plan's uncertainty spreads, in fields spread_turnover, spread_attrition
EXAMPLE = (  # the example plan the page offers (examples/pipeline-nursing-associates.yaml)
    "name=Grow+our+own+nursing+associates&area=kent&years=5&flow1_from=healthcare+assistant"
    "&flow1_to=nursing+associate&flow1_via=trainee+nursing+associate&flow1_places=20&flow1_attrition=10"
    "&flow1_cost=7500&role1=healthcare+assistant&headcount1=1200&turnover1=12&role2=nursing+associate"
    "&headcount2=150&turnover2=8&recruits2=8&spread_turnover=20%25&spread_attrition=30%25&runs=1000&seed=42"
)
YES, NO = ("yes", "true", "on", "1"), ("no", "false", "off", "0")


def routes(site: Site) -> list[Route]:
    both = ["GET", "POST"]
    return [
        Route("/pipeline", site.guard(lambda r: pipeline_page(site, r)), methods=both, name="pipeline"),
        Route("/api/pipeline", site.guard(lambda r: pipeline_api(site, r)), methods=both),
    ]


# -- reading the form ---------------------------------------------------------------------------------------
async def _params(request: Request) -> Any:
    if request.method == "POST":
        return await request.form(max_files=0, max_fields=80)
    return request.query_params


def number(params: Any, name: str, high: float, label: str, *, whole: bool = False) -> float | int | None:
    """A number from 0 to `high` (commas allowed); None when empty."""
    value = forms.text(params, name, label=label)
    if value is None:
        return None
    try:
        parsed = float(value.replace(",", "").removeprefix("£"))
    except ValueError:
        raise BadInput(f"{label}: '{value}' is not a number", name) from None
    if whole and not parsed.is_integer():
        raise BadInput(f"{label}: '{value}' is not a whole number", name)
    if not 0 <= parsed <= high:
        raise BadInput(f"{label} must be from 0 to {high:,}", name)
    return int(parsed) if whole else parsed


def rate(params: Any, name: str, label: str) -> float | None:
    """A percentage typed as 12 or 12% (a fraction for the plan: 0.12); None when empty."""
    value = forms.text(params, name, label=label)
    if value is None:
        return None
    try:
        parsed = float(value.removesuffix("%").strip())
    except ValueError:
        raise BadInput(f"{label}: '{value}' is not a percentage", name) from None
    if not 0 <= parsed <= 100:
        raise BadInput(f"{label} must be a percentage from 0 to 100", name)
    return parsed / 100


def ticked(params: Any, name: str, label: str) -> bool:
    """A checkbox: ticked (yes, true, on or 1) or not (empty, no, false, off or 0)."""
    value = (forms.text(params, name, label=label) or "no").lower()
    if value not in YES + NO:
        raise BadInput(f"{label}: '{value}' is neither yes nor no", name)
    return value in YES


async def _role(site: Site, params: Any, name: str, label: str, *, required: bool = False) -> str | None:
    """The qualified id of the role a field names (a near miss is taken and said, as on every page)."""
    text = forms.text(params, name, required=required, label=label)
    if text is None:
        return None
    return (await site.role_named(text, name)).value.qid


async def _flow(site: Site, params: Any, n: int) -> dict | None:
    """Flow row n as a plan's flow, or None when the row is empty."""
    field = {part: f"flow{n}_{part}" for part in FLOW_PARTS}
    if not any(forms.text(params, f) for f in field.values()):
        return None
    flow: dict[str, Any] = {
        "from": await _role(site, params, field["from"], f"the role flow {n} trains people from", required=True),
        "to": await _role(site, params, field["to"], f"the role flow {n} trains people for", required=True),
    }
    via = await _role(site, params, field["via"], f"flow {n}'s training post")
    if via is not None:
        flow["via"] = [via]
    places = number(params, field["places"], MAX_PLACES, f"flow {n}'s places a year", whole=True)
    if places is None:
        raise BadInput(f"enter flow {n}'s places a year", field["places"])
    flow["places"] = places
    months = number(params, field["months"], MAX_MONTHS, f"flow {n}'s months of training")
    if months is not None:
        flow["months"] = months
    attrition = rate(params, field["attrition"], f"flow {n}'s attrition")
    if attrition is not None:
        flow["attrition"] = attrition
    cost = number(params, field["cost"], MAX_COST, f"flow {n}'s cost per trainee a year")
    if cost is not None:
        flow["cost"] = cost
    if ticked(params, field["backfill"], f"flow {n}'s backfill"):
        flow["backfill"] = True
    first, last = (
        _year(params, field[key], f"flow {n}'s {key.replace('_', ' ')}") for key in ("first_year", "last_year")
    )
    for key, year in (("first_year", first), ("last_year", last)):
        if year is not None:
            flow[key] = year
    if first is not None and last is not None and last < first:
        raise BadInput(f"flow {n}'s last year ({last}) is before its first year ({first})", field["last_year"])
    return flow


def _year(params: Any, name: str, label: str) -> int | None:
    """A year of the plan, 1 to MAX_YEARS; None when empty."""
    try:
        year = number(params, name, MAX_YEARS, label, whole=True)
    except BadInput:
        year = -1
    if year is not None and not 1 <= year <= MAX_YEARS:
        raise BadInput(f"{label} must be a whole number from 1 to {MAX_YEARS}", name)
    return year


async def _roles(site: Site, params: Any) -> tuple[dict[str, dict], dict[str, int]]:
    """The starting figures typed for roles, {role id: {headcount, turnover_rate, recruits, establishment or
    vacancy_rate}}, and the row each role is in."""
    roles: dict[str, dict] = {}
    rows: dict[str, int] = {}
    for n in range(1, ROLE_ROWS + 1):
        headcount = number(params, f"headcount{n}", MAX_HEADCOUNT, f"row {n}'s headcount", whole=True)
        turnover = rate(params, f"turnover{n}", f"row {n}'s turnover")
        recruits = number(params, f"recruits{n}", MAX_HEADCOUNT, f"row {n}'s recruits a year", whole=True)
        posts = number(params, f"establishment{n}", MAX_HEADCOUNT, f"row {n}'s funded posts")
        vacancy = rate(params, f"vacancy{n}", f"row {n}'s vacancy rate")
        if posts is not None and vacancy is not None:
            raise BadInput(
                f"give row {n}'s funded posts or its vacancy rate, not both: the vacancy rate only sets the posts",
                f"vacancy{n}",
            )
        if vacancy is not None and vacancy >= 1:
            raise BadInput(f"row {n}'s vacancy rate must be below 100%", f"vacancy{n}")
        role = await _role(site, params, f"role{n}", f"the role of row {n}")
        given = {"headcount": headcount, "turnover_rate": turnover, "recruits": recruits}
        given |= {"establishment": posts, "vacancy_rate": vacancy}
        if role is None:
            if any(value is not None for value in given.values()):
                raise BadInput(f"enter the role row {n}'s figures are for", f"role{n}")
            continue
        if role in roles:
            raise BadInput(f"{role} has figures in two rows; give each role once", f"role{n}")
        roles[role] = {key: value for key, value in given.items() if value is not None}
        rows[role] = n
    return roles, rows


async def plan_question(site: Site, params: Any) -> dict[str, Any]:
    """Keyword arguments for Session.pipeline (the plan the form makes, and the Monte Carlo runs and seed),
    and `rows`, the row of the Starting figures each role is in (to point a refusal at its box)."""
    plan: dict[str, Any] = {"years": forms.integer(params, "years", 1, MAX_YEARS, default=DEFAULT_YEARS)}
    name = forms.text(params, "name", label="the plan's name")
    if name is not None:
        plan["name"] = name
    area = await area_named(site, params)
    if area is not None:
        plan["area"] = area
    flows = [flow for n in range(1, FLOW_ROWS + 1) if (flow := await _flow(site, params, n)) is not None]
    roles, rows = await _roles(site, params)
    if not flows and not roles:
        raise BadInput(
            "enter at least one flow: the role trainees come from, the role they train for and the places", "flow1_from"
        )
    plan.update(roles=roles, flows=flows)
    spreads = {
        part: forms.fraction(params, f"spread_{part}", None, f"the spread of {part}", closed=True) for part in SPREADS
    }
    if any(value is not None for value in spreads.values()):
        plan["uncertainty"] = {part: value for part, value in spreads.items() if value is not None}
    runs = forms.integer(params, "runs", 0, MAX_RUNS)
    seed = forms.integer(params, "seed", 0, MAX_SEED)
    return {"plan": plan, "runs": runs, "seed": seed, "rows": rows}


def field_of(key: str, rows: dict[str, int] | None = None) -> str | None:
    """The form field a plan problem is about, by its key path (`flows[0].places` -> `flow1_places`,
    `roles.hsc:care-worker.headcount` -> the headcount of the care worker's row, `uncertainty.turnover` ->
    `spread_turnover`)."""
    found = re.match(r"flows\[(\d+)\](?:\.(\w+))?", key)
    if found:
        part = found.group(2) if found.group(2) in FLOW_PARTS else "months"  # no link: give the months
        return f"flow{int(found.group(1)) + 1}_{part}"
    found = re.match(r"uncertainty\.(\w+)", key)
    if found:
        return f"spread_{found.group(1)}" if found.group(1) in SPREADS else "runs"
    for role, n in (rows or {}).items():
        if key == f"roles.{role}" or key.startswith(f"roles.{role}."):
            return f"{ROLE_KEYS.get(key.removeprefix(f'roles.{role}.'), 'role')}{n}"
    return "area" if key == "area" else None


LATE = re.compile(r"^flow (?P<n>\d+) starts in year (?P<year>\d+), after the (?P<years>\d+) years projected")
LACKS = re.compile(r"^(?P<said>.+); give it in the plan, roles: \{.*\}$")  # pathways.pipeline_plan._figures


async def in_form_words(site: Site, question: dict[str, Any], message: str) -> BadInput:
    """A QuestionError's message as the form says it, with the field to fill: a role without a headcount or
    a turnover rate is pointed at its row's box (or at a free row to give its figures in), a seed without
    runs and too many runs at the runs box. What the form cannot fix keeps the library's words."""
    if message.startswith("--seed is for Monte Carlo runs"):
        return BadInput(
            "the seed is for Monte Carlo runs: enter the Monte Carlo runs (or leave the seed empty); without runs"
            " the projection is expected values, with nothing to seed",
            "runs",
        )
    if " runs of this plan would need about " in message:
        return BadInput(message.replace(" runs (--runs),", " Monte Carlo runs,"), "runs")
    late = LATE.match(message)
    if late:
        n = late.group("n")
        return BadInput(
            f"flow {n} starts in year {late.group('year')}, after the {late.group('years')} years projected: enter"
            f" more Years to project, or an earlier first year for flow {n}",
            f"flow{n}_first_year",
        )
    parts = message.split(" | ")
    if not all(LACKS.match(part) for part in parts):
        return BadInput(message)
    plan, rows = question["plan"], dict(question["rows"])
    named = [*plan["roles"], *(q for f in plan["flows"] for q in (f["from"], f["to"]))]
    titles = {}
    for qid in dict.fromkeys(named):
        titles[(await site.ask(lambda s, q=qid: s.find("Role", q))).value.label] = qid
    free = [n for n in range(1, ROLE_ROWS + 1) if n not in rows.values()]
    said, fields = [], []
    for part in parts:
        text = LACKS.match(part).group("said")  # type: ignore[union-attr]  # all matched above
        title = next((t for t in sorted(titles, key=len, reverse=True) if text.startswith(f"{t}: ")), None)
        boxes = [word for key, word in (("no headcount", "headcount"), ("no turnover", "turnover")) if key in text]
        wanted = " and ".join({"headcount": "Headcount", "turnover": "Turnover, % a year"}[b] for b in boxes)
        if title is None:
            said.append(part)
        elif titles[title] in rows:
            n = rows[titles[title]]
            said.append(f"{text}; enter {'them' if len(boxes) > 1 else 'it'} in Starting figures, Role {n}, {wanted}")
            fields.append(f"{boxes[0]}{n}")
        elif free:
            n = free.pop(0)
            said.append(f"{text}; enter {title} as Role {n} in Starting figures, with its {wanted}")
            fields.append(f"role{n}")
        else:
            said.append(
                f"{text}; the form takes figures for {ROLE_ROWS} roles: for more, write a plan file for"
                " `pathways pipeline` (roles: in FORMATS.md)"
            )
    return BadInput(" | ".join(said), fields[0] if fields else None)


def _problem_words(problem: Any) -> str:
    """A located plan problem, with a missing progression link said as the flow's boxes to fill."""
    from frameworks.errors import one_line

    found = re.match(r"flows\[(\d+)\]$", problem.key or "")
    if found and (problem.expected or "").startswith("months:"):
        n = int(found.group(1)) + 1
        text = re.sub(r"; did you mean via: \[(.+?)\]\?", r" (did you mean the training post \1?)", problem.message)
        return one_line(f"flow {n}: {text}; enter flow {n}'s months of training, or the training post on the way")
    return one_line(str(problem))


async def projected(site: Site, question: dict[str, Any]) -> Any:
    """Session.pipeline's answer (Asked), kept for the same plan; a plan the library refuses points at its
    field when the problem names one, in the form's words (`in_form_words`)."""
    from frameworks.errors import LibraryError
    from pathways.errors import QuestionError

    key = ("pipeline", json.dumps(question, sort_keys=True))
    try:
        return await remembered(
            site, key, lambda s: s.pipeline(question["plan"], runs=question["runs"], seed=question["seed"])
        )
    except LibraryError as err:
        message = "; ".join(_problem_words(p) for p in err.problems)
        raise BadInput(message, field_of(err.problems[0].key, question["rows"])) from None
    except QuestionError as err:
        raise await in_form_words(site, question, str(err)) from None


NOTE_WORDS = {  # the plan keys pathways.pipeline's notes name, as the form's boxes (the JSON keeps the keys)
    "replace the movers with backfill: true or more recruits": "replace the movers: tick the flow's backfill box"
    " or enter more recruits a year for the role",
    "leavers are still replaced: set recruits": "leavers are still replaced: enter the role's recruits a year",
}


def form_note(note: str) -> str:
    for plan_words, form_words in NOTE_WORDS.items():
        note = note.replace(plan_words, form_words)
    return note


# -- answering ----------------------------------------------------------------------------------------------
async def pipeline_api(site: Site, request: Request) -> Response:
    """`pathways pipeline PLAN [--runs N] [--seed S] --format json` for the plan the fields make."""
    question = await plan_question(site, await _params(request))
    asked = await projected(site, question)
    return JSONResponse(as_json(asked.value, rounded=True))


def _values(params: Any) -> dict[str, str]:
    """The form as it was filled in, to show it again."""
    names = ["name", "area", "years", "runs", "seed"]
    names += [f"flow{n}_{part}" for n in range(1, FLOW_ROWS + 1) for part in FLOW_PARTS]
    names += [f"{part}{n}" for n in range(1, ROLE_ROWS + 1) for part in ROLE_PARTS]
    names += [f"spread_{part}" for part in SPREADS]
    return {name: str(params.get(name) or "")[: forms.MAX_TEXT] for name in names}


async def pipeline_page(site: Site, request: Request) -> Response:
    """The plan form, and once asked the projection: what to read first, a chart per role, then each role's
    numbers year by year, the starting figures with where each is from, and the flows."""
    params = await _params(request)
    context: dict[str, Any] = {
        "values": _values(params),
        "area_options": await area_options(site),
        "flow_rows": range(1, FLOW_ROWS + 1),
        "role_rows": range(1, ROLE_ROWS + 1),
        "example": EXAMPLE,
        "result": None,
    }
    if not any(value for key, value in context["values"].items() if key not in ("area", "years", "runs", "seed")):
        return site.page(request, "pipeline.html", **context)
    try:
        asked = await projected(site, await plan_question(site, params))
    except Exception as err:
        failure = user_failure(err)
        return site.page(request, "pipeline.html", failure.status, error=failure, **context)
    payload = as_json(asked.value, rounded=True)
    by_role = {
        role["role"]: [r for r in payload["headcount"] if r["role"] == role["role"]] for role in payload["roles"]
    }
    context.update(
        result=payload,
        notes=[form_note(note) for note in payload["notes"]],
        charts=pipeline_charts(payload),
        by_role=by_role,
        count=count_text,
        json_link="/api/pipeline?" + str(request.url.query) if request.method == "GET" else None,
    )
    return site.page(request, "pipeline.html", notices=asked.notices, **context)
