"""The adviser's sheet for `pathways routes --format html|docx`: one person's routes with a diagram, and
for every step its entry requirements, qualifications, pay at the destination, what carries over and
the gap.

`sheet_data` gathers what the sheet shows from the routes answer and the role and qualification
records; `render_html` draws it through templates/routes_sheet.html.j2 (autoescaped; the route diagram is
inline SVG laid out here, so the page needs no script) and `render_docx` through python-docx. Every
string comes from the library, a passport or the command line, so none is trusted: control characters
are removed first (jd_render.clean, which also keeps DOCX valid XML), and HTML escapes the rest.
"""

from __future__ import annotations

import datetime
import io
import textwrap
from pathlib import Path

from graph.build import node_id

TEMPLATES = Path(__file__).parent / "templates"

KINDS = {"known": "Known route", "inferred": "Inferred from shared skills"}
TIER_WORDS = {
    "ladder": "a recognised step up in the same career",
    "recognised": "recognised moves across careers or sectors",
    "inferred": "includes a move inferred from shared skills (check locally)",
}

# the diagram: sizes in CSS pixels, scaled to the page width (A4 less the margins is about 680 px)
DIAGRAM_WIDTH = 680
COLUMN_GAP = 40
LINE = 13
MAX_LINES = 3


def _months(months: float) -> str:
    return f"{months:g} month{'' if months == 1 else 's'}"


def _band(record: dict) -> str:
    return f"Band {record['band']}" if record.get("band") else f"Level {record['level']}"


def lower(title: str) -> str:
    """A title for the middle of a sentence: 'Care worker' -> 'care worker', 'GP receptionist' kept."""
    return title if title[1:2].isupper() else title[:1].lower() + title[1:]


def _sector(name: str | None) -> str:
    return (name or "").replace("_", " ")


def _levels(held: int, needed: int) -> str:
    return f"level {held} to {needed}" if held else f"new, level {needed}"


ON_THE_JOB = "On the job, with supervision"
NO_TRAINING = "No training listed for it yet"


def _gap_groups(step: dict) -> list[dict]:
    """The gap grouped by what closes it: each training in turn, then on the job, then the rest."""
    closes: dict[str, list[str]] = {}
    for t in step["training"]:
        for competency in t.get("closes") or []:
            closes.setdefault(competency, []).append(t["title"])
    on_the_job = set(step.get("on_the_job") or [])
    groups: dict[str, list[str]] = {}
    for g in step["gap"]:
        how = " or ".join(closes.get(g["competency"], [])) or (
            ON_THE_JOB if g["competency"] in on_the_job else NO_TRAINING
        )
        levels = _levels(g["level_held"], g["level_needed"]) + ("" if g["essential"] else ", desirable")
        groups.setdefault(how, []).append(f"{g['label']} ({levels})")
    order = sorted(groups, key=lambda how: (how == NO_TRAINING, how == ON_THE_JOB))
    return [{"how": how, "items": groups[how]} for how in order]


def _url(url: str | None) -> str | None:
    """A source address worth linking: plain http(s) only, never a script."""
    if url and url.startswith(("https://", "http://")) and not any(c.isspace() for c in url):
        return url
    return None


def _qualification(graph, item: dict) -> dict:
    from graph.queries import qualification_summary

    node = node_id("Qualification", item["id"])
    info = qualification_summary(graph, node) if node in graph else {}
    alternatives = []
    for alt in item.get("alternatives") or []:
        other = node_id("Qualification", alt["id"])
        code = graph.nodes[other].get("code") if other in graph else None
        alternatives.append(alt["title"] + (f" ({code})" if code else ""))
    return {
        "title": item["title"],
        "code": item.get("code") or info.get("code"),
        "rqf_level": info.get("rqf_level"),
        "duration": _months(item["months"]) if item.get("months") else "not recorded",
        "apprenticeship": bool(item.get("apprenticeship")),
        "kind": "apprenticeship" if item.get("apprenticeship") else _sector(item.get("kind") or ""),
        "required": item.get("required", True),
        "alternatives": alternatives,
    }


def skips_sentence(step: dict, escape=str) -> str:
    """A shortcut said as such: the rungs of the usual ladder this step passes over."""
    rungs = [escape(rung["title"]) for rung in step.get("skips", [])]
    return f" A shortcut: skips the {' and '.join(rungs)} rung of the usual ladder." if rungs else ""


