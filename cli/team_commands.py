"""`pathways team`: bundled needs templates, team design (an exact integer program) and assessment."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click

from cli.app import App, emit, format_option, resolve
from cli.output import Table, View


@click.group("team")
def team_group() -> None:
    """Integrated-team skill mix: templates, design and assess."""


@team_group.command("templates")
@format_option
@click.pass_obj
def templates(app: App, fmt: str | None) -> None:
    """List the bundled needs templates (use an id as NEEDS below)."""
    rows = [
        {
            "id": qid,
            "title": t["title"],
            "needs": len(t["needs"]),
            "population": t.get("population"),
            "source": [s["title"] for s in t.get("source") or []],
        }
        for qid, t in sorted(app.graph().graph.get("team_templates", {}).items())
    ]
    columns = [("id", "id"), ("title", "title"), ("needs", "needs"), ("population", "population")]
    emit(View(rows, tables=[Table(columns, rows)]), fmt)


def _fail(message: str) -> NoReturn:
    """A mistake the user can fix: one line, exit code 2."""
    click.echo(f"error: {message}", err=True)
    raise click.exceptions.Exit(2)


def _needs_doc(app: App, needs: str) -> dict:
    """A template id (or near miss) or a needs file, with its ids checked against the graph."""
    from pathways.teams import read_needs_file

    graph = app.graph()
    templates = graph.graph.get("team_templates", {})
    path = Path(needs)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return read_needs_file(graph, path)
    matches = [qid for qid in templates if needs in (qid, qid.split(":", 1)[1])]
    if len(matches) == 1:
        return templates[matches[0]]
    from rapidfuzz import process

    near = [m[0] for m in process.extract(needs, list(templates), limit=3, score_cutoff=50)]
    _fail(
        f"NEEDS: '{needs}' is neither a needs file nor a template"
        + (f"; did you mean {', '.join(near)}?" if near else "; see `pathways team templates`")
    )


def _role(app: App, name: str) -> str:
    return app.graph().nodes[resolve(app, "Role", name)]["id"]


def _pairs(app: App, values: tuple[str, ...], option: str) -> dict[str, int]:
    """ROLE=N options as {role id: N}; the same role given twice is a contradiction, not "last one wins"."""
    out: dict[str, int] = {}
    typed: dict[str, str] = {}
    for value in values:
        role, sep, count = value.rpartition("=")
        if not sep or not role or not count.isdigit():
            _fail(f"{option} '{value}' should be ROLE=N, N a whole number")
        rid = _role(app, role)
        if rid in out:
            _fail(f"{option} {typed[rid]} conflicts with {option} {value}")
        out[rid], typed[rid] = int(count), value
    return out


def _sectors(app: App, sectors: str | None) -> list[str] | None:
    if not sectors:
        return None
    from rapidfuzz import process

    known = sorted(app.graph().graph["sectors"])
    chosen = [s.strip() for s in sectors.split(",") if s.strip()]
    for sector in chosen:
        if sector not in known:
            near = process.extractOne(sector, known, score_cutoff=60)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            _fail(f"--sectors: unknown sector '{sector}'{hint} (known: {', '.join(known)})")
    return chosen or None


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
    fmt: str | None,
) -> None:
    """Design the team that covers every need at least cost (or headcount), solved exactly.

    Your options win over the needs' own rules about the same role (or headcount, budget, sectors); the
    answer says which rule each overrode. Options that contradict each other are refused."""
    from pathways.teams import Conflict, Infeasible, Options, check_options
    from pathways.teams import design as solve

    doc = _needs_doc(app, needs)
    options = Options(
        exclude=list(dict.fromkeys(_role(app, r) for r in exclude)),
        caps=_pairs(app, caps, "--max"),
        minimums=_pairs(app, minimums, "--min"),
        sectors=_sectors(app, sectors),
        max_headcount=max_headcount,
        budget=budget,
    )
    try:
        check_options(app.graph(), doc, options)
        result = solve(app.graph(), app.matcher(), doc, objective, allow_blended_role, options)
    except Conflict as err:
        _fail(str(err))
    except Infeasible as err:
        for reason in err.reasons:
            click.echo(f"error: infeasible: {reason}", err=True)
        raise click.exceptions.Exit(2) from None
    emit(_design_view(result), fmt)


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
        }
        for row in result["coverage"]
    ]


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
    team = Table(
        [
            ("role", "role"),
            ("title", "title"),
            ("sector", "sector"),
            ("count", "count"),
            ("unit_cost", "unit cost"),
            ("cost", "cost"),
            ("cost_basis", "cost basis"),
        ],
        result["team"],
        "Team",
    )
    cover = Table(
        [
            ("need", "need"),
            ("level", "level"),
            ("cover", "needed"),
            ("provided", "provided"),
            ("margin", "margin"),
            ("by", "covered by"),
        ],
        _coverage_rows(result),
        "Coverage",
    )
    tables = [team, cover]
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
    notes = list(result["notices"])
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
    from pathways.teams import assess as run
    from pathways.teams import read_team_file

    doc = _needs_doc(app, needs)
    members = read_team_file(app.graph(), Path(team))
    result = run(app.graph(), app.matcher(), members, doc)
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
    emit(View(result, "Team assessment", fields, tables), fmt)
