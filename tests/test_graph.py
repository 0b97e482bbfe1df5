"""The graph: typed nodes and edges, a workspace cache keyed by content, and exports that round-trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import networkx as nx
import pytest

from frameworks.sources import library_layers
from graph.build import node_id
from graph.export import cypher_literal, export
from graph.lookup import NotFound, find
from graph.queries import graph_stats, list_roles, role_record
from graph.store import load_graph
from tests.conftest import MINI


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(MINI, tmp_path / "mini"))


def build(path: Path, workspace: Path) -> tuple[nx.MultiDiGraph, bool]:
    return load_graph(library_layers([path], bundled=False), workspace)


def test_graph_has_typed_nodes_and_edges(workspace: Path) -> None:
    graph, _ = build(MINI, workspace)
    stats = graph_stats(graph)
    assert stats["nodes"] == {"Area": 2, "Competency": 4, "Framework": 1, "Function": 2, "Qualification": 2, "Role": 3}
    assert stats["edges"] == {
        "DEVELOPS": 2,
        "PART_OF": 8,
        "PROGRESSES_TO": 2,
        "REQUIRES": 7,
        "REQUIRES_QUALIFICATION": 1,
    }
    edge = graph.get_edge_data(node_id("Role", "mini:senior-hca"), node_id("Competency", "mini:care.medicines"))
    assert edge["REQUIRES"]["level"] == 2 and edge["REQUIRES"]["essential"] is False
    link = graph.get_edge_data(node_id("Role", "mini:hca"), node_id("Role", "mini:senior-hca"))["PROGRESSES_TO"]
    assert link["via"] == ["mini:senior-course"] and link["months"] == 12


def test_graph_is_reused_until_a_library_file_changes(mini_copy: Path, workspace: Path) -> None:
    _, built = build(mini_copy, workspace)
    assert built
    _, built = build(mini_copy, workspace)
    assert not built
    roles = mini_copy / "roles.yaml"
    roles.write_text(roles.read_text().replace("title: Carer", "title: Care worker"))
    graph, built = build(mini_copy, workspace)
    assert built and graph.nodes[node_id("Role", "mini:carer")]["title"] == "Care worker"


def test_a_damaged_cache_is_rebuilt_not_trusted(workspace: Path) -> None:
    build(MINI, workspace)
    (cached,) = (workspace / "graphs").iterdir()
    cached.write_bytes(b"not a graph")
    graph, built = build(MINI, workspace)
    assert built and graph.number_of_nodes() == 14
    assert not list((workspace / "graphs").glob("*.tmp")), "a temporary file was left behind"


def test_a_cache_whose_edge_names_a_missing_node_is_rebuilt(workspace: Path) -> None:
    """The cache's edges are written straight into the graph's adjacency: one joining a node the cache does
    not list would leave a half-made node, so such a cache counts as damaged."""
    import json

    build(MINI, workspace)
    (cached,) = (workspace / "graphs").iterdir()
    document = json.loads(cached.read_bytes())
    document["edges"].append(["role:mini:hca", "competency:mini:nowhere", "REQUIRES", {"level": 1}])
    cached.write_text(json.dumps(document))
    graph, built = build(MINI, workspace)
    assert built and "competency:mini:nowhere" not in graph and graph.number_of_nodes() == 14
    from graph.build import edges_of

    assert edges_of(graph, "role:mini:nowhere", "REQUIRES") == []  # a node not there has no edges, as out_edges
    assert {target for target, _ in edges_of(graph, "role:mini:hca", "REQUIRES")} == {
        "competency:mini:care.washing",
        "competency:mini:care.vital-signs",
    }


class _Payload:
    """What a malicious cache file could carry: unpickling it runs code (here, making a folder)."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        import os

        return (os.mkdir, (str(self.marker),))


def test_a_tampered_cache_cannot_run_code(workspace: Path, tmp_path: Path) -> None:
    import pickle

    build(MINI, workspace)
    marker = tmp_path / "code-ran"
    for cached in (workspace / "graphs").iterdir():
        cached.write_bytes(pickle.dumps(_Payload(marker)))
    graph, built = build(MINI, workspace)
    assert not marker.exists(), "loading the graph cache ran code from it"
    assert built and graph.number_of_nodes() == 14


