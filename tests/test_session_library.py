"""The library API (pathways.session.Session) for library questions, and the result schemas.

Each command's JSON answer must validate against `pathways schema result-KIND`, which is generated from
the types the Session returns; a key the type does not declare fails, so the schema is the contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathways.errors import QuestionError
from pathways.library import QualificationRecord, RoleRecord
from pathways.refs import RoleSummary
from pathways.results import RESULT_KINDS, as_json, result_schema
from pathways.session import Session

jsonschema = pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Session:
    return Session.open(workspace=tmp_path_factory.mktemp("ws"))


def test_a_role_by_its_common_name_is_a_typed_record_with_its_ladder(session: Session) -> None:
    role = session.role("senior healthcare assistant")
    assert isinstance(role, RoleRecord) and role.id == "hsc:senior-healthcare-assistant"
    assert role.band == "3" and role.family == "nursing"
    assert any(move.role == "hsc:trainee-nursing-associate" for move in role.progresses_to)
    assert all(req.level >= 1 for req in role.requirements)


def test_a_near_miss_is_taken_with_a_notice_and_the_notice_is_given_once(session: Session) -> None:
    session.take_notices()
    assert session.role("helthcare assistant").id == "hsc:healthcare-assistant"
    notices = session.take_notices()
    assert any("took 'helthcare assistant' to mean hsc:healthcare-assistant" in n for n in notices)
    assert session.take_notices() == []


def test_lists_filter_and_refuse_contradictions_in_words(session: Session) -> None:
    band3 = session.roles(band="3")
    assert band3 and all(isinstance(r, RoleSummary) and r.level == 3 for r in band3)
    with pytest.raises(QuestionError, match="contradict"):
        session.roles(band="3", level=5)
    with pytest.raises(QuestionError, match="Did you mean 'degree'"):
        session.qualifications(kind="degre")


def test_a_qualification_says_who_asks_for_it_and_which_moves_name_it(session: Session) -> None:
    record = session.qualification("ST0217")
    assert isinstance(record, QualificationRecord) and record.rqf_level == 3
    moves = as_json(record)["on_moves"]
    assert {"from": "hsc:healthcare-assistant", "to": "hsc:senior-healthcare-assistant"} in moves


def test_every_result_kind_has_a_schema_that_refuses_undeclared_keys() -> None:
    for kind in RESULT_KINDS:
        try:
            schema = result_schema(kind)
        except (ImportError, AttributeError):
            pytest.fail(f"result-{kind}: its type is not defined yet")
        jsonschema.Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("role", ["roles", "show", "registered nurse (adult)"]),
        ("roles", ["roles", "list", "--band", "3"]),
        ("find", ["roles", "search", "nurse"]),
        ("frameworks", ["frameworks", "list"]),
        ("framework", ["frameworks", "show", "hsc:ph"]),
        ("qualifications", ["qualifications", "list"]),
        ("qualification", ["qualifications", "show", "st0217"]),
        ("validate", ["validate"]),
        ("graph-stats", ["graph", "stats"]),
        ("graph-stats", ["graph", "build"]),
        ("team-templates", ["team", "templates"]),
    ],
)
def test_library_commands_answer_in_their_published_schema(run, kind: str, args: list[str]) -> None:
    schema = json.loads(run("schema", f"result-{kind}").stdout)
    jsonschema.validate(run.json(*args), schema)


def test_a_schema_catches_a_key_the_type_does_not_declare(run) -> None:
    schema = json.loads(run("schema", "result-role").stdout)
    answer = run.json("roles", "show", "care worker")
    answer["salary_guess"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(answer, schema)


def test_configuration_is_passed_in_not_read_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PATHWAYS_WORKSPACE", str(tmp_path / "elsewhere"))
    session = Session.open(workspace=tmp_path / "mine")
    session.roles()
    assert (tmp_path / "mine").exists() and not (tmp_path / "elsewhere").exists()


def test_an_invalid_library_answers_in_the_validate_schema_too(run) -> None:
    from tests.conftest import DATA

    schema = json.loads(run("schema", "result-validate").stdout)
    answer = json.loads(
        run("validate", str(DATA / "bad" / "01-bad-yaml-syntax.yaml"), "--format", "json", expect=2).stdout
    )
    assert answer["valid"] is False and answer["problems"][0]["file"].endswith("01-bad-yaml-syntax.yaml")
    jsonschema.validate(answer, schema)


def test_validate_through_the_session_locates_every_problem(session: Session) -> None:
    from tests.conftest import DATA

    report = session.validate([str(DATA / "bad" / "01-bad-yaml-syntax.yaml")])
    assert report.valid is False and report.problems and report.problems[0].line is not None
    assert session.validate().valid is True
