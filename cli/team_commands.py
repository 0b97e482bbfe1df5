"""`pathways team`: bundled needs templates, team design (an exact integer program) and assessment."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from cli.app import App, emit, format_option
from cli.output import Table, View
from pathways.results import as_json


@click.group("team")
def team_group() -> None:
    """Integrated-team skill mix: templates, design and assess."""


@team_group.command("templates")
@format_option
@click.pass_obj
def templates(app: App, fmt: str | None) -> None:
    """List the bundled needs templates (use an id as NEEDS below)."""
    rows = as_json(app.session.team_templates())
    app.say_notices()
    columns = [("id", "id"), ("title", "title"), ("needs", "needs"), ("population", "population")]
    emit(View(rows, tables=[Table(columns, rows)]), fmt)


def _fail(message: str) -> NoReturn:
    """A mistake in how an option is written: one line, exit code 2."""
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(2)


def _pairs(values: tuple[str, ...], option: str) -> list[tuple[str, int]]:
    """ROLE=N options as (role name, N) pairs, in the order given (the session resolves the names)."""
    out = []
    for value in values:
        role, sep, count = value.rpartition("=")
        if not sep or not role or not count.isdigit():
            _fail(f"{option} '{value}' should be ROLE=N, N a whole number")
        out.append((role, int(count)))
    return out


@team_group.command("design")
@click.argument("needs")
@click.option(
    "--objective",
    type=click.Choice(["cost", "headcount"]),
    default="cost",
    show_default=True,
    help="Minimise yearly pay, or people first (pay breaks ties).",
)
@click.option("--sectors", help="Only roles of these sectors, comma-separated (e.g. health,social_care).")
@click.option("--allow-blended-role", is_flag=True, help="Also consider new blended health and social care roles.")
@click.option("--exclude", multiple=True, metavar="ROLE", help="What if this role were not used? (repeatable)")
@click.option("--max", "caps", multiple=True, metavar="ROLE=N", help="At most N of a role (repeatable).")
@click.option("--min", "minimums", multiple=True, metavar="ROLE=N", help="At least N of a role (repeatable).")
@click.option("--max-headcount", type=click.IntRange(min=1), help="At most this many people.")
@click.option("--budget", type=click.FloatRange(min=0, min_open=True), help="Yearly pay budget (GBP).")
@click.option("--area", help="An area of the supply figures (e.g. kent): its vacancy rates and hard-to-fill roles.")
@click.option(
    "--availability",
    type=click.Choice(["all", "vacancy"]),
    default="all",
    show_default=True,
    help="Size for every post filled, or for the area's vacancy rates (needs --area).",
)
@click.option(
    "--confidence",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    default=None,
    help="With --availability vacancy: the chance each need's cover must hold (default 0.9).",
)
@format_option
@click.pass_obj
def design(
    app: App,
    needs: str,
    objective: str,
    sectors: str | None,
    allow_blended_role: bool,
    exclude: tuple[str, ...],
    caps: tuple[str, ...],
    minimums: tuple[str, ...],
    max_headcount: int | None,
    budget: float | None,
    area: str | None,
    availability: str,
    confidence: float | None,
    fmt: str | None,
) -> None:
    """Design the team that covers every need at least cost (or headcount), solved exactly.

    Your options win over the needs' own rules about the same role (or headcount, budget, sectors); the
    answer says which rule each overrode. Options that contradict each other are refused. With --area
    and --availability vacancy, each post counts as filled with probability 1 - its role's vacancy rate
    there, and the team is sized so every need's cover holds with probability --confidence."""
    from pathways.teams import Infeasible

    try:
        result = app.session.team_design(
            needs,
            objective=objective,
            sectors=sectors,
            allow_blended_role=allow_blended_role,
            exclude=exclude,
            caps=_pairs(caps, "--max"),
            minimums=_pairs(minimums, "--min"),
            max_headcount=max_headcount,
            budget=budget,
            area=area,
            availability=availability,
            confidence=confidence,
        )
    except Infeasible as err:
        app.say_notices()
        for reason in err.reasons:
            click.echo(f"error: infeasible: {reason}", err=True)
        raise click.exceptions.Exit(2) from None
    emit(_design_view(as_json(result, rounded=True)), fmt)


