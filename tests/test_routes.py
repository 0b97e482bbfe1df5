"""Progression routes on a hand-checkable ladder and on the bundled library."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA

LADDER = ["--no-bundled", "--library", str(DATA / "ladder"), "--no-embeddings"]


def routes(run, *args: str) -> dict:
    return json.loads(run(*LADDER, "routes", *args, "--format", "json").stdout)


def by_end(result: dict) -> dict[str, dict]:
    return {r["roles"][-1]: r for r in result["routes"]}


def test_known_steps_carry_their_training_time_and_source(run) -> None:
    result = routes(run, "hca")
    route = by_end(result)["lad:associate"]
    assert route["roles"] == ["lad:hca", "lad:senior", "lad:associate"]
    first, second = route["steps"]
    assert (first["kind"], first["months"], [t["id"] for t in first["training"]]) == ("known", 18, ["lad:senior-app"])
    assert first["training"][0]["apprenticeship"] is True
    assert {g["competency"]: (g["level_held"], g["level_needed"]) for g in first["gap"]} == {
        "lad:c.wash": (2, 3),
        "lad:c.obs": (2, 3),
        "lad:c.meds": (0, 2),
    }
    assert (
        second["training"][0]["id"] == "lad:assoc-app" and first["source"][0]["title"] == "Written for the route tests"
    )
    assert route["total_months"] == 42 and route["level_change"] == [2, 4]


def test_never_above_the_cap_never_down_never_a_cycle(run) -> None:
    for cap in ("3", "4", "5"):
        result = routes(run, "carer", "--max-level", cap, "--top", "50", "--max-steps", "4")
        for route in result["routes"]:
            levels = [s["level_change"][1] for s in route["steps"]]
            assert max(levels) <= int(cap)
            assert all(b >= a for a, b in zip([2, *levels], levels, strict=False))
            assert len(set(route["roles"])) == len(route["roles"])
    assert "lad:nurse" not in by_end(routes(run, "carer", "--top", "50"))  # default cap: level 4


def test_gap_counts_what_was_learned_on_the_way(run) -> None:
    # after healthcare assistant (pulse and blood pressure at 2) and lead carer, a senior HCA post only
    # needs the observations course: skills held earlier on the route are not forgotten
    route = by_end(routes(run, "hca", "--max-steps", "3", "--top", "20"))["lad:senior"]
    if route["roles"] == ["lad:hca", "lad:carer", "lad:lead-carer", "lad:senior"]:
        last = route["steps"][-1]
        assert [g["competency"] for g in last["gap"]] == ["lad:c.obs"] and last["training"][0]["id"] == "lad:obs-course"
    else:
        assert route["roles"] == ["lad:hca", "lad:senior"]


def test_inferred_moves_need_coverage_and_rise_one_level_at_most(run) -> None:
    result = routes(run, "hca", "--top", "50")
    inferred = [s for r in result["routes"] for s in r["steps"] if s["kind"] == "inferred"]
    assert inferred, "expected at least one inferred move on the ladder"
    for step in inferred:
        assert step["coverage"] >= 0.6 and step["level_change"][1] - step["level_change"][0] <= 1
        assert step["source"] == []


def test_cross_sector_moves_are_labelled(run) -> None:
    route = by_end(routes(run, "hca", "--top", "50"))["lad:lead-carer"]
    assert route["cross_sector"] is True
    assert route["steps"][0]["sector_change"] == ["health", "social_care"]


def test_target_routes_are_ranked_by_time_and_sideways_copies_count_once(run) -> None:
    result = routes(run, "carer", "--to", "nurse", "--max-steps", "4", "--top", "10")
    assert result["constraints"]["max_level"] == 5  # raised to the target's level
    months = [r["total_months"] for r in result["routes"]]
    assert months == sorted(months) and all(r["roles"][-1] == "lad:nurse" for r in result["routes"])
    rises = [
        tuple(s["to"] for s in r["steps"] if s["level_change"][1] > s["level_change"][0]) for r in result["routes"]
    ]
    assert len(rises) == len(set(rises))


def test_target_above_an_explicit_cap_is_a_usage_error(run) -> None:
    result = run(*LADDER, "routes", "carer", "--to", "nurse", "--max-level", "4", expect=2)
    assert "above the cap" in result.stderr


def test_sideways_step_down_only_when_allowed(run) -> None:
    down = routes(run, "senior", "--allow-step-down", "--top", "50")
    assert any(s["level_change"][1] < s["level_change"][0] for r in down["routes"] for s in r["steps"])
    assert not any(
        s["level_change"][1] < s["level_change"][0]
        for r in routes(run, "senior", "--top", "50")["routes"]
        for s in r["steps"]
    )


def test_routes_are_deterministic(run) -> None:
    assert routes(run, "carer", "--top", "20") == routes(run, "carer", "--top", "20")


def test_passport_changes_the_routes(run, tmp_path: Path) -> None:
    passport = tmp_path / "me.yaml"
    passport.write_text(
        "kind: passport\nname: Sam\nrole: carer\ncompetencies:\n"
        "  - {competency: c.obs, level: 3}\n  - {competency: c.meds, level: 2}\n"
        "qualifications: [senior-app]\n"
    )
    plain = by_end(routes(run, "carer", "--top", "50"))
    with_passport = routes(run, "--have", str(passport), "--top", "50")
    assert with_passport["from"]["title"] == "Sam" and with_passport["from"]["level"] == 2
    mine = by_end(with_passport)
    # Sam already measures observations at senior level and holds the senior apprenticeship
    assert mine["lad:senior"]["total_gap"] < plain["lad:senior"]["total_gap"]
    assert mine["lad:senior"]["total_months"] <= plain["lad:senior"]["total_months"]


def test_passport_csv_with_own_words(run, tmp_path: Path) -> None:
    passport = tmp_path / "me.csv"
    passport.write_text(
        "competency,level,qualification\nc.wash,2,\nMeasures pulse and blood pressure,2,\n,,obs-course\n"
    )
    result = routes(run, "--have", str(passport))
    assert result["from"]["title"] == "Skills passport"
    assert [r["text"] for r in result["from"]["resolutions"]] == ["Measures pulse and blood pressure"]
    assert result["routes"], "a passport alone should still find routes"


def test_bad_passport_is_a_located_error(run, tmp_path: Path) -> None:
    passport = tmp_path / "bad.yaml"
    passport.write_text("kind: passport\ncompetencies:\n  - {competency: c.wash, text: both, level: 2}\n")
    result = run(*LADDER, "routes", "--have", passport, expect=2)
    assert "bad.yaml:3" in result.stderr and "either 'competency'" in result.stderr


def test_markdown_page_and_plot(run, tmp_path: Path) -> None:
    plot = tmp_path / "routes.png"
    page = run(*LADDER, "routes", "hca", "--format", "md", "--plot", plot).stdout
    assert page.startswith("# Career routes from Healthcare assistant")
    assert "```mermaid" in page and "flowchart LR" in page and "Senior support apprenticeship (apprenticeship" in page
    assert plot.read_bytes()[:4] == b"\x89PNG"


def test_explain_table_shows_the_gap(run) -> None:
    out = run(*LADDER, "routes", "hca", "--explain", "--format", "table").stdout
    assert "gap (held->needed)" in out and "Vital signs (2->3)" in out


@pytest.fixture(scope="module")
def bundled_routes():
    import tempfile

    from frameworks.sources import library_layers
    from graph.crosswalk import all_competency_texts, anchor_competencies
    from graph.matching import choose_matcher
    from graph.store import load_graph
    from pathways.routes import RoutePlanner, route_record, start_from_role

    workspace = Path(tempfile.mkdtemp())
    graph, _ = load_graph(library_layers(), workspace)
    matcher, _ = choose_matcher(all_competency_texts(graph), workspace, anchors=anchor_competencies(graph))
    planner = RoutePlanner(graph, matcher)

    def plan(role: str, **kwargs) -> list[dict]:
        start = start_from_role(graph, role)
        return [route_record(graph, r, start) for r in planner.routes(start, **kwargs)]

    return plan


def test_healthcare_assistant_routes_reach_senior_hca_then_ap_and_na(bundled_routes) -> None:
    found = bundled_routes("hsc:healthcare-assistant", top=10)
    ends = {r["roles"][-1]: r for r in found}
    assert {"hsc:senior-healthcare-assistant", "hsc:assistant-practitioner", "hsc:nursing-associate"} <= set(ends)
    senior = ends["hsc:senior-healthcare-assistant"]
    assert "ST0217" in {t["code"] for t in senior["steps"][-1]["training"]}
    codes = {
        t["code"]
        for r in (ends["hsc:assistant-practitioner"], ends["hsc:nursing-associate"])
        for s in r["steps"]
        for t in s["training"]
    }
    assert {"ST0215", "ST0827"} <= codes
    assert all(r["destination"]["level"] <= 4 for r in found)


def test_care_worker_routes_include_senior_care_worker_and_nhs_roles(bundled_routes) -> None:
    found = bundled_routes("hsc:care-worker", top=10)
    ends = {r["roles"][-1] for r in found}
    assert "hsc:senior-care-worker" in ends
    assert any(r["destination"]["sector"] == "health" and r["cross_sector"] for r in found)
    health = bundled_routes("hsc:care-worker", sector="health", top=5)
    assert health and all(r["destination"]["sector"] == "health" for r in health)
