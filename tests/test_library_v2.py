"""Library v2: entry routes, alternatives, one meaning of months, cumulative profiles, and the adviser
ladder set (tests/data/adviser-ladders.yaml, written with sources, see ADVISER-LADDERS.md) as the check
that the library holds the standard UK moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from frameworks.loader import Library, load_library
from frameworks.route_checks import item_ids, training_months
from frameworks.sources import library_layers
from tests.conftest import DATA, MINI

LADDERS = yaml.safe_load((DATA / "adviser-ladders.yaml").read_text())
ROLE_MOVES = [m for m in LADDERS["moves"] if not m["from"].startswith("education:") and m.get("verified")]


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(library_layers())


def test_the_ladder_set_is_large_enough_to_mean_something() -> None:
    assert len(ROLE_MOVES) >= 30 and len(LADDERS["standard_routes"]) >= 8
    assert all(m["source"]["title"] for m in LADDERS["moves"])


@pytest.mark.parametrize("move", ROLE_MOVES, ids=lambda m: f"{m['from']}->{m['to']}")
def test_every_standard_move_is_in_the_library_with_its_qualification(library: Library, move: dict) -> None:
    links = {(link.from_role, link.to_role): link for link in library.progressions}
    link = links.get((f"hsc:{move['from']}", f"hsc:{move['to']}"))
    assert link is not None, f"no progression {move['from']} -> {move['to']} ({move['source']['title']})"
    named = {f"hsc:{q}" for q in (move.get("via") or []) + (move.get("alternatives") or [])}
    if named and link.via:  # a move the library models as recruitment or promotion trains in post
        assert named & set(item_ids(link.via)), (move["id"], sorted(named), item_ids(link.via))


def test_every_role_is_reachable_and_every_link_takes_its_training_time(library: Library) -> None:
    months_of = {qid: q.months for qid, q in library.qualifications.items()}
    for link in library.progressions:
        _, allowed = training_months(link.via, months_of)
        assert round(link.months, 2) in allowed, (link.from_role, link.to_role, link.months, allowed)
    assert not [w for w in library.warnings if "cannot be reached" in w or "no way onward" in w]
    assert len(library.roles) >= 100 and all(role.family for role in library.roles.values())


def test_a_nurse_who_qualified_by_apprenticeship_or_top_up_meets_the_role(library: Library) -> None:
    required = library.roles["hsc:registered-nurse-adult"].qualifications.required
    (group,) = [item for item in required if not isinstance(item, str)]
    field = {
        "hsc:nursing-degree-adult",
        "hsc:st0781-registered-nurse-degree-adult",
        "hsc:rn-top-up-nursing-associate-adult",
    }
    assert field <= set(group.any_of)
    for qid in field:  # each also meets a role open to nurses of every field
        assert library.qualifications[qid].counts_as, qid


def test_each_registered_nurse_field_asks_for_its_own_programmes(library: Library) -> None:
    """Nurses register in one field: no programme meets two fields' registered nurse roles, and every
    role that asks for a field-less nursing programme can be met by each field's."""
    fields = ["adult", "children", "mental-health", "learning-disability"]
    asked = {f: set(item_ids(library.roles[f"hsc:registered-nurse-{f}"].qualifications.required)) for f in fields}
    for f in fields:
        assert all(f in qid for qid in asked[f] if "nurs" in qid), (f, asked[f])
        for other in fields:
            assert other == f or not asked[f] & asked[other]
    generic = {"hsc:nursing-degree", "hsc:st0781-registered-nurse-degree", "hsc:rn-top-up-nursing-associate"}
    counted = {target for q in library.qualifications.values() for target in q.counts_as}
    assert counted == generic


def test_a_nurse_by_top_up_has_no_qualification_gap_into_nursing(run, tmp_path: Path) -> None:
    passport = tmp_path / "nurse.yaml"
    passport.write_text(
        "kind: passport\nname: Jo\nrole: nursing associate\nqualifications: [rn-top-up-nursing-associate-adult]\n"
    )
    found = run.json("routes", "--have", passport, "--to", "registered nurse (adult)")
    (step,) = found["routes"][0]["steps"]
    assert not [t for t in step["training"] if t["kind"] != "short_course"], step["training"]