def test_cached_graph_answers_as_the_built_one(workspace: Path) -> None:
    built, _ = build(MINI, workspace)
    cached, was_built = build(MINI, workspace)
    assert not was_built
    assert nx.utils.graphs_equal(built, cached) and list(built.edges(keys=True)) == list(cached.edges(keys=True))
    assert built.graph == cached.graph


def test_a_damaged_cache_is_rebuilt_with_a_note(run, mini: list[str], workspace: Path) -> None:
    run(*mini, "roles", "list", "--format", "json")
    (cached,) = (workspace / "graphs").iterdir()
    cached.write_bytes(cached.read_bytes()[:100])
    result = run(*mini, "roles", "list", "--format", "json")
    notes = [line for line in result.stderr.splitlines() if "graph cache" in line]
    assert len(notes) == 1 and notes[0].startswith("note: ") and "rebuilt" in notes[0]
    assert "Traceback" not in result.stderr


def test_role_record_holds_requirements_qualifications_and_progressions(workspace: Path) -> None:
    graph, _ = build(MINI, workspace)
    record = role_record(graph, node_id("Role", "mini:hca"))
    assert record["band"] == "2" and record["level"] == 2 and record["pay"]["min"] == 24465
    assert [r["competency"] for r in record["requirements"]] == ["mini:care.washing", "mini:care.vital-signs"]
    assert record["progresses_to"][0]["role"] == "mini:senior-hca"
    assert record["progresses_from"][0]["role"] == "mini:carer"


def test_band_filter_includes_unbanded_roles_at_the_matching_level(workspace: Path) -> None:
    graph, _ = build(MINI, workspace)
    assert [r["id"] for r in list_roles(graph, band="2")] == ["mini:carer", "mini:hca"]
    assert [r["id"] for r in list_roles(graph, band="2", sector="social_care")] == ["mini:carer"]
    assert [r["id"] for r in list_roles(graph, band="3")] == ["mini:senior-hca"]
    assert list_roles(graph, level=4) == []


@pytest.mark.parametrize(
    ("typed", "expected", "how"),
    [
        ("mini:hca", "mini:hca", "id"),
        ("hca", "mini:hca", "id"),
        ("healthcare ASSISTANT", "mini:hca", "title"),
        ("clinical support worker", "mini:hca", "alias"),
        ("Senior helthcare asistant", "mini:senior-hca", "fuzzy"),
    ],
)
def test_role_found_by_id_title_alias_or_near_miss(workspace: Path, typed: str, expected: str, how: str) -> None:
    graph, _ = build(MINI, workspace)
    match = find(graph, "Role", typed)
    assert (match.qid, match.how) == (expected, how)


def test_unknown_role_lists_candidates(workspace: Path) -> None:
    graph, _ = build(MINI, workspace)
    with pytest.raises(NotFound) as caught:
        find(graph, "Role", "assistant")
    assert {"mini:hca", "mini:senior-hca"} <= {qid for qid, _ in caught.value.candidates}
    with pytest.raises(NotFound) as caught:
        find(graph, "Role", "zzzz qqqq")
    assert "not found" in str(caught.value)


def test_graphml_export_reads_back_with_the_same_counts(workspace: Path, tmp_path: Path) -> None:
    graph, _ = build(MINI, workspace)
    path = tmp_path / "g.graphml"
    path.write_text(export(graph, "graphml"))
    back = nx.read_graphml(path, force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())
    assert back.nodes[node_id("Role", "mini:hca")]["title"] == "Healthcare assistant"


def test_json_export_reads_back_with_the_same_counts(workspace: Path) -> None:
    import json

    graph, _ = build(MINI, workspace)
    back = nx.node_link_graph(json.loads(export(graph, "json")), edges="edges")
    assert (back.number_of_nodes(), back.number_of_edges()) == (graph.number_of_nodes(), graph.number_of_edges())


def test_cypher_literals_cannot_break_out_of_a_string() -> None:
    hostile = "x'}) DETACH DELETE n //\\ `tick`\nnext"
    literal = cypher_literal(hostile)
    assert literal.startswith("'") and literal.endswith("'")
    inner = literal[1:-1]
    # every quote inside is escaped, and no raw newline survives
    assert "\n" not in inner
    assert all(inner[i - 1] == "\\" for i, ch in enumerate(inner) if ch == "'")
    assert cypher_literal(["a", "b'"]) == "['a', 'b\\'']"
    assert cypher_literal({"min": 1}) == "'{\"min\": 1}'"
