"""`pathways routes`: progression routes for a person, as tables, JSON, an adviser's page or a diagram."""

from __future__ import annotations

from pathlib import Path

import click

from cli.app import App, check_sector, emit, top_option
from cli.output import FORMATS, Table, View, check_plot_path, markdown_escape, plot_format
from frameworks.levels import AFC_BANDS
from pathways.demand import percent, shortage_rule
from pathways.results import as_json

SHEETS = ("html", "docx")  # the adviser's sheet: routes only, written to a file


@click.command()
@click.argument("start", required=False, metavar="FROM")
@click.option("--to", "target", help="A destination role; routes end there.")
@click.option("--max-band", type=click.Choice(AFC_BANDS, case_sensitive=False), help="Highest band a route may use.")
@click.option("--max-level", type=click.IntRange(1, 9), help="Highest Career Framework level a route may use.")
@click.option(
    "--sector",
    default="any",
    show_default=True,
    help="Sector the destinations must be in (health, social_care, public_health or one your library declares);"
    " steps on the way may cross sectors, and are labelled.",
)
@top_option
@click.option(
    "--max-steps",
    type=click.IntRange(1, 5),
    default=None,
    help="Most moves in one route (1-5; default 3, or 5 with --to, so a whole ladder fits).",
)
@click.option(
    "--have",
    "passport",
    type=click.Path(dir_okay=False),
    help="A skills passport (YAML or CSV): what the person can already do and holds.",
)
@click.option(
    "--from-education",
    "education",
    multiple=True,
    metavar="QUALIFICATION",
    help="Start from school or college: GCSE, A level, T Level in Health, Access to HE... (repeatable).",
)
@click.option(
    "--into", metavar="ROLE", help="How do I become ROLE? Every recognised way in: from education and from other roles."
)
@click.option("--explain", is_flag=True, help="Show what carries over and the gap at every step.")
@click.option(
    "--area",
    help="An area of the supply data (kent, england, ...): each destination's vacancy and turnover there.",
)
@click.option(
    "--prefer",
    type=click.Choice(["shortage"]),
    help="shortage: within each kind of route, routes into hard-to-fill roles (vacancy 10% or more) first"
    " (in --area, else England).",
)
@click.option("--allow-step-down", is_flag=True, help="Allow moves to a lower level.")
@click.option(
    "--plot", type=click.Path(dir_okay=False), callback=check_plot_path, help="Draw the routes (.png, .svg or .pdf)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice([*FORMATS, *SHEETS]),
    default=None,
    help="Output format (default: table on a terminal, json otherwise); html and docx: a printable sheet (need -o).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File to write (needed for html and docx).")
@click.option("--name", help="The person the sheet is for (html, docx), when the start names nobody.")
@click.option("--mermaid", is_flag=True, help="Add the Mermaid source of the diagram to --format md.")
@click.pass_obj
def routes(
    app: App,
    start: str | None,
    target: str | None,
    max_band: str | None,
    max_level: int | None,
    sector: str,
    top: int,
    max_steps: int | None,
    passport: str | None,
    education: tuple[str, ...],
    into: str | None,
    explain: bool,
    area: str | None,
    prefer: str | None,
    allow_step_down: bool,
    plot: str | None,
    fmt: str | None,
    output: str | None,
    name: str | None,
    mermaid: bool,
) -> None:
    """Progression routes from a role (FROM) or a skills passport (--have), up to Band 4 by default.

    Each step says what carries over, the gap, the training that closes it (apprenticeships named as
    such) and an estimated time; moves are known links (with their source) or inferred from overlap."""
    _check_formats(fmt, output, name, mermaid)
    if into:
        given = {"--max-band": max_band, "--max-level": max_level, "--sector": sector != "any"}
        given |= {"--max-steps": max_steps, "--explain": explain, "--allow-step-down": allow_step_down, "--plot": plot}
        given |= {"--area": area, "--prefer": prefer}
        _check_into(bool(start or passport or education or target), given, fmt)
        return _routes_into(app, into, fmt, output, top)
    if sum(bool(x) for x in (start, passport, education)) != 1:
        raise click.UsageError("give one start: a role (FROM), a skills passport (--have FILE) or --from-education")
    if max_band and max_level:
        raise click.UsageError("give --max-band or --max-level, not both")
    check_sector(app, sector, "--sector", also=("any",))
    held = _passport(passport)
    options = {"max_band": max_band, "max_level": max_level, "sector": sector, "max_steps": max_steps, "top": top}
    options |= {"allow_step_down": allow_step_down, "area": area, "prefer": prefer}
    try:
        answer = app.session.routes(start, to=target, passport=held, education=education, **options)
    finally:
        app.say_notices()  # a near miss taken, a rebuilt cache: said even when the request is refused
    payload, to_title = as_json(answer, rounded=True), _title(app, answer.to)
    if plot:
        _write_plot(payload, plot)
    if not payload["routes"]:
        click.echo(f"note: {_none_found(payload, to_title)}", err=True)
    if fmt in SHEETS:
        return _write_sheet(app.session.graph, payload, fmt, output, name or (held.name if held else None))
    emit(_view(payload, explain, to_title, mermaid), fmt, output)


