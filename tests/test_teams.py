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
    assert plan["training"]["id"] == "lad:obs-course"
    assert [(t["role"], t["people"]) for t in plan["train"]] == [("lad:hca", 1)]


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


# --- a user's own limits win over the needs' rules, and are never dropped silently (issue 10) ---

WASH_OBS = [{"competency": "c.wash", "level": 2, "cover": 2}, {"competency": "c.obs", "level": 3, "cover": 1}]


def test_exclude_overrides_a_rule_of_the_needs_and_says_so(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, WASH_OBS, {"min_roles": {"senior": 1}})
    result = design(run, path, "--exclude", "senior")
    assert "lad:senior" not in {m["role"] for m in result["team"]}
    assert result["status"] != "optimal"
    (override,) = result["overridden"]
    assert override["rule"] == "min_roles lad:senior: 1" and override["by"] == "--exclude lad:senior"
    assert any("--exclude lad:senior overrides the rule min_roles lad:senior: 1" in n for n in result["notices"])
    assert "lad:senior" not in result["rules"].get("min_roles", {})
    assert design(run, path)["status"] == "optimal"  # nothing overridden: every rule kept


def test_max_caps_a_minimum_of_the_needs(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, WASH_OBS, {"min_roles": {"nurse": 3}})
    result = design(run, path, "--max", "nurse=2")
    assert {m["role"]: m["count"] for m in result["team"]}.get("lad:nurse") == 2
    assert result["overridden"][0]["by"] == "--max lad:nurse=2"
    assert result["status"] != "optimal"


def test_min_lifts_an_exclusion_and_a_cap_of_the_needs(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, WASH_OBS, {"exclude": ["nurse"], "max_roles": {"senior": 1}})
    result = design(run, path, "--min", "nurse=1", "--min", "senior=2")
    counts = {m["role"]: m["count"] for m in result["team"]}
    assert counts.get("lad:nurse") == 1 and counts.get("lad:senior", 0) >= 2
    assert {o["by"] for o in result["overridden"]} == {"--min lad:nurse=1", "--min lad:senior=2"}


def test_bundled_template_exclusion_and_cap_are_honoured(run) -> None:
    # the template requires a district nurse; the user's exclusion wins and the answer says which rule it overrode
    team = run.json("team", "design", "integrated-neighbourhood-team", "--exclude", "district nurse")
    assert "hsc:district-nurse" not in {m["role"] for m in team["team"]}
    assert team["status"] == "optimal with overrides" and any("hsc:district-nurse" in n for n in team["notices"])
    capped = run.json("team", "design", "integrated-neighbourhood-team", "--max", "registered-nurse-adult=2")
    assert {m["role"]: m["count"] for m in capped["team"]}.get("hsc:registered-nurse-adult", 0) <= 2


def test_an_exclusion_that_makes_the_design_infeasible_is_named(run, tmp_path: Path) -> None:
    # obs at level 3 by a senior (26,000) plus a carer for washing fits 50,000; without the senior the
    # cheapest is an associate (29,000) plus a carer: over budget, so the exclusion is to blame
    path = needs_file(tmp_path, WASH_OBS, {"budget": 50000})
    refused = design(run, path, "--exclude", "senior", expect=2)
    assert "error: infeasible: with --exclude lad:senior no team covers every need" in refused.stderr
    assert "budget £50,000" in refused.stderr


def test_contradicting_options_are_refused_in_one_line(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, WASH_OBS)
    for args, words in [
        (["--exclude", "senior", "--min", "senior=1"], "--exclude lad:senior conflicts with --min lad:senior=1"),
        (["--min", "nurse=3", "--max", "nurse=2"], "--min lad:nurse=3 conflicts with --max lad:nurse=2"),
        (["--max", "carer=1", "--max", "carer=2"], "--max carer=1 conflicts with --max carer=2"),
        (["--min", "senior=1", "--sectors", "social_care"], "--min lad:senior=1 conflicts with --sectors social_care"),
        (["--min", "nurse=2", "--max-headcount", "1"], "more than --max-headcount 1"),
    ]:
        result = design(run, path, *args, expect=2)
        lines = [line for line in result.stderr.splitlines() if not line.startswith("note: ")]
        assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], (args, result.stderr)


