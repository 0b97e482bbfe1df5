"""The team designer, the team assessment and the job description builder in a real headless browser (Debian's
Chromium through Playwright, as tests/test_web_browser.py): the integrated neighbourhood team with an exclusion,
a team file uploaded for assessment, and a blended job description downloaded as DOCX and opened with
python-docx; axe-core finds no serious or critical violation on any of these pages."""

from __future__ import annotations

from pathlib import Path

from tests import test_web_browser as shared

EXAMPLES = Path(__file__).parent.parent / "examples"

# The same fixtures as the first browser tests (a uvicorn server on loopback, Chromium, a fresh tab).
server = shared.server
browser = shared.browser
page = shared.page
assert_accessible = shared.assert_accessible


def test_integrated_neighbourhood_team_without_a_district_nurse(server: str, page) -> None:
    page.goto(server + "/team")
    assert page.locator("h1").inner_text() == "Team designer"
    assert_accessible(page)
    page.get_by_label("A bundled needs template").select_option("hsc:integrated-neighbourhood-team")
    page.get_by_label("Roles not to use").fill("district nurse")
    page.get_by_label("Most people in the team").fill("14")
    page.get_by_label("Yearly pay budget in pounds").fill("480000")
    page.get_by_role("button", name="Design the team").click()
    page.locator("h2#team").wait_for(timeout=120_000)
    assert "Integrated neighbourhood team" in page.locator("h2#team").inner_text()
    team = page.locator("table", has=page.locator("caption", has_text="The optimal team"))
    assert team.locator("tbody tr").count() >= 3
    assert "District nurse" not in team.inner_text()
    assert "no District nurse" in page.locator("main").inner_text()
    assert page.get_by_role("heading", name="Next-best alternatives").is_visible()
    assert page.get_by_label("Roles not to use").input_value() == "district nurse"  # the form keeps what was asked
    assert_accessible(page)


def test_an_impossible_team_shows_why(server: str, page) -> None:
    page.goto(server + "/team")
    page.get_by_label("A bundled needs template").select_option("hsc:integrated-neighbourhood-team")
    page.get_by_label("Most people in the team").fill("5")
    page.get_by_role("button", name="Design the team").click()
    summary = page.locator(".nhsuk-error-summary")
    summary.wait_for(timeout=120_000)
    said = summary.inner_text()  # in the form's words: the box, not the command's option
    assert "No team meets every need" in said and "'Most people in the team' 5" in said
    assert_accessible(page)


def test_assess_an_uploaded_team(server: str, page) -> None:
    page.goto(server + "/team/assess")
    assert_accessible(page)
    page.get_by_label("Team file (YAML, at most 1 MB)").set_input_files(str(EXAMPLES / "our-team.yaml"))
    page.get_by_label("A bundled needs template").select_option("hsc:integrated-neighbourhood-team")
    page.get_by_role("button", name="Assess the team").click()
    page.locator("h2#assessment").wait_for(timeout=120_000)
    main = page.locator("main").inner_text()
    assert "8 people against Integrated neighbourhood team" in main
    assert "Single points of failure" in main and "Ann (District nurse)" in main
    assert page.get_by_role("heading", name="Upskilling to close the gaps").is_visible()
    assert_accessible(page)


def test_a_team_upload_error_is_next_to_its_field(server: str, page, tmp_path: Path) -> None:
    broken = tmp_path / "team.yaml"
    broken.write_text("kind: team\nmembers:\n  - {role: qqqq-zzzz, count: 1}\n")
    page.goto(server + "/team/assess")
    page.get_by_label("Team file (YAML, at most 1 MB)").set_input_files(str(broken))
    page.get_by_label("A bundled needs template").select_option("hsc:integrated-neighbourhood-team")
    page.get_by_role("button", name="Assess the team").click()
    page.locator("#team-error").wait_for(timeout=60_000)
    assert "team.yaml:3: members[0].role: unknown role" in page.locator("#team-error").inner_text()
    assert page.locator(".nhsuk-error-summary a[href='#team']").is_visible()
    assert_accessible(page)


def test_blended_job_description_downloaded_as_docx(server: str, page, tmp_path: Path) -> None:
    from docx import Document

    page.goto(server + "/jd")
    assert_accessible(page)
    page.get_by_label("Role", exact=True).fill("care worker")
    page.get_by_text("Blend it with other roles (optional)").click()
    page.get_by_label("Roles to blend with").fill("healthcare assistant")
    page.get_by_label("Title of the blended role").fill("Holistic care worker")
    page.get_by_label("Band (optional)").select_option("3")
    page.get_by_role("button", name="Preview").click()
    page.locator("h2#preview").wait_for(timeout=60_000)
    assert page.locator("h2#preview").inner_text() == "Holistic care worker"
    assert page.get_by_role("heading", name="How this role was blended").is_visible()
    assert_accessible(page)
    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download for Word (DOCX)").click()
    download = waiting.value
    assert download.suggested_filename == "holistic-care-worker.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    document = Document(str(saved))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Holistic care worker"
    assert "Person specification" in texts and "How this role was blended" in texts
    band = {row.cells[0].text: row.cells[1].text for row in document.tables[0].rows}["Band"]
    assert band == "3"
