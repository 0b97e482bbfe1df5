"""Errors about library files that a user can act on.

Every problem found in a file becomes one `Problem`: where (file, line, key path), what is wrong, and
what was expected. The CLI prints each as a single line and exits with code 2; nothing here ever
prints or exits.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the library, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    key: str = ""
    expected: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"{self.key}: {self.message}" if self.key else self.message
        return f"{where}: {what}" + (f" (expected {self.expected})" if self.expected else "")


class LibraryError(Exception):
    """Raised when the library cannot be loaded; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def display_path(path: Path) -> str:
    """A path as a user would type it: relative to the current directory when it lies below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def key_path(loc: tuple) -> str:
    """Turn a location tuple such as ('roles', 3, 'level') into 'roles[3].level'."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text
