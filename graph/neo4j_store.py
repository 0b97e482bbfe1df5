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
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph.build import EDGE_TYPES, NODE_KINDS, node_id
from graph.errors import StoreError

if TYPE_CHECKING:
    import networkx as nx

META_LABEL = "PathwaysMeta"
LABELS = NODE_KINDS + (META_LABEL,)
BATCH = 500
DIALECTS = ("auto", "neo4j", "falkordb")
# The FalkorDB Bolt endpoint crashes on a request whose parameters pass about 4 KB (measured: 3.9 KB
# works, 4.1 KB kills the server), so on that dialect batches are cut by size and an oversized value is
# sent in pieces. Neo4j takes batches of BATCH rows.
MAX_PARAM_BYTES = {"falkordb": 3000, "neo4j": None}
_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass
class Store:
    driver: Any
    database: str | None
    dialect: str

    def run(self, query: str, **params: Any) -> list[dict]:
        """Rows of a read query; a server failure becomes one StoreError line."""
        with self._failures(), self.driver.session(database=self.database) as session:
            return session.run(query, **self._params(params)).data()

    def write(self, query: str, **params: Any) -> None:
        """Run a write in one transaction (the driver retries transient failures)."""

        def work(tx):
            tx.run(query, **self._params(params)).consume()

        with self._failures(), self.driver.session(database=self.database) as session:
            session.execute_write(work)

    def _params(self, params: dict) -> dict:
        return {k: _escape(v) for k, v in params.items()} if self.dialect == "falkordb" else params

    @contextlib.contextmanager
    def _failures(self):
        from neo4j.exceptions import DriverError, Neo4jError

        try:
            yield
        except (Neo4jError, DriverError, OSError) as err:
            message = getattr(err, "message", None) or err.__class__.__name__
            raise StoreError(f"the database failed a query: {message}") from None

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


def connect(uri: str, user: str, password: str, database: str | None = None, dialect: str = "auto") -> Store:
    """A checked connection; every failure becomes one StoreError line. A handshake that hangs is
    abandoned and tried again with a longer wait (the FalkorDB test server hangs on some new
    connections; a real server that hangs three times is reported as unreachable)."""
    from neo4j.exceptions import AuthError, ClientError, Neo4jError, ServiceUnavailable

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
        except ValueError as err:
            raise StoreError(f"bad URI '{uri}': {err}") from None
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
    data = {k: v for k, v in props.items() if k not in ("_json", "_null")}
    for key in props.get("_json") or []:
        data[key] = json.loads(data[key])
    for key in props.get("_null") or []:
        data[key] = None
    return data


def _batches(rows: list[dict]) -> Iterable[list[dict]]:
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def schema_statements(dialect: str) -> list[str]:
    if dialect == "neo4j":
        return [
            f"CREATE CONSTRAINT pathways_{label.lower()}_id IF NOT EXISTS FOR (n:{label}) REQUIRE n.id IS UNIQUE"
            for label in LABELS
        ]
    return [f"CREATE INDEX FOR (n:{label}) ON (n.id)" for label in LABELS]