def _step_head(step: dict, number: int, from_title: str) -> dict:
    change = step.get("sector_change")
    return {
        "number": number,
        "from_title": from_title,
        "to_title": step["to_title"],
        "kind": KINDS.get(step["kind"], step["kind"]),
        "known": step["kind"] == "known",
        "cross": f"{_sector(change[0])} to {_sector(change[1])}" if change else None,
        "months": _months(step["months"]),
        "same_as": None,
    }


def _step(graph, step: dict, number: int, from_title: str) -> dict:
    from frameworks.vocabulary import CHECKS
    from graph.queries import role_record
    from pathways.jd import pay_record

    record = role_record(graph, node_id("Role", step["to"]))
    entry = record.get("entry") or {}
    requirements = [q["title"] for q in step.get("entry_requirements") or []]
    requirements += [CHECKS.get(c, c) for c in entry.get("checks") or []]
    experience = step.get("experience_months") or 0
    if experience:
        requirements.append(f"About {_months(experience)} of relevant experience first")
    pay = pay_record(record.get("pay"))
    return {
        **_step_head(step, number, from_title),
        "band": _band(record),
        "months_basis": step.get("months_basis") or "",
        "coverage": f"{step['coverage']:.0%}",
        "note": ((step.get("note") or "") + skips_sentence(step)).strip(),
        "entry": requirements,
        "entry_note": entry.get("note") or "",
        "qualifications": [_qualification(graph, t) for t in step["training"]],
        "pay": pay and {"text": pay["text"], "basis": pay["basis"] or "basis not recorded", "as_of": pay["as_of"]},
        "carries_over": [c["need"] for c in step["carries_over"]],
        "gap": _gap_groups(step),
        "sources": [
            {"title": s.get("title") or "", "publisher": s.get("publisher") or "", "url": _url(s.get("url"))}
            for s in step.get("source") or []
        ],
    }


def sheet_data(graph, payload: dict, person: str | None = None, today: datetime.date | None = None) -> dict:
    """What the sheet shows, as plain data: who it is for, where they start, the diagram's layout, and
    each route step by step with the role and qualification records looked up."""
    origin = payload["from"]
    if origin.get("role"):
        start = label = graph.nodes[node_id("Role", origin["role"])]["title"]
    elif origin["key"] == "education":
        start, label = origin["title"].removeprefix("From education: "), "School or college"
    else:
        start = label = "What they can already do (skills passport)"
    limits = payload["constraints"]
    routes = []
    described: dict[tuple[str, ...], str] = {}  # a route's first steps -> where that step is described
    for n, route in enumerate(payload["routes"], start=1):
        dest = route["destination"]
        titles = [start] + [s["to_title"] for s in route["steps"]]
        steps = []
        for i, step in enumerate(route["steps"], start=1):
            # the same first moves give the same step (what is held depends only on the way there)
            prefix = tuple(route["roles"][: i + 1])
            if prefix in described:
                steps.append({**_step_head(step, i, titles[i - 1]), "same_as": described[prefix]})
            else:
                described[prefix] = f"step {i} of route {n}"
                steps.append(_step(graph, step, i, titles[i - 1]))
        routes.append(
            {
                "number": n,
                "destination": dest["title"],
                "band": _band(dest),
                "sector": _sector(dest["sector"]),
                "months": _months(route["total_months"]),
                "tier": TIER_WORDS.get(route["tier"], route["tier"]),
                "path": titles,
                "steps": steps,
                "jobs": (route.get("demand") or {}).get("reasons") or [],  # vacancies there, with --area
            }
        )
    sector = "any sector" if limits["sector"] == "any" else _sector(limits["sector"])
    return {
        "title": f"Career routes for {person}" if person else f"Career routes from {lower(label)}",
        "person": person,
        "start": start + (f" (level {origin['level']})" if origin.get("role") else ""),
        "limits": f"Up to level {limits['max_level']}, at most {limits['max_steps']} step"
        + ("" if limits["max_steps"] == 1 else "s")
        + f", destinations in {sector}",
        "to": graph.nodes[node_id("Role", payload["to"])]["title"] if payload.get("to") else None,
        "holds": [] if origin["key"] == "education" else [q["title"] for q in origin.get("holds") or []],
        "resolutions": [
            f"'{r['text']}' was matched to {r['label'] or 'nothing close'}" for r in origin.get("resolutions") or []
        ],
        "date": f"{(today or datetime.date.today()):%d %B %Y}".lstrip("0"),
        "diagram": diagram(payload, label),
        "routes": routes,
        "ranking": _shortage_words(payload),
    }