def test_user_headcount_and_budget_win_and_are_named_when_too_small(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, WASH_OBS, {"max_headcount": 5, "budget": 100000})
    result = design(run, path, "--max-headcount", "1", expect=2)
    assert "error: infeasible: --max-headcount 1 is too small" in result.stderr
    result = design(run, path, "--budget", "30000", expect=2)
    assert "error: infeasible: --budget £30,000 is too small" in result.stderr
    looser = design(run, path, "--max-headcount", "8", "--budget", "200000")
    assert looser["rules"]["max_headcount"] == 8 and looser["rules"]["budget"] == 200000
    assert {o["by"] for o in looser["overridden"]} == {"--max-headcount 8", "--budget 200000"}


def test_sectors_are_checked_and_override_the_needs(run, tmp_path: Path) -> None:
    path = needs_file(
        tmp_path,
        [{"competency": "c.wash", "level": 2, "cover": 2}],
        {"min_roles": {"senior": 1}, "sector_share": {"health": {"min": 0.5}}},
    )
    assert "did you mean 'social_care'" in design(run, path, "--sectors", "socialcare", expect=2).stderr
    result = design(run, path, "--sectors", "social_care")
    assert {m["sector"] for m in result["team"]} == {"social_care"}
    assert {o["rule"] for o in result["overridden"]} == {"min_roles lad:senior: 1", "sector_share health: min 0.5"}


def test_a_role_ruled_out_is_named_when_nobody_else_can_meet_a_need(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, [{"competency": "c.assess", "level": 5, "cover": 1}])
    result = design(run, path, "--exclude", "nurse", expect=2)
    assert "no allowed role can meet 'Assessment' at level 5" in result.stderr
    assert "lad:nurse (--exclude lad:nurse)" in result.stderr


def test_misspelt_keys_in_a_needs_file_are_located_errors(run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "kind: needs\nid: x\ntitle: X\nneeds:\n  - {competency: c.wash, level: 2}\nrules:\n"
        "  sector_share: {socialcare: {min: 0.3}}\n  min_roles: {senoir: 1}\n  exclude: [carerr]\n"
    )
    result = design(run, bad, expect=2)
    errors = result.stderr.strip().splitlines()
    assert any(
        "bad.yaml:7: rules.sector_share.socialcare: unknown sector 'socialcare'; did you mean 'social_care'?" in e
        for e in errors
    ), result.stderr
    assert any(
        "bad.yaml:8: rules.min_roles.senoir: unknown role 'senoir'; did you mean 'lad:senior'?" in e for e in errors
    )
    assert any("bad.yaml:9: rules.exclude[0]: unknown role 'carerr'; did you mean 'lad:carer'?" in e for e in errors)
    assert "infeasible" not in result.stderr and "Traceback" not in result.stderr


def test_a_needs_file_whose_rules_contradict_each_other_is_refused(run, tmp_path: Path) -> None:
    head = "kind: needs\nid: x\ntitle: X\nneeds:\n  - {competency: c.wash, level: 2}\nrules:\n"
    bad = tmp_path / "self.yaml"
    bad.write_text(head + "  min_roles: {senior: 2}\n  max_roles: {senior: 1}\n  exclude: [senior]\n")
    err = design(run, bad, expect=2).stderr
    assert "self.yaml:7: rules.min_roles.senior: lad:senior is also in exclude" in err
    assert "self.yaml:7: rules.min_roles.senior: at least 2 lad:senior but max_roles allows at most 1" in err
    odd = tmp_path / "odd.yaml"
    odd.write_text(head + "  min_roles: {carer: -1}\n  sector_share: {health: {min: 0.8, max: 0.5}}\n")
    err = design(run, odd, expect=2).stderr
    assert "odd.yaml:7: rules.min_roles.carer" in err  # a negative count
    assert "odd.yaml:8: rules.sector_share.health: min 0.8 is above max 0.5" in err
    assert "Traceback" not in err and "infeasible" not in err


def test_similarity_credits_count_needs_not_credits(run) -> None:
    team = run.json("team", "design", "pcn-additional-roles-team")
    needs = {c["need"] for c in team["similarity_credits"]}
    page = run("team", "design", "pcn-additional-roles-team", "--format", "md").stdout
    assert f"{len(needs)} of {len(team['coverage'])} needs are met" in page


def test_headcount_objective_ranks_alternatives_by_headcount(run, tmp_path: Path) -> None:
    path = needs_file(
        tmp_path,
        [
            {"competency": "c.wash", "level": 2, "cover": 1},
            {"competency": "c.obs", "level": 2, "cover": 1},
            {"competency": "c.meds", "level": 2, "cover": 1},
        ],
    )
    alternatives = design(run, path, "--objective", "headcount")["alternatives"]
    keys = [(a["headcount"], a["cost"]) for a in alternatives]
    assert keys == sorted(keys)