def test_the_district_nurse_covers_the_hca_basics_in_team_design(run, tmp_path: Path) -> None:
    needs = tmp_path / "needs.yaml"
    needs.write_text(
        json.dumps(
            {
                "kind": "needs",
                "id": "basics",
                "title": "Basics",
                "needs": [
                    {"competency": "practice.medicines-injections", "level": 4},
                    {"competency": "practice.news2-escalation", "level": 4},
                    {"competency": "core.dementia-awareness", "level": 2},
                ],
                "rules": {"min_roles": {"district-nurse": 1}, "max_headcount": 1},
            }
        )
    )
    team = run.json("team", "design", needs)
    assert [(m["role"], m["count"]) for m in team["team"]] == [("hsc:district-nurse", 1)]
    assert all(row["provided"] >= 1 for row in team["coverage"])


def test_a_role_shows_what_it_inherits_from_the_role_below(run) -> None:
    record = run.json("roles", "show", "senior healthcare assistant")
    inherited = {r["competency"]: r for r in record["requirements"] if r["inherited_from"]}
    assert inherited and {r["inherited_from"] for r in inherited.values()} == {"hsc:healthcare-assistant"}
    levels = {r["competency"]: r["level"] for r in record["requirements"]}
    assert levels["hsc:core.person-centred-care"] >= 2  # no "0 -> 4" gap for what the HCA already does


def test_childrens_and_adults_safeguarding_are_distinct_skills(run) -> None:
    overlap = run.json("similar", "core.safeguarding-children", "--top", "5")
    adults = [r for r in overlap["results"] if r["id"] == "hsc:core.safeguarding-adults"]
    assert adults and adults[0]["same_skill"] is False
    record = run.json("roles", "show", "registered nurse (children)")
    assert "hsc:core.safeguarding-children" in {r["competency"] for r in record["requirements"]}


def test_the_care_certificate_is_a_standard_not_a_qualification_level(run) -> None:
    record = run.json("qualifications", "show", "care-certificate")
    assert record["kind"] == "standard" and record["rqf_level"] is None
    education = run.json("qualifications", "list", "--kind", "education")
    assert {"hsc:gcse-english-maths", "hsc:a-levels", "hsc:t-level-health", "hsc:access-to-he-health"} <= {
        q["id"] for q in education
    }


def _mini_with(tmp_path: Path, text: str) -> list[str]:
    extra = tmp_path / "extra.yaml"
    extra.write_text(text)
    return ["--no-bundled", "--library", str(MINI), "validate", str(extra)]


def test_validate_reports_months_that_are_not_the_training_time(run, tmp_path: Path) -> None:
    args = _mini_with(
        tmp_path,
        "kind: progressions\nnamespace: mini\nprogressions:\n"
        "  - {from: carer, to: senior-hca, via: [senior-course], months: 3}\n",
    )
    warnings = run.json(*args)["warnings"]
    assert any("mini:carer -> mini:senior-hca gives 3 months but its training takes" in w for w in warnings)


def test_validate_reports_a_role_that_cannot_be_reached_or_left(run, tmp_path: Path) -> None:
    # two senior roles that lead only to each other: nobody can start there, and neither leads onward
    role = (
        "  - {{id: {0}, title: {0}, sector: health, level: 6, requirements: [{{competency: care.washing, level: 5}}]}}"
    )
    role += "\n"
    args = _mini_with(
        tmp_path,
        "kind: roles\nnamespace: mini\nroles:\n" + role.format("lead-a") + role.format("lead-b"),
    )
    links = tmp_path / "links.yaml"
    links.write_text(
        "kind: progressions\nnamespace: mini\nprogressions:\n"
        "  - {from: lead-a, to: lead-b}\n  - {from: lead-b, to: lead-a}\n"
    )
    warnings = run.json(*args, str(links))["warnings"]
    assert any("role mini:lead-a cannot be reached" in w for w in warnings)
    alone = _mini_with(tmp_path, "kind: roles\nnamespace: mini\nroles:\n" + role.format("lead-c"))
    assert any("role mini:lead-c has no way onward" in w for w in run.json(*alone)["warnings"])


def test_old_format_files_keep_loading(run) -> None:
    report = run.json("--no-bundled", "--library", MINI, "validate")
    assert report["valid"] is True and report["warnings"] == []


def test_distinct_skills_stay_apart_with_the_lexical_matcher_too(run) -> None:
    result = run.json("--no-embeddings", "similar", "core.safeguarding-children", "--top", "5")
    adults = [r for r in result["results"] if r["id"] == "hsc:core.safeguarding-adults"]
    assert not adults or adults[0]["same_skill"] is False