def _shortage_words(payload: dict) -> str | None:
    """Why the order differs from the usual one, when the routes were ranked towards shortage roles."""
    if payload.get("prefer") != "shortage":
        return None
    return (
        "Routes into roles that are hard to fill (one post in ten or more vacant) come first within each kind"
        " of route, the highest vacancy first; each route says its figure and where it is from."
    )


def _wrap(text: str, width: int) -> list[str]:
    lines = textwrap.wrap(" ".join(text.split()), width, break_long_words=True) or [""]
    if len(lines) > MAX_LINES:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: max(1, width - 1)].rstrip() + "\u2026"
    return lines


def diagram(payload: dict, start: str) -> dict | None:
    """The routes as a tree of boxes, left to right: the start, then each step's role in the column of
    its step, a role shared by routes drawn once. Coordinates only; the template draws them (escaped)."""
    routes = payload["routes"]
    if not routes:
        return None
    columns = 1 + max(len(r["steps"]) for r in routes)
    box_w = (DIAGRAM_WIDTH - 2 - (columns - 1) * COLUMN_GAP) / columns
    chars = max(8, int((box_w - 14) / 6.1))  # about 6 px a character at 11 px
    nodes: dict[str, dict] = {}
    next_row = [0] * columns
    edges: dict[tuple[str, str], dict] = {}
    origin = payload["from"]["key"]
    nodes[origin] = {
        "key": origin,
        "col": 0,
        "row": 0,
        "lines": _wrap(start, chars),
        "sub": "Starting point",
        "start": True,
        "routes": [],
    }
    for n, route in enumerate(routes, start=1):
        parent = origin
        for depth, step in enumerate(route["steps"], start=1):
            key = step["to"]
            if key not in nodes:
                row = max(next_row[depth], nodes[parent]["row"] if depth > 1 else 0)
                next_row[depth] = row + 1
                band = route["destination"] if key == route["destination"]["id"] else None
                nodes[key] = {
                    "key": key,
                    "col": depth,
                    "row": row,
                    "lines": _wrap(step["to_title"], chars),
                    "sub": _band(band) if band else "",
                    "start": False,
                    "routes": [],
                }
            if key == route["destination"]["id"]:
                nodes[key]["routes"].append(n)
                nodes[key]["sub"] = _band(route["destination"])
            edges.setdefault((parent, key), {"known": step["kind"] == "known", "months": step["months"]})
            parent = key
    rows = max(next_row[1:] + [1])
    lines = max(len(v["lines"]) for v in nodes.values())
    box_h = 12 + LINE * (lines + 1)
    row_h = box_h + 14
    for v in nodes.values():
        if v["start"]:
            v["row"] = (rows - 1) / 2
        v["x"] = 1 + v["col"] * (box_w + COLUMN_GAP)
        v["y"] = 8 + v["row"] * row_h
    out_edges = []
    for (a, b), e in edges.items():
        p, q = nodes[a], nodes[b]
        x1, y1 = p["x"] + box_w, p["y"] + box_h / 2
        x2, y2 = q["x"], q["y"] + box_h / 2
        mid = (x1 + x2) / 2
        out_edges.append(
            {
                "d": f"M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2 - 2:.1f},{y2:.1f}",
                "known": e["known"],
                "label": f"{e['months']:g} mo",
                "lx": x2 - 4,
                "ly": y2 - 4,
            }
        )
    return {
        "width": DIAGRAM_WIDTH,
        "height": 16 + rows * row_h,
        "box_w": box_w,
        "box_h": box_h,
        "line": LINE,
        "nodes": list(nodes.values()),
        "edges": out_edges,
    }


def render_html(sheet: dict) -> str:
    """The sheet as one self-contained HTML page (inline CSS and SVG, no script), A4 when printed."""
    import jinja2

    from cli.jd_render import clean

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("routes_sheet.html.j2").render(**clean(sheet))


