"""Shared fixtures: a private workspace per test and a runner for the `pathways` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini"


@pytest.fixture(autouse=True)
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own workspace and no library from the environment."""
    ws = tmp_path / "workspace"
    monkeypatch.setenv("PATHWAYS_WORKSPACE", str(ws))
    monkeypatch.delenv("PATHWAYS_LIBRARY", raising=False)
    return ws


class Run:
    """Invoke the CLI in-process and keep stdout, stderr and the exit code apart."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str, expect: int | None = 0):
        result = self.runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
        assert expect is None or result.exit_code == expect, (
            f"exit {result.exit_code}, expected {expect}\nstdout: {result.stdout}\nstderr: {result.stderr}"
        )
        return result

    def json(self, *args: str):
        return json.loads(self(*args, "--format", "json").stdout)


@pytest.fixture
def run() -> Run:
    return Run()


@pytest.fixture
def mini() -> list[str]:
    """Root options that select only the small hand-written test library."""
    return ["--no-bundled", "--library", str(MINI)]
