"""The `pathways` command: options, arguments and output only; answers come from the layers below."""

from __future__ import annotations

import gc
import os

import click

from cli.app import App, PathwaysGroup, neo4j_settings, show_version
from cli.graph_commands import graph_group
from cli.import_commands import import_group
from cli.jd_commands import jd
from cli.library_commands import frameworks_group, roles_group, schema, validate
from cli.neo4j_commands import DEFAULT_URI, neo4j_group
from cli.overlap_commands import crosswalk, embed, overlap, overlap_matrix, similar, similar_roles
from cli.pipeline_command import pipeline
from cli.qualification_commands import qualifications_group
from cli.routes_commands import routes
from cli.serve_command import serve
from cli.team_commands import team_group

# What is imported so far lives as long as the process: the cycle collector need not walk it on every pass
# (some 0.02 s of a route query). Objects made later, and the garbage they leave, are collected as usual.
gc.freeze()


@click.group(cls=PathwaysGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=show_version,
    help="Show the version and exit.",
)
@click.option(
    "--library",
    "library",
    multiple=True,
    type=click.Path(),
    metavar="PATH",
    help="Add a library folder, YAML file or role-requirement CSV (repeatable; later ones override).",
)
@click.option("--no-bundled", is_flag=True, help="Use only the libraries you name, not the bundled UK library.")
@click.option(
    "--workspace",
    type=click.Path(file_okay=False),
    envvar="PATHWAYS_WORKSPACE",
    help="Folder for the built graph and caches (default: ~/.cache/hsc-pathways).",
)
@click.option(
    "--model",
    envvar="PATHWAYS_MODEL",
    metavar="NAME_OR_PATH",
    help="Sentence-transformers model (default all-MiniLM-L6-v2, shipped offline). A hub name may download.",
)
@click.option("--no-embeddings", is_flag=True, help="Match competencies by words (rapidfuzz) instead: weaker.")
@click.option(
    "--backend",
    type=click.Choice(["local", "neo4j"]),
    envvar="PATHWAYS_BACKEND",
    default="local",
    show_default=True,
    help="Answer from the local graph or from the shared Neo4j graph (NEO4J_* settings).",
)
@click.pass_context
def cli(
    ctx: click.Context,
    library: tuple[str, ...],
    no_bundled: bool,
    workspace: str | None,
    model: str | None,
    no_embeddings: bool,
    backend: str,
) -> None:
    """Skills matching and career pathways for UK health and social care.

    The bundled library holds UK frameworks, role profiles, qualifications and known progression
    links; add your own with --library or PATHWAYS_LIBRARY (paths separated by ':').
    """
    from graph.store import default_workspace
    from pathways.session import Session

    from_env = [p for p in os.environ.get("PATHWAYS_LIBRARY", "").split(os.pathsep) if p.strip()]
    neo4j = neo4j_settings(
        os.environ.get("NEO4J_URI", DEFAULT_URI),
        os.environ.get("NEO4J_USER", "neo4j"),
        os.environ.get("NEO4J_DATABASE"),
        os.environ.get("PATHWAYS_NEO4J_DIALECT", "auto"),
    )
    session = Session.open(
        [*from_env, *library],
        bundled=not no_bundled,
        workspace=workspace or default_workspace(os.environ.get("XDG_CACHE_HOME")),
        model=model,
        embeddings=not no_embeddings,
        backend=backend,
        neo4j=neo4j,
    )
    ctx.obj = App(session)


for command in (
    validate,
    schema,
    frameworks_group,
    roles_group,
    qualifications_group,
    graph_group,
    embed,
    similar,
    crosswalk,
    overlap,
    similar_roles,
    overlap_matrix,
    import_group,
    routes,
    team_group,
    jd,
    pipeline,
    neo4j_group,
    serve,
):
    cli.add_command(command)


def main() -> None:
    """The `pathways` console script. A command is one short process, so the cycle collector is switched off
    for it: reference counting frees nearly everything, the few cycles left go when the process ends, and
    the collector's passes over every new object (some 0.03 s of a route query, most of it while numpy and
    networkx load) are spared. At the end everything is frozen, so the interpreter's last collection on the
    way out does not walk the graph and the answer again (another 0.03 s). Commands that run long or make
    much garbage (serve, embed, import, neo4j) switch the collector back on (cli.app.collect_cycles)."""
    gc.disable()
    try:
        cli()
    finally:
        gc.freeze()
