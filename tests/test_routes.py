"""Progression routes on a hand-checkable ladder and on the bundled library."""

from __future__ import annotations

import json
import re
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
    order = [(("ladder", "recognised", "inferred").index(r["tier"]), r["total_months"]) for r in result["routes"]]
    assert order == sorted(order) and all(r["roles"][-1] == "lad:nurse" for r in result["routes"])  # by time in a tier
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
    page = run(*LADDER, "routes", "hca", "--format", "md", "--mermaid", "--plot", plot).stdout
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
    from pathways.results import as_json
    from pathways.routes import RoutePlanner, start_from_role

    workspace = Path(tempfile.mkdtemp())
    graph, _ = load_graph(library_layers(), workspace)
    matcher, _ = choose_matcher(all_competency_texts(graph), workspace, anchors=anchor_competencies(graph))
    planner = RoutePlanner(graph, matcher)

    def plan(role: str, **kwargs) -> list[dict]:
        start = start_from_role(graph, role)
        return [as_json(planner.route_record(r, start), rounded=True) for r in planner.routes(start, **kwargs)]

    return plan


def test_the_tier_by_tier_search_answers_as_the_whole_search_would(tmp_path: Path) -> None:
    """The search builds inferred moves only when ladder and recognised steps give fewer than `top` routes
    (RoutePlanner.routes). That is a saving only while tier comes first in every ordering: for starts whose
    answers need each tier, the answer equals the ranking of the search that builds every step."""
    from frameworks.sources import library_layers
    from graph.crosswalk import all_competency_texts, anchor_competencies
    from graph.matching import choose_matcher
    from graph.store import load_graph
    from pathways.routes import TIERS, RoutePlanner, route_tier, start_from_role

    graph, _ = load_graph(library_layers(), tmp_path)
    matcher, _ = choose_matcher(all_competency_texts(graph), tmp_path, anchors=anchor_competencies(graph))
    questions = [  # (start, destination, top, level cap, sector of the destination)
        ("hsc:healthcare-assistant", None, 5, 6, None),
        ("hsc:healthcare-assistant", None, 10, 6, None),
        ("hsc:healthcare-assistant", None, 10, 9, "social_care"),
        ("hsc:senior-care-worker", None, 10, 6, None),
        ("hsc:porter", None, 5, 6, None),
        ("hsc:nursing-associate", None, 10, 6, None),
        ("hsc:care-worker", "hsc:registered-nurse-adult", 10, 6, None),
        ("hsc:healthcare-assistant", "hsc:registered-nurse-adult", 3, 6, None),
        ("hsc:healthcare-assistant", "hsc:registered-manager", 3, 6, None),
        ("hsc:porter", "hsc:practice-nurse", 3, 5, None),
    ]
    tiers_used = set()
    for role, target, top, cap, sector in questions:
        planner, start = RoutePlanner(graph, matcher), start_from_role(graph, role)
        steps = 5 if target else 3
        lazy = planner.routes(start, target, cap=cap, sector=sector, max_steps=steps, top=top)
        everything = planner._search(start, target, cap, steps, False, most=len(TIERS) - 1)
        assert [r.roles for r in lazy] == [r.roles for r in planner._rank(everything, start, target, sector, top)]
        tiers_used |= {route_tier(graph, r, start) for r in lazy}
    assert tiers_used == {0, 1, 2}  # the questions exercise the stop after each tier and the full search


