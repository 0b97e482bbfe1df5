"""Rendering a job description: Markdown and text through replaceable Jinja2 templates, DOCX through
python-docx with real headings, lists and a person-specification table.

Templates may come from the user (`--template`, later a web page), so every template runs in Jinja's
immutable sandbox with no loader: it sees the job description's data and nothing else, cannot call
into Python, read files, include or import other templates, or modify data. Whatever goes wrong in a
template is one line naming the template file (TemplateProblem), never a traceback.

Values come from the library, which anyone can extend, so they are untrusted too: control characters
are removed before any rendering, and in Markdown every value printed by `{{ ... }}` is escaped (so a
role called `<img src=x onerror=alert(1)>` or `# Heading` stays text). Text output is left plain.
"""

from __future__ import annotations

import io
import re
import traceback
from pathlib import Path
from typing import Any

TEMPLATES = Path(__file__).parent / "templates"
MAX_SEQUENCE = 1_000_000  # longest string or list a template may build by multiplying
MAX_EXPONENT = 256

# Characters XML 1.0 cannot hold (DOCX is XML), and other control characters that have no place in a
# job description; vertical tab and form feed become spaces, the rest are dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


class TemplateProblem(Exception):
    """A template that cannot be used, said in one line (file, line, what is wrong)."""


class Markdown(str):
    """Text already escaped for Markdown (the `md` filter's result), so it is not escaped twice."""


def clean_text(value: str) -> str:
    """The string without characters XML 1.0 cannot hold (and other control characters)."""
    return _NOT_XML.sub(lambda m: " " if m.group(0) in "\x0b\x0c" else "", value)


def clean(value: Any) -> Any:
    """A job description (or any part of it) with every string passed through clean_text."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return value


def md_escape(value: Any) -> Markdown:
    """A value as literal Markdown text: markup characters escaped, line breaks joined, and a leading
    list, heading or quote marker neutralised."""
    if isinstance(value, Markdown):
        return value
    text = " ".join(clean_text("" if value is None else str(value)).splitlines())
    text = _MD_ENTITY.sub(r"\\&", _MD_SPECIAL.sub(r"\\\1", text))
    return Markdown(_MD_BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text))


def _environment(fmt: str):
    """A sandboxed environment: immutable data, no loader, no huge sequences or powers, and in Markdown
    every printed value escaped (`finalize`)."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

    class Sandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "**"})

        def call_binop(self, context, operator, left, right):
            if operator == "**" and isinstance(right, (int, float)) and abs(right) > MAX_EXPONENT:
                raise SecurityError(f"the power {right} is too large for a template")
            if operator == "*":
                for seq, times in ((left, right), (right, left)):
                    if (
                        isinstance(seq, (str, list, tuple))
                        and isinstance(times, int)
                        and len(seq) * times > MAX_SEQUENCE
                    ):
                        raise SecurityError("a sequence that long is too large for a template")
            return super().call_binop(context, operator, left, right)

    env = Sandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        loader=None,
        finalize=md_escape if fmt == "md" else None,
    )
    env.filters["md"] = md_escape
    return env


def render_source(jd: dict, source: str, fmt: str, name: str) -> str:
    """The job description through template text `source` (named `name` in errors). Safe for a template
    anyone wrote; every failure is a TemplateProblem of one line. `fmt` is "md" (values escaped for
    Markdown) or "txt" (plain)."""
    import jinja2

    env = _environment(fmt)
    try:
        compiled = env.from_string(source)
    except jinja2.TemplateSyntaxError as err:
        raise TemplateProblem(f"{name}:{err.lineno}: {err.message} (expected a valid Jinja2 template)") from None
    except Exception as err:  # a user's template must never show a traceback
        raise TemplateProblem(f"{name}: cannot compile the template ({err.__class__.__name__}: {err})") from None
    data = clean(jd)
    try:
        return compiled.render(**data)
    except jinja2.UndefinedError as err:
        where = _line(name, err)
        raise TemplateProblem(
            f"{where}: {err.message}; the job description provides: {', '.join(sorted(jd))}"
        ) from None
    except jinja2.sandbox.SecurityError as err:
        raise TemplateProblem(f"{_line(name, err)}: not allowed in a template: {err}") from None
    except TypeError as err:
        if "no loader" in str(err):
            raise TemplateProblem(
                f"{_line(name, err)}: a template cannot include, import or extend other templates or files"
            ) from None
        raise TemplateProblem(f"{_line(name, err)}: TypeError: {err}") from None
    except Exception as err:  # a user's template must never show a traceback
        raise TemplateProblem(f"{_line(name, err)}: {err.__class__.__name__}: {err}") from None


