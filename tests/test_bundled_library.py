"""The bundled UK library: valid, complete enough for the questions users ask, and sourced."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from frameworks.loader import Library, load_library
from frameworks.sources import library_layers


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(library_layers())


def test_bundled_library_validates(run) -> None:
    report = run.json("validate")
    assert report["valid"] is True and report["warnings"] == []


def test_frameworks_follow_their_real_structure(library: Library) -> None:
    core, practice, ph = (library.frameworks[f"hsc:{i}"] for i in ("core", "practice", "ph"))
    # one function per Care Certificate standard (16 since March 2025)
    assert sorted(f.id for a in core.areas for f in a.functions) == [f"cc{n:02d}" for n in range(1, 17)]
    # PHSKF 2016: three areas (technical, context, delivery) and 13 functions
    assert [a.id for a in ph.areas] == ["a-technical", "b-context", "c-delivery"]
    assert sum(len(a.functions) for a in ph.areas) == 13
    assert len(library.competencies) >= 150
    for framework in (core, practice, ph):
        assert sorted(framework.levels) == list(range(1, 10)) and framework.source


def test_practice_competencies_cover_the_skills_roles_need(library: Library) -> None:
    labels = " ".join(e.competency.label.lower() for e in library.competencies.values())
    for skill in (
        "vital signs",
        "venepuncture",
        "wound care",
        "medicines",
        "moving and handling",
        "dementia",
        "mental health",
        "learning disability",
        "end of life",
        "care and support plans",
        "reablement",
        "safeguarding",
        "records",
        "digital",
        "making every contact count",
        "social prescribing",
        "supervising",
    ):
        assert skill in labels, skill


def test_every_competency_has_a_statement_and_keywords(library: Library) -> None:
    for qid, entry in library.competencies.items():
        words = len(entry.competency.statement.split())
        assert 8 <= words <= 40, qid
        assert entry.competency.keywords, qid


REQUIRED_ROLES = {
    # NHS bands 1-4 across the families the issue names
    "healthcare-assistant",
    "senior-healthcare-assistant",
    "nursing-associate",
    "assistant-practitioner",
    "maternity-support-worker",
    "therapy-support-worker",
    "mental-health-support-worker",
    "learning-disability-healthcare-support-worker",
    "pharmacy-assistant",
    "healthcare-science-assistant",
    "ambulance-care-assistant",
    "healthcare-assistant-general-practice",
    "domestic-assistant",
    "porter",
    "ward-administrator",
    # destinations at bands 5-6
    "registered-nurse-adult",
    "paramedic",
    "occupational-therapist",
    "physiotherapist",
    "pharmacy-technician",
    "social-worker",
    # adult social care
    "care-worker",
    "senior-care-worker",
    "home-care-worker",
    "personal-assistant",
    "ld-autism-support-worker",
    "reablement-worker",
    "activities-coordinator",
    "team-leader-care",
    "deputy-manager-care",
    "registered-manager",
    # children's social care
    "residential-child-care-worker",
    "family-support-worker",
    # public health and community
    "health-trainer",
    "health-wellbeing-coach",
    "social-prescribing-link-worker",
    "community-health-worker",
    "health-improvement-practitioner",
}


def test_roles_cover_health_social_care_and_public_health(library: Library) -> None:
    assert len(library.roles) >= 45
    assert {f"hsc:{r}" for r in REQUIRED_ROLES} <= set(library.roles)
    sectors = Counter(role.sector for role in library.roles.values())
    assert sectors["health"] >= 25 and sectors["social_care"] >= 12 and sectors["public_health"] >= 5
    bands = Counter(role.band for role in library.roles.values() if role.sector == "health")
    assert all(bands[b] >= 3 for b in ("2", "3", "4")) and bands["5"] >= 5


def test_every_role_has_levelled_requirements_and_a_source(library: Library) -> None:
    for qid, role in library.roles.items():
        assert len(role.requirements) + len(library.inherited[qid]) >= 8, qid  # own plus built on
        assert 1 <= role.level <= 9 and role.source, qid
        if role.band and role.band.isdigit():
            assert abs(int(role.band) - role.level) <= 1, f"{qid}: band {role.band} far from level {role.level}"


def test_pay_where_given_names_its_basis(library: Library) -> None:
    paid = [role for role in library.roles.values() if role.pay]
    assert len(paid) >= 40
    assert all(role.pay.basis for role in paid)


def test_qualifications_include_the_route_apprenticeships(library: Library) -> None:
    codes = {q.code for q in library.qualifications.values() if q.code}
    for code in (
        "ST0216",
        "ST0217",
        "ST0005",
        "ST0006",
        "ST0007",
        "ST0827",
        "ST0215",
        "ST0781",
        "ST0510",
        "ST0299",
        "ST0218",
        "ST0220",
        "ST0958",
        "ST0442",
        "ST0287",
        "ST0008",
        "ST0896",
        "ST0535",
    ):
        assert code in codes, code
    care_certificate = library.qualifications["hsc:care-certificate"]
    assert care_certificate.kind == "standard" and care_certificate.rqf_level is None and care_certificate.develops
    accredited = library.qualifications["hsc:l2-adult-social-care-certificate"]
    assert accredited.kind == "certificate" and accredited.rqf_level == 2
    for qual in library.qualifications.values():
        assert qual.source and qual.months > 0, qual.id


def test_progression_links_are_sourced_and_span_sectors(library: Library) -> None:
    links = library.progressions
    assert len(links) >= 40 and all(link.source for link in links)
    sector = {qid: role.sector for qid, role in library.roles.items()}
    pairs = {(link.from_role, link.to_role) for link in links}
    assert ("hsc:healthcare-assistant", "hsc:senior-healthcare-assistant") in pairs
    assert ("hsc:care-worker", "hsc:senior-care-worker") in pairs
    assert any(sector[a] == "social_care" and sector[b] == "health" for a, b in pairs)


def test_band_3_lists_real_roles_from_health_and_social_care(run) -> None:
    roles = run.json("roles", "list", "--band", "3")
    by_sector = Counter(r["sector"] for r in roles)
    assert by_sector["health"] >= 5 and by_sector["social_care"] >= 3
    ids = {r["id"] for r in roles}
    assert {"hsc:senior-healthcare-assistant", "hsc:senior-care-worker"} <= ids
    assert all(r["band"] == "3" or (r["band"] is None and r["level"] == 3) for r in roles)


def test_bundled_graph_exports_to_graphml_with_the_same_counts(run, tmp_path: Path) -> None:
    stats = run.json("graph", "stats")
    target = tmp_path / "hsc.graphml"
    run("graph", "export", "--format", "graphml", "-o", target)
    back = nx.read_graphml(target, force_multigraph=True)
    assert (back.number_of_nodes(), back.number_of_edges()) == (stats["total_nodes"], stats["total_edges"])


def test_user_file_extends_the_bundled_library(run, tmp_path: Path) -> None:
    extra = tmp_path / "ours.yaml"
    extra.write_text(
        "kind: roles\nnamespace: surrey\nroles:\n  - id: holistic-worker\n    title: Holistic care worker\n"
        "    sector: social_care\n    level: 3\n    requirements:\n"
        "      - {competency: core.personal-care, level: 3}\n      - {competency: practice.vital-signs, level: 3}\n"
    )
    record = run.json("--library", extra, "roles", "show", "holistic care worker")
    assert [r["competency"] for r in record["requirements"]] == ["hsc:core.personal-care", "hsc:practice.vital-signs"]