def test_judging_only_the_routes_that_can_rank_answers_as_judging_all(tmp_path: Path, monkeypatch) -> None:
    """The search orders grown routes by what is known before a move is judged (tier, sideways steps,
    shortcuts, detours) and builds steps only for routes that could still make the beam or the answer
    (pathways.routes.smallest and first_in_order). That is exact only while those cheap keys begin the
    whole keys: judging every grown route must give the same answers, to the last field."""
    import pathways.routes as routes_module
    from frameworks.sources import library_layers
    from graph.crosswalk import all_competency_texts, anchor_competencies
    from graph.matching import choose_matcher
    from graph.store import load_graph
    from pathways.results import as_json

    graph, _ = load_graph(library_layers(), tmp_path)
    matcher, _ = choose_matcher(all_competency_texts(graph), tmp_path, anchors=anchor_competencies(graph))
    questions = [
        {"role": "hsc:care-worker", "to": "hsc:registered-nurse-adult", "top": 10},
        {"role": "hsc:healthcare-assistant", "to": "hsc:health-visitor", "top": 10},
        {"role": "hsc:porter", "to": "hsc:nursing-associate", "top": 5},
        {"role": "hsc:healthcare-assistant", "top": 10, "max_level": 6},
        {"role": "hsc:senior-care-worker", "top": 10, "sector": "health"},
        {"education": ["hsc:gcse-english-maths"], "top": 10},
    ]

    def answers() -> list:
        return [as_json(routes_module.find_routes(graph, matcher, **q)) for q in questions]

    judge = routes_module.RoutePlanner.judged

    def judged_checking_the_cheap_facts(planner, grown, start):  # what the orderings read before judging
        route = judge(planner, grown, start)
        assert grown.tier == routes_module.route_tier(graph, route, start)
        assert grown.sideways == sum(not routes_module.step_rises(graph, s) for s in route.steps)
        assert grown.shortcuts == sum(1 for s in route.steps if s.skips)
        assert routes_module.earliest(grown) <= routes_module.route_time(route)
        return route

    monkeypatch.setattr(routes_module.RoutePlanner, "judged", judged_checking_the_cheap_facts)
    lazy = answers()

    def judge_all_smallest(items, n, cheap, whole):
        return sorted(items, key=whole)[:n]

    def judge_all_first(items, cheap, judge, whole, accept, top):
        return [route for route in sorted(map(judge, items), key=whole) if accept(route)][:top]

    monkeypatch.setattr(routes_module, "smallest", judge_all_smallest)
    monkeypatch.setattr(routes_module, "first_in_order", judge_all_first)
    assert answers() == lazy
    assert all(answer["routes"] for answer in lazy)


def test_a_band_3_postholder_is_taken_to_hold_its_level_3_but_a_move_into_the_post_trains_it(run, tmp_path) -> None:
    """Band 3 clinical support posts ask for a Level 3 or equivalent experience: the library lists ST0217 as
    usually held by a maternity support worker, so her route to midwife is the 36-month degree apprenticeship
    (adviser set m10) without the Level 3 again; the answer says what she is taken to hold. Someone moving into
    the post from the band 2 maternity care assistant still trains it (m09)."""
    answer = run.json("routes", "maternity support worker", "--to", "midwife", "--top", "1")
    assert "hsc:st0217-senior-healthcare-support-worker" in {q["id"] for q in answer["from"]["holds"]}
    (route,) = answer["routes"]
    assert route["roles"] == ["hsc:maternity-support-worker", "hsc:midwife"] and route["total_months"] == 36
    assert [t["code"] for t in route["steps"][0]["training"]] == ["ST0948"]
    into = run.json("routes", "maternity care assistant", "--to", "maternity support worker", "--top", "1")
    assert "hsc:st0217-senior-healthcare-support-worker" not in {q["id"] for q in into["from"]["holds"]}
    assert "ST0217" in {t["code"] for s in into["routes"][0]["steps"] for t in s["training"]}
    shown = run.json("roles", "show", "maternity support worker")["qualifications"]
    assert [q["id"] for q in shown["usually_held"]] == ["hsc:st0217-senior-healthcare-support-worker"]
    from docx import Document  # the sheet to hand over says so too, in HTML and in Word

    sheet, word = tmp_path / "sheet.html", tmp_path / "sheet.docx"
    for path in (sheet, word):
        run("routes", "maternity support worker", "--to", "midwife", "--format", path.suffix[1:], "-o", path)
    assert "Taken to hold already</dt><dd>Care Certificate" in sheet.read_text()
    cells = [cell.text for table in Document(str(word)).tables for row in table.rows for cell in row.cells]
    assert "Taken to hold already" in cells and any("Senior healthcare support worker" in c for c in cells)


