"""Broken library files: each gives one clear located line, exit code 2, no traceback, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA

BAD = DATA / "bad"

# file -> (line the message must name, or None when the problem is the whole file; words it must contain)
EXPECTED: dict[str, tuple[int | None, str]] = {
    "01-bad-yaml-syntax.yaml": (6, "invalid YAML"),
    "02-empty.yaml": (None, "the file is empty"),
    "03-top-level-list.yaml": (1, "the top level is a list"),
    "04-no-kind.yaml": (1, "no 'kind' key"),
    "05-unknown-kind.yaml": (1, "unknown kind 'role'; did you mean 'roles'?"),
    "06-missing-title.yaml": (4, "roles[0]: missing required field 'title'"),
    "07-level-not-int.yaml": (7, "roles[0].level: wrong value 'two'"),
    "08-unknown-competency.yaml": (10, "unknown competency 'care.washng'; did you mean 'mini:care.washing'"),
    "09-level-out-of-scale.yaml": (9, "level 7 is outside the scale of framework mini:care"),
    "10-duplicate-role-id.yaml": (10, "duplicate id 'bad:twin'"),
    "11-unknown-sector.yaml": (6, "unknown sector 'housing'"),
    "12-bad-band.yaml": (7, "roles[0].band: wrong value '10'"),
    "13-unknown-field.yaml": (8, "unknown field 'requirments'; did you mean 'requirements'?"),
    "14-no-requirements.yaml": (8, "roles[0].requirements: list should have at least 1 item"),
    "15-prerequisite-cycle.yaml": (None, "prerequisites form a cycle"),
    "16-self-progression.yaml": (4, "a progression from mini:hca to itself"),
    "17-unknown-role-in-link.yaml": (4, "unknown role 'senior-hcaa'; did you mean 'mini:senior-hca'"),
    "18-bad-qualification-kind.yaml": (6, "qualifications[0].kind: wrong value 'masterclass'"),
    "19-negative-months.yaml": (8, "qualifications[0].months: wrong value -3"),
    "20-gapped-levels.yaml": (6, "levels must be consecutive integers"),
    "21-duplicate-key.yaml": (6, "key 'title' appears twice"),
    "22-latin1.yaml": (4, "not UTF-8 text"),
    "23-utf16.yaml": (1, "not UTF-8 text"),
    "24-pay-inverted.yaml": (10, "pay min 30000.0 is above max 20000.0"),
    "25-bad-id.yaml": (4, "'Has Spaces' is not a valid id"),
    "26-csv-missing-column.csv": (1, "missing column 'competency'; is 'competancy' meant to be it?"),
    "27-csv-bad-level.csv": (3, "column level: bad value 'high'"),
    "28-csv-inconsistent-role.csv": (3, "role 'r1' has a different title, sector or level than on line 2"),
    "29-csv-header-only.csv": (1, "no data rows under the header"),
    "30-duplicate-requirement.yaml": (10, "competency 'mini:care.washing' is required twice"),
    "31-unknown-qualification.yaml": (11, "unknown qualification 'inducton'; did you mean 'mini:induction'?"),
}


def test_every_bad_file_has_an_expectation() -> None:
    assert sorted(p.name for p in BAD.iterdir()) == sorted(EXPECTED)
    assert len(EXPECTED) >= 25


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_one_located_line_and_exit_2(name: str, run, mini, workspace: Path) -> None:
    line, words = EXPECTED[name]
    result = run(*mini, "validate", BAD / name, expect=2)
    errors = [row for row in result.stderr.splitlines() if row.startswith("error: ")]
    assert errors, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    matching = [row for row in errors if words in row]
    assert matching, f"no line says {words!r}:\n{result.stderr}"
    where = f"{name}:{line}:" if line else name
    assert any(where in row for row in matching), f"{where!r} not named in {matching}"
    assert not workspace.exists() or not any(workspace.rglob("*")), "a failed validate wrote files"


@pytest.mark.parametrize("name", ["08-unknown-competency.yaml", "27-csv-bad-level.csv"])
def test_query_on_bad_library_fails_cleanly_and_writes_nothing(name: str, run, mini, workspace: Path) -> None:
    result = run(*mini, "--library", BAD / name, "roles", "list", expect=2)
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.stderr
    assert not workspace.exists() or not list(workspace.rglob("*.pickle"))


def test_validate_json_lists_problems_with_locations(run, mini) -> None:
    result = run(*mini, "validate", BAD / "08-unknown-competency.yaml", "--format", "json", expect=2)
    import json

    report = json.loads(result.stdout)
    assert report["valid"] is False
    (problem,) = report["problems"]
    assert problem["line"] == 10 and problem["key"] == "roles[0].requirements[1].competency"
    assert problem["file"].endswith("08-unknown-competency.yaml")


def test_missing_library_path_is_a_clear_error(run, tmp_path: Path) -> None:
    result = run("--library", tmp_path / "nowhere", "roles", "list", expect=2)
    assert "no such file or folder" in result.stderr
