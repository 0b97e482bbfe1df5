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

import csv
import io
from pathlib import Path

from pydantic import ValidationError

from frameworks.csvform import is_competency_id
from frameworks.errors import LibraryError, Problem, display_path
from frameworks.models import PassportFile
from frameworks.parse import read_model_file
from frameworks.yamlfile import read_text


def load_passport(path: Path) -> PassportFile:
    """The passport in a YAML or CSV file; raises LibraryError with located problems."""
    if path.suffix.lower() == ".csv":
        shown = display_path(path)
        if not path.is_file():
            raise LibraryError([Problem(shown, "no such file", expected="a passport YAML or CSV file")])
        return _from_csv(path, shown)
    return read_model_file(path, PassportFile, "passport")  # type: ignore[return-value]


def _from_csv(path: Path, shown: str) -> PassportFile:
    reader = csv.DictReader(io.StringIO(read_text(path, shown)))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    if not ({"competency", "level"} <= set(header) or "qualification" in header):
        raise LibraryError(
            [
                Problem(
                    shown,
                    f"unexpected columns {header}",
                    line=1,
                    expected="columns competency,level and/or qualification",
                )
            ]
        )
    held, quals, problems = [], [], []
    for row in reader:
        cells = {k: (v or "").strip() for k, v in row.items() if k}
        if cells.get("qualification"):
            quals.append(cells["qualification"])
        item = cells.get("competency", "")
        if not item:
            continue
        try:
            level = int(cells.get("level", ""))
        except ValueError:
            problems.append(
                Problem(
                    shown,
                    f"column level: bad value {cells.get('level')!r}",
                    line=reader.line_num,
                    expected="a Career Framework level 1-9",
                )
            )
            continue
        held.append({"competency": item, "level": level} if is_competency_id(item) else {"text": item, "level": level})
    if problems:
        raise LibraryError(problems)
    try:
        return PassportFile.model_validate({"kind": "passport", "competencies": held, "qualifications": quals})
    except ValidationError as err:
        raise LibraryError([Problem(shown, f"{e['loc']}: {e['msg']}") for e in err.errors()]) from None