def test_a_registered_nurse_changing_field_trains_the_new_field_but_keeps_roles_open_to_every_field(
    run, tmp_path: Path
) -> None:
    """Nurses register in one field: an adult nurse becoming a children's nurse takes a children's nursing
    programme (it used to cost 0 months), while posts open to every field (practice nurse) ask nothing more
    of a nurse of any field, and someone in such a post keeps the field of the rung below it."""
    change = run.json("routes", "registered nurse (adult)", "--to", "registered nurse (children)", "--top", "3")
    assert change["routes"]
    for route in change["routes"]:
        trained = [t["id"] for step in route["steps"] for t in step["training"] if t["kind"] != "short_course"]
        assert any(q.endswith("-children") for q in trained), trained
        assert route["total_months"] >= 24
    for start in ("registered nurse (adult)", "registered nurse (children)"):
        (route,) = run.json("routes", start, "--to", "practice nurse", "--top", "1")["routes"]
        assert route["roles"][-1] == "hsc:practice-nurse" and len(route["steps"]) == 1, route["roles"]
        assert not [t["id"] for t in route["steps"][0]["training"] if t["required"]], start
    (back,) = run.json("routes", "community staff nurse", "--to", "registered nurse (adult)", "--top", "1")["routes"]
    assert back["total_months"] == 0  # built on the adult nurse: holds the adult field's registration
    passport = tmp_path / "nurse.yaml"
    passport.write_text("kind: passport\nname: Ade\nqualifications: [nursing-degree]\n")
    result = run("routes", "--have", passport, "--to", "registered nurse (adult)", "--top", "1", "--format", "json")
    assert json.loads(result.stdout)["routes"][0]["total_months"] == 0
    assert "passport: hsc:nursing-degree stands for any of 4 programmes; taken as hsc:nursing-degree-adult" in (
        result.stderr
    )
    passport.write_text("kind: passport\nname: Ade\nqualifications: [nursing-degree-children, nursing-degree]\n")
    result = run("routes", "--have", passport, "--to", "registered nurse (adult)", "--top", "1", "--format", "json")
    assert json.loads(result.stdout)["routes"][0]["total_months"] > 0 and "stands for" not in result.stderr
    passport.write_text("kind: passport\nname: Mo\nqualifications: [midwifery-shortened-rn]\n")
    (route,) = run.json("routes", "--have", passport, "--to", "registered nurse (adult)", "--top", "1")["routes"]
    assert route["total_months"] == 0  # it is open to adult nurses only, by any of three routes: one was taken
    shown = run.json("qualifications", "show", "hsc:rn-top-up-nursing-associate-children")
    assert [q["id"] for q in shown["counts_as"]] == ["hsc:rn-top-up-nursing-associate"]


def test_no_route_or_way_in_trains_a_programme_of_no_field(run) -> None:
    """The field-less nursing programmes stand for any field's; a person enrols on a field's, so a route
    into a post open to every field, and its ways in from education, name the adult field's programmes."""
    field_less = {"hsc:nursing-degree", "hsc:st0781-registered-nurse-degree", "hsc:rn-top-up-nursing-associate"}
    for start in ("nursing associate", "healthcare assistant"):
        answer = run.json("routes", start, "--to", "registered nurse (care home with nursing)", "--top", "5")
        trained = {t["id"] for r in answer["routes"] for s in r["steps"] for t in s["training"]}
        offered = {
            a["id"] for r in answer["routes"] for s in r["steps"] for t in s["training"] for a in t["alternatives"]
        }
        assert answer["routes"] and not (trained | offered) & field_less, start
    ways = {w["id"] for w in run.json("routes", "--into", "practice nurse")["from_education"]}
    assert ways and not ways & field_less and "hsc:nursing-degree-adult" in ways


def test_holding_a_qualification_implies_only_what_every_way_into_it_needed() -> None:
    """A health visitor came in as a nurse of some field or as a midwife: holding the SCPHN qualification
    implies none of those in particular (it implied all of them, so a health visitor counted as an adult
    nurse and as a midwife). An adult nursing degree implies the field-less one and the GCSEs it asked for."""
    from frameworks.loader import load_library
    from frameworks.sources import library_layers
    from graph.build import build_graph
    from pathways.routes import _qualifications, with_prerequisites

    quals = _qualifications(build_graph(load_library(library_layers())))
    visitor = with_prerequisites({"hsc:scphn-health-visiting"}, quals)
    assert not {q for q in visitor if "nursing-degree" in q or "midwif" in q or "top-up" in q}, sorted(visitor)
    adult = with_prerequisites({"hsc:nursing-degree-adult"}, quals)
    assert {"hsc:nursing-degree", "hsc:gcse-english-maths"} <= adult and "hsc:nursing-degree-children" not in adult


