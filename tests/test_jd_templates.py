"""Job description templates are safe to take from anyone and never fail on the bundled library:
user templates run sandboxed and fail in one line, library values cannot inject Markdown or break DOCX,
and every bundled role (and some blends) renders through every bundled format."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from cli.jd_render import render_docx, render_template
from pathways.results import as_json


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """The bundled library's graph, built once for this module (the job descriptions here need no matcher)."""
    from pathways.session import Session

    return Session.open(workspace=tmp_path_factory.mktemp("ws")).graph


def _template(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "ours.md.j2"
    path.write_text(text)
    return path


def test_a_template_cannot_run_a_shell_command(run, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    template = _template(
        tmp_path, "{{ title }}\n{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}\n"
    )
    result = run("jd", "healthcare assistant", "--template", template, expect=2)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {template}:2: not allowed in a template") and not marker.exists()
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a\n{% include '/etc/passwd' %}\n", ":2: a template cannot include, import or extend"),
        ("{% import '/etc/passwd' as x %}\n", ":1: a template cannot include, import or extend"),
        ("{% extends '/etc/passwd' %}\n", ":1: a template cannot include, import or extend"),
        ("a\nb\n{{ 1/0 }}\n", ":3: ZeroDivisionError: division by zero"),
        ("{{ title.__class__.__mro__ }}\n", ":1: not allowed in a template"),
        ("{{ responsibilities.append(1) }}\n", ":1: not allowed in a template"),
        ("{{ 'x' * 10**9 }}\n", ":1: not allowed in a template: a sequence that long"),
        ("{{ 9 ** 99999999 }}\n", ":1: not allowed in a template: the power"),
        ("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}\n", ":1: RecursionError"),
        ("{{ title.nope.deeper }}\n", ":1: 'str object' has no attribute 'nope'"),
    ],
)
def test_a_failing_template_is_one_line_naming_the_file(run, tmp_path: Path, text: str, says: str) -> None:
    template = _template(tmp_path, text)
    result = run("jd", "healthcare assistant", "--template", template, expect=2)
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {template}{says}"), line
    assert "Traceback" not in result.stderr


def test_the_sandbox_is_the_renderer_for_template_text_too() -> None:
    """The renderer takes template text as well as files, for any front end (a web page) to reuse."""
    from cli.jd_render import TemplateProblem, render_source

    with pytest.raises(TemplateProblem, match=r"^uploaded:1: not allowed in a template"):
        render_source({"title": "x"}, "{{ cycler.__init__.__globals__ }}", "md", "uploaded")
    assert render_source({"title": "Porter"}, "Hello {{ title }}", "txt", "uploaded") == "Hello Porter"


HOSTILE = "# <img src=x onerror=alert(1)> [link](http://x) | *bold* `code`\n- item"


def _hostile_jd(library) -> dict:
    from pathways.jd import job_description

    jd = as_json(job_description(library, "hsc:healthcare-assistant"), rounded=True)
    jd["title"] = HOSTILE
    jd["purpose"] = "1. " + HOSTILE
    jd["responsibilities"][0]["area"] = HOSTILE
    jd["responsibilities"][0]["duties"][0]["duty"] = HOSTILE
    jd["person_specification"]["essential"]["qualifications"] = [HOSTILE]
    return jd


def test_library_values_cannot_inject_markdown_or_html(library) -> None:
    md = render_template(_hostile_jd(library), "md")
    assert not re.search(r"(?<!\\)[<\[]", md.replace("[link]", "")) and "\n- item" not in md
    assert md.startswith(
        "# \\# \\<img src=x onerror=alert(1)\\> \\[link\\](http://x) \\| \\*bold\\* \\`code\\` - item\n"
    )
    assert "\n\\1. \\# \\<img" in md  # a purpose cannot start a list
    table = next(line for line in md.splitlines() if line.startswith("| **Qualifications**"))
    assert len(re.findall(r"(?<!\\)\|", table)) == 4  # the value's own '|' is escaped: the row keeps 3 cells
    # Markdown rendered to HTML shows the text, never a tag or a link
    from markdown_it import MarkdownIt

    html = MarkdownIt("commonmark").enable("table").render(md)
    assert "<img" not in html and "<a href" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_text_output_stays_plain(library) -> None:
    txt = render_template(_hostile_jd(library), "txt")
    assert txt.startswith(HOSTILE.upper().splitlines()[0])  # not escaped: text is not markup


