"""The shared store: push the graph to Neo4j (or a Bolt server that speaks its Cypher), check it, and
read it back.

Every value travels as a query parameter; labels and relationship types come only from the fixed
lists below, never from data. Two dialects, kept small and explicit:
- `neo4j` (Neo4j 5 / Aura): uniqueness constraints (`CREATE CONSTRAINT ... IF NOT EXISTS`) and, from 5.13,
  a vector index on Competency.embedding.
- `falkordb` (the FalkorDB Bolt endpoint the tests run against): plain indexes instead of constraints,
  no vector index (a notice says so), and string parameters escaped before sending, because that
  server pastes parameters into the query text as quoted literals (measured: a parameter holding a
  single quote fails, one holding a backslash comes back changed).
Values Neo4j cannot store (maps, lists of maps) are stored as JSON text and listed in the node's
`_json` property; keys whose value is null are listed in `_null`; `pull` undoes both, so the graph read
back is the graph pushed.

The database may hold other applications' data under the same generic labels (`Role`, `Function`...), so
every node this module writes also carries the label `PathwaysNode` and the property `_pathways` (its
node key, e.g. `role:hsc:care-worker`, unique among our nodes); wipe, counts, verify and pull look only
at marked nodes and at relationships between them. A push is bracketed by a `PathwaysPush` marker node:
written incomplete first, complete with the expected counts last; `pull` refuses a graph whose marker is
missing or incomplete or whose counts disagree with it, so a push that was interrupted (Ctrl-C, a kill,
a lost server) is never read as if it were whole.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.build import EDGE_TYPES, NODE_KINDS
from graph.build import STORE_KEY as KEY
from graph.build import STORE_MARK as MARK
from graph.errors import StoreError, StoreSettingError

if TYPE_CHECKING:
    import networkx as nx

META_LABEL, META_KEY = "PathwaysMeta", "meta"  # the library's metadata (graph.graph)
PUSH_LABEL, PUSH_KEY = "PathwaysPush", "push"  # the push marker
BATCH = 500
# The FalkorDB Bolt endpoint crashes on a request whose parameters pass about 4 KB (measured: 3.9 KB
# works, 4.1 KB kills the server), so on that dialect batches are cut by size and an oversized value is
# sent in pieces. Neo4j takes batches of BATCH rows.
MAX_PARAM_BYTES = {"falkordb": 3000, "neo4j": None}
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# The driver logs a lost connection at ERROR; with nothing configured Python would print that to stderr
# beside our one-line error. A NullHandler keeps it quiet unless the embedding program sets up logging.
logging.getLogger("neo4j").addHandler(logging.NullHandler())


@dataclass
class Store:
    driver: Any
    database: str | None
    dialect: str

    def run(self, query: str, **params: Any) -> list[dict]:
        """Rows of a read query; a server failure becomes one StoreError line. On FalkorDB in a read
        transaction, as writes are (given a database name, that server sends a query outside a transaction
        to another graph than one inside); on Neo4j as an auto-commit query, which goes to the leader and
        so sees the writes just made."""

        def work(tx):
            return tx.run(query, **self._params(params)).data()

        with self._failures(), self.driver.session(database=self.database) as session:
            if self.dialect == "falkordb":
                return session.execute_read(work)
            return session.run(query, **params).data()

    def write(self, query: str, **params: Any) -> list[dict]:
        """Run a write in one transaction (the driver retries transient failures); returns its rows."""

        def work(tx):
            return tx.run(query, **self._params(params)).data()

        with self._failures(), self.driver.session(database=self.database) as session:
            return session.execute_write(work)

    def _params(self, params: dict) -> dict:
        return {k: _escape(v) for k, v in params.items()} if self.dialect == "falkordb" else params

    @contextlib.contextmanager
    def _failures(self):
        from neo4j.exceptions import DriverError, Neo4jError

        try:
            yield
        except Neo4jError as err:
            message = " ".join(str(err.message or err.__class__.__name__).split())
            raise StoreError(f"the database failed a query: {message}") from None
        except (DriverError, OSError) as err:
            raise StoreError(f"the connection to the database failed: {err.__class__.__name__}") from None

    def close(self) -> None:
        self.driver.close()


def _escape(value: Any) -> Any:
    """Quote-proof a parameter for the FalkorDB dialect (see the module docstring)."""
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, list):
        return [_escape(v) for v in value]
    if isinstance(value, dict):
        return {k: _escape(v) for k, v in value.items()}
    return value


HANDSHAKE_TIMEOUTS = (2.0, 5.0, 10.0)
_OPEN: dict[tuple, Store] = {}


def shared_store(uri: str, user: str, password: str, database: str | None = None, dialect: str = "auto") -> Store:
    """One connection per server for the whole process (closed when it ends): drivers are meant to be
    long-lived, and the FalkorDB test server is only reliable that way."""
    key = (uri, user, password, database, dialect)
    if key not in _OPEN:
        import atexit

        _OPEN[key] = connect(uri, user, password, database, dialect)
        atexit.register(_OPEN[key].close)
    return _OPEN[key]


SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")


def check_uri(uri: str) -> None:
    """A URI the Bolt driver can use, or StoreSettingError (shown with any password blanked out): the
    driver itself fails on these with a traceback that can print the password."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise StoreSettingError(f"bad Neo4j URI '{shown(uri)}': expected bolt://HOST:PORT or neo4j+s://HOST") from None
    if parts.scheme not in SCHEMES:
        raise StoreSettingError(
            f"the Neo4j URI '{shown(uri)}' is not a Bolt URI: use {', '.join(f'{s}://' for s in SCHEMES)} "
            "with the server's Bolt port (7687 by default)"
        )
    if "@" in parts.netloc:
        raise StoreSettingError(
            f"the Neo4j URI '{shown(uri)}' holds a user name or password: take it out and set NEO4J_USER "
            "and NEO4J_PASSWORD instead"
        )
    if not parts.hostname:
        raise StoreSettingError(f"the Neo4j URI '{shown(uri)}' names no host")


