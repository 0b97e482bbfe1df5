"""`pathways jd`: draft a job description for a role, or for a new role blended from several."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.app import App
from frameworks.levels import AFC_BANDS
from pathways.results import as_json

if TYPE_CHECKING:
    from pathways.jd import JobDescription


@click.command("jd")
@click.argument("roles", nargs=-1, required=True, metavar="ROLE [ROLE...]")
@click.option("--blend", is_flag=True, help="Blend the ROLEs into one new role (needs --title).")
@click.option("--title", help="Title of the blended role.")
@click.option("--band", type=click.Choice(AFC_BANDS, case_sensitive=False), help="Band for the blended role.")
@click.option("--level", type=click.IntRange(1, 9), help="Career Framework level for the blended role.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "docx", "json", "txt"]),
    default="md",
    show_default=True,
    help="Markdown, Word (needs -o), JSON, or plain text.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (needed for docx).")
@click.option("--template", type=click.Path(dir_okay=False), help="Your own Jinja2 template (md or txt).")
@click.pass_obj
def jd(
    app: App,
    roles: tuple[str, ...],
    blend: bool,
    title: str | None,
    band: str | None,
    level: int | None,
    fmt: str,
    output: str | None,
    template: str | None,
) -> None:
    """Draft a job description for ROLE, or with --blend one role from several ROLEs."""
    from cli.jd_render import TemplateProblem
    from graph.store import write_output

    if blend and (len(roles) < 2 or not title):
        raise click.UsageError("--blend needs two or more roles and a --title")
    if not blend and len(roles) != 1:
        raise click.UsageError("give one ROLE, or --blend with several")
    if (band or level) and not blend:
        raise click.UsageError("--band and --level are for blended roles")
    if fmt == "docx" and not output:
        raise click.UsageError("--format docx needs -o FILE.docx")
    if template and fmt not in ("md", "txt"):
        raise click.UsageError("--template applies to md and txt output")
    result = app.session.job_description(roles[0], blend_with=roles[1:], title=title, band=band, level=level)
    app.say_notices()
    _say_conflicts(result)
    document = as_json(result, rounded=True)
    try:
        data = _rendered(document, fmt, template)
    except TemplateProblem as err:
        click.echo(f"error: {err}", err=True)
        raise click.exceptions.Exit(2) from None
    if output:
        write_output(Path(output), data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else click.echo(data.decode(), nl=False)


def _say_conflicts(result: JobDescription) -> None:
    """A blend's conflicts on stderr: those with what the user asked for as warnings, the rest to check."""
    if result.blend is None:
        return
    asked = result.blend.asked.conflicts
    for conflict in result.blend.conflicts:
        click.echo(f"warning: {conflict}" if conflict in asked else f"note: check: {conflict}", err=True)


def _rendered(document: dict, fmt: str, template: str | None) -> bytes:
    """The job description's JSON form as the bytes of `fmt` (md and txt through a Jinja2 template)."""
    from cli.jd_render import render_docx, render_template

    if fmt == "json":
        return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    if fmt == "docx":
        return render_docx(document)
    return render_template(document, fmt, Path(template) if template else None).encode("utf-8")
