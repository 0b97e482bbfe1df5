"""Export the graph for other tools: GraphML (Gephi, yEd, networkx), JSON node-link, or Cypher.

GraphML holds only scalars, so list and dict attributes are written as JSON text; the node and edge
counts survive the round trip. Cypher is a plain script of CREATE statements with every string
escaped, for loading into Neo4j by hand (`cypher-shell < graph.cypher`).

Library text is data and every format keeps it so: characters XML cannot hold (control characters, lone
surrogates) become U+FFFD in GraphML (and lone surrogates in every format, which must be UTF-8), numbers
that are not finite become null/empty, and Cypher quotes labels, names and strings.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import networkx as nx

from graph.build import STORE_KEY, STORE_MARK

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Text XML 1.0 can hold: each character it cannot becomes U+FFFD."""
    return _NOT_XML.sub("\ufffd", text)


def _clean(value: Any, text=lambda s: _SURROGATE.sub("\ufffd", s)) -> Any:
    """A value with every string made writable (by `text`) and non-finite numbers as None, all the way down."""
    if isinstance(value, str):
        return text(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {_clean(str(k), text): _clean(v, text) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v, text) for v in value]
    return value


def _scalar(value: Any) -> Any:
    value = _clean(value, xml_text)
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)  # escapes what _clean left
    return value


def to_graphml(graph: nx.MultiDiGraph) -> str:
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(xml_text(str(node)), **{xml_text(str(k)): _scalar(v) for k, v in data.items()})
    for source, target, key, data in graph.edges(keys=True, data=True):
        flat.add_edge(
            xml_text(str(source)),
            xml_text(str(target)),
            key=xml_text(str(key)),
            **{xml_text(str(k)): _scalar(v) for k, v in data.items()},
        )
    return "\n".join(nx.generate_graphml(flat, named_key_ids=True)) + "\n"


def to_json(graph: nx.MultiDiGraph) -> str:
    data = nx.node_link_data(graph, edges="edges")
    data["graph"] = {k: v for k, v in data["graph"].items() if k != "key"}
    return json.dumps(_clean(data), ensure_ascii=False, indent=1, sort_keys=True, allow_nan=False) + "\n"


def cypher_literal(value: Any) -> str:
    """A Cypher literal for a value; strings are escaped so no text can end the literal early, and NaN
    or infinity (which Cypher would read as a name) become null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, (list, tuple, dict)):
        value = json.dumps(_clean(value), ensure_ascii=False, sort_keys=True)
    text = _SURROGATE.sub("\ufffd", str(value))  # a lone surrogate cannot be written as UTF-8
    text = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r")
    return f"'{text}'"


def cypher_name(name: Any) -> str:
    """A label, relationship type or property name, quoted in backticks (a backtick inside is doubled)."""
    return "`" + _SURROGATE.sub("\ufffd", str(name)).replace("`", "``") + "`"


def _props(data: dict) -> str:
    items = sorted(data.items())
    return "{" + ", ".join(f"{cypher_name(k)}: {cypher_literal(v)}" for k, v in items if k != "kind") + "}"


def to_cypher(graph: nx.MultiDiGraph) -> str:
    """Cypher that recreates the graph; every node carries our mark (STORE_MARK, keyed by STORE_KEY) as a
    push writes it, so a database it is loaded into can tell our nodes from other applications'."""
    mark, key_name = cypher_name(STORE_MARK), cypher_name(STORE_KEY)
    lines = [f"CREATE INDEX IF NOT EXISTS FOR (n:{mark}) ON (n.{key_name});"]
    for node, data in graph.nodes(data=True):
        props = _props({**data, STORE_KEY: node})
        lines.append(f"CREATE (:{cypher_name(data['kind'])}:{mark} {props});")
    for source, target, key, data in graph.edges(keys=True, data=True):
        props = {k: v for k, v in data.items() if k != "type"}
        a, b = cypher_literal(source), cypher_literal(target)
        match = f"MATCH (a:{mark} {{{key_name}: {a}}}), (b:{mark} {{{key_name}: {b}}})"
        lines.append(f"{match} CREATE (a)-[:{cypher_name(key)} {_props(props)}]->(b);")
    return "\n".join(lines) + "\n"


def export(graph: nx.MultiDiGraph, fmt: str) -> str:
    """The graph as text: "graphml", "json" or "cypher"."""
    return {"graphml": to_graphml, "json": to_json, "cypher": to_cypher}[fmt](graph)