def test_a_users_markdown_template_escapes_values_too(run, tmp_path: Path) -> None:
    template = _template(tmp_path, "# {{ title }} {{ title | md }}\n")
    out = run("jd", "healthcare assistant", "--template", template).stdout
    assert out == "# Healthcare assistant Healthcare assistant\n"  # the filter is idempotent


@pytest.mark.parametrize("bad", ["\x0b", "\x00", "\x1b[31m", "\x0c", "\ufffe"])
def test_docx_and_text_are_safe_with_control_characters(library, bad: str) -> None:
    from docx import Document

    jd = _hostile_jd(library)
    jd["title"] = f"Care{bad}worker"
    jd["sources"][0]["sources"][0] = f"Source{bad}"
    jd["pay"] = {**jd["pay"], "basis": f"AfC{bad}2025/26"}
    doc = Document(io.BytesIO(render_docx(jd)))
    assert doc.paragraphs[0].text in ("Careworker", "Care worker", "Care[31mworker")
    for fmt in ("md", "txt"):
        out = render_template(jd, fmt)
        assert bad not in out and "\x1b" not in out


def test_every_bundled_role_renders_in_every_format(library) -> None:
    """The bundled templates never fail on the bundled library: any failure here would look, to a user,
    as if they had broken something."""
    from docx import Document

    from pathways.jd import job_description

    roles = sorted(d["id"] for _, d in library.nodes(data=True) if d["kind"] == "Role")
    assert len(roles) >= 50
    for role in roles:
        jd = json.loads(json.dumps(as_json(job_description(library, role), rounded=True)))  # what a template gets
        md, txt = render_template(jd, "md"), render_template(jd, "txt")
        doc = Document(io.BytesIO(render_docx(jd)))
        pay = jd["pay"]["text"] if jd["pay"] else "Not recorded in the library"
        assert md.startswith(f"# {jd['title']}\n") and f"{jd['purpose']}\n" in md and f"| **Pay** | {pay}" in md
        assert txt.startswith(jd["title"].upper()) and f"{jd['purpose']}\n" in txt and f"Pay: {pay}" in txt
        assert doc.paragraphs[0].text == jd["title"] and jd["purpose"] in [p.text for p in doc.paragraphs]
        assert doc.tables[0].rows[-1].cells[1].text.startswith(pay)
        for out in (md, txt):
            assert (
                not re.search(r"\b1 months", out)
                and "\n\n\n" not in out
                and not re.search(r"\bNone\b(?! (specified|required))", out)
            )


@pytest.mark.parametrize(
    "roles",
    [
        ["care worker", "healthcare assistant"],
        ["healthcare assistant", "registered nurse (adult)", "social worker"],
        ["porter", "domestic assistant"],
        ["gp receptionist", "health trainer"],
    ],
)
def test_blends_render_in_every_format(run, tmp_path: Path, roles: list[str]) -> None:
    from docx import Document

    args = ("jd", "--blend", *roles, "--title", "Blended role")
    jd = run.json(*args)
    pay = jd["blend"]["pay_of_roles"][0]["text"] if jd["blend"]["pay_of_roles"] else "Not recorded in the library"
    md, txt = run(*args).stdout, run(*args, "--format", "txt").stdout
    assert md.startswith("# Blended role\n") and jd["purpose"] in md and pay in md
    assert txt.startswith("BLENDED ROLE") and jd["purpose"] in txt and pay in txt
    run(*args, "--format", "docx", "-o", tmp_path / "b.docx")
    doc = Document(str(tmp_path / "b.docx"))
    assert doc.paragraphs[0].text == "Blended role" and pay in doc.tables[0].rows[-1].cells[1].text
