"""Read a skills passport: what one person can already do, as YAML or CSV.

YAML is `kind: passport` (see `pathways schema passport`). The CSV form has a header and one row per
item: `competency,level` for what they can do (an id or their own words) and/or `qualification` for
what they hold, e.g.

    competency,level,qualification
    core.personal-care,2,
    Takes blood samples,2,
    ,,care-certificate
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from frameworks.csvform import is_competency_id, read_table
from frameworks.errors import LibraryError, Problem, display_path, quote
from frameworks.models import PassportFile
from frameworks.parse import read_model_file

PASSPORT_COLUMNS = ("competency", "level", "qualification")
_ROLE_CSV_ONLY = ("role_id", "role_title", "sector", "competency_level", "essential", "band")


def load_passport(path: Path) -> PassportFile:
    """The passport in a YAML or CSV file; raises LibraryError with located problems."""
    if path.suffix.lower() == ".csv":
        return _from_csv(path, display_path(path))
    return read_model_file(path, PassportFile, "passport")  # type: ignore[return-value]


def _from_csv(path: Path, shown: str) -> PassportFile:
    what = "a passport CSV with columns competency,level and/or qualification"
    header, rows, problems = read_table(path, shown, PASSPORT_COLUMNS, what)
    role_columns = [c for c in header if c in _ROLE_CSV_ONLY]
    if role_columns:  # a role-requirement CSV would otherwise read as the skills of one person
        raise LibraryError(
            [
                Problem(
                    shown,
                    "this looks like a role-requirement CSV (columns " + ", ".join(role_columns) + "), not a passport",
                    line=1,
                    expected="a passport: what one person holds, columns competency,level and/or qualification",
                )
            ]
        )
    if not problems and not ({"competency", "level"} <= set(header) or "qualification" in header):
        problems.append(Problem(shown, f"unexpected columns {header}", line=1, expected=what.removeprefix("a ")))
    if problems:
        raise LibraryError(problems)
    held, held_lines, quals, qual_lines = [], [], [], []
    for line, cells in rows:
        if cells.get("qualification"):
            quals.append(cells["qualification"])
            qual_lines.append(line)
        item = cells.get("competency", "")
        if not item:
            continue
        try:
            level = int(cells.get("level", ""))
        except ValueError:
            problems.append(
                Problem(
                    shown,
                    f"column level: bad value {quote(cells.get('level'))}",
                    line=line,
                    expected="a Career Framework level 1-9",
                )
            )
            continue
        held.append({"competency": item, "level": level} if is_competency_id(item) else {"text": item, "level": level})
        held_lines.append(line)
    if problems:
        raise LibraryError(problems)
    try:
        return PassportFile.model_validate({"kind": "passport", "competencies": held, "qualifications": quals})
    except ValidationError as err:
        located = []
        for e in err.errors():
            group, index = e["loc"][0], e["loc"][1] if len(e["loc"]) > 1 else None
            lines = held_lines if group == "competencies" else qual_lines
            line = lines[index] if isinstance(index, int) and index < len(lines) else None
            column = "qualification" if group == "qualifications" else (e["loc"][-1] if len(e["loc"]) > 2 else group)
            column = "competency" if column == "text" else column
            located.append(
                Problem(
                    shown,
                    f"column {column}: bad value {quote(e.get('input'))}",
                    line=line,
                    expected=e["msg"].removeprefix("Input should be ").removeprefix("Value error, "),
                )
            )
        raise LibraryError(located) from None