def shown(uri: str) -> str:
    """The URI with anything before an '@' in its host part blanked out, safe to print."""
    return re.sub(r"^([^:/]*://)[^/@]*@", r"\1***@", uri)


def connect(uri: str, user: str, password: str, database: str | None = None, dialect: str = "auto") -> Store:
    """A checked connection; every failure becomes one StoreError line. A handshake that hangs is
    abandoned and tried again with a longer wait (the FalkorDB test server hangs on some new
    connections; a real server that hangs three times is reported as unreachable)."""
    from neo4j.exceptions import AuthError, ClientError, DriverError, Neo4jError, ServiceUnavailable

    check_uri(uri)
    for attempt, timeout in enumerate(HANDSHAKE_TIMEOUTS):
        try:
            driver = _open(uri, user, password, timeout)
        except TimeoutError:
            if attempt + 1 == len(HANDSHAKE_TIMEOUTS):
                raise StoreError(f"the server at {uri} did not answer within {timeout:g} s") from None
            continue
        except AuthError:
            raise StoreError(f"authentication failed for user '{user}' at {uri}") from None
        except Neo4jError:  # the FalkorDB server reports a refused login as an unknown database error
            raise StoreError(f"the server at {uri} refused the login for user '{user}' (wrong password?)") from None
        except (ServiceUnavailable, OSError) as err:
            raise StoreError(f"cannot reach a Neo4j server at {uri} ({err.__class__.__name__})") from None
        except (ValueError, DriverError) as err:  # a URI or setting the driver rejects (check_uri passed it)
            raise StoreSettingError(f"the driver cannot use '{uri}': {err.__class__.__name__}") from None
        break
    store = Store(driver, database, "neo4j")
    try:
        with driver.session(database=database) as session:
            session.run("RETURN 1 AS ok").consume()
    except ClientError as err:
        driver.close()
        raise StoreError(f"the server refused database '{database}': {err.message}") from None
    except Exception as err:
        driver.close()
        raise StoreError(f"the server at {uri} did not answer a simple query ({err.__class__.__name__})") from None
    store.dialect = _detect(store) if dialect == "auto" else dialect
    return store


