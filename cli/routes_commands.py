"""`pathways routes`: progression routes for a person, as tables, JSON, an adviser's page or a diagram."""

from __future__ import annotations

from pathlib import Path

import click

from cli.app import App, emit, format_option, resolve, top_option
from cli.output import Table, View
from frameworks.levels import AFC_BANDS

SECTORS = ("any", "health", "social_care", "public_health")
DEFAULT_CAP = 4  # Bands 1-4 first


@click.command()
@click.argument("start", required=False, metavar="FROM")
@click.option("--to", "target", help="A destination role; routes end there.")
@click.option("--max-band", type=click.Choice(AFC_BANDS, case_sensitive=False), help="Highest band a route may use.")
@click.option("--max-level", type=click.IntRange(1, 9), help="Highest Career Framework level a route may use.")
@click.option(
    "--sector", type=click.Choice(SECTORS), default="any", show_default=True, help="Sector of the destinations."
)
@top_option
@click.option("--max-steps", type=click.IntRange(1, 5), default=3, show_default=True)
@click.option(
    "--have",
    "passport",
    type=click.Path(dir_okay=False),
    help="A skills passport (YAML or CSV): what the person can already do and holds.",
)
@click.option("--explain", is_flag=True, help="Show what carries over and the gap at every step.")
@click.option("--allow-step-down", is_flag=True, help="Allow moves to a lower level.")
@click.option("--plot", type=click.Path(dir_okay=False), help="Draw the routes (PNG or SVG).")
@format_option
@click.pass_obj
def routes(
    app: App,
    start: str | None,
    target: str | None,
    max_band: str | None,
    max_level: int | None,
    sector: str,
    top: int,
    max_steps: int,
    passport: str | None,
    explain: bool,
    allow_step_down: bool,
    plot: str | None,
    fmt: str | None,
) -> None:
    """Progression routes from a role (FROM) or a skills passport (--have), up to Band 4 by default.

    Each step says what carries over, the gap, the training that closes it (apprenticeships named as
    such) and an estimated time; moves are known links (with their source) or inferred from overlap."""
    from frameworks.levels import level_for_band
    from pathways.routes import RoutePlanner, route_record, start_from_passport, start_from_role

    if start is None and passport is None:
        raise click.UsageError("give a starting role (FROM) or a skills passport (--have FILE)")
    if max_band and max_level:
        raise click.UsageError("give --max-band or --max-level, not both")
    graph = app.graph()
    matcher = app.matcher()
    role = graph.nodes[resolve(app, "Role", start)]["id"] if start else None
    to = graph.nodes[resolve(app, "Role", target)]["id"] if target else None
    if passport:
        from frameworks.passport import load_passport

        held = load_passport(Path(passport))
        if role is None and held.role:
            role = graph.nodes[resolve(app, "Role", held.role)]["id"]
        _check_passport_ids(app, held)
        origin = start_from_passport(graph, matcher, held, role)
    else:
        origin = start_from_role(graph, role)
    explicit = max_level or (level_for_band(max_band) if max_band else None)
    cap = explicit or DEFAULT_CAP
    if to is not None:
        to_level = graph.nodes[f"role:{to}"]["level"]
        if explicit and to_level > explicit:
            raise click.UsageError(f"{to} is at level {to_level}, above the cap of {explicit}")
        cap = max(cap, to_level) if not explicit else cap
    planner = RoutePlanner(graph, matcher)
    found = planner.routes(origin, to, cap, None if sector == "any" else sector, max_steps, top, allow_step_down)
    payload = {
        "from": {
            "key": origin.key,
            "title": origin.title,
            "role": origin.role,
            "level": origin.level,
            "sector": origin.sector,
            "resolutions": origin.resolutions,
        },
        "to": to,
        "constraints": {"max_level": cap, "sector": sector, "max_steps": max_steps, "allow_step_down": allow_step_down},
        "matcher": matcher.description,
        "routes": [route_record(graph, r, origin) for r in found],
    }
    if plot:
        from cli.plots import routes_figure
        from graph.store import atomic_write_bytes

        fmt_plot = "svg" if plot.lower().endswith(".svg") else "png"
        atomic_write_bytes(Path(plot), routes_figure(payload, fmt_plot))
        click.echo(f"wrote {plot}", err=True)
    if not found:
        click.echo(
            "note: no route found within these limits; try --max-steps, --max-level or --allow-step-down", err=True
        )
    emit(_view(payload, explain), fmt)


def _check_passport_ids(app: App, held) -> None:
    graph = app.graph()
    for item in held.competencies:
        if item.competency:
            item.competency = graph.nodes[resolve(app, "Competency", item.competency)]["id"]
    held.qualifications = [graph.nodes[resolve(app, "Qualification", q)]["id"] for q in held.qualifications]


def _step_text(step: dict) -> str:
    training = ", ".join(
        t["title"] + (" (apprenticeship)" if t["apprenticeship"] and "apprenticeship" not in t["title"].lower() else "")
        for t in step["training"]
    )
    label = "known" if step["kind"] == "known" else "inferred"
    cross = f", {step['sector_change'][0]} -> {step['sector_change'][1]}" if step["sector_change"] else ""
    return f"{step['to_title']} [{label}{cross}; {step['months']:g} mo" + (f"; {training}]" if training else "]")


