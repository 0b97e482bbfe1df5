"""Team design and assessment: hand-checkable optima, every returned team covers every need, plain
reasons when no team can, and each command's JSON."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import DATA

LADDER = ["--no-bundled", "--library", str(DATA / "ladder"), "--no-embeddings"]
SKILLS = ["c.wash", "c.obs", "c.meds", "c.lead", "c.assess"]


def needs_file(tmp_path: Path, needs: list[dict], rules: dict | None = None, name: str = "needs.yaml") -> Path:
    path = tmp_path / name
    path.write_text(
        json.dumps({"kind": "needs", "id": "t", "title": "Test needs", "needs": needs, "rules": rules or {}})
    )  # JSON is YAML
    return path


def design(run, path: Path, *extra: str, expect: int = 0):
    result = run(*LADDER, "team", "design", path, *extra, "--format", "json", expect=expect)
    return json.loads(result.stdout) if expect == 0 else result


def test_optimum_known_by_hand(run, tmp_path: Path) -> None:
    # washing by two people and observations at level 3 by one: a senior (26,000) does both, the
    # cheapest second washer is the carer (23,000); nothing cheaper covers both needs
    result = design(
        run,
        needs_file(
            tmp_path,
            [{"competency": "c.wash", "level": 2, "cover": 2}, {"competency": "c.obs", "level": 3, "cover": 1}],
        ),
    )
    assert {m["role"]: m["count"] for m in result["team"]} == {"lad:senior": 1, "lad:carer": 1}
    assert result["cost"] == 49000 and result["headcount"] == 2
    washing = result["coverage"][0]
    assert washing["provided"] == 2 and washing["margin"] == 0
    assert result["alternatives"] and all(a["cost"] >= result["cost"] for a in result["alternatives"])


def test_headcount_objective_prefers_fewer_people(run, tmp_path: Path) -> None:
    path = needs_file(
        tmp_path,
        [
            {"competency": "c.wash", "level": 2, "cover": 1},
            {"competency": "c.obs", "level": 2, "cover": 1},
            {"competency": "c.meds", "level": 2, "cover": 1},
        ],
    )
    assert design(run, path, "--objective", "headcount")["headcount"] == 1  # a senior does all three
    assert design(run, path)["cost"] <= 26000


def test_what_ifs_exclude_max_and_min(run, tmp_path: Path) -> None:
    path = needs_file(
        tmp_path, [{"competency": "c.wash", "level": 2, "cover": 2}, {"competency": "c.obs", "level": 3, "cover": 1}]
    )
    without_senior = design(run, path, "--exclude", "senior")
    assert "lad:senior" not in {m["role"] for m in without_senior["team"]}
    capped = design(run, path, "--max", "carer=0")
    assert "lad:carer" not in {m["role"] for m in capped["team"]}
    forced = design(run, path, "--min", "nurse=1")
    assert {m["role"]: m["count"] for m in forced["team"]}.get("lad:nurse") == 1


def test_need_no_role_can_meet_is_explained(run, tmp_path: Path) -> None:
    result = design(run, needs_file(tmp_path, [{"competency": "c.assess", "level": 7, "cover": 1}]), expect=2)
    assert "error: infeasible: no allowed role can meet 'Assessment' at level 7" in result.stderr
    assert "Traceback" not in result.stderr


def test_headcount_and_budget_limits_are_explained(run, tmp_path: Path) -> None:
    crowd = needs_file(tmp_path, [{"competency": "c.wash", "level": 2, "cover": 5}], {"max_headcount": 3})
    assert (
        "max_headcount 3 is too small: covering every need takes at least 5 people"
        in design(run, crowd, expect=2).stderr
    )
    poor = needs_file(tmp_path, [{"competency": "c.wash", "level": 2, "cover": 2}], {"budget": 30000}, "b.yaml")
    assert (
        "budget £30,000 is too small: the cheapest team covering every need costs £46,000"
        in design(run, poor, expect=2).stderr
    )


def test_sector_share_rule_is_kept(run, tmp_path: Path) -> None:
    path = needs_file(
        tmp_path,
        [{"competency": "c.obs", "level": 2, "cover": 2}, {"competency": "c.wash", "level": 2, "cover": 3}],
        {"sector_share": {"social_care": {"min": 0.4}}},
    )
    result = design(run, path)
    assert result["by_sector"].get("social_care", 0) / result["headcount"] >= 0.4


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(SKILLS), st.integers(1, 6), st.integers(1, 4)),
        min_size=1,
        max_size=6,
        unique_by=lambda t: t[0],
    ),
    st.one_of(st.none(), st.integers(1, 8)),
)
def test_every_returned_team_covers_every_need(run, tmp_path_factory, needs, headcount) -> None:
    tmp_path = tmp_path_factory.mktemp("prop")
    path = needs_file(
        tmp_path,
        [{"competency": c, "level": lv, "cover": n} for c, lv, n in needs],
        {"max_headcount": headcount} if headcount else {},
    )
    result = run(*LADDER, "team", "design", path, "--format", "json", expect=None)
    if result.exit_code == 2:
        assert "error: infeasible:" in result.stderr
        return
    team = json.loads(result.stdout)
    assert all(row["provided"] >= row["need"]["cover"] for row in team["coverage"])
    if headcount:
        assert team["headcount"] <= headcount


def test_assess_finds_gaps_single_points_and_upskilling(run, tmp_path: Path) -> None:
    path = needs_file(
        tmp_path,
        [
            {"competency": "c.wash", "level": 2, "cover": 3},
            {"competency": "c.obs", "level": 3, "cover": 1},
            {"competency": "c.meds", "level": 2, "cover": 1},
        ],
    )
    team = tmp_path / "team.yaml"
    team.write_text(
        "kind: team\nname: Ward 9\nmembers:\n  - {role: senior, count: 1, people: [Kim]}\n  - {role: hca, count: 1}\n"
    )
    result = json.loads(run(*LADDER, "team", "assess", team, "--needs", path, "--format", "json").stdout)
    status = {row["need"]["label"]: row["status"] for row in result["coverage"]}
    assert status == {
        "Personal washing": "gap",
        "Vital signs": "single point of failure",
        "Medicines": "single point of failure",
    }
    assert result["single_points_of_failure"][0]["people"] == ["Kim"]
    (plan,) = result["upskilling"]
    assert plan["shortfall"] == 1 and plan["advice"] is not None  # only two people; one more is needed


def test_assess_proposes_the_shortest_training(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, [{"competency": "c.obs", "level": 3, "cover": 2}])
    team = tmp_path / "team.yaml"
    team.write_text("kind: team\nmembers:\n  - {role: senior, count: 1}\n  - {role: hca, count: 2}\n")
    (plan,) = json.loads(run(*LADDER, "team", "assess", team, "--needs", path, "--format", "json").stdout)["upskilling"]
    assert plan["training"]["id"] == "lad:obs-course" and plan["train"] == [{"role": "lad:hca", "people": 1}]


def test_unknown_template_suggests(run) -> None:
    result = run("team", "design", "integrated-neighborhood-team", expect=2)
    assert "did you mean" in result.stderr or "team templates" in result.stderr


def test_bad_needs_file_is_a_located_error(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: needs\nid: x\ntitle: X\nneeds:\n  - {competency: c.wash, level: 12}\n")
    result = run(*LADDER, "team", "design", bad, expect=2)
    assert "bad.yaml:5" in result.stderr and "level" in result.stderr


def test_every_bundled_template_solves_and_covers_every_need(run) -> None:
    templates = json.loads(run("team", "templates", "--format", "json").stdout)
    assert len(templates) >= 5
    assert all(t["source"] for t in templates)
    for template in templates:
        team = json.loads(run("team", "design", template["id"], "--format", "json").stdout)
        assert team["status"] == "optimal" and team["headcount"] > 0
        assert all(row["provided"] >= row["need"]["cover"] for row in team["coverage"]), template["id"]
        rules = team["rules"]
        if rules.get("max_headcount"):
            assert team["headcount"] <= rules["max_headcount"]
        if rules.get("budget"):
            assert team["cost"] <= rules["budget"]


def test_integrated_neighbourhood_team_reads_as_sensible(run) -> None:
    team = json.loads(run("team", "design", "integrated-neighbourhood-team", "--format", "json").stdout)
    roles = {m["role"] for m in team["team"]}
    assert "hsc:registered-nurse-adult" in roles or "hsc:district-nurse" in roles
    assert team["headcount"] <= 12  # Buurtzorg: teams of no more than 12
    assert team["alternatives"] and team["alternatives"][0]["cost"] >= team["cost"]


def test_a_named_person_with_a_passport_covers_more_than_their_role(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, [{"competency": "c.obs", "level": 3, "cover": 2}])
    team = tmp_path / "team.yaml"
    team.write_text(
        "kind: team\nmembers:\n  - {role: senior, count: 1}\n"
        "  - role: hca\n    count: 2\n    people:\n"
        "      - {name: Priya, competencies: [{competency: c.obs, level: 3}]}\n      - Tom\n"
    )
    result = json.loads(run(*LADDER, "team", "assess", team, "--needs", path, "--format", "json").stdout)
    (row,) = result["coverage"]
    assert row["status"] == "ok" and row["provided"] == 2
    assert ["Priya"] in [b["people"] for b in row["covered_by"]]
    assert result["headcount"] == 3
