"""Loading libraries: ids are qualified, references resolve across files and layers, CSV becomes roles."""

from __future__ import annotations

from pathlib import Path

import pytest

from frameworks.errors import LibraryError
from frameworks.loader import load_library
from frameworks.sources import Layer, library_files, library_layers
from tests.conftest import MINI


def mini_layers(*extra: Path) -> list[Layer]:
    return library_layers([MINI, *extra], bundled=False)


def test_ids_are_qualified_with_the_file_namespace() -> None:
    library = load_library(mini_layers())
    assert set(library.roles) == {"mini:carer", "mini:hca", "mini:senior-hca"}
    assert "mini:care.washing" in library.competencies
    hca = library.roles["mini:hca"]
    assert [r.competency for r in hca.requirements] == ["mini:care.washing", "mini:care.vital-signs"]
    assert hca.band == "2"  # an integer band in YAML is read as the band's text


def test_file_level_source_applies_to_items_without_their_own() -> None:
    library = load_library(mini_layers())
    assert library.roles["mini:carer"].source[0].title == "Test roles"
    assert library.qualifications["mini:induction"].source[0].title == "Written for the tests"


def test_user_file_in_another_namespace_can_use_our_ids_unqualified(tmp_path: Path) -> None:
    user = tmp_path / "acme.yaml"
    user.write_text(
        "kind: roles\nnamespace: acme\nroles:\n  - id: night-carer\n    title: Night carer\n"
        "    sector: social_care\n    level: 2\n    requirements:\n      - {competency: care.washing, level: 2}\n"
        "    qualifications: {required: [induction]}\n"
    )
    library = load_library(mini_layers(user))
    role = library.roles["acme:night-carer"]
    assert role.requirements[0].competency == "mini:care.washing"
    assert role.qualifications.required == ["mini:induction"]


def test_later_layer_overrides_an_id_and_says_so(tmp_path: Path) -> None:
    user = tmp_path / "override.yaml"
    user.write_text(
        "kind: roles\nnamespace: mini\nroles:\n  - id: carer\n    title: Care and support worker\n"
        "    sector: social_care\n    level: 2\n    requirements:\n      - {competency: care.eating, level: 3}\n"
    )
    library = load_library(mini_layers(user))
    assert library.roles["mini:carer"].title == "Care and support worker"
    assert any("mini:carer" in notice and "overridden" in notice for notice in library.notices)


def test_same_id_twice_in_one_layer_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        (folder / name).write_text(
            "kind: roles\nnamespace: x\nroles:\n  - id: same\n    title: Same\n    sector: health\n"
            "    level: 2\n    requirements:\n      - {competency: mini:care.washing, level: 2}\n"
        )
    with pytest.raises(LibraryError) as caught:
        load_library(mini_layers(folder))
    assert "duplicate id 'x:same'" in str(caught.value)


def test_a_usually_held_qualification_must_also_be_desirable(tmp_path: Path) -> None:
    """`usually_held` marks desirable qualifications most people in post hold; one the role does not list as
    desirable is an error naming its key path, and an unknown id is reported once (as unknown)."""
    user = tmp_path / "user.yaml"
    role = (
        "kind: roles\nnamespace: x\nroles:\n  - id: senior\n    title: Senior\n    sector: health\n    level: 3\n"
        "    requirements:\n      - {competency: mini:care.washing, level: 3}\n"
        "    qualifications: {desirable: [mini:induction], usually_held: [%s]}\n"
    )
    user.write_text(role % "mini:senior-course")
    with pytest.raises(LibraryError) as caught:
        load_library(mini_layers(user))
    message = str(caught.value)
    assert "qualifications.usually_held[0]" in message and "not listed as desirable" in message
    user.write_text(role % "mini:nowhere")
    with pytest.raises(LibraryError) as caught:
        load_library(mini_layers(user))
    assert "unknown qualification 'mini:nowhere'" in str(caught.value)
    assert "not listed as desirable" not in str(caught.value)
    user.write_text(role % "induction")
    assert load_library(mini_layers(user)).roles["x:senior"].qualifications.usually_held == ["mini:induction"]
    user.write_text((role % "induction").replace("{desirable:", "{required: [induction], desirable:"))
    with pytest.raises(LibraryError) as caught:
        load_library(mini_layers(user))
    assert "is required, so every postholder holds it already" in str(caught.value)


