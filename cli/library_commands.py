"""Commands about the library itself: validate, schema, frameworks and roles."""

from __future__ import annotations

import json

import click

from cli.app import App, check_sector, emit, format_option, top_option
from cli.output import Table, View, default_format
from frameworks.levels import AFC_BANDS
from frameworks.sources import FILE_KINDS
from pathways.results import RESULT_KINDS, as_json

ROLE_COLUMNS = [
    ("id", "id"),
    ("title", "title"),
    ("sector", "sector"),
    ("band", "band"),
    ("level", "level"),
    ("requirements", "requirements"),
]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@format_option
@click.pass_obj
def validate(app: App, paths: tuple[str, ...], fmt: str | None) -> None:
    """Check the library (plus any PATHs given) and report every problem, one per line.

    Exits 0 when valid, 2 when not. Nothing is written.
    """
    report = app.session.validate(paths)
    payload = as_json(report)
    if not report.valid:
        for problem in report.problems:
            click.echo(f"error: {_problem_line(problem)}", err=True)
        if default_format(fmt) == "json":
            click.echo(json.dumps(payload, indent=2))
        raise click.exceptions.Exit(2)
    counts = ("files", "frameworks", "competencies", "roles", "qualifications", "progressions", "supply_figures")
    fields = [(k.replace("_", " ").capitalize(), payload[k]) for k in counts]
    emit(View(payload, "Library is valid", fields, notes=report.notices + report.warnings), fmt)


def _problem_line(problem) -> str:
    """A problem as the loader words it (file:line: key: message (expected ...))."""
    from frameworks.errors import Problem

    return str(Problem(problem.file, problem.message, line=problem.line, key=problem.key, expected=problem.expected))


@click.command()
@click.argument("kind", type=click.Choice([*FILE_KINDS, *(f"result-{k}" for k in RESULT_KINDS)]))
def schema(kind: str) -> None:
    """Print the JSON Schema of a library file KIND (role-csv: one CSV row), or of a command's JSON
    answer (result-routes, result-overlap, ...), generated from the types the library returns."""
    if kind.startswith("result-"):
        from pathways.results import result_schema

        document = result_schema(kind.removeprefix("result-"))
    else:
        from frameworks.models import SCHEMA_KINDS

        document = SCHEMA_KINDS[kind].model_json_schema(by_alias=True)
        document = {"$schema": "https://json-schema.org/draft/2020-12/schema", **document}
    click.echo(json.dumps(document, indent=2))


@click.group("frameworks")
def frameworks_group() -> None:
    """Competency frameworks: list them, or show one as areas > functions > competencies."""


@frameworks_group.command("list")
@format_option
@click.pass_obj
def frameworks_list(app: App, fmt: str | None) -> None:
    """List the frameworks and their size."""
    rows = as_json(app.session.frameworks(), rounded=True)
    columns = [(k, k) for k in ("id", "name", "version", "levels", "areas", "functions", "competencies")]
    emit(View(rows, tables=[Table(columns, rows)]), fmt)


@frameworks_group.command("show")
@click.argument("framework")
@format_option
@click.pass_obj
def frameworks_show(app: App, framework: str, fmt: str | None) -> None:
    """Show a FRAMEWORK (id or name) with its levels and competencies."""
    record = as_json(app.session.framework(framework), rounded=True)
    app.say_notices()
    rows = [
        {"area": a["name"], "function": f["name"], **c}
        for a in record["areas"]
        for f in a["functions"]
        for c in f["competencies"]
    ]
    levels = [{"level": k, "descriptor": v} for k, v in record["levels"].items()]
    view = View(
        record,
        record["name"],
        [("Id", record["id"]), ("Version", record["version"]), ("Sources", [s["title"] for s in record["source"]])],
        [
            Table(
                [
                    ("area", "area"),
                    ("function", "function"),
                    ("id", "competency"),
                    ("label", "label"),
                    ("statement", "statement"),
                ],
                rows,
                "Competencies",
            ),
            Table([("level", "level"), ("descriptor", "descriptor")], levels, "Levels"),
        ],
    )
    emit(view, fmt)


@click.group("roles")
def roles_group() -> None:
    """Role profiles: list, show and search them."""


@roles_group.command("list")
@click.option("--sector", help="health, social_care, public_health or a sector your library declares.")
@click.option(
    "--band",
    type=click.Choice(AFC_BANDS, case_sensitive=False),
    help="Agenda for Change band; also finds unbanded roles at the matching Career Framework level.",
)
@click.option("--level", type=click.IntRange(1, 9), help="Career Framework level 1-9.")
@format_option
@click.pass_obj
def roles_list(app: App, sector: str | None, band: str | None, level: int | None, fmt: str | None) -> None:
    """List roles, filtered by sector, band and level."""
    from pathways.errors import QuestionError

    check_sector(app, sector)
    try:
        rows = as_json(app.session.roles(sector=sector, band=band, level=level), rounded=True)
    except QuestionError as err:
        raise click.UsageError(str(err)) from None
    emit(View(rows, tables=[Table(ROLE_COLUMNS, rows)]), fmt)