def _coverage_rows(result: dict) -> list[dict]:
    return [
        {
            "need": row["need"]["label"],
            "level": row["need"]["level"],
            "cover": row["need"]["cover"],
            "provided": row["provided"],
            "margin": row["margin"],
            "by": [
                f"{b['role']} x{b['count']}" + ("" if b["exact"] else f" (via {b['by']}, {b['similarity']})")
                for b in row["covered_by"]
            ],
            "expected_filled": row["expected_filled"],
            "cover_probability": row["cover_probability"],
        }
        for row in result["coverage"]
    ]


def _figure_text(figure: dict | None) -> str | None:
    """A supply figure with where it is from: '0.3 (Kent, Care workers, 2024/25; Skills for Care ...)'."""
    if figure is None:
        return None
    return f"{figure['value']:g} ({figure['area_name']}, {figure['subject']}, {figure['as_of']}; {figure['source']})"


def _availability_parts(result: dict) -> tuple[list[tuple[str, object]], list[Table], list[str]]:
    """The fields, tables and notes an answer for an area adds: how vacancies were allowed for, the
    hard-to-fill roles in the team, and what was assumed."""
    supply = result["availability"]
    if not supply:
        return [], [], []
    if supply["basis"] == "vacancy":
        how = f"sized for {supply['area_name']}'s vacancy rates: each need's cover holds with probability"
        how += f" {supply['confidence']:g} or more"
        plain = f"{_people(supply['plain_headcount'])}, £{supply['plain_cost']:,}"
        fields = [("Availability", how), ("With every post filled", plain)]
    else:
        fields = [("Availability", f"every post filled ({supply['area_name']}'s vacancy rates shown)")]
    hard = [
        {**h, "vacancy": _figure_text(h["vacancy_rate"]), "turnover": _figure_text(h["turnover_rate"])}
        for h in result["hard_to_fill"] or []
    ]
    columns = [("role", "role"), ("count", "count"), ("vacancy", "vacancy rate"), ("turnover", "turnover rate")]
    tables = [Table(columns, hard, f"Hard to fill in {supply['area_name']}")] if hard else []
    fields.append(("Hard to fill", len(hard) or "none"))
    return fields, tables, list(supply["assumptions"])


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _rules_text(rules: dict) -> list[str]:
    """The rules kept, in the words of a needs file."""
    from pathways.teams import share_text

    out = [f"max_headcount {rules['max_headcount']}"] if rules.get("max_headcount") else []
    out += [f"budget £{rules['budget']:,.0f}"] if rules.get("budget") else []
    out += [share_text(s, v) for s, v in (rules.get("sector_share") or {}).items()]
    out += [f"min_roles {r}: {n}" for r, n in (rules.get("min_roles") or {}).items()]
    out += [f"max_roles {r}: {n}" for r, n in (rules.get("max_roles") or {}).items()]
    out += [f"exclude {r}" for r in rules.get("exclude") or []]
    out += [f"sectors {', '.join(rules['sectors'])}"] if rules.get("sectors") else []
    return out


def _design_view(result: dict) -> View:
    fields = [
        ("Needs", result["needs"]["title"]),
        ("Status", result["status"]),
        ("Objective", result["objective"]),
        ("Headcount", result["headcount"]),
        ("Yearly pay cost", f"£{result['cost']:,}"),
        ("By sector", result["by_sector"]),
        ("Rules kept", _rules_text(result["rules"]) or "none"),
    ]
    supply_fields, supply_tables, assumed = _availability_parts(result)
    fields += supply_fields
    vacancy = [("vacancy_rate", "vacancy rate")] if result["availability"] else []
    team = Table(
        [
            ("role", "role"),
            ("title", "title"),
            ("sector", "sector"),
            ("count", "count"),
            *vacancy,
            ("unit_cost", "unit cost"),
            ("cost", "cost"),
            ("cost_basis", "cost basis"),
        ],
        result["team"],
        "Team",
    )
    chances = [("expected_filled", "expected filled"), ("cover_probability", "chance of cover")] if vacancy else []
    cover = Table(
        [
            ("need", "need"),
            ("level", "level"),
            ("cover", "needed"),
            ("provided", "provided"),
            ("margin", "margin"),
            *chances,
            ("by", "covered by"),
        ],
        _coverage_rows(result),
        "Coverage",
    )
    tables = [team, cover, *supply_tables]
    if result["alternatives"]:
        tables.append(
            Table(
                [
                    ("without", "without"),
                    ("headcount", "headcount"),
                    ("cost", "cost"),
                    ("extra_cost", "extra cost"),
                    ("team_text", "team"),
                ],
                [{**a, "team_text": [f"{m['role']} x{m['count']}" for m in a["team"]]} for a in result["alternatives"]],
                "Next-best alternatives",
            )
        )
    credited = sum(1 for row in result["coverage"] if any(not b["exact"] for b in row["covered_by"]))
    notes = list(result["notices"]) + assumed
    if credited:
        verb = "is" if credited == 1 else "are"
        notes.append(
            f"{credited} of {len(result['coverage'])} needs {verb} met at least partly through an overlapping "
            "competency rather than the same one; see 'via' in the coverage table."
        )
    return View(result, "Team design", fields, tables, notes)


