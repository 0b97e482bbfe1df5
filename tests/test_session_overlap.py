"""The library API for overlap and competency questions (Session.overlap, similar_roles, overlap_matrix,
similar, crosswalk), the one same-skill rule they share, and each command's JSON against its schema."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from graph.build import node_id
from graph.overlap import Need, mutual
from pathways.competencies import Crosswalk, SimilarCompetencies
from pathways.errors import QuestionError
from pathways.overlap import Overlap, OverlapMatrix, SimilarRoles
from pathways.results import as_json, result_schema
from pathways.session import Session

jsonschema = pytest.importorskip("jsonschema")

WASH = "Helps patients wash and dress while protecting their dignity"  # resolves to Personal care (README)
BOOK = "Books appointments for patients"


@pytest.fixture(scope="module")
def ward(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lib")
    table = folder / "ward.csv"
    table.write_text(
        "role_id,role_title,sector,level,competency\n"
        f"helper,Ward helper,health,2,{WASH}\n"
        f"helper,Ward helper,health,2,{BOOK}\n"
        "helper,Ward helper,health,2,core.infection-prevention\n"
    )
    return table


@pytest.fixture(scope="module")
def session(tmp_path_factory, ward: Path) -> Session:
    return Session.open([str(ward)], workspace=tmp_path_factory.mktemp("ws"))


def test_overlap_is_typed_and_the_same_seen_from_either_side(session: Session) -> None:
    result = session.overlap("HCA", "care worker")
    assert isinstance(result, Overlap)
    assert (result.a, result.b) == ("hsc:healthcare-assistant", "hsc:care-worker")
    assert result.score == pytest.approx(mutual(result.a_covers_b.coverage, result.b_covers_a.coverage))
    other = session.overlap("care worker", "HCA")
    assert other.score == pytest.approx(result.score)
    assert as_json(other.a_covers_b) == as_json(result.b_covers_a)
    # numbers stay exact in the result; the JSON form rounds them as the type declares
    assert as_json(result, rounded=True)["score"] == round(result.score, 4)


def test_similar_roles_agree_with_the_plain_overlap(session: Session) -> None:
    answer = session.similar_roles("care worker", sector="health", top=4)
    assert isinstance(answer, SimilarRoles) and answer.role == "hsc:care-worker"
    assert 0 < len(answer.results) <= 4
    assert all(r.sector == "health" and r.id != "hsc:care-worker" for r in answer.results)
    assert [r.score for r in answer.results] == sorted((r.score for r in answer.results), reverse=True)
    for r in answer.results:  # the fast one-against-all path gives the plain definition's coverages
        plain = session.overlap("hsc:care-worker", r.id)
        assert r.covers == pytest.approx(plain.a_covers_b.coverage, abs=1e-6)
        assert r.covered_by == pytest.approx(plain.b_covers_a.coverage, abs=1e-6)
        assert r.overlap == pytest.approx(plain.score, abs=1e-6)


def test_overlap_matrix_cells_are_the_plain_overlaps(session: Session) -> None:
    matrix = session.overlap_matrix(sector="health", versus="social_care")
    assert isinstance(matrix, OverlapMatrix)
    assert np.shape(matrix.score) == (len(matrix.rows), len(matrix.columns))
    assert set(matrix.titles) == {*matrix.rows, *matrix.columns}
    for i, j in [(0, 0), (len(matrix.rows) - 1, 1), (3, len(matrix.columns) - 1)]:
        plain = session.overlap(matrix.rows[i], matrix.columns[j])
        assert matrix.row_covers_column[i][j] == pytest.approx(plain.a_covers_b.coverage, abs=1e-6)
        assert matrix.column_covers_row[i][j] == pytest.approx(plain.b_covers_a.coverage, abs=1e-6)
        assert matrix.score[i][j] == pytest.approx(plain.score, abs=1e-6)


def test_overlap_matrix_refuses_a_sector_without_roles(session: Session) -> None:
    with pytest.raises(QuestionError, match="no roles to compare"):
        session.overlap_matrix(sector="no-such-sector")


def test_declared_distinct_competencies_are_never_the_same_skill_in_the_fast_paths(session: Session) -> None:
    """The matrix and similar-roles used to count a declared-distinct pair as one skill when their
    vectors were close; every path now asks the matcher, which keeps them apart."""
    graph = session.graph
    first, second = next(
        (d["id"], other)
        for _, d in graph.nodes(data=True)
        if d["kind"] == "Competency"
        for other in d.get("distinct_from", [])
    )
    requires = {
        role: {graph.nodes[t]["id"] for _, t, k in graph.out_edges(node_id("Role", role), keys=True) if k == "REQUIRES"}
        for role in (d["id"] for _, d in graph.nodes(data=True) if d["kind"] == "Role")
    }
    has_first = [r for r, c in requires.items() if first in c and second not in c]
    has_second = [r for r, c in requires.items() if second in c and first not in c]
    if not has_first or not has_second:
        pytest.skip("no pair of roles requires one of the distinct pair each")
    a, b = has_first[0], has_second[0]
    sector_a, sector_b = (graph.nodes[node_id("Role", r)]["sector"] for r in (a, b))
    matrix = session.overlap_matrix(sector=sector_a, versus=sector_b)
    i, j = matrix.rows.index(a), matrix.columns.index(b)
    plain = session.overlap(a, b)
    assert matrix.row_covers_column[i][j] == pytest.approx(plain.a_covers_b.coverage, abs=1e-6)
    assert all({m.need.competency, m.have.competency} != {first, second} for m in plain.a_covers_b.matched)


def test_similar_by_text_by_id_and_within_a_framework(session: Session) -> None:
    by_text = session.similar("taking blood from a vein for tests", top=3)
    assert isinstance(by_text, SimilarCompetencies) and len(by_text.results) == 3
    assert "hsc:practice.venepuncture" in [r.id for r in by_text.results]
    by_id = session.similar("practice.venepuncture", framework="practice", top=5)
    ids = [r.id for r in by_id.results]
    assert "hsc:practice.venepuncture" not in ids and all(i.startswith("hsc:practice.") for i in ids)
    with pytest.raises(QuestionError, match="empty"):
        session.similar("   ")


def test_crosswalk_lists_each_competency_of_a_once_at_least(session: Session) -> None:
    result = session.crosswalk("ph", "practice")
    assert isinstance(result, Crosswalk) and (result.a, result.b) == ("hsc:ph", "hsc:practice")
    assert result.matcher["threshold"] == session.matcher.threshold
    assert result.compared == len({p.a for p in result.pairs}) and 0 < result.matched <= result.compared
    stricter = session.crosswalk("ph", "practice", threshold=0.9)
    assert stricter.matcher["threshold"] == 0.9 and stricter.matched <= result.matched


def test_one_same_skill_rule_everywhere(session: Session) -> None:
    """Overlap evidence, crosswalk, similar, team cover and the matrix agree on which pairs are the same
    skill: a free-text requirement and the anchor it resolves to (below the threshold), and not an
    unrelated one."""
    from pathways.teams import Candidate, coverage, resolve_needs

    graph, matcher = session.graph, session.matcher
    personal_care = "hsc:core.personal-care"
    wash = next(d["id"] for _, d in graph.nodes(data=True) if d["kind"] == "Competency" and d["label"] == WASH)

    evidence = session.overlap("ward helper", "care worker").b_covers_a
    (met,) = [m for m in [*evidence.matched, *evidence.partial] if m.need.competency == wash]
    assert met.have.competency == personal_care and met.via == personal_care and met.similarity < matcher.threshold
    assert BOOK not in {m.need.label for m in [*evidence.matched, *evidence.partial]}

    walk = session.crosswalk("ward", "hsc:core")
    assert (wash, personal_care) in {(p.a, p.b) for p in walk.pairs}
    assert [p.b for p in walk.pairs if p.a_label == BOOK] == [None]

    near = {r.id: r for r in session.similar(WASH, top=5).results}
    assert near[personal_care].same_skill and near[personal_care].via == personal_care

    data = graph.nodes[node_id("Competency", personal_care)]
    carer = Candidate("x", "Carer", "social_care", 2, 1.0, "test", [Need.of_competency(data, 9)])
    team_needs = resolve_needs(
        graph, matcher, [{"text": WASH, "level": 2, "cover": 1}, {"text": BOOK, "level": 2, "cover": 1}]
    )
    covers, how = coverage([carer], team_needs, matcher)
    assert covers.tolist() == [[True, False]] and how[(0, 0)]["via"] == personal_care

    matrix = session.overlap_matrix(sector="health", versus="social_care")
    i, j = matrix.rows.index("ward:helper"), matrix.columns.index("hsc:care-worker")
    assert matrix.column_covers_row[i][j] == pytest.approx(evidence.coverage, abs=1e-6)


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("overlap", ["overlap", "HCA", "care worker"]),
        ("similar-roles", ["similar-roles", "care worker", "--top", "3"]),
        ("similar", ["similar", "taking blood from a vein", "--top", "3"]),
        ("similar", ["--no-embeddings", "similar", "practice.venepuncture", "--top", "3"]),
        ("crosswalk", ["crosswalk", "ph", "practice"]),
        ("overlap", ["--no-embeddings", "overlap", "HCA", "care worker"]),
    ],
)
def test_commands_answer_in_their_published_schema(run, kind: str, args: list[str]) -> None:
    schema = json.loads(run("schema", f"result-{kind}").stdout)
    jsonschema.validate(run.json(*args), schema)


def test_the_overlap_matrix_type_has_a_schema_its_answer_meets(session: Session) -> None:
    answer = as_json(session.overlap_matrix(sector="social_care"), rounded=True)
    jsonschema.validate(answer, result_schema("overlap-matrix"))