@roles_group.command("show")
@click.argument("role")
@click.option("--area", help="An area of the supply data (kent, england, ...): the role's workforce figures there.")
@format_option
@click.pass_obj
def roles_show(app: App, role: str, area: str | None, fmt: str | None) -> None:
    """Show one ROLE (id, title or alias; near misses are matched) in full; with --area, its vacancy,
    turnover and other workforce figures there, each with where, when and its source."""
    record = as_json(app.session.role(role, area=area), rounded=True)
    app.say_notices()
    fields = _role_fields(record)
    tables = [
        Table(
            [
                ("competency", "competency"),
                ("label", "label"),
                ("level", "level"),
                ("essential", "essential"),
                ("inherited_from", "from role below"),
            ],
            record["requirements"],
            "Requirements",
        )
    ]
    if record["progresses_to"]:
        tables.append(
            Table(
                [("role", "role"), ("title", "title"), ("via", "via"), ("months", "training months")],
                record["progresses_to"],
                "Known progressions",
            )
        )
    notes = []
    if record["supply"] is not None:  # asked for with --area: the figures first (and alone in CSV)
        tables = ([_supply_table(record["supply"], record["title"])] if record["supply"] else []) + tables
        notes = [_supply_note(area, bool(record["supply"]))]
    emit(View(record, record["title"], fields, tables, notes), fmt)


def _supply_note(area: str | None, found: bool) -> str:
    if not found:
        return f"Workforce supply: no figures for this role in '{area}' or any area it lies within."
    return (
        f"Workforce supply for '{area}': each figure is for that area or the nearest larger one that has it, for"
        " the role itself or else the smallest staff group holding it, and the newest of those."
    )


def _supply_table(figures: list[dict], title: str) -> Table:
    """The role's workforce supply figures (`roles show --area`): each measure with where, when and source.
    A count of people or a mean pay for a whole staff group says so, so it is never read as the role's own."""
    from pathways.demand import measure_label, value_text

    rows = [
        {
            **f,
            "measure": measure_label(f["measure"], f["subject"], title),
            "value": value_text(f["measure"], f["value"]),
        }
        for f in figures
    ]
    columns = [("measure", "measure"), ("value", "value"), ("area_name", "area"), ("subject", "for")]
    return Table([*columns, ("as_of", "as of"), ("source", "source")], rows, "Workforce supply")


def _role_fields(record: dict) -> list[tuple[str, object]]:
    quals = record["qualifications"]
    return [
        ("Id", record["id"]),
        ("Sector", record["sector"]),
        ("Career family", record["family"] or "not given"),
        ("Band", record["band"] or "none (not AfC)"),
        ("Career Framework level", record["level"]),
        ("Aliases", record["aliases"]),
        ("Settings", record["settings"]),
        ("Summary", record["summary"]),
        ("Pay", _pay_text(record["pay"])),
        ("Qualifications required", [qualification_text(q) for q in quals["required"]] or "none"),
        ("Qualifications desirable", [q["title"] for q in quals["desirable"]] or "none"),
        *([("Usually held in post", [q["title"] for q in quals["usually_held"]])] if quals["usually_held"] else []),
        *_entry_fields(record["entry"]),
        *([("Builds on", record["builds_on"])] if record["builds_on"] else []),
        *([("Top role", record["top"])] if record["top"] else []),
        ("Sources", [s["title"] for s in record["source"]]),
    ]


def qualification_text(item: dict) -> str:
    """A qualification item for people: its title, or 'one of: A / B' for alternatives."""
    if "any_of" in item:
        return "one of: " + " / ".join(q["title"] for q in item["any_of"])
    return item["title"]


def _entry_fields(entry: dict | None) -> list[tuple[str, object]]:
    if not entry:
        return []
    from frameworks.vocabulary import CHECKS

    checks = [CHECKS.get(c, c) for c in entry["checks"]]
    fields: list[tuple[str, object]] = [("Checks on appointment", checks or "none")]
    if entry.get("experience_months"):
        fields.append(("Experience asked for", f"{entry['experience_months']:g} months"))
    if entry.get("note"):
        fields.append(("Entry note", entry["note"]))
    return fields


def _pay_text(pay: dict | None) -> str:
    if not pay:
        return "not recorded"
    span = f"£{pay['min']:,.2f}" if pay["min"] == pay["max"] else f"£{pay['min']:,.2f}-£{pay['max']:,.2f}"
    span = span.replace(".00", "")
    return f"{span} a {pay['period']}" + (f" ({pay['basis']})" if pay.get("basis") else "")


@roles_group.command("search")
@click.argument("text")
@top_option
@format_option
@click.pass_obj
def roles_search(app: App, text: str, top: int, fmt: str | None) -> None:
    """Find roles whose title, aliases or summary match TEXT."""
    rows = as_json(app.session.search_roles(text, top=top), rounded=True)
    columns = [
        ("id", "id"),
        ("title", "title"),
        ("sector", "sector"),
        ("band", "band"),
        ("level", "level"),
        ("score", "score"),
        ("matched_text", "matched"),
    ]
    emit(View(rows, tables=[Table(columns, rows)]), fmt)
