"""Job descriptions: the DOCX reads back with its sections, templates can be replaced (and bad ones
are reported plainly), and blended roles merge duplicates and flag conflicts."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pathways.jd import duty


def test_duty_statement_is_tidied_not_rewritten() -> None:
    assert duty("measures and records pulse") == "Measures and records pulse."
    assert duty("Helps people  wash.") == "Helps people wash."


def test_docx_has_real_headings_lists_and_a_person_specification_table(run, tmp_path: Path) -> None:
    from docx import Document

    target = tmp_path / "hca.docx"
    run("jd", "healthcare assistant", "--format", "docx", "-o", target)
    doc = Document(str(target))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[0] == "Healthcare assistant"
    for section in (
        "Job purpose",
        "Key responsibilities",
        "Person specification",
        "Training and progression",
        "Frameworks and sources",
    ):
        assert section in headings
    bullets = [p.text for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert any(text.startswith("Helps people wash") for text in bullets)
    summary, spec = doc.tables
    assert [c.text for c in summary.rows[0].cells] == ["Band", "2"]
    assert [c.text for c in spec.rows[0].cells] == ["", "Essential", "Desirable"]
    assert "Care Certificate" in spec.rows[1].cells[1].text
    assert "Personal care" in spec.rows[2].cells[1].text and "(level 2)" in spec.rows[2].cells[1].text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
def test_docx_opens_in_libreoffice(run, tmp_path: Path) -> None:
    target = tmp_path / "hca.docx"
    run("jd", "healthcare assistant", "--format", "docx", "-o", target)
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(target)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "hca.pdf").read_bytes()[:4] == b"%PDF"


def test_markdown_and_text_sections(run) -> None:
    page = run("jd", "senior care worker").stdout
    assert page.startswith("# Senior care worker")
    for section in (
        "## Job purpose",
        "## Key responsibilities",
        "## Person specification",
        "## Training and progression",
        "## Frameworks and sources",
    ):
        assert section in page
    text = run("jd", "senior care worker", "--format", "txt").stdout
    assert text.startswith("SENIOR CARE WORKER") and "PERSON SPECIFICATION" in text


def test_json_contract(run) -> None:
    jd = json.loads(run("jd", "HCA", "--format", "json").stdout)
    assert set(jd) >= {
        "title",
        "band",
        "level",
        "sector",
        "settings",
        "purpose",
        "responsibilities",
        "person_specification",
        "training_and_progression",
        "sources",
        "blend",
    }
    assert jd["responsibilities"][0]["duties"][0]["duty"].endswith(".")
    assert {"essential", "desirable"} == set(jd["person_specification"])
    assert any(p["title"] == "Senior healthcare assistant" for p in jd["training_and_progression"]["progresses_to"])


def test_an_organisations_own_template(run, tmp_path: Path) -> None:
    template = tmp_path / "ours.md.j2"
    template.write_text(
        "ACME TRUST :: {{ title }} :: band {{ band }}\n{% for g in responsibilities %}[{{ g.area }}]{% endfor %}\n"
    )
    out = run("jd", "healthcare assistant", "--template", template).stdout
    assert out.startswith("ACME TRUST :: Healthcare assistant :: band 2") and "[Keeping people safe]" in out


def test_bad_template_syntax_is_one_located_line(run, tmp_path: Path) -> None:
    template = tmp_path / "broken.md.j2"
    template.write_text("# {{ title }}\n\n{% for x in responsibilities %}\n{{ x.area }\n")
    result = run("jd", "healthcare assistant", "--template", template, expect=2)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and "broken.md.j2:4" in line and "Traceback" not in result.stderr


def test_template_asking_for_missing_data_says_what_exists(run, tmp_path: Path) -> None:
    template = tmp_path / "wrong.md.j2"
    template.write_text("{{ salary_scale }}\n")
    result = run("jd", "healthcare assistant", "--template", template, expect=2)
    assert "'salary_scale' is undefined" in result.stderr and "person_specification" in result.stderr


def test_unknown_role_exits_2_with_candidates(run) -> None:
    result = run("jd", "chief robot officer", expect=2)
    assert result.stderr.startswith("error: role 'chief robot officer' not found")


def test_blend_of_care_worker_and_hca_merges_the_shared_skills(run) -> None:
    jd = json.loads(
        run(
            "jd",
            "--blend",
            "care worker",
            "healthcare assistant",
            "--title",
            "Holistic care worker",
            "--format",
            "json",
        ).stdout
    )
    blend = jd["blend"]
    assert blend["requirements_after"] < blend["requirements_before"]
    duties = [d["competency"] for g in jd["responsibilities"] for d in g["duties"]]
    assert len(duties) == len(set(duties)) == blend["requirements_after"]
    assert "Personal care: washing, dressing, toileting and oral care" in blend["shared"]
    assert {"hsc:practice.household-tasks", "hsc:practice.fluid-balance"} <= set(duties)  # one from each role
    assert jd["level"] == 2 and jd["band"] == "2" and "highest level" in blend["reason"]
    assert jd["sector"] == "health+social_care"


def test_blend_keeps_the_higher_level_and_flags_conflicts(run) -> None:
    result = run(
        "jd",
        "--blend",
        "healthcare assistant",
        "registered nurse (adult)",
        "--title",
        "Mixed",
        "--level",
        "3",
        "--format",
        "json",
    )
    jd = json.loads(result.stdout)
    levels = {d["competency"]: d["level"] for g in jd["responsibilities"] for d in g["duties"]}
    assert levels["hsc:core.safeguarding-adults"] == 5  # 2 for the assistant, 5 for the nurse
    conflicts = jd["blend"]["conflicts"]
    assert any("level 3 was asked for" in c for c in conflicts)
    assert any("requires" in c for c in conflicts)
    assert "note: check:" in result.stderr


def test_blend_needs_a_title_and_two_roles(run) -> None:
    assert "needs two or more roles" in run("jd", "--blend", "care worker", "--title", "x", expect=2).stderr