def test_counts_as_names_another_known_qualification(tmp_path: Path) -> None:
    """`counts_as` ids resolve like any reference (an unknown one is reported with its key path); a
    qualification cannot count as itself."""
    user = tmp_path / "user.yaml"
    qual = (
        "kind: qualifications\nnamespace: x\nqualifications:\n  - id: field-course\n    title: Field course\n"
        "    kind: diploma\n    rqf_level: 3\n    months: 12\n    counts_as: [%s]\n"
    )
    user.write_text(qual % "senior-course")
    assert load_library(mini_layers(user)).qualifications["x:field-course"].counts_as == ["mini:senior-course"]
    user.write_text(qual % "senior-cours")
    with pytest.raises(LibraryError) as caught:
        load_library(mini_layers(user))
    assert "counts_as[0]" in str(caught.value) and "unknown qualification 'senior-cours'" in str(caught.value)
    user.write_text(qual % "field-course")
    with pytest.raises(LibraryError) as caught:
        load_library(mini_layers(user))
    assert "x:field-course counts as itself" in str(caught.value) and "cycle" not in str(caught.value)
    pair = qual % "other-course" + "  - id: other-course\n    title: Other\n    kind: diploma\n    rqf_level: 3\n"
    user.write_text(pair + "    months: 12\n    counts_as: [field-course]\n")
    with pytest.raises(LibraryError) as caught:  # one way only: two that count as each other would be one
        load_library(mini_layers(user))
    assert "counts_as form a cycle: x:field-course -> x:other-course -> x:field-course" in str(caught.value)
    user.write_text(pair + "    months: 12\n    prerequisites: [field-course]\n")
    with pytest.raises(LibraryError) as caught:  # counting as what needs it first loops too
        load_library(mini_layers(user))
    assert "counts_as form a cycle: x:field-course -> x:other-course -> x:field-course" in str(caught.value)


def test_ambiguous_unqualified_reference_lists_the_candidates(tmp_path: Path) -> None:
    twin = tmp_path / "twin.yaml"
    twin.write_text((MINI / "framework.yaml").read_text().replace("namespace: mini", "namespace: other"))
    user = tmp_path / "user.yaml"
    user.write_text(
        "kind: roles\nnamespace: third\nroles:\n  - id: r\n    title: R\n    sector: health\n    level: 2\n"
        "    requirements:\n      - {competency: care.washing, level: 2}\n"
    )
    with pytest.raises(LibraryError) as caught:
        load_library(mini_layers(twin, user))
    message = str(caught.value)
    assert "ambiguous" in message and "mini:care.washing" in message and "other:care.washing" in message


def test_declared_sector_is_accepted(tmp_path: Path) -> None:
    user = tmp_path / "housing.yaml"
    user.write_text(
        "kind: roles\nnamespace: h\nsectors: {housing: Housing services}\nroles:\n  - id: officer\n"
        "    title: Housing support officer\n    sector: housing\n    level: 3\n"
        "    requirements:\n      - {competency: care.eating, level: 2}\n"
    )
    library = load_library(mini_layers(user))
    assert library.roles["h:officer"].sector == "housing"


def test_csv_free_text_becomes_a_framework_named_after_the_file(tmp_path: Path) -> None:
    table = tmp_path / "Trust HR export.csv"
    table.write_text(
        "role_id,role_title,sector,level,competency,competency_level,essential\n"
        "ward-host,Ward host,health,2,Serves meals and drinks to patients,2,true\n"
        "ward-host,Ward host,health,2,care.washing,1,no\n"
        "ward-host,Ward host,health,2,Serves meals and drinks to patients  ,3,yes\n"
        "porter,Porter,health,2,Moves patients between departments,,\n"
    )
    with pytest.raises(LibraryError) as caught:  # the same free text twice in one role is a duplicate
        load_library(mini_layers(table))
    assert "required twice" in str(caught.value) and "Trust HR export.csv:4" in str(caught.value)

    lines = table.read_text().splitlines()
    table.write_text("\n".join(lines[:3] + lines[4:]) + "\n")
    library = load_library(mini_layers(table))
    assert "trust-hr-export:trust-hr-export" in library.frameworks
    host = library.roles["trust-hr-export:ward-host"]
    meal, washing = host.requirements
    assert library.competencies[meal.competency].competency.statement == "Serves meals and drinks to patients"
    assert (washing.competency, washing.level, washing.essential) == ("mini:care.washing", 1, False)
    porter = library.roles["trust-hr-export:porter"]
    assert porter.requirements[0].level == 2 and porter.requirements[0].essential is True