def _line(name: str, err: BaseException) -> str:
    """`name:LINE` for the template line the error came from (Jinja puts template frames in the
    traceback as '<template>'), or just `name`."""
    lines = [f.lineno for f in traceback.extract_tb(err.__traceback__) if f.filename == "<template>"]
    return f"{name}:{lines[-1]}" if lines else name


def render_template(jd: dict, fmt: str, template: Path | None = None) -> str:
    """The job description through a Jinja2 template: ours for `fmt`, or the organisation's own."""
    path = template or TEMPLATES / f"jd.{fmt}.j2"
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise TemplateProblem(f"{path}: cannot read the template ({err.__class__.__name__}: {err})") from None
    return render_source(jd, source, fmt, str(path))


def _pay_line(pay: dict) -> str:
    date = "" if pay.get("as_of") else "; date of the figure not recorded"
    return f"{pay['text']} ({pay['basis'] or 'basis not recorded'}{date})"


def pay_text(jd: dict) -> str:
    """The pay line every renderer shows: the role's recorded pay with its basis and date, or for a
    blend, the pay of the roles it was made from."""
    if jd.get("pay"):
        return _pay_line(jd["pay"])
    blended = (jd.get("blend") or {}).get("pay_of_roles") or []
    if blended:
        return "To be set. The roles blended: " + "; ".join(f"{p['title']}, {_pay_line(p)}" for p in blended)
    return "Not recorded in the library; to be set locally"


def render_docx(jd: dict) -> bytes:
    """A Word document: title, summary table, headings, bulleted duties and a person specification.
    Every string is cleaned first: XML 1.0 cannot hold control characters, and python-docx refuses them."""
    from docx import Document
    from docx.shared import Pt

    jd = clean(jd)
    doc = Document()
    doc.core_properties.title = jd["title"]
    doc.add_heading(jd["title"], level=0)
    summary = doc.add_table(rows=0, cols=2)
    summary.style = "Table Grid"
    for label, value in (
        ("Band", jd["band"] or "Not on Agenda for Change"),
        ("Career Framework level", f"{jd['level']}: {jd['level_means']}"),
        ("Sector", jd.get("sector_name") or jd["sector"].replace("_", " ")),
        ("Settings", ", ".join(jd["settings"]) or "Not stated"),
        ("Pay", pay_text(jd)),
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
    for label, key, none in (
        ("Qualifications", "qualifications", "None specified"),
        ("Knowledge and skills", "knowledge_and_skills", "None specified"),
        ("Experience", "experience", "None required"),
    ):
        row = table.add_row().cells
        row[0].text = label
        for cell, group in zip(row[1:], ("essential", "desirable"), strict=True):
            values = spec[group][key]
            cell.text = "\n".join(
                f"{v['label']} (level {v['level']})" if isinstance(v, dict) else v for v in values
            ) or (none if group == "essential" else "-")
    doc.add_heading("Training and progression", level=1)
    progression = jd["training_and_progression"]
    if progression["qualifications"]:
        doc.add_paragraph("Training on offer: " + "; ".join(progression["qualifications"]) + ".")
    for p in progression["progresses_to"]:
        verb = "Can progress to" if p.get("level", 0) > jd["level"] else "Can move across to"
        detail = ", ".join(x for x in (p.get("duration"), "with " + ", ".join(p["via"]) if p.get("via") else "") if x)
        doc.add_paragraph(f"{verb} {p['title']}" + (f" ({detail})" if detail else ""), style="List Bullet")
    if not progression["qualifications"] and not progression["progresses_to"]:
        doc.add_paragraph("No training or progression routes are recorded for this role yet.")
    if jd["blend"]:
        doc.add_heading("How this role was blended", level=1)
        blend = jd["blend"]
        doc.add_paragraph(
            f"Blended from {', '.join(blend.get('from_titles') or blend['from'])}: {blend['requirements_before']} "
            f"requirements became {blend['requirements_after']}. Suggested level {blend['suggested_level']}. "
            f"{blend['reason']}."
        )
        for conflict in blend["conflicts"]:
            doc.add_paragraph("Check: " + conflict, style="List Bullet")
    doc.add_heading("Frameworks and sources", level=1)
    for s in jd["sources"]:
        doc.add_paragraph(f"{s['name']} ({s['id']}): {'; '.join(s['sources'])}", style="List Bullet")
    note = doc.add_paragraph("Drafted by hsc-pathways from competency frameworks; review before use.")
    note.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
