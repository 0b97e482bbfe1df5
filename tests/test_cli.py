"""Every command through the real CLI, on the small test library: JSON contract, formats, exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from frameworks.models import SCHEMA_KINDS
from frameworks.sources import FILE_KINDS


def test_version(run) -> None:
    assert run("--version").stdout.startswith("pathways, version ")


def test_the_console_script_runs_a_command_with_the_cycle_collector_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """`pathways` is one short process: cli.main.main switches the collector off before the command runs and
    freezes what is alive after it (`serve` switches the collector back on: tests/test_web.py)."""
    import gc

    import cli.main

    seen = []
    monkeypatch.setattr(cli.main, "cli", lambda: seen.append(gc.isenabled()))
    gc.unfreeze()  # importing cli.main froze its modules: count only what main freezes
    try:
        cli.main.main()
        frozen = gc.get_freeze_count()  # and everything frozen at the end: the exit's last collection skips it
    finally:
        gc.unfreeze()
        gc.enable()
    assert seen == [False] and frozen > 0


def test_validate_reports_counts(run, mini) -> None:
    report = run.json(*mini, "validate")
    assert report["valid"] is True
    assert {k: report[k] for k in ("frameworks", "competencies", "roles", "qualifications", "progressions")} == {
        "frameworks": 1,
        "competencies": 4,
        "roles": 3,
        "qualifications": 2,
        "progressions": 2,
    }


def test_schema_kinds_match_the_models() -> None:
    assert sorted(FILE_KINDS) == sorted(SCHEMA_KINDS)


@pytest.mark.parametrize("kind", FILE_KINDS)
def test_schema_is_json_schema_for_each_kind(run, kind: str) -> None:
    document = json.loads(run("schema", kind).stdout)
    assert document["$schema"].startswith("https://json-schema.org/")
    assert document["type"] == "object" and document["properties"]


def test_schema_validates_a_real_file(run) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    from tests.conftest import MINI

    document = json.loads(run("schema", "roles").stdout)
    jsonschema.validate(yaml.safe_load((MINI / "roles.yaml").read_text()), document)


def test_roles_list_json_records(run, mini) -> None:
    roles = run.json(*mini, "roles", "list")
    assert [r["id"] for r in roles] == ["mini:carer", "mini:hca", "mini:senior-hca"]
    assert set(roles[0]) >= {"id", "title", "aliases", "sector", "band", "level"}
    assert run.json(*mini, "roles", "list", "--sector", "health", "--level", "3")[0]["id"] == "mini:senior-hca"


def test_roles_list_unknown_sector_suggests(run, mini) -> None:
    result = run(*mini, "roles", "list", "--sector", "socialcare", expect=2)
    assert "did you mean 'social_care'" in result.stderr.lower()


def test_roles_list_bad_band_is_a_usage_error(run, mini) -> None:
    assert run(*mini, "roles", "list", "--band", "11", expect=2).stderr


def test_roles_show_by_alias_and_fuzzy_note(run, mini) -> None:
    record = run.json(*mini, "roles", "show", "HCA")
    assert record["id"] == "mini:hca" and record["requirements"][0]["label"] == "Personal care"
    result = run(*mini, "roles", "show", "Senior healthcare asistant", "--format", "json")
    assert json.loads(result.stdout)["id"] == "mini:senior-hca"
    assert "took 'Senior healthcare asistant' to mean mini:senior-hca" in result.stderr


def test_roles_show_unknown_exits_2_with_candidates(run, mini) -> None:
    result = run(*mini, "roles", "show", "assistant", expect=2)
    assert result.stderr.startswith("error: role 'assistant'") and "mini:hca" in result.stderr
    assert "Traceback" not in result.stderr


def test_roles_search(run, mini) -> None:
    hits = run.json(*mini, "roles", "search", "support worker")
    assert hits[0]["id"] == "mini:hca" and hits[0]["matched_text"] == "clinical support worker"


def test_frameworks_list_and_show(run, mini) -> None:
    (framework,) = run.json(*mini, "frameworks", "list")
    assert framework == {
        "id": "mini:care",
        "name": "Mini care framework",
        "version": "1",
        "levels": "1-5",
        "areas": 2,
        "functions": 2,
        "competencies": 4,
    }
    shown = run.json(*mini, "frameworks", "show", "Mini care framework")
    assert [a["id"] for a in shown["areas"]] == ["mini:care/personal", "mini:care/clinical"]
    assert shown["areas"][1]["functions"][0]["competencies"][0]["id"] == "mini:care.vital-signs"
    assert shown["levels"]["1"] == "Entry"


@pytest.mark.parametrize("fmt", ["table", "csv", "md"])
def test_every_format_renders(run, mini, fmt: str) -> None:
    out = run(*mini, "roles", "show", "hca", "--format", fmt).stdout
    assert "care.washing" in out
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(out)))
        assert rows[0]["competency"] == "mini:care.washing" and rows[0]["level"] == "2"
    if fmt == "md":
        assert out.startswith("# Healthcare assistant") and "| competency |" in out


def test_graph_stats_build_and_export(run, mini, tmp_path: Path) -> None:
    stats = run.json(*mini, "graph", "stats")
    assert stats["nodes"]["Role"] == 3 and stats["edges"]["REQUIRES"] == 7
    assert run.json(*mini, "graph", "build")["total_nodes"] == stats["total_nodes"]
    target = tmp_path / "out" / "g.graphml"
    target.parent.mkdir()
    run(*mini, "graph", "export", "--format", "graphml", "-o", target)
    back = nx.read_graphml(target, force_multigraph=True)
    assert back.number_of_nodes() == stats["total_nodes"] and back.number_of_edges() == stats["total_edges"]
    cypher = tmp_path / "g.cypher"
    run(*mini, "graph", "export", "--format", "cypher", "-o", cypher)
    text = cypher.read_text()
    assert text.count("CREATE (:`Role`:`PathwaysNode`") == 3  # every node carries our mark, as a push does
    assert "`_pathways`: 'role:mini:hca'" in text


def test_library_from_environment(run, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import MINI

    monkeypatch.setenv("PATHWAYS_LIBRARY", str(MINI))
    assert len(run.json("--no-bundled", "roles", "list")) == 3


def test_csv_library_on_the_command_line(run, tmp_path: Path) -> None:
    table = tmp_path / "team.csv"
    table.write_text(
        "role_id,role_title,sector,level,competency\n"
        "navigator,Care navigator,health,3,Helps patients find the right service\n"
        "navigator,Care navigator,health,3,Books appointments and referrals\n"
    )
    roles = run.json("--no-bundled", "--library", table, "roles", "list")
    assert roles == [
        {
            "id": "team:navigator",
            "title": "Care navigator",
            "aliases": [],
            "sector": "health",
            "settings": [],
            "band": None,
            "level": 3,
            "family": None,
            "requirements": 2,
        }
    ]


# -- names: one scorer for lookup and search, ambiguity said aloud (bundled library) --------------------


def _errors(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_an_ambiguous_name_lists_its_choices_on_one_line(run) -> None:
    result = run("routes", "care worker", "--to", "registered nurse", expect=2)
    (line,) = _errors(result.stderr)
    assert line.startswith("error: role 'registered nurse' is ambiguous; candidates: ")
    for nurse in ("registered-nurse-adult", "registered-nurse-mental-health", "registered-nurse-learning-disability"):
        assert f"hsc:{nurse}" in line


def test_a_clearly_best_guess_is_taken_and_said(run) -> None:
    # "night sitter" shares a word only with the care worker's alias "night care assistant"
    result = run("roles", "show", "night sitter", "--format", "json")
    assert json.loads(result.stdout)["id"] == "hsc:care-worker"
    assert "note: took 'night sitter' to mean hsc:care-worker (Care worker" in result.stderr


def test_role_search_does_not_match_on_short_aliases(run) -> None:
    hits = run.json("roles", "search", "physiotherapy")
    assert {h["id"] for h in hits[:4]} == {
        "hsc:physiotherapist",
        "hsc:therapy-assistant",
        "hsc:therapy-support-worker",
        "hsc:therapy-assistant-practitioner",
    }
    # PA, AP, OT, RNA... are not near misses of "physiotherapy": acronyms only match exactly
    assert not [h for h in hits if len(h["matched_text"]) <= 4]
    assert run.json("roles", "search", "OT")[0]["id"] == "hsc:occupational-therapist"


def test_role_search_and_lookup_use_one_scorer(run) -> None:
    for typed in ("helthcare asistant", "night sitter", "care worker nights"):
        assert run.json("roles", "show", typed)["id"] == run.json("roles", "search", typed)[0]["id"]


def test_roles_list_refuses_a_band_and_level_that_contradict(run) -> None:
    result = run("roles", "list", "--band", "3", "--level", "5", expect=2)
    assert "--band 3 and --level 5 contradict" in result.stderr
    assert run.json("roles", "list", "--band", "3", "--level", "3")
