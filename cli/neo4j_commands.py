"""`pathways neo4j`: push the graph to a shared Neo4j database and check it."""

from __future__ import annotations

import sys

import click

from cli.app import App, emit, format_option, neo4j_password
from cli.output import Table, View

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


def open_store(uri: str, user: str, database: str | None, dialect: str):
    """The process's connection to the shared store. A setting to change (a URI the driver cannot use,
    no password and no terminal to ask on) is one line and exit 2, checked before any prompt; the
    password is never printed."""
    from graph.neo4j_store import check_uri, shared_store

    check_uri(uri)
    return shared_store(uri, user, neo4j_password(), database, dialect)


def failed(mismatches: list[str]) -> None:
    """Exit 1 with one line naming every difference, after the report has been printed."""
    if mismatches:
        click.echo(f"error: verify: {'; '.join(mismatches)}", err=True)
        raise click.exceptions.Exit(1)


@click.group("neo4j")
def neo4j_group() -> None:
    """A shared Neo4j graph: push the library's graph, verify it."""


@neo4j_group.command("push")
@connection_options
@click.option("--wipe", is_flag=True, help="Delete the nodes hsc-pathways wrote (and only those) before pushing.")
@format_option
@click.pass_obj
def push(app: App, uri: str, user: str, database: str | None, dialect: str, wipe: bool, fmt: str | None) -> None:
    """Push the graph (idempotent: a second push changes nothing), then verify counts per type."""
    from rich.console import Console
    from rich.progress import Progress

    from graph.crosswalk import competencies
    from graph.matching import competency_text
    from graph.neo4j_store import push as run_push
    from graph.neo4j_store import verify

    store = open_store(uri, user, database, dialect)
    graph = app.graph()
    matcher = app.matcher()
    vectors = None
    if matcher.kind == "embedding":
        comps = competencies(graph)
        matrix = matcher.vectors([competency_text(d) for d in comps])
        vectors = {d["id"]: [float(x) for x in row] for d, row in zip(comps, matrix, strict=True)}
    with Progress(console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as progress:
        task = progress.add_task("pushing", total=None)
        notices = run_push(
            graph, store, vectors, wipe, lambda done, total: progress.update(task, completed=done, total=total)
        )
    report, mismatches = verify(graph, store)
    for notice in notices:
        click.echo(f"note: {notice}", err=True)
    rows = [
        {"type": kind, "name": name, "local": report["local"][group][name], "database": report["remote"][group][name]}
        for kind, group in (("node", "nodes"), ("relationship", "relationships"))
        for name in report["local"][group]
    ]
    payload = {
        "uri": uri,
        "database": database,
        "dialect": store.dialect,
        "verified": not mismatches,
        "mismatches": mismatches,
        **report,
        "notices": notices,
    }
    emit(
        View(
            payload,
            "Pushed to Neo4j",
            [("Server", uri), ("Dialect", store.dialect), ("Verified", "yes" if not mismatches else "NO")],
            [Table([("type", "type"), ("name", "name"), ("local", "here"), ("database", "database")], rows)],
        ),
        fmt,
    )
    failed(mismatches)


@neo4j_group.command("verify")
@connection_options
@format_option
@click.pass_obj
def verify_command(app: App, uri: str, user: str, database: str | None, dialect: str, fmt: str | None) -> None:
    """Compare node and relationship counts per type in the database with the local graph."""
    from graph.neo4j_store import verify

    store = open_store(uri, user, database, dialect)
    report, mismatches = verify(app.graph(), store)
    emit(
        View(
            {"verified": not mismatches, "mismatches": mismatches, **report},
            "Verify",
            [("Verified", "yes" if not mismatches else "NO")],
        ),
        fmt,
    )
    failed(mismatches)