def _open(uri: str, user: str, password: str, timeout: float):
    """A driver whose connectivity is proven within `timeout` seconds (else TimeoutError)."""
    import threading

    from neo4j import GraphDatabase

    driver = GraphDatabase.driver(uri, auth=(user, password), connection_timeout=timeout, max_transaction_retry_time=5)
    outcome: list[BaseException | None] = []

    def check() -> None:
        try:
            driver.verify_connectivity()
            outcome.append(None)
        except BaseException as err:  # handed to the caller below
            outcome.append(err)

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    worker.join(timeout)
    if not outcome:
        threading.Thread(target=driver.close, daemon=True).start()
        raise TimeoutError
    if outcome[0] is not None:
        driver.close()
        raise outcome[0]
    return driver


def _detect(store: Store) -> str:
    """Neo4j 5 answers SHOW INDEXES; the FalkorDB Bolt endpoint does not (it reports itself as Neo4j)."""
    try:
        store.run("SHOW INDEXES YIELD name RETURN count(*) AS n")
        return "neo4j"
    except StoreError:
        return "falkordb"


def _flatten(data: dict, drop: Iterable[str] = ()) -> dict:
    """Properties Neo4j can store: scalars and lists of scalars; the rest as JSON text (listed in _json)."""
    props: dict[str, Any] = {}
    encoded, nulls = [], []
    for key, value in data.items():
        if key in drop:
            continue
        if value is None:
            nulls.append(key)
        elif isinstance(value, dict) or (isinstance(value, list) and any(isinstance(v, (dict, list)) for v in value)):
            props[key] = json.dumps(value, ensure_ascii=False)  # key order kept, so it reads back the same
            encoded.append(key)
        else:
            props[key] = value
    props["_json"], props["_null"] = encoded, nulls
    return props


def _restore(props: dict) -> dict:
    data = {k: v for k, v in props.items() if k not in ("_json", "_null", KEY)}
    for key in props.get("_json") or []:
        data[key] = json.loads(data[key])
    for key in props.get("_null") or []:
        data[key] = None
    return data


