"""`pathways team`: bundled needs templates, team design (an exact integer program) and assessment."""

from __future__ import annotations

from pathlib import Path

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


def _needs_doc(app: App, needs: str) -> dict:
    """A template id (or near miss) or a needs file, with its ids resolved against the graph."""
    graph = app.graph()
    templates = graph.graph.get("team_templates", {})
    path = Path(needs)
    if path.suffix.lower() in (".yaml", ".yml") and path.exists():
        from frameworks.models import NeedsFile
        from frameworks.parse import read_model_file

        doc = read_model_file(path, NeedsFile, "needs").model_dump(by_alias=True)
        for item in doc["needs"]:
            if item.get("competency"):
                item["competency"] = graph.nodes[resolve(app, "Competency", item["competency"])]["id"]
        rules = doc["rules"]
        for group in ("min_roles", "max_roles"):
            rules[group] = {_role(app, r): n for r, n in rules[group].items()}
        rules["exclude"] = [_role(app, r) for r in rules["exclude"]]
        return doc
    matches = [qid for qid in templates if needs in (qid, qid.split(":", 1)[1])]
    if len(matches) == 1:
        return templates[matches[0]]
    from rapidfuzz import process

    near = [m[0] for m in process.extract(needs, list(templates), limit=3, score_cutoff=50)]
    raise click.BadParameter(
        f"'{needs}' is neither a needs file nor a template"
        + (f"; did you mean {', '.join(near)}?" if near else "; see `pathways team templates`"),
        param_hint="NEEDS",
    )


def _competency(app: App, name: str) -> str:
    return app.graph().nodes[resolve(app, "Competency", name)]["id"]


def _role(app: App, name: str) -> str:
    return app.graph().nodes[resolve(app, "Role", name)]["id"]


def _pairs(app: App, values: tuple[str, ...], option: str) -> dict[str, int]:
    out = {}
    for value in values:
        role, sep, count = value.rpartition("=")
        if not sep or not count.isdigit():
            raise click.BadParameter(f"'{value}' should be ROLE=N", param_hint=option)
        out[_role(app, role)] = int(count)
    return out


@team_group.command("design")
@click.argument("needs")
@click.option("--objective", type=click.Choice(["cost", "headcount"]), default="cost", show_default=True)
@click.option("--sectors", help="Only roles of these sectors, comma-separated (e.g. health,social_care).")
@click.option("--allow-blended-role", is_flag=True, help="Also consider new blended health and social care roles.")
@click.option("--exclude", multiple=True, metavar="ROLE", help="What if this role were not used? (repeatable)")
@click.option("--max", "caps", multiple=True, metavar="ROLE=N", help="At most N of a role (repeatable).")
@click.option("--min", "minimums", multiple=True, metavar="ROLE=N", help="At least N of a role (repeatable).")
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
    fmt: str | None,
) -> None:
    """Design the team that covers every need at least cost (or headcount), solved exactly."""
    from pathways.teams import Infeasible
    from pathways.teams import design as solve

    doc = _needs_doc(app, needs)
    try:
        result = solve(
            app.graph(),
            app.matcher(),
            doc,
            objective,
            [s.strip() for s in sectors.split(",")] if sectors else None,
            allow_blended_role,
            [_role(app, r) for r in exclude],
            _pairs(app, caps, "--max"),
            _pairs(app, minimums, "--min"),
        )
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


def _design_view(result: dict) -> View:
    fields = [
        ("Needs", result["needs"]["title"]),
        ("Objective", result["objective"]),
        ("Headcount", result["headcount"]),
        ("Yearly pay cost", f"£{result['cost']:,}"),
        ("By sector", result["by_sector"]),
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
    alternatives = Table(
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
    notes = [
        f"{len(result['similarity_credits'])} need(s) credited through an overlapping competency; "
        "see 'via' in the coverage table."
    ] + result["notices"]
    return View(result, "Team design", fields, [team, cover, alternatives], notes)


@team_group.command("assess")
@click.argument("team", type=click.Path(dir_okay=False))
@click.option("--needs", required=True, help="A template id or a needs file.")
@format_option
@click.pass_obj
def assess(app: App, team: str, needs: str, fmt: str | None) -> None:
    """Assess an existing TEAM file against NEEDS: coverage, gaps, single points of failure, duplication
    and the cheapest upskilling for each gap."""
    from frameworks.models import TeamFile
    from frameworks.parse import read_model_file
    from pathways.teams import assess as run

    doc = _needs_doc(app, needs)
    members = []
    for m in read_model_file(Path(team), TeamFile, "team").members:
        people = [
            p
            if isinstance(p, str)
            else {
                "name": p.name,
                "competencies": [
                    {
                        "competency": _competency(app, c.competency) if c.competency else None,
                        "text": c.text,
                        "level": c.level,
                    }
                    for c in p.competencies
                ],
            }
            for p in m.people
        ]
        members.append({"role": _role(app, m.role), "count": m.count, "people": people})
    result = run(app.graph(), app.matcher(), members, doc)
    rows = [
        {
            **r,
            "need": r["need"]["label"],
            "level": r["need"]["level"],
            "by": [f"{b['role']} x{b['count']}" for b in r["covered_by"]],
        }
        for r in result["coverage"]
    ]
    upskill = [
        {
            "need": u["need"],
            "shortfall": u["shortfall"],
            "training": (u["training"] or {}).get("title") or u["advice"],
            "months": (u["training"] or {}).get("months"),
            "who": [f"{t['people']} x {t['role']}" for t in u["train"]],
        }
        for u in result["upskilling"]
    ]
    fields = [
        ("Needs", result["needs"]["title"]),
        ("Headcount", result["headcount"]),
        ("Gaps", len(result["gaps"])),
        ("Single points of failure", len(result["single_points_of_failure"])),
        ("Duplication", [d["need"] for d in result["duplication"]]),
    ]
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
        ),
        Table(
            [
                ("need", "need"),
                ("shortfall", "short by"),
                ("training", "training"),
                ("months", "months"),
                ("who", "who"),
            ],
            upskill,
            "Cheapest upskilling",
        ),
    ]
    emit(View(result, "Team assessment", fields, tables), fmt)
