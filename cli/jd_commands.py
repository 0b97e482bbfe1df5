"""`pathways jd`: draft a job description for a role, or for a new role blended from several."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from cli.app import App, resolve
from frameworks.levels import AFC_BANDS, level_for_band


def _progression(graph, matcher, role: str) -> list[dict]:
    """Where the postholder can go next: the role's known progressions (sourced), then the routes
    engine's best further destinations, up to two levels up."""
    from graph.queries import role_record
    from pathways.routes import RoutePlanner, start_from_role

    known = [
        {
            "role": p["role"],
            "title": p["title"],
            "months": p["months"],
            "via": [graph.nodes[f"qualification:{q}"]["title"] for q in p["via"]],
            "known": True,
        }
        for p in role_record(graph, f"role:{role}")["progresses_to"]
    ]
    start = start_from_role(graph, role)
    found = RoutePlanner(graph, matcher).routes(start, cap=min(9, start.level + 2), max_steps=2, top=8)
    listed = {p["role"] for p in known}
    further = [
        {
            "role": r.roles[-1],
            "title": r.steps[-1]["to_title"],
            "months": round(r.months, 1),
            "via": [t["title"] for s in r.steps for t in s["training"] if t["kind"] != "short_course"],
            "known": False,
        }
        for r in found
        if r.roles[-1] not in listed
    ]
    return known + further[:3]


@click.command("jd")
@click.argument("roles", nargs=-1, required=True, metavar="ROLE [ROLE...]")
@click.option("--blend", is_flag=True, help="Blend the ROLEs into one new role (needs --title).")
@click.option("--title", help="Title of the blended role.")
@click.option("--band", type=click.Choice(AFC_BANDS, case_sensitive=False), help="Band for the blended role.")
@click.option("--level", type=click.IntRange(1, 9), help="Career Framework level for the blended role.")
@click.option("--format", "fmt", type=click.Choice(["md", "docx", "json", "txt"]), default="md", show_default=True)
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
    from cli.jd_render import TemplateProblem, render_docx, render_template
    from graph.store import atomic_write_bytes
    from pathways.jd import blend as blend_roles
    from pathways.jd import job_description

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
    graph = app.graph()
    ids = [graph.nodes[resolve(app, "Role", r)]["id"] for r in roles]
    if blend:
        chosen_level = level or (level_for_band(band) if band else None)
        document = blend_roles(graph, app.matcher(), ids, title, band, chosen_level)
        for conflict in document["blend"]["conflicts"]:
            click.echo(f"note: check: {conflict}", err=True)
    else:
        document = job_description(graph, ids[0], _progression(graph, app.matcher(), ids[0]))
    if fmt == "json":
        data = (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    elif fmt == "docx":
        data = render_docx(document)
    else:
        try:
            data = render_template(document, fmt, Path(template) if template else None).encode("utf-8")
        except TemplateProblem as err:
            click.echo(f"error: {err}", err=True)
            raise click.exceptions.Exit(2) from None
    if output:
        atomic_write_bytes(Path(output), data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(data) if hasattr(sys.stdout, "buffer") else click.echo(data.decode(), nl=False)
