"""`pathways import`: turn external data into library files a person can read and edit."""

from __future__ import annotations

from pathlib import Path

import click

from cli.app import App, collect_cycles


@click.group("import")
def import_group() -> None:
    """Convert external data (e.g. a role-requirement CSV) into library YAML files."""
    collect_cycles()  # a national taxonomy is a long batch


@import_group.command("csv")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--into", "into", type=click.Path(file_okay=False), required=True, help="Folder to write YAML into.")
@click.pass_obj
def import_csv(app: App, source: str, into: str) -> None:
    """Convert a role-requirement CSV into a roles YAML file (and a framework for free-text competencies).

    The CSV is checked against the library first (so ids it names must exist); files are written only
    when it is valid."""
    from frameworks.loader import load_library
    from frameworks.writer import csv_as_yaml_files
    from graph.store import write_output

    load_library(app.layers((source,)))  # raises with located problems; nothing written
    written = []
    for name, text in csv_as_yaml_files(Path(source)).items():
        target = Path(into) / name
        write_output(target, text.encode("utf-8"), parents=True)
        written.append(str(target))
    click.echo("wrote " + ", ".join(written), err=True)
