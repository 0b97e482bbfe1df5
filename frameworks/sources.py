"""Where a library comes from: the bundled files and the paths a user names, as ordered layers.

Kept free of the models and the YAML parser, so that a query whose graph is already built can find
its files and check their hash without paying to import either.

Every file is checked here before anything opens it: a named pipe would block a reader forever, a
device could be endless, and a file we cannot read must be an error, never silently left out.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from frameworks.errors import LibraryError, Problem

FILE_KINDS = (
    "framework",
    "roles",
    "qualifications",
    "progressions",
    "needs",
    "supply",
    "role-csv",
    "passport",
    "team",
    "pipeline",
)
BUNDLED_LIBRARY = Path(__file__).parent / "library"
YAML_SUFFIXES = (".yaml", ".yml")
LIBRARY_SUFFIXES = YAML_SUFFIXES + (".csv",)
MAX_FILE_MB = 20
MAX_FILE_BYTES = MAX_FILE_MB * 1024 * 1024  # one file; see FORMATS.md "Limits"

_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


@dataclass(frozen=True)
class Layer:
    """One place the library comes from: the bundled files, or one path a user named."""

    name: str
    files: tuple[Path, ...]


def file_problem(path: Path, shown: str, what: str = "a YAML or CSV file") -> Problem | None:
    """Why a path cannot be read as a library file (missing, not a regular file, too big,
    unreadable), or None when it can. Only stats the path: never opens it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        broken = os.path.islink(path)
        return Problem(shown, "a broken link" if broken else "no such file", expected=what)
    except OSError as err:
        return Problem(shown, f"cannot read it: {err.strerror or err}", expected=what)
    if stat.S_ISDIR(info.st_mode):
        return Problem(shown, "is a folder", expected=what)
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _NOT_REGULAR if test(info.st_mode)), "not a regular file")
        return Problem(shown, f"is {kind}, not a regular file; it is not read", expected=what)
    if info.st_size > MAX_FILE_BYTES:
        return Problem(
            shown,
            f"the file is {info.st_size / 1024 / 1024:.1f} MB, larger than the {MAX_FILE_MB} MB limit",
            expected=f"files of at most {MAX_FILE_MB} MB; split a large library into several files",
        )
    if not os.access(path, os.R_OK):
        return Problem(shown, "cannot read it: permission denied", expected=what)
    return None


def library_files(path: Path) -> tuple[Path, ...]:
    """The library files a path stands for: the file itself, or every YAML/CSV file below a folder
    (following links, each folder once; names starting with '.' are hidden and left out). Anything
    else that cannot be read is an error, never skipped."""
    path = Path(path)
    if not path.is_dir():
        if not os.path.lexists(path):
            raise LibraryError(
                [Problem(str(path), "no such file or folder", expected="a folder, a YAML file or a CSV file")]
            )
        if path.suffix.lower() not in LIBRARY_SUFFIXES:
            raise LibraryError(
                [
                    Problem(
                        str(path), f"unsupported file type '{path.suffix or '(none)'}'", expected=".yaml, .yml or .csv"
                    )
                ]
            )
        problem = file_problem(path, str(path))
        if problem:
            raise LibraryError([problem])
        return (path,)
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    folders = [path]
    while folders:
        folder = folders.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:  # a link back to a folder already read
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            problems.append(
                Problem(str(folder), f"cannot read this folder: {err.strerror or err}", expected="a readable folder")
            )
            continue
        for entry in entries:
            if entry.name.startswith("."):  # .git, editor locks such as .#roles.yaml: never library files
                continue
            child = Path(entry.path)
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                folders.append(child)
            elif child.suffix.lower() in LIBRARY_SUFFIXES:
                problem = file_problem(child, str(child))
                if problem:
                    problems.append(problem)
                else:
                    found.append(child)
    if problems:
        raise LibraryError(problems)
    return tuple(sorted(found))


def library_layers(
    extra: Sequence[str | os.PathLike[str]] = (), bundled: bool = True, env: str | None = None
) -> list[Layer]:
    """The layers in the order they apply; `env` is PATHWAYS_LIBRARY (os.pathsep-separated, empty
    entries ignored). An empty path given on the command line is refused: it would mean the current
    folder and everything below it."""
    problems: list[Problem] = []
    for given in extra:
        if not str(given).strip():
            problems.append(
                Problem(
                    '""',
                    "an empty library path would read the current folder and everything below it",
                    expected="a folder, a YAML file or a CSV file",
                )
            )
    if problems:
        raise LibraryError(problems)
    paths: list[Path] = [Path(p) for p in (env or "").split(os.pathsep) if p.strip()]
    paths += [Path(p) for p in extra]
    layers = [Layer("bundled", library_files(BUNDLED_LIBRARY))] if bundled else []
    for p in paths:
        try:
            layers.append(Layer(str(p), library_files(p)))
        except LibraryError as err:
            problems.extend(err.problems)
    if problems:
        raise LibraryError(problems)
    return layers
