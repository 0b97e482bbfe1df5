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
    "32-billion-laughs.yaml": (4, "YAML anchors and aliases (&name, *name) are not supported"),
    "33-nul-in-title.yaml": (5, "roles[0].title: control character '\\x00' is not allowed"),
    "34-id-trailing-newline.yaml": (4, "roles[0].id: 'carer\\n' is not a valid id"),
    "35-csv-control-character.csv": (3, "column competency: control character '\\x07' is not allowed"),
    "36-csv-optional-column-typo.csv": (1, "unknown column 'competency_levl'; did you mean 'competency_level'?"),
    "37-csv-duplicate-header.csv": (1, "column 'level' appears twice"),
    "38-csv-extra-cells.csv": (3, "the row has 7 cells but the header names 5 columns"),
    "39-infinite-months.yaml": (8, "qualifications[0].months: wrong value inf (expected a finite number)"),
    "40-pay-out-of-range.yaml": (10, "pay 1e+308 a year is above the limit of 10,000,000 a year"),
    "41-kind-is-a-list.yaml": (1, "kind: a list where one word belongs"),
    "42-csv-essential-typo.csv": (1, "unknown column 'esential'; did you mean 'essential'?"),
    "43-keys-as-written.yaml": (8, "key 'true' is read as the same key as '1' on line 7"),
    "44-bad-role-hides-next.yaml": (14, "unknown competency 'care.washng'"),
    "45-csv-bad-level-hides-unknown.csv": (3, "unknown competency 'care.washng'"),
    "46-unknown-family.yaml": (7, "unknown career family 'nursng'; did you mean 'nursing'?"),
    "47-builds-on-loop.yaml": (14, "builds_on leads round in a circle"),
    "48-any-of-one-alternative.yaml": (12, "required[0].any_of: list should have at least 2 items"),
    "49-unknown-check.yaml": (9, "roles[0].entry.checks[1]: wrong value 'dbs-super'"),
    "50-standard-with-no-level-only.yaml": (4, "a diploma needs its rqf_level (only kind 'standard' has none)"),
    "51-qualification-named-twice.yaml": (13, "qualification 'mini:induction' is named twice (also in required[0])"),
    "52-supply-rate-as-percent.yaml": (
        9,
        "figures[0].vacancy_rate: 9.9 is not a rate from 0 to 1 (write 9.9% as 0.099)",
    ),
    "53-supply-unknown-area.yaml": (10, "figures[1].area: unknown area 'northshir'; did you mean 'northshire'?"),
    "54-supply-role-and-group.yaml": (8, "figures[0]: a figure is for exactly one of 'role' or 'staff_group'"),
    "55-supply-bad-date.yaml": (8, "figures[0].as_of: 'Feb 2023' is not a date"),
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
    assert all(row.startswith("error: ") for row in result.stderr.splitlines()), "a message spans lines"
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


def _one_clear_error(result, words: str, where: str) -> None:
    """The shared check for generated bad files: located, one line each, no traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    rows = result.stderr.splitlines()
    assert rows and all(row.startswith("error: ") for row in rows), result.stderr
    assert any(words in row and where in row for row in rows), result.stderr


def test_file_over_the_size_limit_is_refused_unread(run, mini, tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:  # sparse: the size is what counts, nothing is read
        handle.truncate(21 * 1024 * 1024)
    result = run(*mini, "validate", huge, expect=2)
    _one_clear_error(result, "larger than the 20 MB limit", "huge.yaml")


def test_long_prerequisite_chain_is_checked_without_recursion(run, mini, tmp_path: Path) -> None:
    chain = tmp_path / "chain.yaml"
    items = [
        f"  - {{id: q{i}, title: Q{i}, kind: short_course, rqf_level: 1, months: 1, prerequisites: [q{i + 1}]}}"
        for i in range(1500)
    ]
    items.append("  - {id: q1500, title: Q1500, kind: short_course, rqf_level: 1, months: 1, prerequisites: [q0]}")
    chain.write_text("kind: qualifications\nnamespace: chain\nqualifications:\n" + "\n".join(items) + "\n")
    result = run(*mini, "validate", chain, expect=2)
    _one_clear_error(result, "prerequisites form a cycle: chain:q0 -> chain:q1 -> ", "chain.yaml")
    items[-1] = items[-1].replace("prerequisites: [q0]", "prerequisites: []")
    chain.write_text("kind: qualifications\nnamespace: chain\nqualifications:\n" + "\n".join(items) + "\n")
    assert run(*mini, "validate", chain, "--format", "json").stdout.count('"valid": true') == 1


def test_csv_cell_longer_than_the_csv_module_default_is_read(run, mini, tmp_path: Path) -> None:
    table = tmp_path / "long.csv"
    text = "Keeps very long notes " * 7000  # over 131,072 characters
    table.write_text(f'role_id,role_title,sector,level,competency\nr1,Role one,health,2,"{text}"\n')
    report = run.json(*mini, "validate", table)
    assert report["valid"] is True and report["roles"] == 4


def test_bad_role_does_not_make_later_references_unknown(run, mini, tmp_path: Path) -> None:
    roles = tmp_path / "roles.yaml"
    roles.write_text((BAD / "44-bad-role-hides-next.yaml").read_text())
    links = tmp_path / "links.yaml"
    links.write_text("kind: progressions\nnamespace: bad\nprogressions:\n  - {from: untitled, to: typo, months: 3}\n")
    result = run(*mini, "validate", roles, links, expect=2)
    errors = result.stderr.splitlines()
    assert any("roles.yaml:4: roles[0]: missing required field 'title'" in row for row in errors)
    assert any("roles.yaml:14:" in row and "unknown competency 'care.washng'" in row for row in errors)
    assert not any("unknown role" in row for row in errors), result.stderr
    assert len(errors) == 2, result.stderr


def test_bad_csv_row_does_not_hide_the_other_rows(run, mini, tmp_path: Path) -> None:
    table = tmp_path / "rows.csv"
    table.write_text(
        "role_id,role_title,sector,level,competency,essential\n"
        "r1,Role one,health,2,care.washing,maybe\n"
        "r1,Role one,health,2,care.eatin,yes\n"
        "r2,Role two,health,two,care.washing,yes\n"
    )
    links = tmp_path / "links.yaml"
    links.write_text("kind: progressions\nnamespace: rows\nprogressions:\n  - {from: r1, to: r2, months: 3}\n")
    errors = run(*mini, "validate", table, links, expect=2).stderr.splitlines()
    assert [row.split(": ", 2)[1].rsplit("/", 1)[-1] for row in errors] == [
        "rows.csv:2",  # bad essential
        "rows.csv:3",  # unknown competency on another row of the same role
        "rows.csv:4",  # bad level; and no "unknown role 'r2'" for the link
    ], errors
