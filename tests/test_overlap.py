"""Overlap scoring on hand-checkable cases, the fast matrix against the plain definition, what a
careers adviser expects on the bundled library, and each command's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from graph.matching import LexicalMatcher
from graph.overlap import Need, SkillMatch, anchor_codes, cover, level_credit, mutual, same_skill
from graph.overlap_matrix import RequirementTable, SimilaritySource, coverage_matrix, coverage_of_one


def need(cid: str, level: int, essential: bool = True, scale: int = 9) -> Need:
    return Need(cid, cid, cid, level, scale, essential)


def covered(have: list[Need], wanted: list[Need], sim: np.ndarray, threshold: float = 0.65):
    """Coverage from a similarity matrix given by hand (no anchors)."""
    codes = anchor_codes([None] * len(have), [None] * len(wanted))
    return cover(SkillMatch(have, wanted, sim, same_skill(sim, threshold, *codes)))


def plain_overlap(graph, matcher, a: str, b: str):
    from pathways.overlap import overlap

    return overlap(graph, matcher, a, b)


def test_directional_coverage_by_hand() -> None:
    have = [need("wash", 2), need("obs", 2)]
    wanted = [need("wash", 2), need("obs", 3), need("meds", 2, essential=False)]
    sim = np.array([[1.0, 0.1, 0.2], [0.1, 1.0, 0.5]])
    result = covered(have, wanted, sim)
    # wash: full (1); obs: held at 2 of 3 -> 2/3; meds (desirable, weight 0.5): missing
    assert result.coverage == pytest.approx((1 + 2 / 3) / 2.5, abs=1e-4)
    assert [m.need.competency for m in result.matched] == ["wash"]
    (partial,) = result.partial
    assert partial.need.level - partial.have.level == 1 and partial.credit == pytest.approx(0.667, abs=1e-3)
    (missing,) = result.missing
    assert missing.need.competency == "meds" and missing.have.competency == "obs"
    assert missing.similarity == 0.5


def test_the_deepest_matching_competency_counts() -> None:
    have = [need("a", 2), need("b", 4)]
    sim = np.array([[0.9], [0.7]])
    result = covered(have, [need("x", 4)], sim)
    assert result.coverage == 1.0 and result.matched[0].have.competency == "b"


def test_levels_compare_as_fractions_of_their_scales() -> None:
    # level 3 of a 1-4 scale is deeper than level 5 of 1-9; level 2 of 4 holds 0.5 of the 0.556 needed
    assert level_credit(need("a", 3, scale=4).depth, need("b", 5, scale=9).depth) == 1.0
    assert level_credit(need("a", 2, scale=4).depth, need("b", 5, scale=9).depth) == pytest.approx(0.9)
    assert level_credit(1, 2) == 0.5 and level_credit(3, 2) == 1.0


def test_harmonic_mean_needs_both_directions() -> None:
    assert mutual(1.0, 0.0) == 0.0 and mutual(0.5, 0.5) == 0.5
    assert mutual(np.array([1.0, 0.0, 0.5]), np.array([0.0, 0.0, 0.5])).tolist() == [0.0, 0.0, 0.5]


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    from frameworks.sources import library_layers
    from graph.store import load_graph

    workspace = tmp_path_factory.mktemp("ws")
    graph, _ = load_graph(library_layers(), workspace)
    return graph, workspace


@pytest.fixture(scope="module")
def embedding(bundled):
    from graph.crosswalk import all_competency_texts, anchor_competencies, distinct_pairs
    from graph.matching import choose_matcher

    graph, workspace = bundled
    texts, anchors, distinct = all_competency_texts(graph), anchor_competencies(graph), distinct_pairs(graph)
    matcher, _ = choose_matcher(texts, workspace, anchors=anchors, distinct=distinct)
    assert matcher.kind == "embedding"
    return matcher


@pytest.mark.parametrize("kind", ["embedding", "lexical"])
def test_fast_matrix_equals_the_plain_definition(bundled, embedding, kind: str) -> None:
    from graph.crosswalk import distinct_pairs
    from graph.role_ranking import role_ids

    graph, _ = bundled
    matcher = embedding if kind == "embedding" else LexicalMatcher(distinct=set(distinct_pairs(graph)))
    roles = role_ids(graph)
    table = RequirementTable.from_graph(graph, roles)
    source = SimilaritySource(matcher, table.texts, table.competencies)
    cover = coverage_matrix(table, source)
    for i in range(0, len(roles), 4):
        for j in range(1, len(roles), 5):
            plain = plain_overlap(graph, matcher, roles[i], roles[j])
            assert cover[i, j] == pytest.approx(plain.a_covers_b.coverage, abs=1e-6)
            assert cover[j, i] == pytest.approx(plain.b_covers_a.coverage, abs=1e-6)
    covers, covered_by = coverage_of_one(table, source, 7)
    assert np.allclose(covers, cover[7], atol=1e-6) and np.allclose(covered_by, cover[:, 7], atol=1e-6)


def test_adviser_expectations_on_the_bundled_library(bundled, embedding) -> None:
    graph, _ = bundled

    def score(a: str, b: str) -> float:
        return plain_overlap(graph, embedding, f"hsc:{a}", f"hsc:{b}").score

    assert score("healthcare-assistant", "care-worker") >= 0.6  # the same personal care, two sectors
    assert score("care-worker", "home-care-worker") >= 0.6
    assert score("senior-care-worker", "senior-healthcare-assistant") >= 0.4
    # a porter shares the core skills (safety, infection control, moving and handling), not the care
    assert score("healthcare-assistant", "porter") < score("healthcare-assistant", "care-worker") - 0.2
    assert score("care-worker", "clinical-coder") < 0.3
    assert score("pharmacy-assistant", "reablement-worker") < score("pharmacy-assistant", "senior-pharmacy-assistant")


def test_similar_roles_puts_the_other_sector_twin_first(run) -> None:
    # roles that build on the HCA profile rank first overall; within social care its twin is first
    result = run.json("similar-roles", "healthcare assistant", "--sector", "social_care", "--top", "3")
    assert result["results"][0]["id"] == "hsc:care-worker"
    social = run.json("similar-roles", "care worker", "--sector", "health", "--top", "3")
    assert social["results"][0]["id"] == "hsc:healthcare-assistant"
    assert all(r["sector"] == "health" for r in social["results"])
    first = social["results"][0]
    assert set(first) >= {"score", "overlap", "profile", "covers", "covered_by", "evidence"}


def test_overlap_json(run) -> None:
    result = run.json("overlap", "HCA", "care worker")
    assert (result["a"], result["b"]) == ("hsc:healthcare-assistant", "hsc:care-worker")
    assert result["matcher"] == {
        "kind": "embedding",
        "model": "all-MiniLM-L6-v2",
        "threshold": 0.65,
        "anchors": run.json("validate")["competencies"],  # every bundled competency has alternative terms
        "anchor_min": 0.4,
    }
    direction = result["a_covers_b"]
    assert set(direction) == {"coverage", "matched", "partial", "missing"}
    assert {"need", "have", "similarity", "via"} <= set(direction["matched"][0])
    assert 0 < result["score"] <= 1


def test_similar_by_text_and_by_id(run) -> None:
    result = run.json("similar", "taking blood from a vein for tests", "--top", "3")
    assert "hsc:practice.venepuncture" in [r["id"] for r in result["results"]]
    by_id = run.json("similar", "practice.venepuncture", "--framework", "practice", "--top", "5")
    ids = [r["id"] for r in by_id["results"]]
    assert "hsc:practice.venepuncture" not in ids and all(i.startswith("hsc:practice.") for i in ids)


def test_crosswalk_json_and_csv(run) -> None:
    result = run.json("crosswalk", "ph", "practice", "--threshold", "0.6")
    assert result["a"] == "hsc:ph" and result["matcher"]["threshold"] == 0.6
    pairs = [p for p in result["pairs"] if p["b"]]
    assert ("hsc:ph.collaboration", "hsc:practice.partnership-working") in {(p["a"], p["b"]) for p in pairs}
    assert all(p["similarity"] >= 0.6 for p in pairs)
    csv_out = run("crosswalk", "ph", "practice", "--format", "csv").stdout
    assert csv_out.splitlines()[0] == "a,a_label,b,b_label,similarity"


def test_overlap_matrix_csv_and_heatmap(run, tmp_path: Path) -> None:
    target, plot = tmp_path / "m.csv", tmp_path / "m.png"
    run("overlap-matrix", "--sector", "health", "--vs", "social_care", "-o", target, "--plot", plot)
    rows = target.read_text().splitlines()
    header = rows[0].split(",")
    assert header[0] == "role" and all(c.startswith("hsc:") for c in header[1:])
    assert len(rows) - 1 == len(run.json("roles", "list", "--sector", "health"))
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_overlap_on_a_csv_library(run, tmp_path: Path) -> None:
    table = tmp_path / "trust.csv"
    table.write_text(
        "role_id,role_title,sector,level,competency\n"
        "ward-helper,Ward helper,health,2,Helps patients wash and dress while protecting their dignity\n"
        "ward-helper,Ward helper,health,2,core.nutrition-hydration\n"
        "ward-helper,Ward helper,health,2,core.infection-prevention\n"
        "porter,Porter,health,2,Moves patients and equipment between departments\n"
    )
    result = run.json("--library", table, "overlap", "ward helper", "care worker")
    direction = result["b_covers_a"]  # the care worker's cover of the ward helper's requirements
    matched = {m["need"]["competency"] for m in direction["matched"]}
    assert {"hsc:core.nutrition-hydration", "hsc:core.infection-prevention"} <= matched
    # the helper's own words resolve to the curated "Personal care" competency the care worker holds
    (washing,) = [m for m in direction["matched"] if m["need"]["competency"].startswith("trust:")]
    assert washing["have"]["competency"] == "hsc:core.personal-care"
    assert washing["via"] == "hsc:core.personal-care" and washing["similarity"] < 0.65


def test_import_csv_writes_yaml_that_loads(run, tmp_path: Path) -> None:
    table = tmp_path / "hr.csv"
    table.write_text(
        "role_id,role_title,sector,level,competency\n"
        "host,Ward host,health,2,Serves meals to patients\nhost,Ward host,health,2,core.food-safety\n"
    )
    run("import", "csv", table, "--into", tmp_path / "out")
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["hr.framework.yaml", "hr.roles-hr.yaml"]
    roles = run.json("--library", tmp_path / "out", "roles", "show", "Ward host")
    assert [r["competency"] for r in roles["requirements"]] == ["hr:serves-meals-to-patients", "hsc:core.food-safety"]


def test_import_of_a_bad_csv_writes_nothing(run, tmp_path: Path) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("role_id,role_title,sector,level,competency\nx,X,health,2,core.no-such-thing\n")
    result = run("import", "csv", table, "--into", tmp_path / "out", expect=2)
    assert "unknown competency 'core.no-such-thing'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_embed_warms_the_cache(run, mini) -> None:
    result = run(*mini, "embed")
    assert "4 competency texts" in result.stderr
    assert "0 encoded" in run(*mini, "embed").stderr
    assert json.loads(run(*mini, "overlap", "hca", "carer", "--format", "json").stdout)["score"] > 0


def test_fast_matrix_equals_the_plain_definition_with_free_text_anchors(tmp_path: Path) -> None:
    from frameworks.sources import library_layers
    from graph.crosswalk import all_competency_texts, anchor_competencies
    from graph.matching import choose_matcher
    from graph.store import load_graph

    table_csv = tmp_path / "ward.csv"
    table_csv.write_text(
        "role_id,role_title,sector,level,competency\n"
        "helper,Ward helper,health,2,Helps patients wash and dress while protecting their dignity\n"
        "helper,Ward helper,health,2,Helps people take their tablets\n"
        "helper,Ward helper,health,2,Books appointments for patients\n"
        "host,Ward host,health,2,Assists patients with personal hygiene\n"
        "host,Ward host,health,2,Serves meals and drinks and notes what people eat\n"
    )
    graph, workspace = load_graph(library_layers([table_csv]), tmp_path / "ws")[0], tmp_path / "ws"
    matcher, _ = choose_matcher(all_competency_texts(graph), workspace, anchors=anchor_competencies(graph))
    roles = ["ward:helper", "ward:host", "hsc:care-worker", "hsc:healthcare-assistant", "hsc:ward-administrator"]
    table = RequirementTable.from_graph(graph, roles)
    cover = coverage_matrix(table, SimilaritySource(matcher, table.texts, table.competencies))
    for i, a in enumerate(roles):
        for j, b in enumerate(roles):
            assert cover[i, j] == pytest.approx(plain_overlap(graph, matcher, a, b).a_covers_b.coverage, abs=1e-6)
    assert cover[0, 1] > 0  # "wash and dress" and "personal hygiene" meet at the personal care anchor


def test_similar_says_which_rule_made_a_row_the_same_skill(run) -> None:
    query = "supports people with washing and dressing while keeping their dignity"
    first = run.json("similar", query, "--top", "3")["results"][0]
    # below the 0.65 threshold, yet the same skill: the text resolves to this anchor competency
    assert first["id"] == "hsc:core.personal-care" and first["similarity"] < 0.65 and first["same_skill"]
    assert first["via"] == "hsc:core.personal-care"
    table = run("similar", query, "--top", "3", "--format", "table").stdout
    assert "same anchor: hsc:core.personal-care" in table and "or when both resolve to the same anchor" in table
    close = run.json("similar", "practice.partnership-working", "--top", "1")["results"][0]
    assert close["id"] == "hsc:ph.collaboration" and close["similarity"] >= 0.65 and close["via"] is None
    assert "similarity >= 0.65" in run("similar", "practice.partnership-working", "--format", "csv").stdout


@pytest.mark.parametrize("query", ["", "   "])
def test_similar_refuses_an_empty_query(run, query: str) -> None:
    result = run("similar", query, expect=2)
    assert "empty" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-0.1", "1.5", "half"])
def test_threshold_must_be_a_number_from_0_to_1(run, mini, value: str) -> None:
    result = run(*mini, "--no-embeddings", "crosswalk", "care", "care", "--threshold", value, expect=2)
    assert "--threshold" in result.stderr and "Traceback" not in result.stderr


def test_the_route_planners_skill_table_judges_every_pair_as_the_matcher_does(tmp_path) -> None:
    """graph.overlap.SkillTable answers routes' thousands of comparisons by looking pairs up; it must give
    exactly what match_skills computes (similarity to the last digit, the same-skill verdict, the anchor a
    pair matched through), whatever mix of competencies a step compares."""
    import random

    import numpy as np

    from frameworks.sources import library_layers
    from graph.crosswalk import all_competency_texts, anchor_competencies, distinct_pairs
    from graph.matching import choose_matcher, competency_text
    from graph.overlap import Need, SkillTable, match_skills
    from graph.store import load_graph

    graph, _ = load_graph(library_layers(), tmp_path)
    data = [d for _, d in graph.nodes(data=True) if d["kind"] == "Competency"]
    ids, texts = [d["id"] for d in data], [competency_text(d) for d in data]
    pool = [Need.of_competency(d, 3) for d in data]
    by_text = {n.text: n for n in pool}
    kept_apart = [(by_text[a], by_text[b]) for a, b in distinct_pairs(graph) if a in by_text and b in by_text]
    assert kept_apart  # the library declares pairs never to be one skill (safeguarding children and adults)
    for lexical in (False, True):
        matcher, _ = choose_matcher(
            all_competency_texts(graph), tmp_path, lexical, None, anchor_competencies(graph), distinct_pairs(graph)
        )
        table, chance = SkillTable(matcher, ids, texts), random.Random(12)
        kin = 0  # pairs of different competencies that are one skill: the threshold at work
        mixes = [([a, a], [b]) for a, b in kept_apart]  # a holding listed twice, a pair kept apart
        mixes += [
            (chance.sample(pool, chance.randint(1, 60)), chance.sample(pool, chance.randint(1, 30))) for _ in range(150)
        ]
        for have, need in mixes:
            looked_up, computed = table.match(have, need), match_skills(have, need, matcher)
            assert np.array_equal(looked_up.sim, computed.sim) and np.array_equal(looked_up.same, computed.same)
            assert looked_up.via == computed.via and looked_up.sim.dtype == computed.sim.dtype
            kin += int((computed.same & (computed.sim < 1.0)).sum())
        assert kin > 0