def _passport(path: str | None):
    """The skills passport file, read here so that the sheet can name its person (PassportFile, or None)."""
    if not path:
        return None
    from frameworks.passport import load_passport

    return load_passport(Path(path))


def _check_formats(fmt: str | None, output: str | None, name: str | None, mermaid: bool) -> None:
    """Options that only make sense together, refused before any work."""
    if fmt in SHEETS and not output:
        raise click.UsageError(f"--format {fmt} needs -o FILE.{fmt}")
    if name is not None and fmt not in SHEETS:
        raise click.UsageError("--name is for the sheet: --format html or docx")
    if mermaid and fmt != "md":
        raise click.UsageError("--mermaid adds the diagram's source to --format md")
    if output:
        from graph.store import output_target

        output_target(output)


def _check_into(has_start: bool, given: dict[str, object], fmt: str | None) -> None:
    """`--into` answers on its own: no start, no limits, no plot, no sheet."""
    if has_start:
        raise click.UsageError("--into answers on its own: leave out FROM, --have, --from-education and --to")
    ignored = [option for option, value in given.items() if value]
    if ignored:
        raise click.UsageError(f"--into does not take {', '.join(ignored)}: it lists every way into the role")
    if fmt in SHEETS:
        raise click.UsageError(f"--format {fmt} is for routes from a start, not --into")


def _write_plot(payload: dict, plot: str) -> None:
    from cli.plots import routes_figure
    from graph.store import write_output

    write_output(Path(plot), routes_figure(payload, plot_format(plot)))
    click.echo(f"wrote {plot}", err=True)


def _write_sheet(graph, payload: dict, fmt: str, output: str, person: str | None) -> None:
    """The adviser's sheet (cli/routes_sheet.py), written through the one safe writer."""
    from cli.routes_sheet import render_docx, render_html, sheet_data
    from graph.store import write_output

    sheet = sheet_data(graph, payload, person)
    if fmt == "html":
        data = render_html(sheet).encode("utf-8")
    else:
        from cli.plots import routes_figure

        data = render_docx(sheet, routes_figure(payload, "png") if payload["routes"] else None)
    write_output(Path(output), data)
    click.echo(f"wrote {output}", err=True)


def _title(app: App, role: str | None) -> str | None:
    return None if role is None else app.session.find("Role", role).label


def _none_found(payload: dict, to_title: str | None) -> str:
    """Why nothing came back, naming the limits that applied."""
    limits = payload["constraints"]
    where = f" to {to_title}" if payload["to"] else ""
    if limits["sector"] != "any" and not payload["to"]:
        where += f" ending in {limits['sector']}"
    return (
        f"no route{where} within {plural(limits['max_steps'], 'step')} up to level {limits['max_level']};"
        " try --max-steps, --max-level or --allow-step-down"
    )


def plural(count: float, word: str, many: str | None = None) -> str:
    """A count with its noun: '1 month', '2 months', '1.5 months', '1 item'. Every count in routes text
    goes through here."""
    return f"{count:g} {word if count == 1 else (many or word + 's')}"


def _sector(name: str) -> str:
    return name.replace("_", " ")


def _levels(held: int, needed: int) -> str:
    """A gap's levels: '2->3', or 'not held->3' when nothing is held yet."""
    return f"{held}->{needed}" if held else f"not held->{needed}"


def _level_words(held: int, needed: int) -> str:
    return f"level {held} to {needed}" if held else f"not held yet, needed at level {needed}"