def test_routes_answer_the_same_without_the_skill_table(tmp_path: Path, monkeypatch) -> None:
    """Above SKILL_TABLE_MAX competencies (ESCO's 14,000 would need some 1 GB) the planner asks the matcher at
    each step instead of looking pairs up in the table of every pair: slower, and the same answers."""
    import pathways.routes as routes_module
    from frameworks.sources import library_layers
    from graph.crosswalk import all_competency_texts, anchor_competencies
    from graph.matching import choose_matcher
    from graph.store import load_graph
    from pathways.results import as_json

    graph, _ = load_graph(library_layers(), tmp_path)
    matcher, _ = choose_matcher(all_competency_texts(graph), tmp_path, anchors=anchor_competencies(graph))
    questions = [
        {"role": "hsc:care-worker", "to": "hsc:registered-nurse-adult", "top": 5},
        {"role": "hsc:healthcare-assistant", "top": 5},
    ]
    with_table = [as_json(routes_module.find_routes(graph, matcher, **q)) for q in questions]
    assert routes_module.RoutePlanner(graph, matcher).skills is not None
    monkeypatch.setattr(routes_module, "SKILL_TABLE_MAX", 10)
    assert routes_module.RoutePlanner(graph, matcher).skills is None
    assert [as_json(routes_module.find_routes(graph, matcher, **q)) for q in questions] == with_table


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


# -- what a person reads, and constraints never dropped silently -------------------------------------------


def test_routes_text_counts_and_levels_read_as_english(run) -> None:
    page = run("routes", "care worker", "--format", "md", "--mermaid").stdout
    assert re.search(r"\b1 month\b", page) and not re.search(r"\b1 (months|items|steps)\b", page)
    for wrong in ("item(s)", "(level 0 to"):
        assert wrong not in page, wrong
    assert "not held yet, needed at level" in page
    prose = page.split("```")[0] + page.split("```")[2]  # all but the diagram
    for line in prose.splitlines():
        words = line.lstrip(" -#0123456789.*").lstrip()
        assert not words or not words[0].islower(), line
    table = run(*LADDER, "routes", "hca", "--explain", "--format", "table").stdout
    assert "held->3)" in table and "(0->" not in table  # "(not held->3)", its words perhaps on two lines
    assert "Limits: Up to level 4, at most 3 steps" in table and "\nmonths:" not in table


HOSTILE_TITLE = 'Senior <img src=x onerror=alert(1)> *HCA* [x](javascript:alert(1)) X"] click n0 "javascript:alert(1)"'


def _hostile_ladder(tmp_path: Path) -> Path:
    copy = tmp_path / "ladder"
    copy.mkdir()
    for source in (DATA / "ladder").iterdir():
        text = source.read_text()
        if source.name == "roles.yaml":
            text = text.replace(
                "title: Senior healthcare assistant",
                "title: '" + HOSTILE_TITLE + "'",
            )
        (copy / source.name).write_text(text)
    return copy


def _assert_inert(page: str) -> None:
    diagram = page.split("```mermaid\n")[1].split("```")[0].splitlines()
    assert diagram[0] == "flowchart LR"
    for line in diagram[1:]:  # node and edge statements only, labels quoted, nothing that ends a label
        assert re.fullmatch(r'  n\d+\["[^"\n<>]*"\]|  n\d+ (-->|-\.->)\|"[\d.]+ mo"\| n\d+', line), line
    assert not [line for line in page.splitlines() if line.strip().startswith("click")]
    assert "<img" not in page and "&lt;img" in page and "\\*HCA\\*" in page and "\\[x\\]" in page


def test_markdown_page_escapes_what_the_library_says(run, tmp_path: Path) -> None:
    hostile = ["--no-bundled", "--library", str(_hostile_ladder(tmp_path)), "--no-embeddings"]
    page = run(*hostile, "routes", "hca", "--format", "md", "--mermaid").stdout
    _assert_inert(page)
    # a title with a line break cannot open a line of its own in the diagram either
    from cli.routes_commands import _markdown

    payload = json.loads(run(*hostile, "routes", "hca", "--format", "json").stdout)
    for route in payload["routes"]:
        for step in route["steps"]:
            step["to_title"] = step["to_title"].replace(" click", '\nclick n1 "javascript:alert(2)"\n<b>')
    _assert_inert(_markdown(payload))


