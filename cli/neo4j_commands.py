"""`pathways neo4j`: push the graph to a shared Neo4j database and check it."""

from __future__ import annotations

import sys

import click

from cli.app import App, collect_cycles, emit, format_option, neo4j_settings
from cli.output import Table, View
from pathways.results import as_json

DEFAULT_URI = "bolt://localhost:7687"


def connection_options(command):
    """--uri, --user, --database and --dialect, each with its environment variable."""
    for option in reversed(
        [
            click.option(
                "--uri",
                envvar="NEO4J_URI",
                default=DEFAULT_URI,
                show_default=True,
                help="Bolt address of the server (NEO4J_URI); no user or password in it.",
            ),
            click.option(
                "--user", envvar="NEO4J_USER", default="neo4j", show_default=True, help="User name (NEO4J_USER)."
            ),
            click.option("--database", envvar="NEO4J_DATABASE", help="Database name (default: the server's)."),
            click.option(
                "--dialect",
                type=click.Choice(["auto", "neo4j", "falkordb"]),
                envvar="PATHWAYS_NEO4J_DIALECT",
                default="auto",
                show_default=True,
                help="Cypher dialect of the server (auto: detect).",
            ),
        ]
    ):
        command = option(command)
    return command


def failed(mismatches: list[str]) -> None:
    """Exit 1 with one line naming every difference, after the report has been printed."""
    if mismatches:
        click.echo(f"error: verify: {'; '.join(mismatches)}", err=True)
        raise click.exceptions.Exit(1)


@click.group("neo4j")
def neo4j_group() -> None:
    """A shared Neo4j graph: push the library's graph, verify it."""
    collect_cycles()  # a push is a long batch, and the driver keeps connections


@neo4j_group.command("push")
@connection_options
@click.option("--wipe", is_flag=True, help="Delete the nodes hsc-pathways wrote (and only those) before pushing.")
@format_option
@click.pass_obj
def push(app: App, uri: str, user: str, database: str | None, dialect: str, wipe: bool, fmt: str | None) -> None:
    """Push the graph (idempotent: a second push changes nothing), then verify counts per type."""
    from rich.console import Console
    from rich.progress import Progress

    settings = neo4j_settings(uri, user, database, dialect)
    with Progress(console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("pushing", total=None)
        report = app.session.push(
            settings, wipe=wipe, progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
    app.say_notices()
    for notice in report.notices:
        click.echo(f"note: {notice}", err=True)
    payload = as_json(report, rounded=True)
    emit(
        View(
            payload,
            "Pushed to Neo4j",
            [("Server", uri), ("Dialect", report.dialect), ("Verified", "yes" if report.verified else "NO")],
            [_counts_table(payload)],
        ),
        fmt,
    )
    failed(report.mismatches)


def _counts_table(report: dict) -> Table:
    rows = [
        {"type": kind, "name": name, "local": report["local"][group][name], "database": report["remote"][group][name]}
        for kind, group in (("node", "nodes"), ("relationship", "relationships"))
        for name in report["local"][group]
    ]
    return Table([("type", "type"), ("name", "name"), ("local", "here"), ("database", "database")], rows)


@neo4j_group.command("verify")
@connection_options
@format_option
@click.pass_obj
def verify_command(app: App, uri: str, user: str, database: str | None, dialect: str, fmt: str | None) -> None:
    """Compare node and relationship counts per type in the database with the local graph."""
    report = app.session.verify(neo4j_settings(uri, user, database, dialect))
    app.say_notices()
    emit(View(as_json(report), "Verify", [("Verified", "yes" if report.verified else "NO")]), fmt)
    failed(report.mismatches)
