"""The role-requirement CSV: one row per requirement, for bulk data from HR systems or taxonomies.

A CSV becomes two ordinary models, a roles file and (when some competencies are free text) a
framework named after the file, so everything downstream treats it like YAML.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pydantic import ValidationError
from rapidfuzz import process

from frameworks.errors import LibraryError, Problem, control_character, quote
from frameworks.levels import CAREER_FRAMEWORK_LEVELS
from frameworks.models import CsvRow, FrameworkFile, RolesFile
from frameworks.parse import FileReport, ParsedFile
from frameworks.sources import MAX_FILE_BYTES
from frameworks.yamlfile import read_text

REQUIRED_COLUMNS = ("role_id", "role_title", "sector", "level", "competency")
OPTIONAL_COLUMNS = ("competency_level", "essential", "band")
_ID_LIKE = re.compile(r"^([a-z0-9][a-z0-9_.-]*:)?[a-z0-9_-]+\.[a-z0-9_.-]+$")
_TRUE = {"true", "yes", "y", "1", "essential", "core"}
_FALSE = {"false", "no", "n", "0", "desirable", "supplemental", "optional"}


def slug(text: str, limit: int = 60) -> str:
    """A lower-case id fragment made from any text."""
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:limit].rstrip("-") or "x"


def is_competency_id(value: str) -> bool:
    """Whether a CSV `competency` cell names an id (no spaces, dotted) rather than free text."""
    return bool(_ID_LIKE.match(value.strip()))


def read_table(
    path: Path, shown: str, columns: tuple[str, ...], what: str
) -> tuple[list[str], list[tuple[int, dict[str, str]]], list[Problem]]:
    """Read a CSV file with a header: (header, [(line, {column: cell})], problems).

    Every header must be one of `columns`, once; a row may not have more cells than the header has
    columns; no cell may hold a control character. Rows with a problem are left out, the rest kept,
    so one run reports every problem in the file."""
    text = read_text(path, shown, what)
    if not text.strip():
        raise LibraryError([Problem(shown, "the file is empty", expected="a header row: " + ", ".join(columns))])
    csv.field_size_limit(max(csv.field_size_limit(), MAX_FILE_BYTES))  # one cell may be the whole file
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    header: list[str] = []
    try:
        for cells in reader:
            line = reader.line_num
            if not header:
                header = [h.strip() for h in cells]
                problems += _header_problems(header, columns, shown)
                continue
            if not any(c.strip() for c in cells):
                continue
            bad = _cell_problems(cells, header, shown, line)
            if bad:
                problems += bad
                continue
            rows.append((line, {k: v.strip() for k, v in zip(header, cells, strict=False)}))
    except csv.Error as err:
        problems.append(Problem(shown, f"malformed CSV: {err}", line=reader.line_num, expected="well-formed CSV"))
    return header, rows, problems


def _header_problems(header: list[str], columns: tuple[str, ...], shown: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, name in enumerate(header, start=1):
        bad = control_character(name)
        if bad:
            problems.append(Problem(shown, f"column {i}: control character {bad} is not allowed", line=1))
        elif not name:
            problems.append(Problem(shown, f"column {i} has no name", line=1, expected="one of " + ", ".join(columns)))
        elif name in seen:
            problems.append(Problem(shown, f"column {quote(name)} appears twice", line=1, expected="each column once"))
        elif name not in columns:
            near = process.extractOne(name, [c for c in columns if c not in header])
            hint = f"; did you mean {quote(near[0])}?" if near and near[1] >= 70 else ""
            problems.append(
                Problem(shown, f"unknown column {quote(name)}{hint}", line=1, expected="one of " + ", ".join(columns))
            )
        seen.add(name)
    return problems


def _cell_problems(cells: list[str], header: list[str], shown: str, line: int) -> list[Problem]:
    problems: list[Problem] = []
    if len(cells) > len(header):
        extra = [c for c in cells[len(header) :] if c.strip()]
        if extra or len(cells) - len(header) > 1:  # one trailing empty cell is a spreadsheet habit
            problems.append(
                Problem(
                    shown,
                    f"the row has {len(cells)} cells but the header names {len(header)} columns",
                    line=line,
                    expected="one cell per column (quote a cell that contains a comma)",
                )
            )
    for name, cell in zip(header, cells, strict=False):
        bad = control_character(cell)
        if bad:
            column = name or "?"
            problems.append(Problem(shown, f"column {column}: control character {bad} is not allowed", line=line))
    return problems


def parse_csv_file(path: Path, shown: str, layer: int) -> list[ParsedFile]:
    """Read a role-requirement CSV into a roles model and, for free text, a framework model
    (raises LibraryError with every problem in the file)."""
    report = csv_report(path, shown, layer)
    if report.problems:
        raise LibraryError(report.problems)
    return report.parsed


def csv_report(path: Path, shown: str, layer: int) -> FileReport:
    """Read a role-requirement CSV, keeping every row that passes its checks when others fail."""
    header, rows, problems = read_table(path, shown, REQUIRED_COLUMNS + OPTIONAL_COLUMNS, "a role-requirement CSV")
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        for column in missing:
            near = process.extractOne(column, header)
            hint = f"; is '{near[0]}' meant to be it?" if near and near[1] >= 70 else ""
            problems.append(
                Problem(
                    shown,
                    f"missing column '{column}'{hint}",
                    line=1,
                    expected="columns " + ", ".join(REQUIRED_COLUMNS) + " [, " + ", ".join(OPTIONAL_COLUMNS) + "]",
                )
            )
        raise LibraryError(problems)

    namespace = slug(path.stem)
    report = FileReport(problems=problems)
    roles: dict[str, dict] = {}
    free_text: dict[str, dict] = {}
    for line, row in rows:
        cells = {k: row.get(k, "") for k in REQUIRED_COLUMNS}
        cells.update({k: row[k] for k in OPTIONAL_COLUMNS if row.get(k)})
        row_problems: list[Problem] = []
        if "essential" in cells:
            cells["essential"] = _truth(cells["essential"], shown, line, row_problems)
        try:
            parsed = CsvRow.model_validate(cells)
        except ValidationError as err:
            for e in err.errors():
                column = e["loc"][0] if e["loc"] else "row"
                expected = e["msg"].removeprefix("Input should be ")
                row_problems.append(
                    Problem(shown, f"column {column}: bad value {quote(e.get('input'))}", line=line, expected=expected)
                )
        if row_problems:
            problems += row_problems
            if cells["role_id"] not in roles:
                report.mark_broken("role", namespace, cells["role_id"])
            continue
        role = roles.get(parsed.role_id)
        if role is None:
            role = roles[parsed.role_id] = {
                "line": line,
                "requirement_lines": [],
                "fields": {
                    "title": parsed.role_title,
                    "sector": parsed.sector,
                    "level": parsed.level,
                    "band": parsed.band,
                    "requirements": [],
                    "source": [{"title": f"Role-requirement CSV {path.name}"}],
                },
            }
        elif _details(role["fields"]) != (parsed.role_title, parsed.sector, parsed.level):
            problems.append(
                Problem(
                    shown,
                    f"role '{parsed.role_id}' has a different title, sector or level than on line {role['line']}",
                    line=line,
                    expected="the same role details on every row of a role",
                )
            )
            continue
        reference = parsed.competency
        if not is_competency_id(reference):
            key = " ".join(reference.lower().split())
            if key not in free_text:
                free_text[key] = {"text": reference, "id": _unique_id(reference, free_text)}
            reference = f"{namespace}:{free_text[key]['id']}"
        role["requirement_lines"].append(line)
        role["fields"]["requirements"].append(
            {"competency": reference, "level": parsed.competency_level or parsed.level, "essential": parsed.essential}
        )
    if not roles:
        if not problems:
            problems.append(Problem(shown, "no data rows under the header", line=1, expected="one row per requirement"))
        return report

    if free_text:
        framework = FrameworkFile.model_validate(
            {
                "kind": "framework",
                "namespace": namespace,
                "id": namespace,
                "name": f"Competencies from {path.name}",
                "version": "csv",
                "source": [{"title": f"Free-text competencies in {path.name}"}],
                "levels": CAREER_FRAMEWORK_LEVELS,
                "areas": [
                    {
                        "id": "imported",
                        "name": "Imported",
                        "functions": [
                            {
                                "id": "imported",
                                "name": "Imported",
                                "competencies": [
                                    {"id": c["id"], "label": _label(c["text"]), "statement": c["text"]}
                                    for c in free_text.values()
                                ],
                            }
                        ],
                    }
                ],
            }
        )
        report.parsed.append(ParsedFile(path, shown, layer, framework, {(): 1}))
    by_namespace: dict[str, list[tuple[str, dict]]] = {}
    for role_id, role in roles.items():
        role_namespace, _, local = role_id.rpartition(":")
        by_namespace.setdefault(role_namespace or namespace, []).append((local, role))
    for role_namespace, members in by_namespace.items():
        lines: dict[tuple, int] = {(): 1}
        for i, (_, role) in enumerate(members):
            lines[("roles", i)] = role["line"]
            for j, req_line in enumerate(role["requirement_lines"]):
                lines[("roles", i, "requirements", j)] = req_line
        model = RolesFile.model_validate(
            {
                "kind": "roles",
                "namespace": role_namespace,
                "roles": [{"id": local, **role["fields"]} for local, role in members],
            }
        )
        report.parsed.append(ParsedFile(path, shown, layer, model, lines))
    return report


def _truth(value: str, shown: str, line: int, problems: list[Problem]) -> bool:
    word = value.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    problems.append(Problem(shown, f"column essential: bad value {quote(value)}", line=line, expected="true or false"))
    return True


def _details(fields: dict) -> tuple:
    return fields["title"], fields["sector"], fields["level"]


def _unique_id(text: str, taken: dict[str, dict]) -> str:
    base = slug(text, 48)
    used = {c["id"] for c in taken.values()}
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77].rsplit(" ", 1)[0] + "..."
