"""Shared CLI plumbing: the App context, error handling, output and name resolution."""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path

import click

from cli.output import FORMATS, View, default_format, render
from frameworks.errors import LibraryError
from graph.embeddings import ModelUnavailable
from graph.errors import StoreError, StoreSettingError
from graph.lookup import NotFound
from pathways.errors import QuestionError


def collect_cycles() -> None:
    """For a command that may run long or make much garbage (serve, embed, import, neo4j): the cycle
    collector back on, which the console script turned off for the usual short query (cli.main.main)."""
    gc.enable()


def show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """`pathways --version`. The installed version is looked up only when asked: finding a distribution's
    metadata searches the import path, a cost every other command would pay."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("hsc-pathways")
    except PackageNotFoundError:  # running from a source tree without an install
        found = "0+unknown"
    click.echo(f"pathways, version {found}")
    ctx.exit()


def neo4j_password() -> str:
    """NEO4J_PASSWORD, or a hidden prompt on a terminal; never an argument, never printed."""
    if "NEO4J_PASSWORD" in os.environ:
        return os.environ["NEO4J_PASSWORD"]
    if not sys.stdin.isatty():
        raise StoreSettingError("set NEO4J_PASSWORD (no terminal to ask for the password on)")
    return click.prompt("Neo4j password", hide_input=True)


def neo4j_settings(uri: str, user: str, database: str | None, dialect: str):
    """The shared store's settings as the CLI read them (options or NEO4J_*), the password asked for
    only when a connection is made."""
    from pathways.session import Neo4jSettings

    return Neo4jSettings(uri, user, database, dialect, password=neo4j_password)


class App:
    """The CLI's hold on the library Session (pathways.session), and the notices it prints on stderr."""

    def __init__(self, session):
        self.session = session

    def layers(self, extra: tuple[str, ...] = ()):
        return self.session.layers(extra)

    def graph(self, rebuild: bool = False):
        graph = self.session.rebuild() if rebuild else self.session.graph
        self.say_notices()
        return graph

    def matcher(self):
        """The competency matcher for this run: embeddings unless unavailable or --no-embeddings."""
        matcher = self.session.matcher
        self.say_notices()
        return matcher

    def workspace_dir(self) -> Path:
        return self.session.workspace

    def say_notices(self) -> None:
        for notice in self.session.take_notices():
            click.echo(f"note: {notice}", err=True)


def _usage_error(err: click.UsageError) -> None:
    """A wrong option or argument as one line (click's own form is three), pointing at the right --help."""
    message = " ".join(err.format_message().split())
    where = f" (see '{err.ctx.command_path} --help')" if err.ctx else ""
    click.echo(f"error: {message}{where}", err=True)
    raise click.exceptions.Exit(2)


class PathwaysGroup(click.Group):
    """Turns the errors a user can fix into one line each on stderr and exit code 2, never a traceback."""

    def _invoke_saying_notices(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except Exception:
            app = ctx.find_object(App)
            if app is not None:  # what was taken on the way (a near-miss name) is still said before the error
                app.say_notices()
            raise

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.UsageError as err:  # a bad root option: the same one line as below
            _usage_error(err)

    def invoke(self, ctx: click.Context):
        try:
            return self._invoke_saying_notices(ctx)
        except click.UsageError as err:
            _usage_error(err)
        except LibraryError as err:
            for problem in err.problems:
                click.echo(f"error: {problem}", err=True)
            ctx.exit(2)
        except (NotFound, QuestionError) as err:
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
    if app is not None:
        app.say_notices()
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
