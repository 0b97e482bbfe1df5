"""Where code lives (issue 13): below cli/ nothing reads the environment or prints; commands are thin."""

from __future__ import annotations

import ast
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parents[1]
BELOW_CLI = ["frameworks", "graph", "pathways"]
MAX_COMMAND_BODY = 40


def _modules(folders: list[str]):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path, ast.parse(path.read_text(), str(path))


def test_nothing_below_the_cli_reads_the_environment_or_prints() -> None:
    """Configuration comes in through Session.open (the CLI reads PATHWAYS_* and NEO4J_* through click);
    what users should hear goes back as notices. Setting a third-party library's own variable (the
    offline switch for the model loader) is not reading configuration, so os.environ.setdefault is allowed."""
    found = []
    for path, tree in _modules(BELOW_CLI):
        for node in ast.walk(tree):
            where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print":
                found.append(f"{where} prints")
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                parent_call = [
                    n
                    for n in ast.walk(tree)
                    if isinstance(n, ast.Attribute) and n.value is node and n.attr == "setdefault"
                ]
                if not parent_call:
                    found.append(f"{where} reads os.{node.attr}")
    assert not found, found


def _commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}", command


def _dedent(function) -> str:
    import inspect
    import textwrap

    return textwrap.dedent(inspect.getsource(function))


def test_no_command_body_is_over_forty_lines() -> None:
    """A command parses options, calls one Session method and formats the answer; the work is below."""
    import inspect

    from cli.main import cli

    long = {}
    for name, command in _commands(cli):
        function = inspect.unwrap(command.callback)
        tree = ast.parse(_dedent(function))
        definition = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))
        size = definition.end_lineno - definition.body[0].lineno + 1  # docstring included
        if size > MAX_COMMAND_BODY:
            long[name] = size
    assert not long, long
