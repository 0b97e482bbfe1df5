"""Robust team design (issue 15): `team design --area A --availability vacancy` sizes the team so that
each need's cover still holds, with the asked confidence, when each post is filled with probability
1 - its role's vacancy rate in the area.

The fixture (tests/data/teams_supply) has three roles: a cheap care assistant (20,000) that is hard to
fill in Testshire (vacancy 0.3), a health support worker (25,000) that rarely is vacant (0.02), and a
dear senior carer (45,000) with no Testshire figure, so taken as always filled. Washing is covered by the
care assistant and the senior carer, vital signs by the support worker. Every expected number below is
worked by hand from those rates."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest

from graph.lookup import NotFound
from graph.supply import HARD_TO_FILL_VACANCY
from pathways.errors import QuestionError
from pathways.results import as_json, result_schema
from pathways.session import Session
from tests.conftest import DATA

jsonschema = pytest.importorskip("jsonschema")

LIBRARY = DATA / "teams_supply" / "library"
NEEDS = DATA / "teams_supply" / "needs.yaml"
ROOT = ["--no-bundled", "--library", str(LIBRARY), "--no-embeddings"]
ROBUST = ["--area", "testshire", "--availability", "vacancy"]
PAY = {"sup:care-assistant": 20000, "sup:support-worker": 25000, "sup:senior-carer": 45000}


@pytest.fixture(scope="module")
def session(tmp_path_factory) -> Session:
    return Session.open([str(LIBRARY)], bundled=False, workspace=tmp_path_factory.mktemp("ws"), embeddings=False)


def needs_with(tmp_path: Path, washing: int, signs: int = 2) -> Path:
    path = tmp_path / "needs.yaml"
    doc = {
        "kind": "needs",
        "namespace": "sup",
        "id": "home-care",
        "title": "Home care test needs",
        "needs": [
            {"competency": "s.wash", "level": 2, "cover": washing},
            {"competency": "s.obs", "level": 2, "cover": signs},
        ],
    }
    path.write_text(json.dumps(doc))  # JSON is YAML
    return path


def team(design) -> dict[str, int]:
    return {m.role: m.count for m in design.team}


def at_least(k: int, posts: int, p: float, sure: int = 0) -> float:
    """P(at least k of `posts` independent posts, each filled with probability p, plus `sure` always-filled
    ones, are filled): the binomial sum, written out."""
    return sum(math.comb(posts, j) * p**j * (1 - p) ** (posts - j) for j in range(posts + 1) if j + sure >= k)


def test_the_robust_design_adds_cover_exactly_where_vacancies_bite(session: Session) -> None:
    plain = session.team_design(NEEDS)
    robust = session.team_design(NEEDS, area="testshire", availability="vacancy")
    # every post filled: one care assistant washes (20,000), two support workers take vital signs (50,000)
    assert team(plain) == {"sup:care-assistant": 1, "sup:support-worker": 2} and plain.cost == 70000
    # one care assistant is in post with probability 0.7 < 0.9; two, with 1 - 0.3^2 = 0.91 for 20,000 more,
    # cheaper than swapping in the always-filled senior carer (45,000)
    assert team(robust) == {"sup:care-assistant": 2, "sup:support-worker": 2} and robust.cost == 90000
    washing, signs = robust.coverage
    assert washing.provided == 2 and washing.expected_filled == pytest.approx(2 * 0.7)
    assert washing.cover_probability == pytest.approx(1 - 0.3**2)
    # both support workers are in post with probability 0.98^2 = 0.9604 >= 0.9: vital signs as in the plain team
    assert signs.cover_probability == pytest.approx(0.98**2) and signs.expected_filled == pytest.approx(2 * 0.98)
    assert as_json(signs) | {"expected_filled": None, "cover_probability": None} == as_json(plain.coverage[1])
    supply = robust.availability
    assert (
        supply is not None
        and supply.basis == "vacancy"
        and (supply.area, supply.area_name) == ("testshire", "Testshire")
    )
    assert supply.confidence == 0.9 and (supply.plain_headcount, supply.plain_cost) == (3, 70000)
    # the plain question's answer carries no area's figures at all
    assert plain.availability is None and plain.hard_to_fill is None
    assert all(row.cover_probability is None and row.expected_filled is None for row in plain.coverage)
    assert all(m.vacancy_rate is None for m in plain.team)


def test_an_area_alone_shows_where_the_plain_team_is_exposed(session: Session) -> None:
    shown = session.team_design(NEEDS, area="Testshire")  # an area's name works as well as its id
    assert team(shown) == {"sup:care-assistant": 1, "sup:support-worker": 2}  # sized as if every post were filled
    washing, signs = shown.coverage
    assert washing.cover_probability == pytest.approx(0.7) and signs.cover_probability == pytest.approx(0.98**2)
    assert shown.availability is not None and shown.availability.basis == "all"
    assert {m.role: m.vacancy_rate for m in shown.team} == {"sup:care-assistant": 0.3, "sup:support-worker": 0.02}


@pytest.mark.parametrize(
    ("washing", "confidence", "expected"),
    [
        # 1 - 0.3^2 = 0.91 >= 0.9: two care assistants (40,000) beat the senior carer (45,000)
        (1, 0.9, {"sup:care-assistant": 2}),
        # at 0.95 it takes three (1 - 0.3^3 = 0.973, 60,000): the always-filled senior carer is cheaper
        (1, 0.95, {"sup:senior-carer": 1}),
        # two washers: 3 assistants give 0.784, 4 give 1 - 0.3^4 - 4(0.7)(0.3^3) = 0.9163 for 80,000, less than
        # a senior carer and two assistants (85,000) or two senior carers (90,000)
        (2, 0.9, {"sup:care-assistant": 4}),
    ],
)
def test_the_design_is_the_cheapest_team_whose_cover_holds(
    session: Session, tmp_path: Path, washing: int, confidence: float, expected: dict[str, int]
) -> None:
    design = session.team_design(
        needs_with(tmp_path, washing), area="testshire", availability="vacancy", confidence=confidence
    )
    assert team(design) == {**expected, "sup:support-worker": 2}
    # every team of up to 6 of each role, checked by hand: none cheaper keeps both covers at the confidence
    holding = [
        PAY["sup:care-assistant"] * ca + PAY["sup:senior-carer"] * sc + PAY["sup:support-worker"] * sw
        for ca, sc, sw in itertools.product(range(7), repeat=3)
        if ca + sc >= washing
        and sw >= 2
        and at_least(washing, ca, 0.7, sure=sc) >= confidence
        and at_least(2, sw, 0.98) >= confidence
    ]
    assert design.cost == min(holding)
    ca, sc = team(design).get("sup:care-assistant", 0), team(design).get("sup:senior-carer", 0)
    assert design.coverage[0].cover_probability == pytest.approx(at_least(washing, ca, 0.7, sure=sc))


def test_hard_to_fill_roles_name_their_figures_and_sources(session: Session) -> None:
    robust = session.team_design(NEEDS, area="testshire", availability="vacancy")
    # the care assistant (0.3) is at or above the hard-to-fill rate of 0.10; the support worker (0.02) is not
    (hard,) = robust.hard_to_fill or []
    assert (hard.role, hard.title, hard.count) == ("sup:care-assistant", "Care assistant", 2)
    assert as_json(hard.vacancy_rate) == {
        "measure": "vacancy_rate",
        "value": 0.3,
        "area": "testshire",
        "area_name": "Testshire",
        "subject": "Care assistant",
        "as_of": "2024/25",
        "source": "Testshire care workforce survey",
    }
    assert hard.turnover_rate is not None and hard.turnover_rate.value == 0.35
    # the senior carer has no Testshire figure: taken as always filled, and the answer says so
    assert robust.availability is not None and robust.availability.assumed_filled == ["sup:senior-carer"]
    assert any("sup:senior-carer" in line and "always filled" in line for line in robust.availability.assumptions)


def test_refusals_are_question_errors_in_words(session: Session) -> None:
    with pytest.raises(QuestionError, match="--availability vacancy needs --area"):
        session.team_design(NEEDS, availability="vacancy")
    with pytest.raises(QuestionError, match="confidence"):
        session.team_design(NEEDS, area="testshire", availability="vacancy", confidence=1.0)
    with pytest.raises(QuestionError, match="availability must be 'all' or 'vacancy'"):
        session.team_design(NEEDS, area="testshire", availability="turnover")
    with pytest.raises(QuestionError, match="--confidence applies only with --availability vacancy"):
        session.team_design(NEEDS, area="testshire", confidence=0.95)  # asked for, so never silently dropped
    with pytest.raises(NotFound, match="testshire"):
        session.team_design(NEEDS, area="testshir", availability="vacancy")


def test_the_cli_refuses_vacancy_without_an_area_in_one_line(run) -> None:
    result = run(*ROOT, "team", "design", NEEDS, "--availability", "vacancy", expect=2)
    assert result.stderr.strip().splitlines()[-1] == (
        "error: --availability vacancy needs --area: the area whose vacancy rates to size the team for"
    )
    assert [line for line in result.stderr.splitlines() if line.startswith("error")] == [
        result.stderr.strip().splitlines()[-1]
    ]
    assert result.stdout == ""


def test_an_unknown_area_is_answered_with_the_nearest(run) -> None:
    result = run(*ROOT, "team", "design", NEEDS, "--area", "testshir", "--availability", "vacancy", expect=2)
    assert "error: area 'testshir' not found; candidates: testshire (Testshire)" in result.stderr


def test_rules_vacancies_break_are_explained(run) -> None:
    # every post filled, 70,000 keeps the budget; holding cover at Testshire's rates takes 90,000
    result = run(*ROOT, "team", "design", NEEDS, *ROBUST, "--budget", "80000", expect=2)
    assert "with every post filled a team covers every need under the rules" in result.stderr
    assert (
        "--budget £80,000 is too small: the cheapest team covering every need with probability 0.9 at "
        "Testshire's vacancy rates costs £90,000 a year" in result.stderr
    )
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("extra", [[], ["--area", "testshire"], ROBUST])
def test_the_json_answers_in_the_published_schema(run, extra: list[str]) -> None:
    answer = run.json(*ROOT, "team", "design", NEEDS, *extra)
    jsonschema.Draft202012Validator(result_schema("team-design")).validate(answer)
    assert ("availability" in answer and "hard_to_fill" in answer) and (answer["availability"] is None) == (not extra)


def test_the_table_shows_the_chances_and_the_hard_to_fill_roles(run) -> None:
    shown = run(*ROOT, "team", "design", NEEDS, *ROBUST, "--format", "md").stdout
    assert "| need | level | needed | provided | margin | expected filled | chance of cover | covered by |" in shown
    assert "| Personal washing | 2 | 1 | 2 | 1 | 1\\.4 | 0\\.91 | sup:care-assistant x2 |" in shown
    assert "## Hard to fill in Testshire" in shown
    assert "0\\.3 (Testshire, Care assistant, 2024/25; Testshire care workforce survey)" in shown
    assert "**With every post filled:** 3 people, £70,000" in shown


def test_the_bundled_team_template_can_be_sized_for_kent(run) -> None:
    answer = run.json(
        "--no-embeddings",
        "team",
        "design",
        "integrated-neighbourhood-team",
        "--area",
        "kent",
        "--availability",
        "vacancy",
    )
    jsonschema.Draft202012Validator(result_schema("team-design")).validate(answer)
    assert answer["availability"]["area_name"] == "Kent" and answer["availability"]["basis"] == "vacancy"
    assert all(row["cover_probability"] >= 0.9 - 1e-9 for row in answer["coverage"])
    assert answer["cost"] >= answer["availability"]["plain_cost"]
    in_team = {m["role"]: m for m in answer["team"]}
    for hard in answer["hard_to_fill"]:
        assert hard["role"] in in_team and hard["vacancy_rate"]["value"] >= HARD_TO_FILL_VACANCY
        assert hard["vacancy_rate"]["source"] and hard["vacancy_rate"]["as_of"]
    assert {h["role"] for h in answer["hard_to_fill"]} == {
        role for role, m in in_team.items() if (m["vacancy_rate"] or 0) >= HARD_TO_FILL_VACANCY
    }


def test_more_expected_posts_never_beat_a_cheaper_team_whose_cover_holds(tmp_path: Path) -> None:
    """A reviewer's case: cover 2 of washing from a cheap role at 30% vacancy or a dearer one at 3%. Four
    cheap posts hold (0.92) at 72,000, but two steady posts hold too (0.94) at 60,000 with fewer expected
    posts filled; the design is the cheaper one, and a budget or headcount that only it meets is kept."""
    library = tmp_path / "lib"
    library.mkdir()
    (library / "framework.yaml").write_text((DATA / "teams_supply" / "library" / "framework.yaml").read_text())
    role = "  - {{id: {0}, title: {0}, sector: social_care, level: 2, top: test, pay: {{min: {1}, max: {1}}},"
    role += " requirements: [{{competency: s.wash, level: 2}}]}}\n"
    (library / "roles.yaml").write_text(
        "kind: roles\nnamespace: sup\nroles:\n" + role.format("cheap", 18000) + role.format("steady", 30000)
    )
    (library / "supply.yaml").write_text(
        "kind: supply\nnamespace: sup\nareas: {testshire: {name: Testshire}}\nfigures:\n"
        "  - {area: testshire, role: cheap, as_of: '2024', vacancy_rate: 0.3}\n"
        "  - {area: testshire, role: steady, as_of: '2024', vacancy_rate: 0.03}\n"
    )
    needs = tmp_path / "needs.yaml"
    needs.write_text(
        "kind: needs\nnamespace: sup\nid: wash\ntitle: Washing\nneeds: [{competency: s.wash, level: 2, cover: 2}]\n"
    )
    session = Session.open(library=[str(library)], bundled=False, workspace=tmp_path / "ws", embeddings=False)
    for limits in ({}, {"budget": 70000, "max_headcount": 3}):
        design = session.team_design(needs, area="testshire", availability="vacancy", **limits)
        assert team(design) == {"sup:steady": 2} and design.cost == 60000
        assert design.coverage[0].cover_probability == pytest.approx(0.97**2)  # both posts filled


def test_a_rarely_vacant_role_is_not_rounded_into_an_extra_post(tmp_path: Path) -> None:
    """Ten people for vital signs from support workers at 1% vacancy, at confidence 0.95: eleven posts hold
    (P(at least 10 of 11 filled) = 0.99^11 + 11 x 0.01 x 0.99^10 = 0.9948), so twelve would be a post too
    many (as rounding 0.99 down to 0.95 once gave)."""
    (tmp_path / "supply.yaml").write_text(
        "kind: supply\nnamespace: sup\nfigures:\n"
        "  - {area: testshire, role: support-worker, as_of: '2025', vacancy_rate: 0.01}\n"
    )
    needs = tmp_path / "needs.yaml"
    needs.write_text(
        "kind: needs\nnamespace: sup\nid: obs\ntitle: Obs\nneeds: [{competency: s.obs, level: 2, cover: 10}]\n"
    )
    library = [str(DATA / "teams_supply" / "library"), str(tmp_path / "supply.yaml")]
    session = Session.open(library=library, bundled=False, workspace=tmp_path / "ws", embeddings=False)
    design = session.team_design(needs, area="testshire", availability="vacancy", confidence=0.95)
    assert team(design) == {"sup:support-worker": 11}
    assert design.coverage[0].cover_probability == pytest.approx(0.99**11 + 11 * 0.01 * 0.99**10)
