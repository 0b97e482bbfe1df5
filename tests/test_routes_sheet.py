"""The adviser's routes sheet: `pathways routes ... --format html|docx -o FILE`, and Markdown without Mermaid."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import DATA

HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def care_worker(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A care worker's routes on the bundled library: the JSON answer, the HTML sheet and the DOCX."""
    from click.testing import CliRunner

    from cli.main import cli

    folder = tmp_path_factory.mktemp("sheet")
    env = {"PATHWAYS_WORKSPACE": str(folder / "workspace"), "PATHWAYS_LIBRARY": None}
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, ["--no-embeddings", "routes", "care worker", *args], env=env)
        assert result.exit_code == 0, result.stderr
        return result.stdout

    answer = json.loads(run("--format", "json"))
    run("--format", "html", "-o", str(folder / "sheet.html"), "--name", "Sam Patel")
    run("--format", "docx", "-o", str(folder / "sheet.docx"))
    return {
        "answer": answer,
        "html": (folder / "sheet.html").read_text(encoding="utf-8"),
        "docx": folder / "sheet.docx",
        "md": run("--format", "md"),
        "md_mermaid": run("--format", "md", "--mermaid"),
    }


def test_html_sheet_holds_every_destination_pay_qualification_and_an_svg_diagram(care_worker: dict) -> None:
    import html as html_lib

    page = care_worker["html"]
    text = html_lib.unescape(page)
    assert "Career routes for Sam Patel" in text
    assert "<svg" in page and "</svg>" in page and "<script" not in page.lower()
    assert "@page" in page and "size: A4" in page and "page-break-inside: avoid" in page
    routes = care_worker["answer"]["routes"]
    assert routes
    for route in routes:
        assert route["destination"]["title"] in text
        for step in route["steps"]:
            assert step["to_title"] in text
            for t in step["training"]:
                assert t["title"] in text
                if t["code"]:
                    assert t["code"] in text
    assert "ST0006" in text  # the Lead adult care worker apprenticeship, on the way to senior care worker
    assert "RQF level 3" in text and "apprenticeship" in text
    # pay at the destination with its dated basis, as the role record gives it
    assert "£24,937 to £26,598 a year" in text and "NHS Agenda for Change 2025/26, band 3 (England)" in text
    # entry checks of the destination role, by name
    assert "Enhanced DBS check" in text


def test_a_hostile_role_title_is_escaped_in_the_sheet(run, tmp_path: Path) -> None:
    library = tmp_path / "hostile"
    library.mkdir()
    (library / "roles.yaml").write_text(
        "kind: roles\nnamespace: bad\nsource: Written for the sheet tests\nroles:\n"
        "  - id: bad-role\n"
        f"    title: '{HOSTILE}'\n"
        "    sector: social_care\n"
        "    level: 3\n"
        "    pay: {min: 25000, max: 26000, basis: '<b>test</b> figure 2025/26'}\n"
        "    requirements:\n"
        "      - {competency: lad:c.wash, level: 3}\n"
    )
    (library / "links.yaml").write_text(
        "kind: progressions\nnamespace: bad\nsource: Written for the sheet tests\nprogressions:\n"
        "  - {from: lad:carer, to: bad-role, months: 2, note: '<script>alert(2)</script>'}\n"
    )
    out = tmp_path / "sheet.html"
    options = ["--no-bundled", "--library", str(DATA / "ladder"), "--library", str(library), "--no-embeddings"]
    run(*options, "routes", "carer", "--name", "<i>Jo</i>", "--format", "html", "-o", out)
    page = out.read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<img" not in page and "<script" not in page and "<b>test" not in page and "<i>Jo" not in page
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page and "&lt;i&gt;Jo&lt;/i&gt;" in page


def test_docx_sheet_opens_and_holds_every_destination_and_step(care_worker: dict) -> None:
    from docx import Document

    document = Document(str(care_worker["docx"]))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    for route in care_worker["answer"]["routes"]:
        assert route["destination"]["title"] in text
        for i, step in enumerate(route["steps"], start=1):
            assert f"Step {i}: " in text and step["to_title"] in text
    assert "NHS Agenda for Change 2025/26, band 3 (England)" in cells and "ST0006" in cells
    assert document.inline_shapes  # the route diagram


def test_markdown_has_no_mermaid_unless_asked(care_worker: dict) -> None:
    assert "mermaid" not in care_worker["md"].lower()
    assert care_worker["md"].startswith("# Career routes from Care worker")
    assert "```mermaid" in care_worker["md_mermaid"] and "flowchart LR" in care_worker["md_mermaid"]


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_a_sheet_without_a_file_is_one_line_and_exit_2(run, fmt: str) -> None:
    result = run("--no-bundled", "--library", str(DATA / "ladder"), "routes", "hca", "--format", fmt, expect=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and f"--format {fmt} needs -o" in lines[0]
    assert result.stdout == ""


def test_sheet_options_belong_to_the_sheet(run) -> None:
    ladder = ["--no-bundled", "--library", str(DATA / "ladder"), "routes", "hca"]
    assert "--name is for the sheet" in run(*ladder, "--name", "Jo", "--format", "json", expect=2).stderr
    assert "--mermaid adds" in run(*ladder, "--mermaid", "--format", "json", expect=2).stderr
    # other commands keep the four formats
    assert (
        "'html' is not one of"
        in run("--no-bundled", "--library", str(DATA / "ladder"), "roles", "list", "--format", "html", expect=2).stderr
    )


def test_the_care_worker_sheet_prints_on_a4_with_no_step_split_or_cut(tmp_path) -> None:
    """The adviser's sheet printed to PDF by a real headless Chromium (Debian's, as the browser tests
    use; `make setup` installs it): scripts/a4_check.py reads the PDF and says whether any step box
    starts on one page and ends on another, or runs past the printable width."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    assert Path(chromium).exists(), "Debian's chromium is needed for the A4 check: apt-get install chromium"
    script = Path(__file__).resolve().parents[1] / "scripts" / "a4_check.py"
    env = {**os.environ, "PATHWAYS_WORKSPACE": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, str(script), "care worker", "--chromium", chromium],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "split across pages: 0; wider than the printable width: 0" in done.stdout
