"""Export the graph for other tools: GraphML (Gephi, yEd, networkx), JSON node-link, or Cypher.

GraphML holds only scalars, so list and dict attributes are written as JSON text; the node and edge
counts survive the round trip. Cypher is a plain script of CREATE statements with every string
escaped, for loading into Neo4j by hand (`cypher-shell < graph.cypher`).
"""

from __future__ import annotations

import json
from typing import Any

import networkx as nx

FORMATS = ("graphml", "json", "cypher")


def _scalar(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, dict, tuple)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def to_graphml(graph: nx.MultiDiGraph) -> str:
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **{k: _scalar(v) for k, v in data.items()})
    for source, target, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(source, target, key=key, **{k: _scalar(v) for k, v in data.items()})
    return "\n".join(nx.generate_graphml(flat, named_key_ids=True)) + "\n"


def to_json(graph: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    data["graph"] = {k: v for k, v in data["graph"].items() if k != "key"}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a value; strings are escaped so no text can end the literal early."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value).replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{text}'"


def _props(data: dict) -> str:
    return "{" + ", ".join(f"`{k}`: {cypher_literal(v)}" for k, v in sorted(data.items()) if k != "kind") + "}"


def to_cypher(graph: nx.MultiDiGraph) -> str:
    kinds = sorted({d["kind"] for _, d in graph.nodes(data=True)})
    lines = [f"CREATE INDEX FOR (n:{kind}) ON (n.id);" for kind in kinds]
    for _, data in graph.nodes(data=True):
        lines.append(f"CREATE (:{data['kind']} {_props(data)});")
    for source, target, key, data in graph.edges(keys=True, data=True):
        s, t = graph.nodes[source], graph.nodes[target]
        props = {k: v for k, v in data.items() if k != "type"}
        a, b = cypher_literal(s["id"]), cypher_literal(t["id"])
        match = f"MATCH (a:{s['kind']} {{id: {a}}}), (b:{t['kind']} {{id: {b}}})"
        lines.append(f"{match} CREATE (a)-[:{key} {_props(props)}]->(b);")
    return "\n".join(lines) + "\n"


def export(graph: nx.MultiDiGraph, fmt: str) -> str:
    """The graph as text in one of FORMATS."""
    return {"graphml": to_graphml, "json": to_json, "cypher": to_cypher}[fmt](graph)