def _batches(rows: list[dict]) -> Iterable[list[dict]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def schema_statements(dialect: str) -> list[str]:
    """The one key every write and read goes through, on our own label only (a constraint or index on
    `Role` or `Function` would reach other applications' nodes)."""
    if dialect == "neo4j":
        return [f"CREATE CONSTRAINT pathways_node_key IF NOT EXISTS FOR (n:{MARK}) REQUIRE n.{KEY} IS UNIQUE"]
    return [f"CREATE INDEX FOR (n:{MARK}) ON (n.{KEY})"]


def local_counts(graph: nx.MultiDiGraph) -> dict[str, dict[str, int]]:
    """Nodes per kind and relationships per type in a local graph, shaped like `counts`."""
    nodes = {label: 0 for label in NODE_KINDS}
    for _, data in graph.nodes(data=True):
        nodes[data["kind"]] += 1
    rels = {rel: 0 for rel in EDGE_TYPES}
    for _, _, key in graph.edges(keys=True):
        rels[key] += 1
    return {"nodes": nodes, "relationships": rels}


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def push(
    graph: nx.MultiDiGraph,
    store: Store,
    vectors: dict[str, list[float]] | None = None,
    wipe: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Write the graph with batched UNWIND ... MERGE; returns notices. Raises StoreError naming how far
    it got, so a partial push is never reported as success (run it again: pushes are idempotent). The
    push marker is written incomplete before anything else changes and complete only after the last
    batch, so readers refuse the graph while a push runs and after one that never finished."""
    notices: list[str] = []
    node_rows: dict[str, list[dict]] = {label: [] for label in NODE_KINDS}
    for node, data in graph.nodes(data=True):
        props = _flatten(data, drop=("kind",))
        if data["kind"] == "Competency" and vectors and data["id"] in vectors:
            props["embedding"] = vectors[data["id"]]
        node_rows[data["kind"]].append({"key": node, "props": props})
    edge_rows: dict[str, list[dict]] = {}
    for source, target, rel, data in graph.edges(keys=True, data=True):
        if rel not in EDGE_TYPES:
            raise StoreError(f"relationship type {rel!r} is not one the store writes")
        edge_rows.setdefault(rel, []).append({"from": source, "to": target, "props": _flatten(data, drop=("type",))})
    meta = {"key": META_KEY, "props": _flatten({k: v for k, v in graph.graph.items() if k != "key"})}
    limit = MAX_PARAM_BYTES.get(store.dialect)
    ours = f"(n:{MARK} {{{KEY}: row.key}})"
    statements: list[tuple[str, list[dict]]] = []
    for label, rows in node_rows.items():
        statements += _statements(f"MERGE (n:{label}:{MARK} {{{KEY}: row.key}})", f"MATCH {ours}", rows, limit)
    statements += _statements(f"MERGE (n:{META_LABEL}:{MARK} {{{KEY}: row.key}})", f"MATCH {ours}", [meta], limit)
    for rel, rows in edge_rows.items():
        ends = f"MATCH (a:{MARK} {{{KEY}: row.from}}) MATCH (b:{MARK} {{{KEY}: row.to}}) "
        statements += _statements(
            ends + f"MERGE (a)-[n:{rel}]->(b)",
            f"MATCH (:{MARK} {{{KEY}: row.from}})-[n:{rel}]->(:{MARK} {{{KEY}: row.to}})",
            rows,
            limit,
        )
    push_id, started = uuid.uuid4().hex[:8], _now()
    begin = {"push_id": push_id, "started": started, "finished": "", "complete": False, "expected": ""}
    done, marked = 0, False
    try:
        for statement in schema_statements(store.dialect):
            with contextlib.suppress(Exception):  # an index that exists, on a server without IF NOT EXISTS
                store.write(statement)
        marker = [{"key": PUSH_KEY, "props": begin}]
        for query, rows in _statements(
            f"MERGE (n:{PUSH_LABEL}:{MARK} {{{KEY}: row.key}})", f"MATCH {ours}", marker, limit
        ):
            store.write(query, rows=rows)
        marked = True
        if wipe:  # ours only, and not the marker just written
            store.write(f"MATCH (n:{MARK}) WHERE n.{KEY} <> $push DETACH DELETE n", push=PUSH_KEY)
        for query, rows in statements:
            store.write(query, rows=rows)
            done += 1
            if progress:
                progress(done, len(statements))
        finished = store.write(
            f"MATCH (n:{PUSH_LABEL}:{MARK} {{{KEY}: $key}}) WHERE n.push_id = $push_id "
            "SET n.complete = true, n.finished = $finished, n.expected = $expected RETURN n.push_id AS id",
            key=PUSH_KEY,
            push_id=push_id,
            finished=_now(),
            expected=json.dumps(local_counts(graph)),
        )
    except Exception as err:
        detail = str(err) if isinstance(err, StoreError) else err.__class__.__name__
        state = "the shared graph is marked incomplete, so readers refuse it" if marked else "no data was written yet"
        raise StoreError(
            f"push {push_id} failed after {done} of {len(statements)} batches ({detail}); {state}: run the push "
            "again to complete it"
        ) from None
    if not finished:
        raise StoreError(
            f"another push started while push {push_id} ran, so the shared graph is that push's: run "
            "`pathways neo4j verify` once it has finished"
        )
    notices.append(_vector_index(store, vectors))
    return notices


def _size(rows: Any) -> int:
    """Bytes the FalkorDB server sees for these parameters (escaped, UTF-8), plus room for the query."""
    return len(json.dumps(_escape(rows), ensure_ascii=False).encode("utf-8")) + 200


def _statements(create: str, match: str, rows: list[dict], limit: int | None) -> list[tuple[str, list[dict]]]:
    """UNWIND statements for rows {key or from/to, props}: batches of BATCH rows, or, under a size limit,
    batches cut by size with any oversized row split into property groups and string pieces."""
    write = f"UNWIND $rows AS row {create} SET n += row.props"
    if limit is None:
        return [(write, batch) for batch in _batches(rows)]
    out: list[tuple[str, list[dict]]] = []
    batch: list[dict] = []
    for row in rows:
        if _size([row]) > limit:
            out += _split_row(create, match, row, limit)
            continue
        if batch and _size(batch + [row]) > limit:
            out.append((write, batch))
            batch = []
        batch.append(row)
    if batch:
        out.append((write, batch))
    return out


def _split_row(create: str, match: str, row: dict, limit: int) -> list[tuple[str, list[dict]]]:
    """One oversized row as several statements: the smaller properties in groups under the limit, then
    each large value (as text, JSON-encoded if need be) in pieces appended in order."""
    keys = {k: v for k, v in row.items() if k != "props"}
    props = dict(row["props"])
    large = {k: v for k, v in props.items() if _size([{**keys, "props": {k: v}}]) > limit // 2}
    small = {k: v for k, v in props.items() if k not in large}
    for key, value in large.items():
        if not isinstance(value, str):
            large[key] = json.dumps(value, ensure_ascii=False)
            small["_json"] = sorted({*small.get("_json", []), key})
    groups: list[dict] = [{}]
    for key, value in small.items():
        if groups[-1] and _size([{**keys, "props": {**groups[-1], key: value}}]) > limit:
            groups.append({})
        groups[-1][key] = value
    out = [(f"UNWIND $rows AS row {create} SET n += row.props", [{**keys, "props": groups[0]}])]
    out += [(f"UNWIND $rows AS row {match} SET n += row.props", [{**keys, "props": group}]) for group in groups[1:]]
    for key, text in large.items():
        if not _KEY.match(key):
            raise StoreError(f"property name {key!r} cannot be written in pieces")
        pieces = _pieces(text, max(200, limit - _size([{**keys, "part": ""}])))
        out.append((f"UNWIND $rows AS row {match} SET n.`{key}` = row.part", [{**keys, "part": pieces[0]}]))
        out += [
            (f"UNWIND $rows AS row {match} SET n.`{key}` = n.`{key}` + row.part", [{**keys, "part": piece}])
            for piece in pieces[1:]
        ]
    return out


def _pieces(text: str, budget: int) -> list[str]:
    """Text cut into pieces of at most `budget` bytes once escaped and UTF-8 encoded (what the server
    counts: a character can take 4 bytes, an emoji several characters), never inside a character."""
    pieces: list[str] = []
    start, size = 0, 0
    for i, char in enumerate(text):
        n = _char_bytes(char)
        if size + n > budget and i > start:
            pieces.append(text[start:i])
            start, size = i, 0
        size += n
    pieces.append(text[start:])
    return pieces


@functools.lru_cache(maxsize=4096)
def _char_bytes(char: str) -> int:
    return len(json.dumps(_escape(char), ensure_ascii=False).encode("utf-8")) - 2


def _vector_index(store: Store, vectors: dict | None) -> str:
    if not vectors:
        return "no competency vectors pushed, so no vector index"
    if store.dialect != "neo4j":
        return "vector index skipped: this server does not run Neo4j's vector index syntax"
    dims = len(next(iter(vectors.values())))
    try:
        store.write(
            "CREATE VECTOR INDEX pathways_competency_embedding IF NOT EXISTS FOR (c:Competency) "
            f"ON (c.embedding) OPTIONS {{indexConfig: {{`vector.dimensions`: {int(dims)}, "
            "`vector.similarity_function`: 'cosine'}}"
        )
        return "vector index pathways_competency_embedding is in place"
    except Exception:
        return "vector index skipped: this Neo4j is older than 5.13"


def counts(store: Store) -> dict[str, dict[str, int]]:
    """Our nodes per label and relationships per type between our nodes, as the database holds them
    (other applications' nodes under the same labels are not counted)."""
    nodes = {label: store.run(f"MATCH (n:{label}:{MARK}) RETURN count(n) AS c")[0]["c"] for label in NODE_KINDS}
    rels = {rel: store.run(f"MATCH (:{MARK})-[r:{rel}]->(:{MARK}) RETURN count(r) AS c")[0]["c"] for rel in EDGE_TYPES}
    return {"nodes": nodes, "relationships": rels}


def push_record(store: Store) -> dict | None:
    """The push marker: {push_id, started, finished, complete, expected (counts, once complete)}, or None."""
    rows = store.run(f"MATCH (n:{PUSH_LABEL}:{MARK} {{{KEY}: $key}}) RETURN properties(n) AS p", key=PUSH_KEY)
    if not rows:
        return None
    record = {k: v for k, v in rows[0]["p"].items() if k != KEY}
    record["expected"] = json.loads(record["expected"]) if record.get("expected") else None
    return record


def _unfinished(record: dict | None, store: Store) -> str | None:
    """Why the shared graph must not be read, judged by its push marker alone; None if it may be."""
    if record is None:
        if store.run(f"MATCH (n:{MARK}) RETURN count(n) AS c")[0]["c"] == 0:
            return "the database holds no hsc-pathways graph: run `pathways neo4j push` first"
        return (
            "the shared graph has no push record (an interrupted wipe, or a push by an older hsc-pathways): "
            "run `pathways neo4j push --wipe`"
        )
    if not record.get("complete") or not record.get("expected"):
        return (
            f"the shared graph is incomplete (push {record.get('push_id')} started {record.get('started')}, "
            "never finished): run `pathways neo4j push` again"
        )
    return None


def _differences(expected: dict, found: dict) -> list[str]:
    return [
        f"{name}: {found[group].get(name, 0)} in the database, {n} pushed"
        for group in ("nodes", "relationships")
        for name, n in expected[group].items()
        if found[group].get(name, 0) != n
    ]


def verify(graph: nx.MultiDiGraph, store: Store) -> tuple[dict, list[str]]:
    """Compare the database's counts with the local graph's and check the last push finished; returns
    ({local, remote, push}, mismatches)."""
    local, remote = local_counts(graph), counts(store)
    mismatches = [line.replace(" pushed", " here") for line in _differences(local, remote)]
    record = push_record(store)
    problem = _unfinished(record, store)
    if problem:
        mismatches.append(problem)
    return {"local": local, "remote": remote, "push": record}, mismatches


def pull(store: Store) -> nx.MultiDiGraph:
    """The shared graph read back into the same shape the local backend builds; StoreError when its last
    push did not finish or the database no longer holds what that push wrote."""
    import networkx as nx

    record = push_record(store)
    problem = _unfinished(record, store)
    if problem:
        raise StoreError(problem)
    graph = nx.MultiDiGraph()
    meta = store.run(f"MATCH (n:{META_LABEL}:{MARK} {{{KEY}: $key}}) RETURN properties(n) AS p", key=META_KEY)
    graph.graph.update(_restore(meta[0]["p"]) if meta else {})
    for label in NODE_KINDS:
        for row in store.run(f"MATCH (n:{label}:{MARK}) RETURN properties(n) AS p"):
            data = _restore(row["p"])
            data.pop("embedding", None)
            graph.add_node(row["p"][KEY], kind=label, **data)
    for rel in EDGE_TYPES:
        query = f"MATCH (a:{MARK})-[r:{rel}]->(b:{MARK}) RETURN a.{KEY} AS a, b.{KEY} AS b, properties(r) AS p"
        for row in store.run(query):
            graph.add_edge(row["a"], row["b"], key=rel, type=rel, **_restore(row["p"]))
    differences = _differences(record["expected"], local_counts(graph)) + ([] if meta else ["no library metadata"])
    if differences:
        raise StoreError(
            f"the shared graph does not hold what push {record['push_id']} wrote ({'; '.join(differences)}): "
            "run `pathways neo4j push --wipe` to write it again"
        )
    return _in_local_order(graph)


def _in_local_order(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Nodes and edges in a stable order (the database returns them in its own)."""
    import networkx as nx

    ordered = nx.MultiDiGraph(**graph.graph)
    ordered.add_nodes_from(sorted(graph.nodes(data=True)))
    ordered.add_edges_from(sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])))
    return ordered