def _step_text(step: dict) -> str:
    training = ", ".join(
        t["title"] + (" (apprenticeship)" if t["apprenticeship"] and "apprenticeship" not in t["title"].lower() else "")
        for t in step["training"]
    )
    label = "known" if step["kind"] == "known" else "inferred"
    change = step["sector_change"]
    cross = f", {_sector(change[0])} -> {_sector(change[1])}" if change else ""
    cross += "".join(f", skips {rung['title']}" for rung in step.get("skips", []))
    return f"{step['to_title']} [{label}{cross}; {plural(step['months'], 'month')}" + (
        f"; {training}]" if training else "]"
    )


def _routes_into(app: App, role: str, fmt: str | None, output: str | None = None, top: int = 10) -> None:
    """`routes --into ROLE`: the ways in, as a table of programmes from education and one of routes."""
    try:
        answer = as_json(app.session.routes_into(role, top=top), rounded=True)
    finally:
        app.say_notices()
    education = [
        {
            "programme": e["title"],
            "months": e["months"],
            "apprenticeship": e["apprenticeship"],
            "needs first": [
                ("one of: " if len(alt) > 1 else "") + " / ".join(q["title"] for q in alt) for alt in e["needs_first"]
            ],
        }
        for e in answer["from_education"]
    ]
    rows = [
        {
            "from": r["steps"][0]["from"],
            "kind of route": r["tier"],
            "training months": r["total_months"],
            "steps": " -> ".join(_step_text(s) for s in r["steps"]),
        }
        for r in answer["routes"]
    ]
    tables = [
        Table([(k, k) for k in ("programme", "months", "apprenticeship", "needs first")], education, "From education"),
        Table([(k, k) for k in ("from", "kind of route", "training months", "steps")], rows, "From other roles"),
    ]
    emit(View(answer, f"Ways into: {answer['into']['title']}", tables=tables), fmt, output)


def _view(payload: dict, explain: bool, to_title: str | None = None, mermaid: bool = False) -> View:
    rows, step_rows = [], []
    for n, route in enumerate(payload["routes"], start=1):
        dest = route["destination"]
        rows.append(
            {
                "n": n,
                "destination": dest["title"],
                "band": dest["band"],
                "level": dest["level"],
                "tier": route["tier"],
                "months": route["total_months"],
                "gap": route["total_gap"],
                "cross": "yes" if route["cross_sector"] else "",
                "route": " -> ".join(_step_text(s) for s in route["steps"]),
                **_demand_cells(route.get("demand")),
            }
        )
        for i, step in enumerate(route["steps"], start=1):
            step_rows.append(
                {
                    "route": n,
                    "step": i,
                    "from": step["from"],
                    "to": step["to"],
                    "kind": step["kind"],
                    "months": step["months"],
                    "experience": step["experience_months"] or "",
                    "coverage": step["coverage"],
                    "training": [t["title"] for t in step["training"]],
                    "gap": [f"{g['label']} ({_levels(g['level_held'], g['level_needed'])})" for g in step["gap"]],
                    "carries_over": [c["need"] for c in step["carries_over"]],
                    "on_the_job": step["on_the_job"],
                    "source": [s["title"] for s in step["source"]],
                }
            )
    origin = payload["from"]
    limits = payload["constraints"]
    sector = "any sector" if limits["sector"] == "any" else _sector(limits["sector"])
    fields = [
        ("From", f"{origin['title']} (level {origin['level']})"),
        *([("Taken to hold", [q["title"] for q in origin["holds"]])] if origin.get("holds") else []),
        (
            "Limits",
            f"Up to level {limits['max_level']}, at most {plural(limits['max_steps'], 'step')},"
            f" destinations in {sector}" + ("" if limits["allow_step_down"] else ", never a step down"),
        ),
    ]
    if payload["to"]:
        fields.append(("To", f"{to_title} ({payload['to']})" if to_title else payload["to"]))
    for r in origin["resolutions"]:
        fields.append(("Your words", f"'{r['text']}' -> {r['label'] or 'no close competency'}"))
    columns = [
        ("n", "#"),
        ("destination", "destination"),
        ("band", "band"),
        ("level", "level"),
        ("tier", "kind of route"),
        ("months", "training months"),
        ("gap", "gap"),
        ("cross", "cross-sector"),
        ("route", "steps"),
    ]
    if payload.get("area"):
        columns[-1:-1] = [("vacancy", "vacancy"), ("turnover", "turnover")]
    tables = [Table(columns, rows, "Routes")]
    step_columns = [
        ("route", "route"),
        ("step", "step"),
        ("to", "to"),
        ("kind", "kind"),
        ("months", "months"),
        *([("experience", "experience first")] if any(row["experience"] for row in step_rows) else []),
        ("coverage", "covers"),
        ("training", "training"),
    ]
    if explain:
        step_columns += [("gap", "gap (held->needed)"), ("carries_over", "carries over"), ("source", "source")]
    tables.append(Table(step_columns, step_rows, "Steps"))
    notes = [
        "Months: the training each step lists, one after another; the experience in the previous role a step"
        " asks for first is given apart. 'Covers' is how much of the new role's requirements the previous one"
        " already meets.",
        f"Ranking: {payload['ranking']}",
        *_demand_notes(payload),
    ]
    return View(payload, "Progression routes", fields, tables, notes, markdown=_markdown(payload, to_title, mermaid))


