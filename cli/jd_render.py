"""Rendering a job description: Markdown and text through replaceable Jinja2 templates, DOCX through
python-docx with real headings, lists and a person-specification table."""

from __future__ import annotations

import io
from pathlib import Path

TEMPLATES = Path(__file__).parent / "templates"


class TemplateProblem(Exception):
    """A template that cannot be used, said in one line (file, line, what is wrong)."""


def render_template(jd: dict, fmt: str, template: Path | None = None) -> str:
    """The job description through a Jinja2 template: ours for `fmt`, or the organisation's own."""
    import jinja2

    path = template or TEMPLATES / f"jd.{fmt}.j2"
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise TemplateProblem(f"{path}: cannot read the template ({err.__class__.__name__}: {err})") from None
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
    try:
        compiled = env.from_string(source)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateProblem(f"{path}:{err.lineno}: {err.message} (expected a valid Jinja2 template)") from None
    try:
        return compiled.render(**jd)
    except jinja2.UndefinedError as err:
        raise TemplateProblem(f"{path}: {err.message}; the job description provides: {', '.join(sorted(jd))}") from None
    except jinja2.TemplateError as err:
        raise TemplateProblem(f"{path}: {err}") from None


def render_docx(jd: dict) -> bytes:
    """A Word document: title, summary table, headings, bulleted duties and a person specification."""
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = jd["title"]
    doc.add_heading(jd["title"], level=0)
    summary = doc.add_table(rows=0, cols=2)
    summary.style = "Table Grid"
    for label, value in (
        ("Band", jd["band"] or "not on Agenda for Change"),
        ("Career Framework level", f"{jd['level']}: {jd['level_means']}"),
        ("Sector", jd["sector"].replace("_", " ")),
        ("Settings", ", ".join(jd["settings"]) or "not stated"),
    ):
        row = summary.add_row().cells
        row[0].text, row[1].text = label, str(value)
    doc.add_heading("Job purpose", level=1)
    doc.add_paragraph(jd["purpose"])
    doc.add_heading("Key responsibilities", level=1)
    for group in jd["responsibilities"]:
        doc.add_heading(group["area"], level=2)
        for item in group["duties"]:
            doc.add_paragraph(item["duty"] + ("" if item["essential"] else " (where required)"), style="List Bullet")
    doc.add_heading("Person specification", level=1)
    spec = jd["person_specification"]
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("", "Essential", "Desirable"), strict=True):
        cell.text = text
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for label, key in (
        ("Qualifications", "qualifications"),
        ("Knowledge and skills", "knowledge_and_skills"),
        ("Experience", "experience"),
    ):
        row = table.add_row().cells
        row[0].text = label
        for cell, group in zip(row[1:], ("essential", "desirable"), strict=True):
            values = spec[group][key]
            cell.text = (
                "\n".join(f"{v['label']} (level {v['level']})" if isinstance(v, dict) else v for v in values) or "-"
            )
    doc.add_heading("Training and progression", level=1)
    progression = jd["training_and_progression"]
    if progression["qualifications"]:
        doc.add_paragraph("Training on offer: " + "; ".join(progression["qualifications"]) + ".")
    for p in progression["progresses_to"]:
        doc.add_paragraph(
            f"{p['title']}" + (f" (typically {p['months']:g} months)" if p.get("months") else ""), style="List Bullet"
        )
    if jd["blend"]:
        doc.add_heading("How this role was blended", level=1)
        doc.add_paragraph(f"Blended from {', '.join(jd['blend']['from'])}. {jd['blend']['reason']}.")
        for conflict in jd["blend"]["conflicts"]:
            doc.add_paragraph("Check: " + conflict, style="List Bullet")
    doc.add_heading("Frameworks and sources", level=1)
    for s in jd["sources"]:
        doc.add_paragraph(f"{s['name']} ({s['id']}): {'; '.join(s['sources'])}", style="List Bullet")
    note = doc.add_paragraph("Drafted by hsc-pathways from competency frameworks; review before use.")
    note.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
