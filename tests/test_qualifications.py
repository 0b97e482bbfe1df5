"""`qualifications list|show`: an adviser finds the id a passport needs without reading YAML."""

from __future__ import annotations

from pathlib import Path


def test_list_filters_by_level_and_kind(run) -> None:
    level_3 = run.json("qualifications", "list", "--level", "3")
    assert level_3 and all(q["rqf_level"] == 3 for q in level_3)
    apprenticeships = run.json("qualifications", "list", "--kind", "apprenticeship")
    assert apprenticeships and all(q["kind"] == "apprenticeship" for q in apprenticeships)
    everything = run.json("qualifications", "list")
    assert len(everything) > len(apprenticeships) and len({q["id"] for q in everything}) == len(everything)


def test_an_unknown_kind_is_one_line_with_a_suggestion(run) -> None:
    result = run("qualifications", "list", "--kind", "apprentice", expect=2)
    assert "Did you mean 'apprenticeship'" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_show_finds_a_standard_by_its_code_and_says_who_asks_for_it(run) -> None:
    record = run.json("qualifications", "show", "ST0216")
    assert record["id"] == "hsc:st0216-healthcare-support-worker" and record["code"] == "ST0216"
    asked = {r["role"] for r in record["required_by"] + record["desirable_for"]}
    assert "hsc:healthcare-assistant" in asked
    assert record["develops"] and all(d["level"] >= 1 for d in record["develops"])
    assert record["counts_as"] == []  # the README's contract: always there, empty when it meets nothing else


def test_an_id_from_the_list_works_in_a_passport(run, tmp_path: Path) -> None:
    qid = run.json("qualifications", "list", "--kind", "apprenticeship", "--level", "2")[0]["id"]
    passport = tmp_path / "passport.yaml"
    passport.write_text(f"kind: passport\nname: Sam\nrole: care worker\nqualifications: [{qid}]\n")
    routes = run.json("routes", "--have", passport)
    assert routes["routes"], "a passport naming a listed qualification gives routes"
