"""The README is the contract: every command in its shell blocks, and every step of `make demo`, runs
here against the bundled library and exits as documented (0, or the code a `# exits N` comment gives).

Commands run from a scratch folder holding a copy of `examples/`, so files they write (`-o`, `--plot`)
land there. `make` lines are the setup and test commands CI itself runs; the demo target's steps are
read from the Makefile and run one by one. Commands that talk to Neo4j run against the real Bolt test
server (the README's `export NEO4J_*` lines hold placeholders, which the server's address replaces).
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parent.parent
EXPECTED_EXIT = re.compile(r"#.*\bexits (\d+)")


@dataclass
class Command:
    text: str
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)
    exit_code: int = 0

    @property
    def uses_neo4j(self) -> bool:
        return "neo4j" in self.argv or any(key.startswith("NEO4J") for key in self.env)


def _logical_lines(block: str) -> list[str]:
    return [line for line in block.replace("\\\n", " ").splitlines() if line.strip()]


def _command(line: str, exported: dict[str, str]) -> Command | None:
    words = shlex.split(line, comments=True)
    if not words or words[0] == "make":
        return None
    env = dict(exported)
    while words and re.fullmatch(r"[A-Z_]+=.*", words[0]):
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    assert words and words[0] == "pathways", f"README shell line is not a pathways command: {line!r}"
    found = EXPECTED_EXIT.search(line)
    return Command(line.strip(), words[1:], env, int(found.group(1)) if found else 0)


def readme_commands() -> list[Command]:
    commands: list[Command] = []
    for block in re.findall(r"^```sh\n(.*?)^```", (ROOT / "README.md").read_text(), flags=re.S | re.M):
        exported: dict[str, str] = {}
        for line in _logical_lines(block):
            words = shlex.split(line, comments=True)
            if words[:1] == ["export"]:
                exported.update(word.split("=", 1) for word in words[1:])
                continue
            command = _command(line, exported)
            if command:
                commands.append(command)
    return commands


def demo_commands() -> list[Command]:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", makefile, flags=re.M)
    assert recipe, "the Makefile has no demo target"
    lines = [line.strip().replace("$(BIN)/pathways", "pathways") for line in recipe.group(1).splitlines()]
    return [c for c in map(lambda line: _command(line, {}), lines) if c]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the examples, and one warm workspace shared by every README command."""
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "examples", folder / "examples")
    return folder


@pytest.fixture(scope="module")
def bolt():
    from tests.test_neo4j import BoltServer

    server = BoltServer().start()
    yield server
    server.stop()


def _run(command: Command, scratch: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest):
    monkeypatch.chdir(scratch)
    env = {**command.env, "PATHWAYS_WORKSPACE": str(scratch / "workspace")}
    if command.uses_neo4j:
        server = request.getfixturevalue("bolt")
        env.update(NEO4J_URI=server.uri, NEO4J_USER="falkordb", NEO4J_PASSWORD="")
    result = CliRunner().invoke(cli, command.argv, env=env, catch_exceptions=False)
    assert result.exit_code == command.exit_code, (
        f"{command.text}\nexit {result.exit_code}\nstdout: {result.stdout[-2000:]}\nstderr: {result.stderr[-2000:]}"
    )
    assert "Traceback" not in result.stderr
    for flag in ("-o", "--output", "--plot"):
        if flag in command.argv:
            written = scratch / command.argv[command.argv.index(flag) + 1]
            assert written.is_file() and written.stat().st_size > 0, f"{command.text} did not write {written}"
    return result


@pytest.mark.parametrize("command", readme_commands(), ids=lambda c: c.text[:70])
def test_readme_command_runs(command: Command, scratch, monkeypatch, request) -> None:
    _run(command, scratch, monkeypatch, request)


@pytest.mark.parametrize("command", demo_commands(), ids=lambda c: c.text[:70])
def test_make_demo_step_runs(command: Command, scratch, monkeypatch, request) -> None:
    result = _run(command, scratch, monkeypatch, request)
    assert result.stdout.strip(), f"{command.text} printed nothing"


def test_the_readme_has_commands_to_test() -> None:
    """Guards the parser: if it found nothing, every test above would pass vacuously."""
    commands = readme_commands()
    assert len(commands) >= 15 and len(demo_commands()) >= 5
    assert any(c.uses_neo4j for c in commands)


def test_readme_python_examples_run(tmp_path: Path, monkeypatch) -> None:
    """Each ```python block of the README runs as written (in a fresh home, so the default workspace is
    a scratch folder)."""
    import contextlib
    import io

    monkeypatch.setenv("HOME", str(tmp_path))
    blocks = re.findall(r"^```python\n(.*?)^```", (ROOT / "README.md").read_text(), flags=re.S | re.M)
    assert blocks
    for block in blocks:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block, "README.md", "exec"), {})
        assert out.getvalue().strip()
