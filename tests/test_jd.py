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
    assert any(c.startswith("Level 3 was asked for") for c in conflicts)
    assert any("requires" in c for c in conflicts)
    assert "warning: Level 3 was asked for" in result.stderr and "note: check:" in result.stderr


def test_blend_needs_a_title_and_two_roles(run) -> None:
    assert "needs two or more roles" in run("jd", "--blend", "care worker", "--title", "x", expect=2).stderr


BLEND = ("jd", "--blend", "care worker", "healthcare assistant", "--title", "Holistic care worker")


@pytest.mark.parametrize("fmt", ["md", "txt"])
def test_a_blend_renders_as_markdown_and_text(run, fmt: str) -> None:
    """`make demo`'s last step: the blend's progressions lacked the fields the templates read."""
    out = run(*BLEND, "--format", fmt).stdout
    assert "Holistic care worker" in out.splitlines()[0] or "HOLISTIC CARE WORKER" in out.splitlines()[0]
    assert "Senior care worker" in out and "Senior healthcare assistant" in out  # where each role leads
    assert "with Lead adult care worker (Level 3 apprenticeship)" in out
    assert "Blended from Care worker, Healthcare assistant" in out


def test_a_blend_renders_as_docx(run, tmp_path: Path) -> None:
    from docx import Document

    target = tmp_path / "blend.docx"
    run(*BLEND, "--format", "docx", "-o", target)
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "How this role was blended" in text and "Blended from Care worker, Healthcare assistant" in text


def test_a_blend_and_a_role_list_progressions_in_the_same_shape(run) -> None:
    one = run.json("jd", "care worker")["training_and_progression"]["progresses_to"]
    blended = run.json(*BLEND)["training_and_progression"]["progresses_to"]
    assert one and blended and {frozenset(p) for p in one} == {frozenset(p) for p in blended}
    ids = {p["role"] for p in blended}
    assert not ids & {"hsc:care-worker", "hsc:healthcare-assistant"}  # not a move to a role blended into this one


@pytest.mark.parametrize(
    ("option", "value", "says"),
    [
        ("--band", "7", "Band 7 (about level 7) was asked for, but no merged requirement is needed above level 2"),
        ("--level", "7", "Level 7 was asked for, but no merged requirement is needed above level 2"),
        ("--band", "1", "Band 1 (about level 1) was asked for, but 21 of 21 merged requirements are needed above"),
        ("--level", "1", "Level 1 was asked for, but 21 of 21 merged requirements are needed above level 1"),
    ],
)
def test_a_band_or_level_that_does_not_fit_the_blend_is_flagged(run, option: str, value: str, says: str) -> None:
    result = run(*BLEND, option, value, "--format", "json")
    jd = json.loads(result.stdout)
    assert jd["blend"]["asked"]["conflicts"] == [c for c in jd["blend"]["conflicts"] if c.startswith(says)]
    assert f"warning: {says}" in result.stderr
    assert str(jd["level"] if option == "--level" else jd["band"]) == value  # kept as asked, and flagged


@pytest.mark.parametrize(("option", "value"), [("--band", "3"), ("--level", "2"), ("--level", "3")])
def test_a_band_or_level_the_blend_supports_is_not_flagged(run, option: str, value: str) -> None:
    result = run(*BLEND, option, value, "--format", "json")
    assert json.loads(result.stdout)["blend"]["asked"]["conflicts"] == [] and "warning" not in result.stderr


def test_a_band_and_level_that_disagree_are_flagged(run) -> None:
    result = run(*BLEND, "--band", "7", "--level", "2", "--format", "json")
    assert "warning: Band 7 was asked for with level 2, but band 7 usually sits at level 7" in result.stderr


def test_the_purpose_is_for_a_job_advert_not_the_library_notes(run) -> None:
    purpose = run.json("jd", "healthcare assistant")["purpose"]
    assert purpose.startswith("Gives personal care and everyday support to patients")
    assert "2021 national profiles" not in purpose and "band 3 posts" not in purpose
    assert "not yet in this library" not in run.json("jd", "midwife")["purpose"]


def test_every_sentence_a_reader_sees_starts_with_a_capital(run) -> None:
    jd = run.json(
        "jd", "--blend", "healthcare assistant", "registered nurse (adult)", "--title", "Mixed", "--level", "3"
    )
    blend = jd["blend"]
    sentences = [jd["purpose"], blend["reason"], *blend["conflicts"]]
    sentences += [d["duty"] for g in jd["responsibilities"] for d in g["duties"]]
    sentences += jd["person_specification"]["essential"]["experience"]
    assert len(blend["conflicts"]) >= 3
    assert [s for s in sentences if not s.lstrip("'")[:1].isupper()] == []


def test_a_role_shows_its_recorded_pay_with_basis_and_date(run, tmp_path: Path) -> None:
    from docx import Document

    pay = run.json("jd", "healthcare assistant")["pay"]
    assert (pay["min"], pay["period"], pay["as_of"], pay["text"]) == (24465, "year", "2025/26", "£24,465 a year")
    hourly = run.json("jd", "care worker")["pay"]
    assert hourly["text"] == f"£{hourly['min']:.2f} an hour" and hourly["as_of"] in hourly["basis"]
    line = "£24,465 a year (NHS Agenda for Change 2025/26, band 2 (England))"
    assert f"| **Pay** | {line} |" in run("jd", "healthcare assistant").stdout
    assert f"Pay: {line}" in run("jd", "healthcare assistant", "--format", "txt").stdout
    target = tmp_path / "hca.docx"
    run("jd", "healthcare assistant", "--format", "docx", "-o", target)
    assert [c.text for c in Document(str(target)).tables[0].rows[-1].cells] == ["Pay", line]


def test_a_blend_shows_the_pay_of_the_roles_it_was_made_from(run) -> None:
    out = run(*BLEND, "--format", "txt").stdout
    hourly = run.json("jd", "care worker")["pay"]["text"]
    assert f"Pay: To be set. The roles blended: Care worker, {hourly} (" in out and hourly.endswith(" an hour")
    assert "Healthcare assistant, £24,465 a year" in out


def test_no_lateral_move_is_called_progression_and_one_month_is_singular(run) -> None:
    from pathways.jd import duration

    out = run("jd", "healthcare assistant").stdout
    assert "Can move across to **Care worker**" in out and "Can progress to **Senior healthcare assistant**" in out
    assert (duration(1), duration(1.0), duration(18), duration(None)) == (
        "about 1 month",
        "about 1 month",
        "about 18 months",
        None,
    )


def test_experience_names_the_rung_below_where_the_library_declares_it(run) -> None:
    """A role that builds on another asks for experience of that rung, not of every post with a link in: the
    children's nurse builds on the nursing associate; the community nursery nurse's link in is a career change."""
    experience = run.json("jd", "registered nurse (children)")["person_specification"]["essential"]["experience"]
    assert experience == ["Experience as a nursing associate or in a similar role"]
