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

from frameworks.errors import LibraryError, Problem
from frameworks.levels import CAREER_FRAMEWORK_LEVELS
from frameworks.models import CsvRow, FrameworkFile, RolesFile
from frameworks.parse import ParsedFile
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


def parse_csv_file(path: Path, shown: str, layer: int) -> list[ParsedFile]:
    """Read a role-requirement CSV into a roles model and, for free text, a framework model."""
    text = read_text(path, shown)
    if not text.strip():
        raise LibraryError(
            [Problem(shown, "the file is empty", expected="a header row: " + ", ".join(REQUIRED_COLUMNS))]
        )
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems = []
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
    roles: dict[str, dict] = {}
    free_text: dict[str, dict] = {}
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        cells = {k: (v or "").strip() for k, v in row.items() if k in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
        cells = {k: v for k, v in cells.items() if v != "" or k in REQUIRED_COLUMNS}
        if "essential" in cells:
            cells["essential"] = _truth(cells["essential"], shown, line, problems)
        try:
            parsed = CsvRow.model_validate(cells)
        except ValidationError as err:
            for e in err.errors():
                column = e["loc"][0] if e["loc"] else "row"
                expected = e["msg"].removeprefix("Input should be ")
                problems.append(
                    Problem(shown, f"column {column}: bad value {e.get('input')!r}", line=line, expected=expected)
                )
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
    if problems:
        raise LibraryError(problems)
    if not roles:
        raise LibraryError(
            [Problem(shown, "no data rows under the header", line=1, expected="one row per requirement")]
        )

    results: list[ParsedFile] = []
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
        results.append(ParsedFile(path, shown, layer, framework, {(): 1}))
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
        results.append(ParsedFile(path, shown, layer, model, lines))
    return results


def _truth(value: str, shown: str, line: int, problems: list[Problem]) -> bool:
    word = value.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    problems.append(Problem(shown, f"column essential: bad value {value!r}", line=line, expected="true or false"))
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