def _view(payload: dict, explain: bool) -> View:
    rows, step_rows = [], []
    for n, route in enumerate(payload["routes"], start=1):
        dest = route["destination"]
        rows.append(
            {
                "n": n,
                "destination": dest["title"],
                "band": dest["band"],
                "level": dest["level"],
                "months": route["total_months"],
                "gap": route["total_gap"],
                "cross": "yes" if route["cross_sector"] else "",
                "route": " -> ".join(_step_text(s) for s in route["steps"]),
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
                    "coverage": step["coverage"],
                    "training": [t["title"] for t in step["training"]],
                    "gap": [f"{g['label']} ({g['level_held']}->{g['level_needed']})" for g in step["gap"]],
                    "carries_over": [c["need"] for c in step["carries_over"]],
                    "on_the_job": step["on_the_job"],
                    "source": [s["title"] for s in step["source"]],
                }
            )
    origin = payload["from"]
    fields = [
        ("From", f"{origin['title']} (level {origin['level']})"),
        (
            "Limits",
            f"up to level {payload['constraints']['max_level']}, {payload['constraints']['max_steps']}"
            f" steps, destinations in {payload['constraints']['sector']} sector(s)",
        ),
    ]
    if payload["to"]:
        fields.append(("To", payload["to"]))
    for r in origin["resolutions"]:
        fields.append(("Your words", f"'{r['text']}' -> {r['label'] or 'no close competency'}"))
    columns = [
        ("n", "#"),
        ("destination", "destination"),
        ("band", "band"),
        ("level", "level"),
        ("months", "months"),
        ("gap", "gap"),
        ("cross", "cross-sector"),
        ("route", "steps"),
    ]
    tables = [Table(columns, rows, "Routes")]
    step_columns = [
        ("route", "route"),
        ("step", "step"),
        ("to", "to"),
        ("kind", "kind"),
        ("months", "months"),
        ("coverage", "covers"),
        ("training", "training"),
    ]
    if explain:
        step_columns += [("gap", "gap (held->needed)"), ("carries_over", "carries over"), ("source", "source")]
    tables.append(Table(step_columns, step_rows, "Steps"))
    notes = [
        "months: a known link's typical time where the library gives one, else the chosen training;"
        " 'covers' is how much of the new role's requirements the previous one already meets."
    ]
    return View(payload, "Progression routes", fields, tables, notes, markdown=_markdown(payload))


def _markdown(payload: dict) -> str:
    """An adviser-ready page: each route step by step, with a Mermaid diagram."""
    origin = payload["from"]
    lines = [
        f"# Career routes from {origin['title']}",
        "",
        f"Starting level: {origin['level']}. Routes go up to level {payload['constraints']['max_level']}"
        + (f", ending at {payload['to']}" if payload["to"] else "")
        + ".",
        "",
    ]
    for r in origin["resolutions"]:
        lines.append(f'- Your words "{r["text"]}" were matched to **{r["label"] or "nothing close"}**.')
    lines += ["", "```mermaid", "flowchart LR"]
    names: dict[str, str] = {}

    def node(key: str, title: str) -> str:
        if key not in names:
            names[key] = f"n{len(names)}"
            lines.append(f'  {names[key]}["{title.replace(chr(34), "")}"]')
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
    for n, route in enumerate(payload["routes"], start=1):
        dest = route["destination"]
        band = f"Band {dest['band']}" if dest["band"] else f"level {dest['level']}"
        lines += [f"## {n}. {dest['title']} ({band}): about {route['total_months']:g} months", ""]
        for i, step in enumerate(route["steps"], start=1):
            cross = (
                f" Cross-sector move: {step['sector_change'][0].replace('_', ' ')} to "
                f"{step['sector_change'][1].replace('_', ' ')}."
                if step["sector_change"]
                else ""
            )
            lines.append(
                f"{i}. **{step['to_title']}** ({step['kind']} move, about {step['months']:g} months;"
                f" you already cover {step['coverage']:.0%} of what it needs).{cross}"
            )
            for t in step["training"]:
                kind = "apprenticeship" if t["apprenticeship"] else t["kind"].replace("_", " ")
                code = f", {t['code']}" if t["code"] else ""
                lines.append(f"   - Training: {t['title']} ({kind}{code}, {t['months']:g} months)")
            if step["gap"]:
                gap = "; ".join(f"{g['label']} (level {g['level_held']} to {g['level_needed']})" for g in step["gap"])
                lines.append(f"   - To learn: {gap}")
            if step["on_the_job"]:
                lines.append(f"   - Learned on the job with supervision: {len(step['on_the_job'])} item(s)")
            for s in step["source"]:
                lines.append(f"   - Source: {s['title']}" + (f" ({s['url']})" if s.get("url") else ""))
        lines.append("")
    return "\n".join(lines)