def test_library_files_finds_yaml_and_csv_below_a_folder(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.yaml", "sub/b.yml", "sub/c.csv", "notes.md"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in library_files(tmp_path)] == ["a.yaml", "b.yml", "c.csv"]


def test_environment_library_comes_before_command_line(tmp_path: Path) -> None:
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    for path in (first, second):
        path.write_text("kind: progressions\nprogressions:\n  - {from: mini:carer, to: mini:senior-hca, months: 2}\n")
    layers = library_layers([second], bundled=False, env=f"{MINI}:{first}")
    assert [layer.name for layer in layers] == [str(MINI), str(first), str(second)]


def _roles_yaml(namespace: str, roles: str) -> str:
    return f"kind: roles\nnamespace: {namespace}\nsource: Tests\nroles:\n{roles}"


def _role(role_id: str, level: int, band: str | None = None) -> str:
    band_line = f'    band: "{band}"\n' if band else ""
    return (
        f"  - id: {role_id}\n    title: {role_id}\n    sector: health\n{band_line}    level: {level}\n"
        "    requirements:\n      - {competency: mini:care.washing, level: 2}\n"
    )


def test_band_and_level_far_apart_is_a_warning(run, tmp_path: Path) -> None:
    roles = tmp_path / "r.yaml"
    roles.write_text(_roles_yaml("w", _role("odd", 1, "9") + _role("fine", 2, "3")))
    report = run.json("--no-bundled", "--library", MINI, "validate", roles)
    banding = [w for w in report["warnings"] if " but level " in w]
    assert report["valid"] and len(banding) == 1 and "w:odd is band 9 but level 1" in banding[0]
    assert "r.yaml:8:" in banding[0]  # band 3 at level 2 (w:fine) is within the shorthand


def test_downward_link_and_cycle_are_warnings(tmp_path: Path) -> None:
    links = tmp_path / "links.yaml"
    links.write_text(
        "kind: progressions\nnamespace: mini\nprogressions:\n"
        "  - {from: senior-hca, to: carer, months: 1}\n"  # level 3 -> level 2, closing carer -> hca -> senior-hca
    )
    library = load_library(mini_layers(links))
    assert any("links.yaml:4: progression mini:senior-hca -> mini:carer goes down" in w for w in library.warnings)
    circles = [w for w in library.warnings if "round in a circle" in w]
    assert len(circles) == 1 and "mini:carer -> mini:hca -> mini:senior-hca -> mini:carer" in circles[0]
    # the mini library's own two-way sideways pair (carer <-> hca at one level) is no warning
    assert not load_library(mini_layers()).warnings


def test_empty_library_path_is_refused(run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # an empty path would otherwise read every file below here
    (tmp_path / "roles.yaml").write_text((MINI / "roles.yaml").read_text())
    result = run("--no-bundled", "--library", MINI, "--library", "", "validate", expect=2)
    assert result.stderr.startswith("error: ") and "empty library path" in result.stderr


def test_named_pipe_is_never_opened(run, tmp_path: Path) -> None:
    import contextlib
    import os
    import threading

    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)

    done = threading.Event()

    def unblock() -> None:  # should the command ever open a pipe, end each wait rather than hang the suite
        while not done.wait(3):
            for fifo in (pipe, more):
                with contextlib.suppress(OSError):
                    os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "roles.yaml").write_text((MINI / "roles.yaml").read_text())
    more = folder / "more.yaml"
    os.mkfifo(more)
    threading.Thread(target=unblock, daemon=True).start()
    try:
        result = run("--no-bundled", "--library", pipe, "roles", "list", expect=None)
        assert result.exit_code == 2 and "is a named pipe, not a regular file" in result.stderr, result.stderr
        result = run("--no-bundled", "--library", MINI, "validate", folder, expect=2)
        assert "more.yaml: is a named pipe" in result.stderr
    finally:
        done.set()


def test_unreadable_entries_below_a_folder_are_errors_not_skipped(
    run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "lib"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "loop.yaml").symlink_to(folder / "sub" / "loop.yaml")
    (folder / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    (folder / "back").symlink_to(folder)  # a link back up: followed once, not forever
    result = run("--no-bundled", "--library", MINI, "validate", folder, expect=2)
    assert "loop.yaml: cannot read it" in result.stderr
    assert "gone.csv: a broken link" in result.stderr
    (folder / ".#roles.yaml").symlink_to("root@host.123")  # an editor's lock file is hidden, not an error
    monkeypatch.setenv("PATHWAYS_LIBRARY", str(folder))  # the same from the environment
    result = run("--no-bundled", "--library", MINI, "validate", expect=2)
    assert "gone.csv: a broken link" in result.stderr and ".#roles.yaml" not in result.stderr


@pytest.mark.skipif(__import__("os").geteuid() == 0, reason="root reads any file whatever its mode")
def test_unreadable_file_and_folder_are_errors(run, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    (folder / "closed").mkdir(parents=True)
    secret = folder / "secret.yaml"
    secret.write_text((MINI / "roles.yaml").read_text())
    secret.chmod(0)
    (folder / "closed").chmod(0)
    try:
        result = run("--no-bundled", "--library", MINI, "validate", folder, expect=2)
    finally:
        (folder / "closed").chmod(0o755)
    assert "secret.yaml: cannot read it" in result.stderr and "closed: cannot read this folder" in result.stderr


def test_role_csv_is_not_taken_for_a_passport(tmp_path: Path) -> None:
    from frameworks.passport import load_passport

    table = tmp_path / "roles.csv"
    table.write_text("role_id,role_title,sector,level,competency\nr1,Role one,health,2,care.washing\n")
    with pytest.raises(LibraryError) as caught:
        load_passport(table)
    (problem,) = caught.value.problems
    assert problem.line == 1 and "looks like a role-requirement CSV" in problem.message
    assert "competency,level and/or qualification" in problem.expected
    with pytest.raises(LibraryError) as caught:
        load_passport(MINI / "roles.yaml")
    assert "this is a 'roles' file, not a passport file" in str(caught.value)
