"""Shared CLI plumbing: the App context, error handling, output and name resolution."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cli.output import FORMATS, View, default_format, render
from frameworks.errors import LibraryError
from graph.embeddings import ModelUnavailable
from graph.errors import StoreError, StoreSettingError
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
        raise StoreSettingError("set NEO4J_PASSWORD (no terminal to ask for the password on)")
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
        self.library = list(library)  # as typed: an empty path is refused, not read as "."
        self.bundled = not no_bundled
        self.workspace = Path(workspace) if workspace else None
        self.model = model
        self.no_embeddings = no_embeddings
        self.backend = backend
        self._graph = None
        self._matcher = None

    def layers(self, extra: tuple[str, ...] = ()):
        from frameworks.sources import library_layers

        return library_layers([*self.library, *extra], bundled=self.bundled, env=os.environ.get("PATHWAYS_LIBRARY"))

    def graph(self, rebuild: bool = False):
        if self._graph is None and self.backend == "neo4j":
            self._graph = self._shared_graph()
        if self._graph is None or rebuild:
            from graph.store import load_graph_noting

            self._graph, _, notices = load_graph_noting(self.layers(), self.workspace, rebuild=rebuild)
            for notice in notices:
                click.echo(f"note: {notice}", err=True)
        return self._graph

    def _shared_graph(self):
        """The graph as the shared Neo4j database holds it (NEO4J_URI, NEO4J_USER, NEO4J_DATABASE,
        NEO4J_PASSWORD, PATHWAYS_NEO4J_DIALECT), answered by the same engine as the local one."""
        from cli.neo4j_commands import open_store  # one place that checks the settings, in one line
        from graph.neo4j_store import pull

        store = open_store(
            os.environ.get("NEO4J_URI", "bolt://localhost:7687"),
            os.environ.get("NEO4J_USER", "neo4j"),
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
            from graph.crosswalk import all_competency_texts, anchor_competencies, distinct_pairs
            from graph.matching import choose_matcher

            graph = self.graph()
            self._matcher, notices = choose_matcher(
                all_competency_texts(graph),
                self.workspace_dir(),
                self.no_embeddings,
                self.model,
                anchor_competencies(graph),
                distinct_pairs(graph),
            )
            for notice in notices:
                click.echo(f"note: {notice}", err=True)
        return self._matcher


def _usage_error(err: click.UsageError) -> None:
    """A wrong option or argument as one line (click's own form is three), pointing at the right --help."""
    message = " ".join(err.format_message().split())
    where = f" (see '{err.ctx.command_path} --help')" if err.ctx else ""
    click.echo(f"error: {message}{where}", err=True)
    raise click.exceptions.Exit(2)


class PathwaysGroup(click.Group):
    """Turns the errors a user can fix into one line each on stderr and exit code 2, never a traceback."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as err:  # a bad root option: the same one line as below
            _usage_error(err)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as err:
            _usage_error(err)
        except LibraryError as err:
            for problem in err.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(2)
        except NotFound as err:
            click.echo(f"error: {err}", err=True)
            ctx.exit(2)
        except StoreError as err:  # a setting to change exits 2; a server that failed us, 1
            click.echo(f"error: {err}", err=True)
            ctx.exit(2 if isinstance(err, StoreSettingError) else 1)
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
    """Print a view (or write it to `output`, through the one safe writer), after any notice the vector
    cache raised while the command ran (a read-only or damaged cache is found only when first used)."""
    text = render(view, default_format(fmt))
    context = click.get_current_context(silent=True)
    app = context.find_object(App) if context else None
    cache = getattr(getattr(app, "_matcher", None), "cache", None)
    for notice in cache.take_notices() if cache is not None else ():
        click.echo(f"note: {notice}", err=True)
    if output:
        from graph.store import write_output

        write_output(Path(output), text.encode("utf-8"))
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


def check_sector(app: App, sector: str | None, option: str = "--sector", also: tuple[str, ...] = ()) -> None:
    """A sector the library knows (or one of `also`, such as "any"), or a usage error that suggests the
    nearest."""
    sectors = app.graph().graph["sectors"]
    if sector is not None and sector not in sectors and sector not in also:
        from rapidfuzz import process

        choices = [*sectors, *also]
        near = process.extractOne(sector, choices)
        hint = f" Did you mean '{near[0]}'?" if near and near[1] >= 60 else ""
        raise click.BadParameter(
            f"unknown sector '{sector}'; known: {', '.join([*sorted(sectors), *also])}.{hint}", param_hint=option
        )


def resolve(app: App, kind: str, name: str) -> str:
    """The node for a name the user typed; says so on stderr when a near miss was taken."""
    from graph.lookup import find

    graph = app.graph()
    match = find(graph, kind, name)
    if match.how == "fuzzy":
        data = graph.nodes[match.node]
        label = data.get("title") or data.get("name") or data.get("label") or match.qid
        by = "" if match.matched == label else f", by its name '{match.matched}'"
        click.echo(f"note: took '{name}' to mean {match.qid} ({label}{by})", err=True)
    return match.node
