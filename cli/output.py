"""Formatting only: one View rendered as a terminal table, JSON, CSV or Markdown.

A command builds a View (its JSON payload, plus the same facts laid out as headline fields and
tables) and hands it here. JSON is the contract; the other formats are for people and spreadsheets.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from dataclasses import dataclass, field
from typing import Any

FORMATS = ("table", "json", "csv", "md")


@dataclass
class Table:
    columns: list[tuple[str, str]]  # (key in each row, heading)
    rows: list[dict]
    title: str = ""


@dataclass
class View:
    payload: Any
    title: str = ""
    fields: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    markdown: str | None = None  # a command's own Markdown page, when a table layout would not read well


def default_format(requested: str | None) -> str:
    """Table on a terminal, JSON when the output goes to a pipe or file."""
    if requested:
        return requested
    return "table" if sys.stdout.isatty() else "json"


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(cell(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {cell(v)}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def render(view: View, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(view.payload, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _csv(view.tables[0] if view.tables else Table([(k, k) for k, _ in view.fields], [dict(view.fields)]))
    if fmt == "md":
        return view.markdown if view.markdown is not None else _markdown(view)
    return _terminal(view)


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([key for key, _ in table.columns])
    for row in table.rows:
        writer.writerow([cell(row.get(key)) for key, _ in table.columns])
    return out.getvalue()


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown(view: View) -> str:
    parts = [f"# {view.title}\n"] if view.title else []
    if view.fields:
        parts.append("\n".join(f"- **{label}:** {_md_escape(cell(value))}" for label, value in view.fields) + "\n")
    for table in view.tables:
        if table.title:
            parts.append(f"## {table.title}\n")
        head = "| " + " | ".join(h for _, h in table.columns) + " |"
        rule = "|" + "|".join("---" for _ in table.columns) + "|"
        body = ["| " + " | ".join(_md_escape(cell(r.get(k))) for k, _ in table.columns) + " |" for r in table.rows]
        parts.append("\n".join([head, rule, *body]) + "\n")
    parts += [f"_{note}_\n" for note in view.notes]
    return "\n".join(parts)


def _terminal(view: View) -> str:
    from rich.console import Console  # imported here: only terminal output pays for rich
    from rich.markup import escape
    from rich.table import Table as RichTable

    out = io.StringIO()
    width = Console().width if sys.stdout.isatty() else 160
    console = Console(file=out, width=width, force_terminal=sys.stdout.isatty())
    if view.title:
        console.print(f"[bold]{escape(view.title)}[/bold]", highlight=False)
    for label, value in view.fields:
        console.print(f"[bold]{escape(label)}:[/bold] {escape(cell(value))}", highlight=False, markup=True)
    for table in view.tables:
        rich_table = RichTable(title=escape(table.title) or None, title_justify="left", show_lines=False)
        for _, heading in table.columns:
            rich_table.add_column(heading, overflow="fold")
        for row in table.rows:
            rich_table.add_row(*(escape(cell(row.get(k))) for k, _ in table.columns))
        console.print(rich_table)
    for note in view.notes:
        console.print(f"[dim]{escape(note)}[/dim]", highlight=False)
    return out.getvalue()