def test_explicit_limits_are_refused_when_they_conflict(run) -> None:
    cases = {
        ("carer", "--to", "associate", "--sector", "social_care"): "is in health, not --sector social_care",
        ("nurse", "--max-level", "3"): "is at level 5, above --max-level 3",
        ("carer", "--to", "carer"): "is where the route starts",
        ("carer", "--to", "nurse", "--max-band", "4"): "above the cap --max-band 4",
    }
    for args, message in cases.items():
        result = run(*LADDER, "routes", *args, expect=2)
        (line,) = [x for x in result.stderr.splitlines() if "Error" in x or "error" in x]
        assert message in line, (args, line)


def test_routes_sector_typo_suggests_and_sector_is_the_destinations(run) -> None:
    assert (
        "did you mean 'social_care'" in run(*LADDER, "routes", "hca", "--sector", "socialcare", expect=2).stderr.lower()
    )
    result = routes(run, "hca", "--sector", "social_care", "--top", "20")
    assert result["routes"] and all(r["destination"]["sector"] == "social_care" for r in result["routes"])


def test_a_start_above_the_default_cap_still_finds_routes(run) -> None:
    result = run.json("routes", "registered nurse (adult)")
    assert result["routes"] and result["constraints"]["max_level"] == 6


def test_no_route_note_names_the_limits(run) -> None:
    result = run(*LADDER, "routes", "carer", "--to", "nurse", "--max-steps", "1", "--format", "json")
    assert json.loads(result.stdout)["routes"] == []
    assert "note: no route to Registered nurse within 1 step up to level 5" in result.stderr


# -- any starting point: education, or a career changer's own words ----------------------------------------


def test_a_school_leaver_with_a_levels_gets_the_nursing_degree_with_the_apprenticeship_as_an_option(run) -> None:
    found = run.json(
        "routes", "--from-education", "GCSE", "--from-education", "A level", "--to", "registered nurse (adult)"
    )
    first = found["routes"][0]
    assert first["roles"] == ["education", "hsc:registered-nurse-adult"] and first["steps"][0]["kind"] == "entry"
    (degree,) = first["steps"][0]["training"]
    assert degree["id"] == "hsc:nursing-degree-adult" and not degree["apprenticeship"]  # not in work: the degree
    assert "hsc:st0781-registered-nurse-degree-adult" in {a["id"] for a in degree["alternatives"]}
    assert first["total_months"] == 36


def test_a_school_leaver_with_gcses_is_offered_entry_roles(run) -> None:
    found = run.json("routes", "--from-education", "GCSE", "--top", "40")
    firsts = {r["roles"][1] for r in found["routes"]}
    assert {"hsc:healthcare-assistant", "hsc:care-worker"} & firsts
    assert all(r["steps"][0]["kind"] == "entry" for r in found["routes"])
    assert all(r["destination"]["level"] <= 4 for r in found["routes"])


def test_a_career_changer_without_a_role_gets_entry_roles_where_skills_carry_over(run, tmp_path: Path) -> None:
    passport = tmp_path / "changer.yaml"
    passport.write_text(
        "kind: passport\nname: Alex\ncompetencies:\n"
        '  - {text: "Helps people wash, dress and eat at home", level: 2}\n'
        '  - {text: "Keeps accurate written records", level: 2}\n'
    )
    found = run.json("routes", "--have", passport, "--top", "20")
    assert found["routes"] and found["from"]["role"] is None
    assert {"hsc:care-worker", "hsc:home-care-worker", "hsc:healthcare-assistant"} & {
        r["roles"][1] for r in found["routes"]
    }


def test_from_education_refuses_what_is_not_education(run) -> None:
    result = run("routes", "--from-education", "ST0216", expect=2)
    (line,) = result.stderr.strip().splitlines()[-1:]
    assert "is not school or college education" in line
    assert "give one start" in run("routes", "care worker", "--from-education", "GCSE", expect=2).stderr