def push(
    graph: nx.MultiDiGraph,
    store: Store,
    vectors: dict[str, list[float]] | None = None,
    wipe: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Write the graph with batched UNWIND ... MERGE; returns notices. Raises StoreError naming how far
    it got, so a partial push is never reported as success (run it again: pushes are idempotent)."""
    notices: list[str] = []
    node_rows: dict[str, list[dict]] = {label: [] for label in NODE_KINDS}
    for _, data in graph.nodes(data=True):
        props = _flatten(data, drop=("kind",))
        if data["kind"] == "Competency" and vectors and data["id"] in vectors:
            props["embedding"] = vectors[data["id"]]
        node_rows[data["kind"]].append({"id": data["id"], "props": props})
    edge_rows: dict[tuple[str, str, str], list[dict]] = {}
    for source, target, key, data in graph.edges(keys=True, data=True):
        s, t = graph.nodes[source], graph.nodes[target]
        edge_rows.setdefault((s["kind"], key, t["kind"]), []).append(
            {"from": s["id"], "to": t["id"], "props": _flatten(data, drop=("type",))}
        )
    meta = {"id": "meta", "props": _flatten({k: v for k, v in graph.graph.items() if k != "key"})}
    limit = MAX_PARAM_BYTES.get(store.dialect)
    statements: list[tuple[str, list[dict]]] = []
    for label, rows in node_rows.items():
        statements += _statements(f"MERGE (n:{label} {{id: row.id}})", f"MATCH (n:{label} {{id: row.id}})", rows, limit)
    statements += _statements(
        f"MERGE (n:{META_LABEL} {{id: row.id}})", f"MATCH (n:{META_LABEL} {{id: row.id}})", [meta], limit
    )
    for (from_label, rel, to_label), rows in edge_rows.items():
        assert rel in EDGE_TYPES and from_label in NODE_KINDS and to_label in NODE_KINDS
        ends = f"MATCH (a:{from_label} {{id: row.from}}) MATCH (b:{to_label} {{id: row.to}}) "
        statements += _statements(
            ends + f"MERGE (a)-[n:{rel}]->(b)",
            f"MATCH (a:{from_label} {{id: row.from}})-[n:{rel}]->(b:{to_label} {{id: row.to}})",
            rows,
            limit,
        )
    done = 0
    try:
        if wipe:
            for label in LABELS:
                store.write(f"MATCH (n:{label}) DETACH DELETE n")
        for statement in schema_statements(store.dialect):
            with contextlib.suppress(Exception):  # an index that exists, on a server without IF NOT EXISTS
                store.write(statement)
        for query, rows in statements:
            store.write(query, rows=rows)
            done += 1
            if progress:
                progress(done, len(statements))
    except Exception as err:
        raise StoreError(
            f"push failed after {done} of {len(statements)} batches ({err.__class__.__name__}); the "
            "database may hold part of the graph: run the push again to complete it"
        ) from None
    notices.append(_vector_index(store, vectors))
    return notices


def _size(rows: list[dict]) -> int:
    return len(json.dumps(_escape(rows), ensure_ascii=False).encode("utf-8")) + 200


def _statements(create: str, match: str, rows: list[dict], limit: int | None) -> list[tuple[str, list[dict]]]:
    """UNWIND statements for rows {id..., props}: batches of BATCH rows, or, under a size limit, batches
    cut by size with any oversized row split into property groups and string pieces."""
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
    """One oversized row as several statements: small properties in groups, then each large value
    (as text, JSON-encoded if need be) in pieces appended in order."""
    keys = {k: v for k, v in row.items() if k != "props"}
    props = dict(row["props"])
    large = {k: v for k, v in props.items() if _size([{**keys, "props": {k: v}}]) > limit // 2}
    small = {k: v for k, v in props.items() if k not in large}
    for key, value in large.items():
        if not isinstance(value, str):
            large[key] = json.dumps(value, ensure_ascii=False)
            small["_json"] = sorted({*small.get("_json", []), key})
    out = [(f"UNWIND $rows AS row {create} SET n += row.props", [{**keys, "props": small}])]
    for key, text in large.items():
        if not _KEY.match(key):
            raise StoreError(f"property name {key!r} cannot be written in pieces")
        step = max(200, (limit - _size([{**keys, "part": ""}])) // 2)
        pieces = [text[i : i + step] for i in range(0, len(text), step)] or [""]
        out.append((f"UNWIND $rows AS row {match} SET n.`{key}` = row.part", [{**keys, "part": pieces[0]}]))
        out += [
            (f"UNWIND $rows AS row {match} SET n.`{key}` = n.`{key}` + row.part", [{**keys, "part": piece}])
            for piece in pieces[1:]
        ]
    return out


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
    """Nodes per label and relationships per type, as the database holds them."""
    nodes = {label: store.run(f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"] for label in NODE_KINDS}
    rels = {rel: store.run(f"MATCH ()-[r:{rel}]->() RETURN count(r) AS c")[0]["c"] for rel in EDGE_TYPES}
    return {"nodes": nodes, "relationships": rels}


def verify(graph: nx.MultiDiGraph, store: Store) -> tuple[dict, list[str]]:
    """Compare the database's counts with the local graph's; returns (counts, mismatches)."""
    local_nodes = {label: 0 for label in NODE_KINDS}
    for _, data in graph.nodes(data=True):
        local_nodes[data["kind"]] += 1
    local_rels = {rel: 0 for rel in EDGE_TYPES}
    for _, _, key in graph.edges(keys=True):
        local_rels[key] += 1
    remote = counts(store)
    mismatches = [
        f"{label}: {remote['nodes'][label]} in the database, {n} here"
        for label, n in local_nodes.items()
        if remote["nodes"][label] != n
    ]
    mismatches += [
        f"{rel}: {remote['relationships'][rel]} in the database, {n} here"
        for rel, n in local_rels.items()
        if remote["relationships"][rel] != n
    ]
    return {"local": {"nodes": local_nodes, "relationships": local_rels}, "database": remote}, mismatches


def pull(store: Store) -> nx.MultiDiGraph:
    """The shared graph read back into the same shape the local backend builds."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    meta = store.run(f"MATCH (n:{META_LABEL} {{id: 'meta'}}) RETURN properties(n) AS p")
    if not meta:
        raise StoreError("the database holds no hsc-pathways graph: run `pathways neo4j push` first")
    graph.graph.update({k: v for k, v in _restore(meta[0]["p"]).items() if k != "id"})
    for label in NODE_KINDS:
        for row in store.run(f"MATCH (n:{label}) RETURN properties(n) AS p"):
            data = _restore(row["p"])
            data.pop("embedding", None)
            graph.add_node(node_id(label, data["id"]), kind=label, **data)
    for rel in EDGE_TYPES:
        query = (
            f"MATCH (a)-[r:{rel}]->(b) RETURN labels(a)[0] AS al, a.id AS a, labels(b)[0] AS bl, b.id AS b, "
            "properties(r) AS p"
        )
        for row in store.run(query):
            graph.add_edge(
                node_id(row["al"], row["a"]), node_id(row["bl"], row["b"]), key=rel, type=rel, **_restore(row["p"])
            )
    return _in_local_order(graph)


def _in_local_order(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """Nodes and edges in a stable order (the database returns them in its own)."""
    import networkx as nx

    ordered = nx.MultiDiGraph(**graph.graph)
    ordered.add_nodes_from(sorted(graph.nodes(data=True)))
    ordered.add_edges_from(sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])))
    return ordered