def _demand_cells(demand: dict | None) -> dict[str, str]:
    """A route's vacancy and turnover cells: '16% (Kent, 2021/22)', or 'not known'."""
    if demand is None:
        return {}
    return {
        key: f"{percent(f['value'])} ({f['area_name']}, {f['as_of']})" if f else "not known"
        for key, f in (("vacancy", demand["vacancy_rate"]), ("turnover", demand["turnover_rate"]))
    }


def _demand_notes(payload: dict) -> list[str]:
    """Where each route's demand figures come from, and why a route into a shortage role ranks first."""
    notes = []
    for n, route in enumerate(payload["routes"], start=1):
        demand = route.get("demand")
        if demand:
            figures = (("vacancy", demand["vacancy_rate"]), ("turnover", demand["turnover_rate"]))
            sources = "; ".join(f"{label}: {f['source']}" for label, f in figures if f)
            notes.append(
                f"{n}. {route['destination']['title']}: "
                + " ".join(demand["reasons"])
                + (f" Sources: {sources}." if sources else "")
            )
    return notes


def _md(text: object) -> str:
    """Library text (titles, notes, a passport's words) made inert in Markdown (cli.output.markdown_escape)."""
    return markdown_escape(str(text))


def _mermaid_label(text: object) -> str:
    """A title as a safe Mermaid node label: one line, and quotes, brackets, HTML and statement breaks
    as Mermaid entity codes, so a title can never end its label or start a line of its own (a `click`)."""
    out = []
    for ch in " ".join(str(text).split()):
        if ch.isalnum() or ch in " ,.:-'()/+":
            out.append(ch)
        else:
            out.append(f"#{ord(ch)};")
    return "".join(out)


def _link(title: object, url: str | None) -> str:
    """A source as Markdown: the URL only when it is plain http(s), never a script or a Markdown trick."""
    if url and url.startswith(("https://", "http://")) and not any(c in url for c in ' <>()[]"\\`'):
        return f"{_md(title)} (<{url}>)"
    return _md(title)