# --- team files: counts, people and rules in assess ---


def team_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "team.yaml"
    path.write_text("kind: team\nmembers:\n" + text)
    return path


def test_more_people_than_count_is_a_located_error(run, tmp_path: Path) -> None:
    needs = needs_file(tmp_path, WASH_OBS)
    team = team_file(tmp_path, "  - {role: senior, count: 1}\n  - {role: carer, count: 3, people: [A, B, C, D]}\n")
    err = run(*LADDER, "team", "assess", team, "--needs", needs, expect=2).stderr
    assert "team.yaml:4: members[1]: 4 people named but count is 3" in err and len(err.strip().splitlines()) == 1
    # no count: as many as are named; fewer names than count: the rest are unnamed posts
    team = team_file(tmp_path, "  - {role: carer, people: [A, B, C]}\n  - {role: senior, count: 2, people: [Kim]}\n")
    assert run.json(*LADDER, "team", "assess", team, "--needs", needs)["headcount"] == 5


def test_unknown_role_in_a_team_file_is_located(run, tmp_path: Path) -> None:
    needs = needs_file(tmp_path, WASH_OBS)
    team = team_file(tmp_path, "  - {role: senior, count: 1}\n  - {role: carerr, count: 1}\n")
    err = run(*LADDER, "team", "assess", team, "--needs", needs, expect=2).stderr
    assert "team.yaml:4: members[1].role: unknown role 'carerr'; did you mean 'lad:carer'?" in err


def test_assess_shows_people_by_name_and_omits_empty_sections(run, tmp_path: Path) -> None:
    needs = needs_file(
        tmp_path, [{"competency": "c.wash", "level": 2, "cover": 3}, {"competency": "c.obs", "level": 3, "cover": 1}]
    )
    team = team_file(tmp_path, "  - {role: senior, people: [Kim]}\n  - {role: carer, count: 2, people: [Asha]}\n")
    result = run.json(*LADDER, "team", "assess", team, "--needs", needs)
    assert result["single_points_of_failure"][0]["people"] == ["Kim"]
    for fmt in ("md", "table"):
        page = run(*LADDER, "team", "assess", team, "--needs", needs, "--format", fmt).stdout
        assert "Kim (senior healthcare assistant)" in page, page
        assert "Asha (carer) + 1 unnamed" in page
        assert not any(line.rstrip().endswith(":") or line.rstrip().endswith(":**") for line in page.splitlines())
        assert "1 people" not in page


def test_assess_upskilling_names_who_to_train(run, tmp_path: Path) -> None:
    path = needs_file(tmp_path, [{"competency": "c.obs", "level": 3, "cover": 2}])
    team = team_file(tmp_path, "  - {role: senior, count: 1}\n  - {role: hca, count: 2, people: [Tom, Ada]}\n")
    (plan,) = run.json(*LADDER, "team", "assess", team, "--needs", path)["upskilling"]
    assert [(t["role"], t["people"], t["names"]) for t in plan["train"]] == [("lad:hca", 1, ["Tom"])]
    page = run(*LADDER, "team", "assess", team, "--needs", path, "--format", "md").stdout
    assert "Tom (healthcare assistant)" in page


def test_assess_checks_the_rules_of_the_needs(run, tmp_path: Path) -> None:
    needs = needs_file(
        tmp_path,
        [{"competency": "c.wash", "level": 2, "cover": 1}],
        {"max_headcount": 2, "min_roles": {"nurse": 1}, "budget": 1000000, "sector_share": {"health": {"min": 0.5}}},
    )
    team = team_file(tmp_path, "  - {role: carer, count: 3}\n")
    result = run.json(*LADDER, "team", "assess", team, "--needs", needs)
    kept = {r["rule"]: r["kept"] for r in result["rules"]}
    assert kept == {
        "max_headcount 2": False,
        "min_roles lad:nurse: 1": False,
        "budget £1,000,000": True,
        "sector_share health: min 0.5": False,
    }
    page = run(*LADDER, "team", "assess", team, "--needs", needs, "--format", "table").stdout
    assert "max_headcount 2" in page and "not kept" in page and "Rules of the needs: 3 not kept" in page
