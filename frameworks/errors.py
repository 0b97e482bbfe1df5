"""Errors about library files that a user can act on.

Every problem found in a file becomes one `Problem`: where (file, line, key path), what is wrong, and
what was expected. The CLI prints each as a single line and exits with code 2; nothing here ever
prints or exits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

# Characters that may not appear in any text we read: C0/C1 controls except tab, newline and CR
# (CR only as part of CR LF), the Unicode line and paragraph separators, and lone surrogates (which
# YAML's "\ud800" escapes can make and no output can encode).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]|\r(?!\n)")
_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the library, located as precisely as we can."""

    file: str
    message: str
    line: int | None = None
    key: str = ""
    expected: str = ""

    def __post_init__(self) -> None:
        for f in fields(self):  # a message is always one line, whatever text a file smuggled in
            value = getattr(self, f.name)
            if isinstance(value, str) and _BREAKS.search(value):
                object.__setattr__(self, f.name, one_line(value))

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f"{self.key}: {self.message}" if self.key else self.message
        return f"{where}: {what}" + (f" (expected {self.expected})" if self.expected else "")


class LibraryError(Exception):
    """Raised when the library cannot be loaded; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def one_line(text: str) -> str:
    """Text with every control character or line break escaped, so a message never spans lines."""
    return _BREAKS.sub(lambda m: repr(m.group())[1:-1], text)


def quote(value: Any, limit: int = 80) -> str:
    """A value as a message shows it: repr-like quoting, escapes for control characters, shortened."""
    text = repr(value) if isinstance(value, str) else one_line(str(value))
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def control_character(text: str) -> str | None:
    """The first character not allowed in library text, quoted, or None when the text is clean."""
    found = CONTROL.search(text)
    return None if found is None else repr(found.group()[0])


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
