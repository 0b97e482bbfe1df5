"""`pathways qualifications list|show`: find the qualification ids that passports and files name."""

from __future__ import annotations

import click

from cli.app import App, emit, format_option
from cli.library_commands import qualification_text
from cli.output import Table, View
from pathways.results import as_json

QUALIFICATION_COLUMNS = [
    ("id", "id"),
    ("title", "title"),
    ("kind", "kind"),
    ("code", "code"),
    ("rqf_level", "RQF level"),
    ("months", "months"),
]


@click.group("qualifications")
def qualifications_group() -> None:
    """Qualifications, apprenticeships, courses and entry points in the library."""


@qualifications_group.command("list")
@click.option("--kind", metavar="KIND", help="Only this kind (e.g. apprenticeship, degree, short_course).")
@click.option("--level", type=click.IntRange(1, 8), help="Only this RQF level (1-8).")
@format_option
@click.pass_obj
def qualifications_list(app: App, kind: str | None, level: int | None, fmt: str | None) -> None:
    """List qualifications, lowest RQF level first, optionally of one KIND or level."""
    from pathways.errors import QuestionError

    try:
        rows = as_json(app.session.qualifications(kind=kind, level=level), rounded=True)
    except QuestionError as err:
        raise click.BadParameter(str(err), param_hint="--kind") from None
    emit(View(rows, tables=[Table(QUALIFICATION_COLUMNS, rows)]), fmt)


@qualifications_group.command("show")
@click.argument("qualification")
@format_option
@click.pass_obj
def qualifications_show(app: App, qualification: str, fmt: str | None) -> None:
    """Show one QUALIFICATION (id, title or code) in full: prerequisites, what it develops, who asks for it."""
    record = as_json(app.session.qualification(qualification), rounded=True)
    app.say_notices()
    fields = [
        ("Id", record["id"]),
        ("Kind", record["kind"]),
        ("Code", record["code"] or "none"),
        ("RQF level", record["rqf_level"] or "none (not a regulated qualification)"),
        ("Typical duration", f"{record['months']:g} month" + ("" if record["months"] == 1 else "s")),
        ("Prerequisites", [qualification_text(p) for p in record["prerequisites"]] or "none"),
        *([("Counts as", [q["title"] for q in record["counts_as"]])] if record["counts_as"] else []),
        ("Required by", [r["title"] for r in record["required_by"]] or "none"),
        ("Desirable for", [r["title"] for r in record["desirable_for"]] or "none"),
        *([("Note", record["note"])] if record["note"] else []),
        ("Sources", [s["title"] for s in record["source"]]),
    ]
    if record["experience_months"]:
        fields.insert(5, ("Experience first", f"{record['experience_months']:g} months"))
    tables = [
        Table([("competency", "competency"), ("label", "label"), ("level", "level")], record["develops"], "Develops")
    ]
    emit(View(record, record["title"], fields, tables), fmt)