def test_routes_into_a_role_list_every_way_in(run) -> None:
    answer = run.json("routes", "--into", "physiotherapist")
    assert answer["into"]["id"] == "hsc:physiotherapist"
    programmes = {e["id"]: e for e in answer["from_education"]}
    assert {"hsc:physiotherapy-degree", "hsc:physiotherapist-degree-apprenticeship"} <= set(programmes)
    assert programmes["hsc:physiotherapist-degree-apprenticeship"]["apprenticeship"] is True
    starts = {r["roles"][0] for r in answer["routes"]}
    assert {"hsc:therapy-assistant", "hsc:therapy-support-worker"} <= starts  # from the support roles
    assert all(r["roles"][-1] == "hsc:physiotherapist" for r in answer["routes"])
    tiers = [("ladder", "recognised", "inferred").index(r["tier"]) for r in answer["routes"]]
    assert tiers == sorted(tiers)
    assert "leave out FROM" in run("routes", "care worker", "--into", "physiotherapist", expect=2).stderr


def test_no_step_lists_a_course_it_does_not_need_or_two_alternatives(bundled_routes) -> None:
    """Over every bundled role's routes: a short course closes an essential gap of its step; a step never
    lists two alternatives of one any-of group as if both were needed; months add up."""
    from frameworks.loader import load_library
    from frameworks.models import AnyOf
    from frameworks.sources import library_layers

    library = load_library(library_layers())
    links = {(link.from_role, link.to_role): link for link in library.progressions}
    checked = 0
    for role in sorted(library.roles):
        for route in bundled_routes(role, top=5, max_steps=2):
            for step in route["steps"]:
                essential = {g["competency"] for g in step["gap"] if g["essential"]}
                ids = {t["id"] for t in step["training"]}
                for row in step["training"]:
                    if row["kind"] == "short_course" and not row["required"]:  # a course the move asks for stays
                        assert set(row["closes"]) & essential, (route["roles"], row["id"])
                link = links.get((step["from"], step["to"]))
                groups = [item for item in library.roles[step["to"]].qualifications.required if isinstance(item, AnyOf)]
                groups += [item for item in (link.via if link else []) if isinstance(item, AnyOf)]
                for group in groups:
                    assert len(ids & set(group.any_of)) <= 1, (route["roles"], sorted(ids & set(group.any_of)))
                assert step["months"] == pytest.approx(sum(t["months"] for t in step["training"]), abs=0.1)
                checked += 1
    assert checked > 300


def test_what_a_person_holds_meets_what_it_needed_first(run, tmp_path: Path) -> None:
    # an assistant practitioner's Level 5 apprenticeship meets the physio apprenticeship's Level 3 entry
    ap = [
        r
        for r in run.json("routes", "--into", "physiotherapist")["routes"]
        if r["roles"][0].endswith("therapy-assistant-practitioner")
    ]
    assert ap and not [t for s in ap[0]["steps"] for t in s["training"] if t["code"] == "ST0217"]
    # a health visitor is a registered nurse already: the school nurse step needs only the SCPHN programme
    found = run.json("routes", "health visitor", "--to", "school nurse", "--allow-step-down")["routes"][0]
    assert all(t["kind"] not in ("degree", "degree_apprenticeship") for s in found["steps"] for t in s["training"])
    # A levels imply the GCSEs they needed: the nursing degree is open straight away
    first = run.json("routes", "--from-education", "A level", "--to", "registered nurse (adult)")["routes"][0]
    assert first["roles"] == ["education", "hsc:registered-nurse-adult"]
    # a passport holding a Level 5 qualification, with no role, is offered the role it qualifies for
    passport = tmp_path / "ap.yaml"
    passport.write_text(
        "kind: passport\nname: Kim\nqualifications: [st0215-assistant-practitioner, gcse-english-maths]\n"
    )
    firsts = {r["roles"][1] for r in run.json("routes", "--have", passport, "--top", "30")["routes"]}
    assert "hsc:assistant-practitioner" in firsts


def test_into_honours_top_and_refuses_what_it_cannot_use(run) -> None:
    assert len(run.json("routes", "--into", "physiotherapist", "--top", "1")["routes"]) == 1
    result = run("routes", "--into", "physiotherapist", "--max-band", "4", "--sector", "health", expect=2)
    assert "--into does not take --max-band, --sector" in result.stderr


def test_into_an_entry_role_starts_with_direct_entry(run) -> None:
    (direct, *_) = run.json("routes", "--into", "care worker")["from_education"]
    assert direct["kind"] == "entry" and direct["months"] == 0 and "dbs-enhanced" in direct["checks"]