def _markdown(payload: dict, to_title: str | None = None, mermaid: bool = True) -> str:
    """An adviser-ready page: each route step by step, with a Mermaid diagram when `mermaid` (the CLI
    adds it only with --mermaid). Everything taken from the library or a passport is escaped (_md,
    _mermaid_label): those files are not trusted."""
    from cli.routes_sheet import skips_sentence

    origin = payload["from"]
    limits = payload["constraints"]
    lines = [
        f"# Career routes from {_md(origin['title'])}",
        "",
        f"Starting level: {origin['level']}. Routes go up to level {limits['max_level']}"
        + (f", ending at {_md(to_title or payload['to'])}" if payload["to"] else "")
        + (f", ending in {_md(_sector(limits['sector']))}" if limits["sector"] != "any" else "")
        + ".",
        "",
    ]
    if origin.get("holds"):
        held = "; ".join(_md(q["title"]) for q in origin["holds"])
        lines += [f"Taken to hold already: {held}. Routes do not train these again.", ""]
    for r in origin["resolutions"]:
        lines.append(f'- Your words "{_md(r["text"])}" were matched to **{_md(r["label"] or "nothing close")}**.')
    if not payload["routes"]:
        lines += ["", f"No route was found within these limits (at most {plural(limits['max_steps'], 'step')}).", ""]
        return "\n".join(lines)
    if payload.get("prefer") == "shortage":
        lines += [_md(shortage_rule(payload["routes"][0]["demand"]["area_name"]).strip()), ""]
    if mermaid:
        lines += _mermaid(payload)
    elif origin["resolutions"]:
        lines.append("")
    for n, route in enumerate(payload["routes"], start=1):
        dest = route["destination"]
        band = f"Band {_md(dest['band'])}" if dest["band"] else f"Level {dest['level']}"
        waits = sum(step["experience_months"] for step in route["steps"])
        waiting = f" (and {plural(waits, 'month')} of experience asked for on the way)" if waits else ""
        lines += [f"## {n}. {_md(dest['title'])} ({band}): about {plural(route['total_months'], 'month')}{waiting}", ""]
        lines += _demand_lines(route.get("demand"))
        for i, step in enumerate(route["steps"], start=1):
            change = step["sector_change"]
            cross = f" Cross-sector move: {_md(_sector(change[0]))} to {_md(_sector(change[1]))}." if change else ""
            cross += skips_sentence(step, _md)
            wait = step["experience_months"]
            first = f", after {plural(wait, 'month')} in the role before it" if wait else ""
            lines.append(
                f"{i}. **{_md(step['to_title'])}** ({step['kind']} move, about {plural(step['months'], 'month')}"
                f"{first}; you already cover {step['coverage']:.0%} of what it needs).{cross}"
            )
            for t in step["training"]:
                kind = "apprenticeship" if t["apprenticeship"] else t["kind"].replace("_", " ")
                code = f", {_md(t['code'])}" if t["code"] else ""
                lines.append(f"   - Training: {_md(t['title'])} ({_md(kind)}{code}, {plural(t['months'], 'month')})")
            if step["gap"]:
                gap = "; ".join(
                    f"{_md(g['label'])} ({_level_words(g['level_held'], g['level_needed'])})" for g in step["gap"]
                )
                lines.append(f"   - To learn: {gap}")
            if step["on_the_job"]:
                count = plural(len(step["on_the_job"]), "item")
                lines.append(f"   - Learned on the job with supervision: {count}")
            for s in step["source"]:
                lines.append(f"   - Source: {_link(s['title'], s.get('url'))}")
        lines.append("")
    return "\n".join(lines)


def _demand_lines(demand: dict | None) -> list[str]:
    """A route's demand on the Markdown page: each figure with where, when and its source, then why."""
    if demand is None:
        return []
    lines = []
    for label, f in (("Vacancy", demand["vacancy_rate"]), ("Turnover", demand["turnover_rate"])):
        if f:
            where = f"{_md(f['subject'])}, {_md(f['area_name'])}, {_md(f['as_of'])}; source: {_md(f['source'])}"
            lines.append(f"- {label} in {_md(demand['area_name'])}: {percent(f['value'])} ({where})")
        else:
            lines.append(f"- {label} in {_md(demand['area_name'])}: not known")
    return [*lines, *(f"- {_md(reason)}" for reason in demand["reasons"]), ""]


def _mermaid(payload: dict) -> list[str]:
    """The Markdown page's diagram as Mermaid source lines (--mermaid), every label made safe."""
    origin = payload["from"]
    lines = ["", "```mermaid", "flowchart LR"]
    names: dict[str, str] = {}

    def node(key: str, title: str) -> str:
        if key not in names:
            names[key] = f"n{len(names)}"
            lines.append(f'  {names[key]}["{_mermaid_label(title)}"]')
        return names[key]

    node(origin["key"], origin["title"])
    edges = set()
    for route in payload["routes"]:
        previous = origin["key"]
        for step in route["steps"]:
            a, b = node(previous, previous), node(step["to"], step["to_title"])
            if (a, b) not in edges:
                edges.add((a, b))
                arrow = "-->" if step["kind"] == "known" else "-.->"
                lines.append(f'  {a} {arrow}|"{step["months"]:g} mo"| {b}')
            previous = step["to"]
    lines += ["```", "", "Solid arrows are known routes; dotted arrows are inferred from shared skills.", ""]
    return lines
