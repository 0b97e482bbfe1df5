"""Formatting only: one View rendered as a terminal table, JSON, CSV or Markdown.

A command builds a View (its JSON payload, plus the same facts laid out as headline fields and
tables) and hands it here. JSON is the contract; the other formats are for people and spreadsheets.
Text from library files is data, never markup: every format escapes it (`csv_text` for spreadsheet
formulas, `markdown_escape` for Markdown and HTML, no control characters and no markup on a terminal).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

FORMATS = ("table", "json", "csv", "md")


@dataclass
class Table:
    """Rows of facts under column headings: a terminal table, a CSV file or a Markdown table."""

    columns: list[tuple[str, str]]  # (key in each row, heading)
    rows: list[dict]
    title: str = ""


@dataclass
class View:
    """One answer as a command shows it: its JSON payload, and the same facts as headline fields, tables and
    notes for the other formats (or a Markdown page of its own)."""

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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C0 but tab and line ends; DEL; C1
_LINE_BREAK = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|~])")
_MARKDOWN_LINE_START = re.compile(r"^(\s*)(?:([#>+=-])|(\d+)([.)]))")
_ENTITY = re.compile(r"&(?=#?\w+;)")


def printable(text: str) -> str:
    """Text without control characters (an escape sequence in a title must not drive the terminal)."""
    return _CONTROL.sub("\ufffd", text)


def csv_text(value: Any) -> str:
    """A CSV cell that a spreadsheet shows as written, never runs: text starting like a formula
    (= + - @, tab, CR) gets a leading single quote. Numbers stay numbers, as does text that is only a number
    ("-0.5")."""
    text = printable(cell(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return text
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def markdown_escape(text: str) -> str:
    """Text for any spot in a Markdown page (heading, list item, table cell, emphasis) that renders as
    the same text: HTML tags and entities are written as entities, Markdown punctuation is
    backslash-escaped, and line breaks become spaces, so a title cannot add a heading, a link, an image,
    a table column or raw HTML."""
    text = printable(_LINE_BREAK.sub(" ", text))
    text = _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_LINE_START.sub(
        lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2) else f"{m.group(3)}\\{m.group(4)}"), text
    )


PLOT_FORMATS = ("png", "svg", "pdf")


def plot_format(path: str) -> str:
    """The image format a --plot path asks for by its extension; anything else is refused, so a
    `.jpg` never receives PNG bytes."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in PLOT_FORMATS:
        raise click.BadParameter(
            f"'{path}' should end in .png, .svg or .pdf (the formats the plot is drawn in)", param_hint="--plot"
        )
    return suffix


def check_plot_path(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Click callback: refuse a --plot extension before anything is computed."""
    if value is not None:
        plot_format(value)
    return value


def _finite(value: Any) -> Any:
    """JSON has no NaN or infinity: such a number becomes null rather than invalid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def render(view: View, fmt: str) -> str:
    if fmt == "json":
        try:  # most answers hold no NaN or infinity (as_json has made them null): no need to walk them twice
            text = json.dumps(view.payload, indent=2, ensure_ascii=False, allow_nan=False)
        except ValueError as error:
            if "Out of range float" not in str(error):  # a circular answer is a bug: walking it would not end
                raise
            text = json.dumps(_finite(view.payload), indent=2, ensure_ascii=False, allow_nan=False)
        return text + "\n"
    if fmt == "csv":
        return _csv(view.tables[0] if view.tables else Table([(k, k) for k, _ in view.fields], [dict(view.fields)]))
    if fmt == "md":
        return view.markdown if view.markdown is not None else _markdown(view)
    return _terminal(view)


def _csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_text(key) for key, _ in table.columns])
    for row in table.rows:
        writer.writerow([csv_text(row.get(key)) for key, _ in table.columns])
    return out.getvalue()


def _markdown(view: View) -> str:
    esc = markdown_escape
    parts = [f"# {esc(view.title)}\n"] if view.title else []
    if view.fields:
        parts.append("\n".join(f"- **{esc(label)}:** {esc(cell(value))}" for label, value in view.fields) + "\n")
    for table in view.tables:
        if table.title:
            parts.append(f"## {esc(table.title)}\n")
        head = "| " + " | ".join(esc(h) for _, h in table.columns) + " |"
        rule = "|" + "|".join("---" for _ in table.columns) + "|"
        body = ["| " + " | ".join(esc(cell(r.get(k))) for k, _ in table.columns) + " |" for r in table.rows]
        parts.append("\n".join([head, rule, *body]) + "\n")
    parts += [f"_{esc(note)}_\n" for note in view.notes]
    return "\n".join(parts)


def _terminal(view: View) -> str:
    """The view as a terminal shows it: bold title and labels (on a terminal only), box tables folded to
    the terminal's width (160 columns when the output is not a terminal), dim notes."""
    from cli.terminal import box_table, wrap

    on_terminal = sys.stdout.isatty()
    styled = on_terminal and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"
    width = shutil.get_terminal_size().columns if on_terminal else 160  # NO_COLOR turns off style, not width

    def style(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if styled else text

    def text(value: Any) -> str:
        return printable(cell(value))

    lines = [style(text(view.title), "1")] if view.title else []
    lines += [f"{style(text(label) + ':', '1')} {text(value)}" for label, value in view.fields]
    for table in view.tables:
        if table.title:
            lines.append(style(text(table.title), "3"))
        rows = [[text(row.get(key)) for key, _ in table.columns] for row in table.rows]
        lines.append(box_table([text(heading) for _, heading in table.columns], rows, width))
    lines += [style(line, "2") for note in view.notes for line in wrap(text(note), width)]
    return "\n".join(lines) + "\n"