def render_docx(sheet: dict, picture: bytes | None = None) -> bytes:
    """The sheet as a Word document: a summary, the diagram (a PNG, when given), and per route a heading
    and per step a two-column table. Strings are cleaned first: XML 1.0 cannot hold control characters."""
    from docx import Document
    from docx.shared import Cm, Pt

    from cli.jd_render import clean

    sheet = clean(sheet)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.8))
    doc.core_properties.title = sheet["title"]
    doc.add_heading(sheet["title"], level=0)
    summary = doc.add_table(rows=0, cols=2)
    summary.style = "Table Grid"
    rows = [("Starting from", sheet["start"]), ("Limits", sheet["limits"])]
    if sheet["to"]:
        rows.append(("Aiming for", sheet["to"]))
    if sheet["holds"]:
        rows.append(("Taken to hold already", "; ".join(sheet["holds"])))
    rows += [("Your words", r) for r in sheet["resolutions"]]
    if sheet["ranking"]:
        rows.append(("Order", sheet["ranking"]))
    rows.append(("Prepared", sheet["date"]))
    for label, value in rows:
        cells = summary.add_row().cells
        cells[0].text, cells[1].text = label, value
    if not sheet["routes"]:
        doc.add_paragraph("No route was found within these limits.")
    if picture:
        doc.add_picture(io.BytesIO(picture), width=Cm(17))
    for route in sheet["routes"]:
        doc.add_heading(f"{route['number']}. {route['destination']} ({route['band']})", level=1)
        doc.add_paragraph(f"About {route['months']} of training; {route['tier']}.")
        for words in route["jobs"]:
            doc.add_paragraph(f"Jobs: {words}")
        doc.add_paragraph(" \u2192 ".join(route["path"]))
        for step in route["steps"]:
            doc.add_heading(f"Step {step['number']}: {step['from_title']} to {step['to_title']}", level=2)
            table = doc.add_table(rows=0, cols=2)
            table.style = "Table Grid"
            for label, value in _docx_rows(step):
                cells = table.add_row().cells
                cells[0].text, cells[1].text = label, value
                cells[0].width, cells[1].width = Cm(4), Cm(13.4)
                for run in cells[0].paragraphs[0].runs:
                    run.bold = True
    note = doc.add_paragraph(
        "Prepared with hsc-pathways from the library's roles, qualifications and recorded progressions. Pay is"
        " as recorded, with its basis and date; check entry requirements with the employer or provider."
    )
    note.runs[0].font.size = Pt(8)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_rows(step: dict) -> list[tuple[str, str]]:
    if step["same_as"]:
        return [("Move", f"{step['kind']}; about {step['months']} of training. The same move as {step['same_as']}.")]
    move = f"{step['kind']}, {step['band']}; about {step['months']} of training ({step['months_basis']})"
    if step["cross"]:
        move += f"; cross-sector: {step['cross']}"
    quals = []
    for q in step["qualifications"]:
        facts = [
            q["code"],
            f"RQF level {q['rqf_level']}" if q["rqf_level"] else None,
            q["duration"],
            "apprenticeship" if q["apprenticeship"] else q["kind"],
        ]
        line = f"{q['title']} ({', '.join(f for f in facts if f)})"
        if q["alternatives"]:
            line += "; or instead: " + ", ".join(q["alternatives"])
        quals.append(line)
    pay = step["pay"]
    pay_text = (
        f"{pay['text']} ({pay['basis']}" + ("" if pay["as_of"] else "; date of the figure not recorded") + ")"
        if pay
        else "Not recorded in the library; ask the employer"
    )
    gap = [f"{g['how']}: {'; '.join(g['items'])}" for g in step["gap"]]
    rows = [
        ("Move", move),
        ("Entry requirements", "\n".join(step["entry"]) or "None recorded beyond the training below"),
    ]
    if step["entry_note"]:
        rows.append(("Employers say", step["entry_note"]))
    rows += [
        ("Qualifications", "\n".join(quals) or "No qualification needed for this move"),
        ("Pay", pay_text),
        (f"Carries over ({step['coverage']} covered)", "; ".join(step["carries_over"]) or "Nothing recorded"),
        ("The gap, and what closes it", "\n".join(gap) or "No gap"),
    ]
    if step["note"]:
        rows.append(("Note", step["note"]))
    if step["sources"]:
        rows.append(
            (
                "Sources",
                "\n".join(
                    s["title"]
                    + (f" ({s['publisher']})" if s["publisher"] else "")
                    + (f" {s['url']}" if s["url"] else "")
                    for s in step["sources"]
                ),
            )
        )
    return rows
