"""`pathways serve`: the web page on this session's library (bundled, --library layers or --backend neo4j)."""

from __future__ import annotations

import click

from cli.app import App, collect_cycles


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Only this computer can reach the default; give 0.0.0.0 (behind your proxy) to share.",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.pass_obj
def serve(app: App, host: str, port: int) -> None:
    """Start the web page for careers advisers and workforce planners (read-only; stop with Ctrl+C).

    Find a role, see a role in full, plan routes and compare two roles in a browser; every page also
    answers as JSON under /api/, the same as this command line's --format json."""
    import uvicorn

    from web import create_app

    app.graph()  # build or load the graph and the matcher now, so the first visitor does not wait
    app.matcher()
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"note: listening on {host}: anyone who can reach this address can use the page", err=True)
    click.echo(f"serving on http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl+C to stop)", err=True)
    collect_cycles()  # a server lives long
    uvicorn.run(create_app(app.session), host=host, port=port, log_level="warning", server_header=False)
