"""Push of a synthetic ESCO-scale graph to a Bolt server; run by hand.

    .venv/bin/python benchmarks/neo4j_push.py            # starts a FalkorDB Bolt server on loopback
    NEO4J_URI=bolt://host:7687 NEO4J_PASSWORD=... .venv/bin/python benchmarks/neo4j_push.py --external

About 17k nodes and 120k relationships (3,000 roles x 15 requirements over 14,000 competencies, 300
qualifications, progression links). Prints the push and verify time.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from esco_scale import synthetic, synthetic_graph  # noqa: E402

from graph.neo4j_store import connect, push, verify  # noqa: E402


def enlarge(graph):
    """The route benchmark's graph plus a framework hierarchy, qualification needs and more links,
    to the size of an ESCO-scale library (about 120k relationships)."""
    import numpy as np

    rng = np.random.default_rng(5)
    graph.add_node(
        "framework:f",
        kind="Framework",
        id="f",
        name="Synthetic",
        version="1",
        description="",
        levels={str(i): f"level {i}" for i in range(1, 10)},
        source=[],
    )
    for a in range(20):
        graph.add_node(f"area:f/a{a}", kind="Area", id=f"f/a{a}", name=f"Area {a}", framework="f")
        graph.add_edge(f"area:f/a{a}", "framework:f", key="PART_OF", type="PART_OF")
    for fn in range(200):
        graph.add_node(
            f"function:f/u{fn}",
            kind="Function",
            id=f"f/u{fn}",
            name=f"Function {fn}",
            framework="f",
            area=f"f/a{fn % 20}",
        )
        graph.add_edge(f"function:f/u{fn}", f"area:f/a{fn % 20}", key="PART_OF", type="PART_OF")
    for c in range(14000):
        graph.add_edge(f"competency:c{c}", f"function:f/u{c % 200}", key="PART_OF", type="PART_OF")
    for r in range(3000):
        for q in rng.choice(300, 5, replace=False):
            graph.add_edge(
                f"role:r{r}",
                f"qualification:q{q}",
                key="REQUIRES_QUALIFICATION",
                type="REQUIRES_QUALIFICATION",
                essential=bool(q % 2),
            )
        for other in rng.choice(3000, 8, replace=False):
            if other != r and not graph.has_edge(f"role:r{r}", f"role:r{other}", key="PROGRESSES_TO"):
                graph.add_edge(
                    f"role:r{r}",
                    f"role:r{other}",
                    key="PROGRESSES_TO",
                    type="PROGRESSES_TO",
                    via=[],
                    months=6.0,
                    note="",
                    source=[],
                )
    return graph


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--external", action="store_true", help="use NEO4J_URI instead of a local test server")
    args = parser.parse_args()
    table, _ = synthetic()
    graph = enlarge(synthetic_graph(table))
    print(f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships")
    server = None
    if args.external:
        uri, user, password = (
            os.environ["NEO4J_URI"],
            os.environ.get("NEO4J_USER", "neo4j"),
            os.environ["NEO4J_PASSWORD"],
        )
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from test_neo4j import BoltServer

        server = BoltServer().start()
        uri, user, password = server.uri, "falkordb", ""
    try:
        store = connect(uri, user, password)
        started = time.perf_counter()
        push(graph, store, wipe=True)
        pushed = time.perf_counter() - started
        started = time.perf_counter()
        _, mismatches = verify(graph, store)
        print(
            f"dialect {store.dialect}: push {pushed:.1f} s, verify {time.perf_counter() - started:.1f} s, "
            f"{mismatches or 'verified'}"
        )
        store.close()
    finally:
        if server:
            server.stop()


if __name__ == "__main__":
    main()
