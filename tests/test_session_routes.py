"""The library API for routes (Session.routes, Session.routes_into), and the routes commands' JSON against
the published result schemas (`pathways schema result-routes`, `result-routes-into`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pathways.errors import QuestionError
from pathways.results import as_json, result_schema
from pathways.routes import DirectEntry, Programme, RouteRecord, RoutesAnswer, RouteStep, WaysInto
from pathways.session import Session
from tests.conftest import DATA

jsonschema = pytest.importorskip("jsonschema")

LADDER = ["--no-bundled", "--library", str(DATA / "ladder"), "--no-embeddings"]


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Session:
    return Session.open(workspace=tmp_path_factory.mktemp("ws"))


@pytest.fixture(scope="module")
def ladder(tmp_path_factory) -> Session:
    return Session.open(
        [str(DATA / "ladder")], bundled=False, workspace=tmp_path_factory.mktemp("ws"), embeddings=False
    )


def test_a_care_worker_up_to_band_4_is_offered_senior_care_worker(session: Session) -> None:
    answer = session.routes("care worker", max_band="4")
    assert isinstance(answer, RoutesAnswer) and answer.from_.role == "hsc:care-worker"
    assert answer.constraints.max_level == 4 and answer.constraints.max_steps == 3
    assert all(isinstance(r, RouteRecord) and r.destination.level <= 4 for r in answer.routes)
    assert "hsc:senior-care-worker" in [r.roles[-1] for r in answer.routes]
    assert all(isinstance(s, RouteStep) and s.from_ for r in answer.routes for s in r.steps)


def test_a_target_above_an_explicit_cap_is_refused_in_words(session: Session) -> None:
    with pytest.raises(QuestionError, match=r"is at level 5, above the cap --max-band 4"):
        session.routes("care worker", to="registered nurse (adult)", max_band="4")


def test_a_target_raises_the_default_cap_and_searches_a_whole_ladder(session: Session) -> None:
    answer = session.routes("healthcare assistant", to="nursing associate")
    assert answer.to == "hsc:nursing-associate" and answer.constraints.max_steps == 5
    assert answer.routes and all(r.roles[-1] == "hsc:nursing-associate" for r in answer.routes)


def test_one_start_and_only_education_to_start_from(session: Session) -> None:
    with pytest.raises(QuestionError, match="give one start"):
        session.routes("care worker", education=["GCSE"])
    with pytest.raises(QuestionError, match="give one start"):
        session.routes()
    with pytest.raises(QuestionError, match="is not school or college education"):
        session.routes(education=["ST0216"])


def test_the_limits_refuse_what_they_rule_out(ladder: Session) -> None:
    cases = {
        ("carer", "lad:associate", None, None, "social_care"): "is in health, not --sector social_care",
        ("nurse", None, None, 3, "any"): "is at level 5, above --max-level 3",
        ("carer", "carer", None, None, "any"): "is where the route starts",
        ("carer", None, "4", 4, "any"): "not both",
        ("carer", None, None, None, "nowhere"): "unknown sector 'nowhere'",
    }
    for (start, to, band, level, sector), message in cases.items():
        with pytest.raises(QuestionError, match=message):
            ladder.routes(start, to=to, max_band=band, max_level=level, sector=sector)


def test_numbers_are_exact_in_the_answer_and_rounded_in_its_json(ladder: Session) -> None:
    answer = ladder.routes("hca", top=10)
    steps = [
        (s, j)
        for r, rj in zip(answer.routes, as_json(answer, rounded=True)["routes"], strict=True)
        for s, j in zip(r.steps, rj["steps"], strict=True)
    ]
    assert steps
    for step, shown in steps:
        assert shown["coverage"] == round(step.coverage, 4) and shown["months"] == round(step.months, 1)
        assert [c["similarity"] for c in shown["carries_over"]] == [round(c.similarity, 3) for c in step.carries_over]
        assert shown["from"] == step.from_ and "from_" not in shown


def test_a_passport_in_memory_is_resolved_without_being_changed(ladder: Session, tmp_path: Path) -> None:
    from frameworks.models import PassportFile

    passport = PassportFile.model_validate(
        {
            "kind": "passport",
            "name": "Alex",
            "role": "healthcare assistant",
            "competencies": [{"competency": "c.obs", "level": 3}],
            "qualifications": ["senior-app"],
        }
    )
    answer = ladder.routes(passport=passport)
    assert answer.from_.key == "passport" and answer.from_.title == "Alex" and answer.from_.role == "lad:hca"
    assert passport.role == "healthcare assistant" and passport.competencies[0].competency == "c.obs"
    assert passport.qualifications == ["senior-app"]
    # the same passport from its file answers the same
    path = tmp_path / "alex.yaml"
    path.write_text(
        "kind: passport\nname: Alex\nrole: healthcare assistant\n"
        "competencies: [{competency: c.obs, level: 3}]\nqualifications: [senior-app]\n"
    )
    assert as_json(ladder.routes(passport=path)) == as_json(answer)


def test_ways_into_a_role_are_typed_and_honour_top(session: Session) -> None:
    ways = session.routes_into("physiotherapist", top=2)
    assert isinstance(ways, WaysInto) and ways.into.id == "hsc:physiotherapist"
    assert len(ways.routes) == 2 and all(r.roles[-1] == "hsc:physiotherapist" for r in ways.routes)
    assert all(type(w) is Programme for w in ways.from_education)
    (direct, *_) = session.routes_into("care worker").from_education
    assert isinstance(direct, DirectEntry) and direct.id is None and direct.checks


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("routes", ["routes", "care worker"]),
        ("routes", ["routes", "care worker", "--to", "registered nurse (adult)"]),
        ("routes", ["routes", "--from-education", "GCSE", "--from-education", "A level"]),
        ("routes", ["routes", "--have", "examples/passport.yaml"]),
        ("routes-into", ["routes", "--into", "physiotherapist"]),
        ("routes-into", ["routes", "--into", "care worker"]),
    ],
)
def test_routes_commands_answer_in_their_published_schema(run, kind: str, args: list[str]) -> None:
    args = [str(Path(__file__).parent.parent / a) if a.startswith("examples/") else a for a in args]
    answer = run.json(*args)
    assert answer["routes"] or answer.get("from_education")
    jsonschema.validate(answer, result_schema(kind))


def test_the_schema_refuses_a_step_key_the_type_does_not_declare(run) -> None:
    answer = run.json(*LADDER, "routes", "hca")
    answer["routes"][0]["steps"][0]["salary"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(answer, result_schema("routes"))
