"""Commands about the built graph: build it, count it, export it."""

from __future__ import annotations

import click

from cli.app import App, emit, format_option
from cli.output import Table, View
from pathways.results import as_json


def _stats_view(stats: dict, title: str) -> View:
    rows = [{"type": "node", "name": k, "count": v} for k, v in stats["nodes"].items()]
    rows += [{"type": "edge", "name": k, "count": v} for k, v in stats["edges"].items()]
    fields = [("Nodes", stats["total_nodes"]), ("Edges", stats["total_edges"])]
    return View(stats, title, fields, [Table([("type", "type"), ("name", "name"), ("count", "count")], rows)])


@click.group("graph")
def graph_group() -> None:
    """The graph built from the library: build, stats, export."""


@graph_group.command("build")
@format_option
@click.pass_obj
def graph_build(app: App, fmt: str | None) -> None:
    """Rebuild the graph from the library now (queries otherwise rebuild it when a file changes)."""
    stats = app.session.graph_stats(rebuild=True)
    app.say_notices()
    emit(_stats_view(as_json(stats), "Graph built"), fmt)


@graph_group.command("stats")
@format_option
@click.pass_obj
def graph_stats_command(app: App, fmt: str | None) -> None:
    """Count nodes by kind and edges by type."""
    stats = app.session.graph_stats()
    app.say_notices()
    emit(_stats_view(as_json(stats), "Graph"), fmt)


@graph_group.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["graphml", "json", "cypher"]),
    required=True,
    help="graphml (Gephi, yEd, networkx), json (node-link) or cypher (statements for Neo4j).",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), required=True, help="File to write (a link: its target)."
)
@click.pass_obj
def graph_export(app: App, fmt: str, output: str) -> None:
    """Write the graph as GraphML, JSON (node-link) or a Cypher script.

    A symbolic link is written through to its file; a folder, device, FIFO or socket is refused."""
    from graph.store import output_target, write_output

    output_target(output)  # refused before any work: a bad path leaves nothing half done
    write_output(output, app.session.export(fmt).encode("utf-8"))
    app.say_notices()
    stats = app.session.graph_stats()
    click.echo(f"wrote {output}: {stats.total_nodes} nodes, {stats.total_edges} edges", err=True)
