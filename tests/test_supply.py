"""`kind: supply` files: figures are checked across the library, kept per area and subject, and a user's own
figures replace the bundled ones for exactly the area and subject they give."""

from __future__ import annotations

from pathlib import Path

import pytest

from frameworks.errors import LibraryError
from frameworks.loader import load_library
from frameworks.sources import library_layers
from graph.build import build_graph
from graph.supply import area_chain, supply_of
from tests.conftest import DATA

MINI = DATA / "mini"
AREAS = """kind: supply
namespace: mini
source: {title: "Area figures used in these tests"}
areas:
  england: {name: England, type: country}
  northshire: {name: Northshire, type: county, within: england}
staff_groups:
  care-staff: {name: Care staff, roles: [carer, hca, senior-hca]}
  support: {name: Support workers, roles: [hca, senior-hca]}
figures:
  - {area: england, staff_group: care-staff, as_of: "2023/24", vacancy_rate: 0.08, turnover_rate: 0.25}
  - {area: england, staff_group: care-staff, as_of: "2024/25", vacancy_rate: 0.07}
  - {area: northshire, staff_group: care-staff, as_of: "2022", turnover_rate: 0.30}
  - {area: northshire, staff_group: support, as_of: "2021", turnover_rate: 0.20}
  - {area: northshire, role: senior-hca, as_of: undated, headcount: 40}
"""


def _graph(*layers: Path):
    return build_graph(load_library(library_layers([str(p) for p in layers], bundled=False)))


@pytest.fixture
def areas(tmp_path: Path) -> Path:
    path = tmp_path / "supply.yaml"
    path.write_text(AREAS)
    return path


def test_each_measure_comes_from_the_closest_area_and_narrowest_subject(areas: Path) -> None:
    graph = _graph(MINI, areas)
    assert area_chain(graph, "northshire") == ["northshire", "england"]
    hca = supply_of(graph, "mini:hca", "northshire")
    # the two-role group beats the three-role one in Northshire, although the wider group's figure is newer
    assert (hca["turnover_rate"].value, hca["turnover_rate"].subject) == (0.20, "Support workers")
    # no vacancy rate in Northshire: England's newest one, saying where and when it is from
    vacancy = hca["vacancy_rate"]
    assert (vacancy.value, vacancy.area_name, vacancy.as_of) == (0.07, "England", "2024/25")
    assert vacancy.source == "Area figures used in these tests"
    assert supply_of(graph, "mini:carer", "northshire")["turnover_rate"].value == 0.30
    # for one subject, the newest figure wins
    newer = AREAS.replace(
        "  - {area: northshire, role: senior-hca",
        "  - {area: northshire, staff_group: support,"
        ' as_of: "2023", turnover_rate: 0.22}\n  - {area: northshire, role: senior-hca',
    )
    areas.write_text(newer)
    newest = supply_of(_graph(MINI, areas), "mini:hca", "northshire")["turnover_rate"]
    assert (newest.value, newest.as_of) == (0.22, "2023")
    assert "headcount" not in hca and supply_of(graph, "mini:senior-hca", "northshire")["headcount"].value == 40
    assert supply_of(graph, "mini:hca", "england")["turnover_rate"].value == 0.25


def test_a_later_layer_replaces_figures_for_its_area_and_subject_only(areas: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "ours.yaml").write_text(
        "kind: supply\nnamespace: mini\nfigures:\n"
        "  - {area: northshire, staff_group: support, as_of: '2025', vacancy_rate: 0.15}\n"
    )
    graph = _graph(MINI, areas, mine)
    hca = supply_of(graph, "mini:hca", "northshire")
    assert hca["vacancy_rate"].value == 0.15
    # the bundled Northshire support-worker turnover is set aside with the rest of that area and subject...
    assert hca["turnover_rate"].subject == "Care staff" and hca["turnover_rate"].value == 0.30
    # ...while other subjects and areas keep theirs
    assert supply_of(graph, "mini:senior-hca", "northshire")["headcount"].value == 40
    assert supply_of(graph, "mini:hca", "england")["vacancy_rate"].value == 0.07


def test_a_staff_group_by_family_holds_every_role_of_the_family(tmp_path: Path) -> None:
    path = tmp_path / "family.yaml"
    family_of = {"carer": "adult-social-care", "hca": "nursing", "senior-hca": "nursing"}
    roles = (MINI / "roles.yaml").read_text()
    for role, family in family_of.items():
        roles = roles.replace(f"  - id: {role}\n", f"  - id: {role}\n    family: {family}\n")
    (tmp_path / "roles.yaml").write_text(roles)
    path.write_text(
        "kind: supply\nnamespace: mini\nareas: {england: {name: England}}\n"
        "staff_groups: {nurses: {name: Nursing staff, families: [nursing]}}\n"
        "figures: [{area: england, staff_group: nurses, as_of: '2024', vacancy_rate: 0.1}]\n"
    )
    layers = [MINI / "framework.yaml", MINI / "quals.yaml", MINI / "links.yaml", tmp_path / "roles.yaml", path]
    graph = _graph(*layers)
    assert graph.graph["supply"]["staff_groups"]["nurses"]["roles"] == ["mini:hca", "mini:senior-hca"]
    assert supply_of(graph, "mini:carer", "england") == {}


def test_areas_within_each_other_in_a_loop_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(
        "kind: supply\nareas:\n  a: {name: A, within: b}\n  b: {name: B, within: a}\n"
        "figures: [{area: a, role: mini:hca, as_of: '2024', vacancy_rate: 0.1}]\n"
    )
    with pytest.raises(LibraryError) as err:
        load_library(library_layers([str(MINI), str(path)], bundled=False))
    assert "is within itself" in str(err.value)


def test_the_bundled_library_has_figures_with_sources() -> None:
    graph = build_graph(load_library(library_layers([], bundled=True)))
    figures = graph.graph["supply"]["figures"]
    assert figures, "no bundled supply figures"
    assert all(figure["source"] for figure in figures), "a bundled figure without its source"
    assert {"england", "kent"} <= set(graph.graph["supply"]["areas"])
