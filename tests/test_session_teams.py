"""The library API for team and job-description questions (Session.team_design, team_assess,
job_description), and the published schemas their commands answer in.

The lexical matcher keeps these quick and deterministic; what is asserted holds for any matcher (every
need covered, the rules kept, gaps consistent with cover), as the README promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pathways.errors import QuestionError
from pathways.jd import JobDescription
from pathways.results import as_json, result_schema
from pathways.session import Session
from pathways.teams import Conflict, TeamAssessment, TeamDesign, read_needs_file

jsonschema = pytest.importorskip("jsonschema")

EXAMPLES = Path(__file__).parent.parent / "examples"
NEEDS = EXAMPLES / "my-needs.yaml"
TEAM = EXAMPLES / "our-team.yaml"
TEMPLATE = "integrated-neighbourhood-team"
LEXICAL = ["--no-embeddings"]


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Session:
    return Session.open(workspace=tmp_path_factory.mktemp("ws"), embeddings=False)


@pytest.fixture(scope="module")
def example_design(session: Session) -> TeamDesign:
    return session.team_design(NEEDS)


def test_a_design_for_the_example_needs_covers_every_need_within_its_rules(
    session: Session, example_design: TeamDesign
) -> None:
    design = example_design
    doc = read_needs_file(session.graph, NEEDS)
    assert isinstance(design, TeamDesign) and design.status == "optimal"
    assert len(design.coverage) == len(doc["needs"])
    assert all(
        row.provided >= row.need.cover and row.margin == row.provided - row.need.cover for row in design.coverage
    )
    assert design.headcount == sum(m.count for m in design.team) <= doc["rules"]["max_headcount"]
    assert design.cost == sum(m.cost for m in design.team)
    assert sum(design.by_sector.values()) == design.headcount
    for alternative in design.alternatives:  # the next best teams do without a role the answer uses
        assert alternative.without in {m.role for m in design.team}
        assert alternative.without not in {m.role for m in alternative.team}
        assert alternative.extra_cost == alternative.cost - design.cost >= 0


def test_a_loaded_needs_document_gives_the_same_design_as_its_file(
    session: Session, example_design: TeamDesign
) -> None:
    loaded = read_needs_file(session.graph, NEEDS)
    assert as_json(session.team_design(loaded)) == as_json(example_design)


def test_options_name_roles_as_users_do_and_win_over_the_needs(session: Session) -> None:
    design = session.team_design(
        NEEDS, objective="headcount", exclude=["district nurse"], caps={"care worker": 4}, max_headcount=12
    )
    roles = {m.role: m.count for m in design.team}
    assert "hsc:district-nurse" not in roles and roles.get("hsc:care-worker", 0) <= 4
    assert design.rules["exclude"] == ["hsc:district-nurse"] and design.rules["max_roles"] == {"hsc:care-worker": 4}
    assert design.status == "optimal with overrides"  # the file's max_headcount 10 gave way to 12
    source = read_needs_file(session.graph, NEEDS)["id"]
    assert [(o.rule, o.from_, o.by) for o in design.overridden] == [("max_headcount 10", source, "--max-headcount 12")]
    assert as_json(design)["overridden"][0]["from"] == source


def test_domain_refusals_are_question_errors_in_words(session: Session) -> None:
    with pytest.raises(QuestionError, match="neither a needs file nor a template; did you mean"):
        session.team_design("integrated-neighbourhood-tem")
    with pytest.raises(Conflict, match="--exclude hsc:district-nurse conflicts with --min hsc:district-nurse=1"):
        session.team_design(NEEDS, exclude=["district nurse"], minimums={"district-nurse": 1})
    with pytest.raises(QuestionError, match="--max care worker=2 conflicts with --max hsc:care-worker=3"):
        session.team_design(NEEDS, caps=[("care worker", 2), ("hsc:care-worker", 3)])
    with pytest.raises(QuestionError, match="unknown sector 'helth'; did you mean 'health'"):
        session.team_design(NEEDS, sectors="helth,social_care")
    with pytest.raises(QuestionError, match="objective"):
        session.team_design(NEEDS, objective="speed")


def test_an_assessment_of_the_example_team_reports_its_gaps(session: Session) -> None:
    result = session.team_assess(TEAM, TEMPLATE)
    assert isinstance(result, TeamAssessment)
    assert result.headcount == 1 + 2 + 2 + 3  # the posts the team file lists
    gaps = [row for row in result.coverage if row.status == "gap"]
    assert gaps, "the README's example team falls short of the integrated neighbourhood team"
    assert result.gaps == [row.need.label for row in gaps]
    assert all(row.provided < row.required and row.upskilling is not None for row in gaps)
    assert all(row.upskilling is None for row in result.coverage if row.status != "gap")
    assert [plan.need for plan in result.upskilling] == result.gaps
    for plan in result.upskilling:
        assert plan.shortfall > 0 and (plan.training is not None or plan.advice)
    named = {name for row in result.coverage for b in row.covered_by for name in b.people}
    assert {"Ann", "Bo", "Chi", "Priya"} <= named  # people are shown by the names the team file gives
    from pathways.teams import read_team_file

    posts: dict[str, int] = {}
    for member in read_team_file(session.graph, TEAM):
        posts[member["role"]] = posts.get(member["role"], 0) + member["count"]
    (doc,) = [t for qid, t in session.graph.graph["team_templates"].items() if qid.endswith(":" + TEMPLATE)]
    assert doc["rules"].get("min_roles"), "the template has role minimums to check"
    for role, least in doc["rules"]["min_roles"].items():  # each rule of the needs is reported as kept or not
        (check,) = [r for r in result.rules if r.rule == f"min_roles {role}: {least}"]
        assert check.kept is (posts.get(role, 0) >= least)


def test_members_already_loaded_are_assessed_like_a_team_file(session: Session) -> None:
    from pathways.teams import read_team_file

    members = read_team_file(session.graph, TEAM)
    assert as_json(session.team_assess(members, TEMPLATE)) == as_json(session.team_assess(TEAM, TEMPLATE))


def test_a_job_description_is_typed_and_its_moves_lead_up_or_across(session: Session) -> None:
    jd = session.job_description("healthcare assistant")
    assert isinstance(jd, JobDescription) and jd.role == "hsc:healthcare-assistant" and jd.blend is None
    assert jd.responsibilities and all(d.duty.endswith(".") for r in jd.responsibilities for d in r.duties)
    assert all(move.level >= jd.level for move in jd.training_and_progression.progresses_to)
    shown = as_json(jd, rounded=True)["training_and_progression"]["progresses_to"]
    for move, raw in zip(shown, jd.training_and_progression.progresses_to, strict=True):
        assert move["months"] == (None if raw.months is None else round(raw.months, 1))


def test_a_blend_says_where_it_came_from_and_what_was_asked(session: Session) -> None:
    jd = session.job_description("care worker", blend_with=["healthcare assistant"], title="Holistic", band="4")
    assert jd.role is None and jd.title == "Holistic" and jd.band == "4" and jd.blend is not None
    assert jd.blend.from_ == ["hsc:care-worker", "hsc:healthcare-assistant"]
    assert jd.blend.asked.band == "4" and set(jd.blend.asked.conflicts) <= set(jd.blend.conflicts)
    assert as_json(jd)["blend"]["from"] == jd.blend.from_
    with pytest.raises(QuestionError, match="needs a title"):
        session.job_description("care worker", blend_with=["healthcare assistant"])
    with pytest.raises(QuestionError, match="band or level is for a blended role"):
        session.job_description("care worker", level=3)


def _valid(kind: str, document) -> None:
    jsonschema.Draft202012Validator(result_schema(kind)).validate(document)


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("team-design", ["team", "design", TEMPLATE]),
        ("team-design", ["team", "design", NEEDS, "--allow-blended-role", "--max-headcount", "12"]),
        ("team-assess", ["team", "assess", TEAM, "--needs", TEMPLATE]),
        ("team-assess", ["team", "assess", TEAM, "--needs", NEEDS]),
    ],
)
def test_team_commands_answer_in_their_published_schema(run, kind: str, args: list) -> None:
    _valid(kind, run.json(*LEXICAL, *args))
    schema = json.loads(run("schema", f"result-{kind}").stdout)
    assert schema == json.loads(json.dumps(result_schema(kind)))


@pytest.mark.parametrize(
    "args",
    [
        ["jd", "healthcare assistant"],
        ["jd", "--blend", "care worker", "healthcare assistant", "--title", "Holistic care worker", "--level", "3"],
    ],
)
def test_jd_json_answers_in_its_published_schema(run, args: list[str]) -> None:
    _valid("jd", json.loads(run(*LEXICAL, *args, "--format", "json").stdout))


def test_the_command_prints_what_the_session_answers(run, session: Session) -> None:
    shown = run.json(*LEXICAL, "team", "assess", TEAM, "--needs", TEMPLATE)
    assert shown == as_json(session.team_assess(TEAM, TEMPLATE), rounded=True)


def test_a_design_that_runs_out_of_time_says_so_rather_than_infeasible(tmp_path, monkeypatch) -> None:
    """The solver stops at its time limit: the answer is a one-line QuestionError saying the design took
    too long, never a claim that no team keeps the rules (which is what a timed-out solve looked like)."""
    import pytest
    from scipy.optimize import OptimizeResult

    from pathways.errors import QuestionError
    from pathways.session import Session

    def timed_out(*args, **kwargs):
        return OptimizeResult(status=1, x=None, success=False, message="Time limit reached.")

    monkeypatch.setattr("scipy.optimize.milp", timed_out)  # teams imports it when it solves
    session = Session.open(workspace=tmp_path, embeddings=False)
    with pytest.raises(QuestionError, match="took longer than 30 s and was stopped"):
        session.team_design("integrated-neighbourhood-team")