def test_each_start_in_the_adviser_ladder_set_sees_its_next_rung_in_the_top_three(bundled_routes) -> None:
    """tests/data/adviser-ladders.yaml (sourced): the rung an adviser expects next is among the first three
    routes, with the cap raised to the professions (level 6) so registered roles can appear."""
    import yaml

    from tests.conftest import DATA

    ladders = yaml.safe_load((DATA / "adviser-ladders.yaml").read_text())
    checked = 0
    for expected in ladders["expected_next_rung"]:
        if expected.get("verified") is False:
            continue
        firsts = [r["roles"][1] for r in bundled_routes(f"hsc:{expected['from']}", cap=6, top=3)]
        assert {f"hsc:{t}" for t in expected["to"]} & set(firsts), (expected["from"], expected["to"], firsts)
        checked += 1
    assert checked >= 25


def _without_training_posts(roles: list[str], graph_roles: dict[str, dict]) -> list[str]:
    """A route as an adviser names it: a trainee post on the way to a rung is the same route."""
    return [r for r in roles if not graph_roles.get(r, {}).get("training_post")]


def test_each_standard_route_in_the_adviser_ladder_set_comes_first_with_to(bundled_routes, tmp_path: Path) -> None:
    """tests/data/adviser-ladders.yaml (sourced): with --to, the standard route is the first route; a trainee
    post on the way counts as the same route."""
    import yaml

    from frameworks.sources import library_layers
    from graph.store import load_graph
    from tests.conftest import DATA

    graph, _ = load_graph(library_layers(), tmp_path)
    roles = {d["id"]: d for _, d in graph.nodes(data=True) if d["kind"] == "Role"}
    ladders = yaml.safe_load((DATA / "adviser-ladders.yaml").read_text())
    assert len(ladders["standard_routes"]) >= 12
    for standard in ladders["standard_routes"]:
        found = bundled_routes(f"hsc:{standard['from']}", target=f"hsc:{standard['to']}", cap=6, max_steps=5, top=3)
        offered = [_without_training_posts(r["roles"], roles) for r in found]
        expected = _without_training_posts([f"hsc:{r}" for r in standard["route"]], roles)
        assert offered and offered[0] == expected, (standard["id"], offered)


def test_a_shortcut_names_the_rung_it_skips_and_ranks_after_the_ladder(run) -> None:
    """ECA -> paramedic straight onto the degree apprenticeship is a known move, but it passes over the
    associate ambulance practitioner rung (and its apprenticeship): the ladder comes first, the shortcut is
    offered next and says what it skips, in JSON and in words."""
    answer = run.json("routes", "emergency care assistant", "--to", "paramedic", "--top", "3")
    ladder, shortcut = answer["routes"][:2]
    assert ladder["roles"] == ["hsc:emergency-care-assistant", "hsc:associate-ambulance-practitioner", "hsc:paramedic"]
    assert all(step["skips"] == [] for step in ladder["steps"])
    assert shortcut["roles"] == ["hsc:emergency-care-assistant", "hsc:paramedic"]
    assert shortcut["steps"][0]["skips"] == [
        {"id": "hsc:associate-ambulance-practitioner", "title": "Associate ambulance practitioner"}
    ]
    page = run("routes", "emergency care assistant", "--to", "paramedic", "--format", "md").stdout
    assert "A shortcut: skips the Associate ambulance practitioner rung of the usual ladder." in page


def test_a_destination_without_a_declared_ladder_has_no_detours(tmp_path: Path) -> None:
    """The destination's own rungs come first only when the library declares them (`builds_on`): the health
    visitor builds on nothing declared, so no route to it counts a rung as a detour, and time decides
    between routes alike in tier, sideways steps and shortcuts."""
    from frameworks.sources import library_layers
    from graph.build import node_id
    from graph.crosswalk import all_competency_texts, anchor_competencies
    from graph.matching import choose_matcher
    from graph.store import load_graph
    from pathways.routes import RoutePlanner, route_tier, route_time, start_from_role, step_rises

    graph, _ = load_graph(library_layers(), tmp_path)
    matcher, _ = choose_matcher(all_competency_texts(graph), tmp_path, anchors=anchor_competencies(graph))
    target = "hsc:health-visitor"
    assert not graph.nodes[node_id("Role", target)].get("builds_on")
    planner, start = RoutePlanner(graph, matcher), start_from_role(graph, "hsc:healthcare-assistant")
    found = planner.routes(start, target, cap=6, max_steps=5, top=10)
    assert found and all(planner.off_ladder(route, target) == 0 for route in found)

    def alike(route) -> tuple:
        sideways = sum(1 for step in route.steps if not step_rises(graph, step))
        return route_tier(graph, route, start), sideways, sum(1 for step in route.steps if step.skips)

    for first, second in zip(found, found[1:], strict=False):
        if alike(first) == alike(second):
            assert route_time(first) <= route_time(second)


