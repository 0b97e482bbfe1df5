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