def _title(title: str) -> str:
    """A role title inside a sentence: 'Care worker' -> 'care worker', 'GP' stays."""
    return title[:1].lower() + title[1:] if title[1:2].islower() else title


def _who(entry: dict, count: int | None = None) -> str:
    """People in a role, by name where the team file names them: 'Asha, Ben (care worker) + 1 unnamed'."""
    count = entry["count"] if count is None else count
    names = entry.get("names", entry.get("people", []))[:count]
    if not isinstance(names, list):
        names = []
    title = _title(entry["title"])
    if not names:
        return f"{title} x{count}"
    unnamed = count - len(names)
    return f"{', '.join(names)} ({title})" + (f" + {unnamed} unnamed" if unnamed else "")


@team_group.command("assess")
@click.argument("team", type=click.Path(dir_okay=False))
@click.option("--needs", required=True, help="A template id or a needs file.")
@format_option
@click.pass_obj
def assess(app: App, team: str, needs: str, fmt: str | None) -> None:
    """Assess an existing TEAM file against NEEDS: coverage, gaps, single points of failure, duplication,
    the cheapest upskilling for each gap, and the needs' rules. People named in the team file are shown
    by name; a role with fewer names than its count has unnamed posts."""
    result = app.session.team_assess(Path(team), needs)
    emit(_assess_view(as_json(result, rounded=True)), fmt)


def _assess_view(result: dict) -> View:
    """The assessment's tables: coverage, then only the sections that have something to say."""
    rows = [
        {
            **r,
            "need": r["need"]["label"],
            "level": r["need"]["level"],
            "by": [_who(b) for b in r["covered_by"]] or "nobody",
        }
        for r in result["coverage"]
    ]
    fields = [
        ("Needs", result["needs"]["title"]),
        ("Headcount", result["headcount"]),
        ("Gaps", len(result["gaps"]) or "none"),
        ("Single points of failure", len(result["single_points_of_failure"]) or "none"),
        ("Duplication", len(result["duplication"]) or "none"),
    ]
    broken = [r for r in result["rules"] if r["kept"] is False]
    if result["rules"]:
        fields.append(("Rules of the needs", f"{len(broken)} not kept" if broken else "all kept"))
    tables = [
        Table(
            [
                ("need", "need"),
                ("level", "level"),
                ("required", "needed"),
                ("provided", "provided"),
                ("status", "status"),
                ("by", "covered by"),
            ],
            rows,
            "Coverage",
        )
    ]
    if result["single_points_of_failure"]:
        tables.append(
            Table(
                [("need", "need"), ("who", "only")],
                [{**s, "who": _who({**s, "count": 1})} for s in result["single_points_of_failure"]],
                "Single points of failure",
            )
        )
    if result["duplication"]:
        tables.append(
            Table(
                [("need", "need"), ("required", "needed"), ("provided", "provided")],
                result["duplication"],
                "Duplication",
            )
        )
    if result["upskilling"]:
        upskill = [
            {
                "need": u["need"],
                "shortfall": _people(u["shortfall"]),
                "training": (u["training"] or {}).get("title") or u["advice"],
                "months": (u["training"] or {}).get("months"),
                "who": [_who(t, t["people"]) for t in u["train"]] or "nobody in the team",
                "advice": u["advice"] if u["training"] else None,
            }
            for u in result["upskilling"]
        ]
        columns = [
            ("need", "need"),
            ("shortfall", "short by"),
            ("training", "training"),
            ("months", "months"),
            ("who", "train"),
        ]
        if any(u["advice"] for u in upskill):
            columns.append(("advice", "also"))
        tables.append(Table(columns, upskill, "Cheapest upskilling"))
    if result["rules"]:
        tables.append(
            Table(
                [("rule", "rule"), ("kept_text", "kept"), ("detail", "team")],
                [
                    {**r, "kept_text": {True: "kept", False: "not kept", None: "cannot tell"}[r["kept"]]}
                    for r in result["rules"]
                ],
                "Rules of the needs",
            )
        )
    return View(result, "Team assessment", fields, tables)
