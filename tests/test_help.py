"""Every command and option explains itself: `--help` works everywhere and nothing is undocumented."""

from __future__ import annotations

from collections.abc import Iterator

import click

from cli.main import cli


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from walk(sub, (*path, name))


def test_the_walk_reaches_every_group() -> None:
    paths = {path for path, _ in walk(cli)}
    assert {("roles", "show"), ("team", "design"), ("neo4j", "push"), ("jd",), ("routes",)} <= paths


def test_every_command_and_option_has_help_text(run) -> None:
    undocumented = []
    for path, command in walk(cli):
        name = " ".join(path) or "pathways"
        if not (command.help or command.short_help):
            undocumented.append(f"command '{name}'")
        for param in command.params:
            if isinstance(param, click.Option) and not param.hidden and not param.help:
                undocumented.append(f"option {param.opts[0]} of '{name}'")
        result = run(*path, "--help")
        assert result.stdout.startswith("Usage:"), name
    assert not undocumented, "no help text: " + ", ".join(undocumented)


def test_a_usage_mistake_is_one_line_naming_the_help_to_read(run) -> None:
    for args, words in (
        (["roles", "lst"], "No such command 'lst'"),
        (["roles", "show"], "Missing argument 'ROLE'"),
        (["--backend", "foo", "roles", "list"], "'foo' is not one of"),
        (["roles", "list", "--sector", "helth"], "Did you mean 'health'"),
    ):
        result = run(*args, expect=2)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], result.stderr
        assert "--help" in lines[0]
