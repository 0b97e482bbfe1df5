"""Where a library comes from: the bundled files and the paths a user names, as ordered layers.

Kept free of the models and the YAML parser, so that a query whose graph is already built can find
its files and check their hash without paying to import either.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from frameworks.errors import LibraryError, Problem

FILE_KINDS = ("framework", "roles", "qualifications", "progressions", "needs", "role-csv", "passport", "team")
BUNDLED_LIBRARY = Path(__file__).parent / "library"
YAML_SUFFIXES = (".yaml", ".yml")
LIBRARY_SUFFIXES = YAML_SUFFIXES + (".csv",)


@dataclass(frozen=True)
class Layer:
    """One place the library comes from: the bundled files, or one path a user named."""

    name: str
    files: tuple[Path, ...]


def library_files(path: Path) -> tuple[Path, ...]:
    """The library files a path stands for: the file itself, or every YAML/CSV file below a folder."""
    if not path.exists():
        raise LibraryError(
            [Problem(str(path), "no such file or folder", expected="a folder, a YAML file or a CSV file")]
        )
    if path.is_dir():
        return tuple(sorted(p for p in path.rglob("*") if p.suffix.lower() in LIBRARY_SUFFIXES and p.is_file()))
    if path.suffix.lower() not in LIBRARY_SUFFIXES:
        raise LibraryError(
            [Problem(str(path), f"unsupported file type '{path.suffix or '(none)'}'", expected=".yaml, .yml or .csv")]
        )
    return (path,)


def library_layers(extra: Sequence[Path] = (), bundled: bool = True, env: str | None = None) -> list[Layer]:
    """The layers in the order they apply; `env` is PATHWAYS_LIBRARY (os.pathsep-separated)."""
    paths: list[Path] = [Path(p) for p in (env or "").split(os.pathsep) if p.strip()]
    paths += [Path(p) for p in extra]
    layers = [Layer("bundled", library_files(BUNDLED_LIBRARY))] if bundled else []
    layers += [Layer(str(p), library_files(p)) for p in paths]
    return layers