def test_a_shortcut_names_the_quicker_of_two_equally_short_ladders(run) -> None:
    """HCA -> trainee nursing associate passes over a band 3 rung: senior HCA and community HCA both ask the
    Level 3, but community posts ask a year's experience first, so the step names the senior HCA."""
    answer = run.json("routes", "healthcare assistant", "--to", "nursing associate", "--top", "10")
    direct = [s for r in answer["routes"] for s in r["steps"] if s["from"] == "hsc:healthcare-assistant"]
    direct = [s for s in direct if s["to"] == "hsc:trainee-nursing-associate"]
    assert direct and all(
        s["skips"] == [{"id": "hsc:senior-healthcare-assistant", "title": "Senior healthcare assistant"}]
        for s in direct
    )


def test_a_move_into_a_training_post_is_a_step_up(run) -> None:
    """Senior HCA (band 3) -> trainee nursing associate (band 3) is the start of the next rung, not a
    sideways move: the route is a ladder route."""
    answer = run.json("routes", "senior healthcare assistant", "--to", "nursing associate", "--top", "5")
    via_trainee = next(r for r in answer["routes"] if "hsc:trainee-nursing-associate" in r["roles"])
    into_post = next(s for s in via_trainee["steps"] if s["to"] == "hsc:trainee-nursing-associate")
    assert into_post["level_change"] == [3, 3] and into_post["tier"] == "ladder" and via_trainee["tier"] == "ladder"


def test_to_searches_a_whole_ladder_unless_max_steps_is_given(run) -> None:
    """Care worker -> registered manager is four rungs: found with --to by default, refused politely with
    an explicit --max-steps 3."""
    answer = run.json("routes", "care worker", "--to", "registered manager", "--max-level", "6")
    assert answer["constraints"]["max_steps"] == 5 and len(answer["routes"][0]["steps"]) == 4
    limited = run.json("routes", "care worker", "--to", "registered manager", "--max-level", "6", "--max-steps", "3")
    assert limited["constraints"]["max_steps"] == 3 and limited["routes"] == []


def test_a_care_worker_aiming_for_nursing_gets_the_trainee_nursing_associate_ladder_first(run) -> None:
    """Sourced moves m48, m03 and m04 of the adviser set, end to end: care worker -> trainee nursing
    associate -> nursing associate -> registered nurse. Cheap sideways hops on the way (care worker ->
    healthcare assistant) must not crowd the ladder out of the search or outrank it."""
    (first, *others) = run.json("routes", "care worker", "--to", "registered nurse (adult)")["routes"]
    assert first["roles"] == [
        "hsc:care-worker",
        "hsc:trainee-nursing-associate",
        "hsc:nursing-associate",
        "hsc:registered-nurse-adult",
    ]
    assert all(step["skips"] == [] for step in first["steps"])


def test_experience_a_step_asks_for_first_is_said_apart_from_training_months(run) -> None:
    """Months are training time; the experience a step asks for first (two years' road service before the
    paramedic apprenticeship) is said beside them in the text and in its own column, never lost or added in."""
    args = ("routes", "ambulance care assistant", "--to", "paramedic", "--max-level", "6", "--top", "1")
    (route,) = run.json(*args)["routes"]
    waits = [step["experience_months"] for step in route["steps"]]
    assert sum(waits) > 0 and route["total_months"] == sum(step["months"] for step in route["steps"])
    page = run(*args, "--format", "md").stdout
    assert f"(and {sum(waits):g} months of experience asked for on the way)" in page
    last = route["steps"][-1]
    assert f"about {last['months']:g} months, after {last['experience_months']:g} months in the role before it;" in page
    assert "experience first" in run(*args, "--format", "table").stdout  # the steps table's column
