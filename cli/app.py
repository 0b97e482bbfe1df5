"""Shared CLI plumbing: the App context, error handling, output and name resolution."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cli.output import FORMATS, View, default_format, render
from frameworks.errors import LibraryError
from graph.embeddings import ModelUnavailable
from graph.errors import StoreError
from graph.lookup import NotFound

try:
    from importlib.metadata import version as _dist_version

    VERSION = _dist_version("hsc-pathways")
except Exception:  # running from a source tree without an install
    VERSION = "0+unknown"


def neo4j_password() -> str:
    """NEO4J_PASSWORD, or a hidden prompt on a terminal; never an argument, never printed."""
    if "NEO4J_PASSWORD" in os.environ:
        return os.environ["NEO4J_PASSWORD"]
    if not sys.stdin.isatty():
        raise click.UsageError("set NEO4J_PASSWORD (no terminal to ask for the password on)")
    return click.prompt("Neo4j password", hide_input=True)


class App:
    """What every command needs: where the library comes from, and the graph built from it."""

    def __init__(
        self,
        library: tuple[str, ...],
        no_bundled: bool,
        workspace: str | None,
        model: str | None = None,
        no_embeddings: bool = False,
        backend: str = "local",
    ):
        self.library = [Path(p) for p in library]
        self.bundled = not no_bundled
        self.workspace = Path(workspace) if workspace else None
        self.model = model
        self.no_embeddings = no_embeddings
        self.backend = backend
        self._graph = None
        self._matcher = None

    def layers(self, extra: tuple[str, ...] = ()):
        from frameworks.sources import library_layers

        return library_layers(
            [*self.library, *map(Path, extra)], bundled=self.bundled, env=os.environ.get("PATHWAYS_LIBRARY")
        )

    def graph(self, rebuild: bool = False):
        if self._graph is None and self.backend == "neo4j":
            self._graph = self._shared_graph()
        if self._graph is None or rebuild:
            from graph.store import load_graph

            self._graph, _ = load_graph(self.layers(), self.workspace, rebuild=rebuild)
        return self._graph

    def _shared_graph(self):
        """The graph as the shared Neo4j database holds it (NEO4J_URI, NEO4J_USER, NEO4J_DATABASE,
        NEO4J_PASSWORD, PATHWAYS_NEO4J_DIALECT), answered by the same engine as the local one."""
        from graph.neo4j_store import pull, shared_store

        store = shared_store(
            os.environ.get("NEO4J_URI", "bolt://localhost:7687"),
            os.environ.get("NEO4J_USER", "neo4j"),
            neo4j_password(),
            os.environ.get("NEO4J_DATABASE"),
            os.environ.get("PATHWAYS_NEO4J_DIALECT", "auto"),
        )
        return pull(store)

    def workspace_dir(self) -> Path:
        from graph.store import default_workspace

        return self.workspace or default_workspace()

    def matcher(self):
        """The competency matcher for this run: embeddings unless unavailable or --no-embeddings."""
        if self._matcher is None:
            from graph.crosswalk import all_competency_texts, anchor_competencies
            from graph.matching import choose_matcher

            graph = self.graph()
            self._matcher, notices = choose_matcher(
                all_competency_texts(graph),
                self.workspace_dir(),
                self.no_embeddings,
                self.model,
                anchor_competencies(graph),
            )
            for notice in notices:
                click.echo(f"note: {notice}", err=True)
        return self._matcher


class PathwaysGroup(click.Group):
    """Turns the errors a user can fix into one line each on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except LibraryError as err:
            for problem in err.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(2)
        except NotFound as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(2)
        except StoreError as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(1)
        except ModelUnavailable as err:
            click.echo(f"error: {err} (use --no-embeddings for the lexical matcher)", err=True)
            ctx.exit(2)
        except BrokenPipeError:
            sys.stderr.close()
            ctx.exit(0)


top_option = click.option(
    "--top", type=click.IntRange(1, 1000), default=10, show_default=True, help="How many results to show."
)

format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format (default: table on a terminal, json otherwise).",
)


def emit(view: View, fmt: str | None, output: str | None = None) -> None:
    text = render(view, default_format(fmt))
    if output:
        from graph.store import atomic_write_bytes

        atomic_write_bytes(Path(output), text.encode("utf-8"))
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def check_sector(app: App, sector: str | None, option: str = "--sector") -> None:
    """A sector the library knows, or a usage error that suggests the nearest."""
    sectors = app.graph().graph["sectors"]
    if sector is not None and sector not in sectors:
        from rapidfuzz import process

        near = process.extractOne(sector, list(sectors))
        hint = f" Did you mean '{near[0]}'?" if near and near[1] >= 60 else ""
        raise click.BadParameter(
            f"unknown sector '{sector}'; known: {', '.join(sorted(sectors))}.{hint}", param_hint=option
        )


def resolve(app: App, kind: str, name: str) -> str:
    """The node for a name the user typed; says so on stderr when a near miss was taken."""
    from graph.lookup import find

    match = find(app.graph(), kind, name)
    if match.how == "fuzzy":
        click.echo(f"note: took '{name}' to mean {match.qid} ('{match.matched}')", err=True)
    return match.node
