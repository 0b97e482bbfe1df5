"""The small records every answer shares (a role in a list, a qualification named, a reading of words), kept
apart from the library questions so that a route or team answer loads only what it gives back."""

from __future__ import annotations

from dataclasses import dataclass

SourceRef = dict[str, str]  # title, and publisher, url, date, note where the file gives them


@dataclass
class Resolution:
    """Words a person or a needs file wrote, and the library competency they were taken to mean (None:
    nothing close enough), so the reader can check the reading."""

    text: str
    resolves_to: str | None
    label: str | None


@dataclass
class RoleSummary:
    """A role in a list: who it is, where it sits, and how many requirements it has."""

    id: str
    title: str
    aliases: list[str]
    sector: str
    settings: list[str]
    band: str | None
    level: int
    family: str | None
    requirements: int


@dataclass
class QualificationRef:
    """A qualification named in an answer: its id and title."""

    id: str
    title: str
