"""Library questions: which roles, frameworks and qualifications there are, and each one in full.

The records come from graph.queries (which reads the graph); here they become typed results, so the CLI,
the web page and Python callers share one shape, and `pathways schema result-KIND` can describe it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pathways.demand import SupplyFigure
from pathways.errors import QuestionError
from pathways.refs import QualificationRef, RoleSummary, SourceRef
from pathways.results import digits, named

if TYPE_CHECKING:
    import networkx as nx


@dataclass
class RoleMatch(RoleSummary):
    """A role found by `roles search`, with how well it matched and on which text."""

    score: float = digits(1, default=0.0)
    matched: str = ""
    matched_text: str = ""


@dataclass
class Requirement:
    competency: str
    label: str
    framework: str
    level: int
    essential: bool
    inherited_from: str | None = None


@dataclass
class AnyOf:
    any_of: list[QualificationRef]


@dataclass
class RoleQualifications:
    """What a role asks for: required items (an id or alternatives), desirable ones, and the desirable ones most
    people in post hold (routes from the role take those as held)."""

    required: list[QualificationRef | AnyOf]
    desirable: list[QualificationRef]
    usually_held: list[QualificationRef] = field(default_factory=list)


@dataclass
class Pay:
    min: float
    max: float
    period: str
    currency: str = "GBP"
    basis: str | None = None


@dataclass
class Entry:
    checks: list[str]
    experience_months: float = 0.0
    note: str | None = None


@dataclass
class MoveOut:
    role: str
    title: str
    via: list[str | dict[str, list[str]]]
    months: float
    experience_months: float = 0.0


@dataclass
class MoveIn:
    role: str
    title: str


@dataclass
class RoleRecord:
    """A role in full (`roles show`)."""

    id: str
    title: str
    aliases: list[str]
    sector: str
    settings: list[str]
    band: str | None
    level: int
    family: str | None
    requirements: list[Requirement]
    summary: str
    pay: Pay | None
    builds_on: list[str]
    entry: Entry | None
    top: str | None
    qualifications: RoleQualifications
    progresses_to: list[MoveOut]
    progresses_from: list[MoveIn]
    source: list[SourceRef]
    supply: list[SupplyFigure] | None = None  # with an area (`roles show --area`): its figures, [] if none


@dataclass
class FrameworkRow:
    id: str
    name: str
    version: str | None
    levels: str
    areas: int
    functions: int
    competencies: int


@dataclass
class CompetencyEntry:
    id: str
    label: str
    statement: str
    keywords: list[str] = field(default_factory=list)


@dataclass
class FunctionEntry:
    id: str
    name: str
    competencies: list[CompetencyEntry]


@dataclass
class AreaEntry:
    id: str
    name: str
    functions: list[FunctionEntry]


@dataclass
class FrameworkRecord:
    """A framework in full (`frameworks show`): levels, then areas > functions > competencies."""

    id: str
    name: str
    version: str | None
    description: str | None
    levels: dict[str, str]
    areas: list[AreaEntry]
    source: list[SourceRef]


@dataclass
class QualificationRow:
    id: str
    title: str
    kind: str
    code: str | None
    rqf_level: int | None
    months: float
    experience_months: float = 0.0


@dataclass
class CompetencyLevel:
    competency: str
    label: str
    level: int


@dataclass
class RoleRef:
    role: str
    title: str


@dataclass
class MoveRef:
    from_: str = named("from")
    to: str = ""


@dataclass
class QualificationRecord(QualificationRow):
    """A qualification in full (`qualifications show`): what it needs first, develops, and who asks for it."""

    prerequisites: list[QualificationRef | AnyOf] = field(default_factory=list)
    counts_as: list[QualificationRef] = field(default_factory=list)
    develops: list[CompetencyLevel] = field(default_factory=list)
    required_by: list[RoleRef] = field(default_factory=list)
    desirable_for: list[RoleRef] = field(default_factory=list)
    on_moves: list[MoveRef] = field(default_factory=list)
    note: str | None = None
    source: list[SourceRef] = field(default_factory=list)


RoleList = list[RoleSummary]
FindResults = list[RoleMatch]
FrameworkList = list[FrameworkRow]
QualificationList = list[QualificationRow]


# -- building the typed records from graph.queries' dicts ---------------------------------------------
def _sources(items: list[dict]) -> list[SourceRef]:
    return [dict(s) for s in items]


def _qual_item(item: dict) -> QualificationRef | AnyOf:
    if "any_of" in item:
        return AnyOf([QualificationRef(**q) for q in item["any_of"]])
    return QualificationRef(item["id"], item["title"])


def role_record(graph: nx.MultiDiGraph, qid: str) -> RoleRecord:
    from graph.build import node_id
    from graph.queries import role_record as record_of

    d: dict[str, Any] = record_of(graph, node_id("Role", qid))
    quals = d["qualifications"]
    return RoleRecord(
        **{k: d[k] for k in ("id", "title", "aliases", "sector", "settings", "band", "level", "family")},
        requirements=[Requirement(**r) for r in d["requirements"]],
        summary=d["summary"],
        pay=Pay(**d["pay"]) if d["pay"] else None,
        builds_on=d["builds_on"],
        entry=Entry(**d["entry"]) if d["entry"] else None,
        top=d["top"],
        qualifications=RoleQualifications(
            [_qual_item(q) for q in quals["required"]],
            [QualificationRef(**q) for q in quals["desirable"]],
            [QualificationRef(**q) for q in quals["usually_held"]],
        ),
        progresses_to=[MoveOut(**m) for m in d["progresses_to"]],
        progresses_from=[MoveIn(**m) for m in d["progresses_from"]],
        source=_sources(d["source"]),
    )


def list_roles(graph: nx.MultiDiGraph, sector: str | None, band: str | None, level: int | None) -> RoleList:
    from graph.queries import band_level_conflict
    from graph.queries import list_roles as rows_of

    conflict = band_level_conflict(graph, sector, band, level)
    if conflict:
        raise QuestionError(conflict)
    return [RoleSummary(**row) for row in rows_of(graph, sector=sector, band=band, level=level)]


def search_roles(graph: nx.MultiDiGraph, text: str, top: int) -> FindResults:
    from graph.queries import search_roles as rows_of

    return [RoleMatch(**row) for row in rows_of(graph, text, top)]


def list_frameworks(graph: nx.MultiDiGraph) -> FrameworkList:
    from graph.queries import list_frameworks as rows_of

    return [FrameworkRow(**row) for row in rows_of(graph)]


def framework_record(graph: nx.MultiDiGraph, qid: str) -> FrameworkRecord:
    from graph.queries import framework_record as record_of

    d = record_of(graph, qid)

    def function(f: dict) -> FunctionEntry:
        return FunctionEntry(f["id"], f["name"], [CompetencyEntry(**c) for c in f["competencies"]])

    areas = [AreaEntry(a["id"], a["name"], [function(f) for f in a["functions"]]) for a in d["areas"]]
    levels = {str(k): v for k, v in d["levels"].items()}
    return FrameworkRecord(d["id"], d["name"], d["version"], d.get("description"), levels, areas, _sources(d["source"]))


def list_qualifications(graph: nx.MultiDiGraph, kind: str | None, level: int | None) -> QualificationList:
    """Qualifications of one kind and RQF level; an unknown kind is refused with the nearest known one."""
    from graph.queries import list_qualifications as rows_of
    from graph.queries import qualification_kinds

    kinds = qualification_kinds(graph)
    if kind is not None and kind not in kinds:
        from rapidfuzz import fuzz, process

        near = process.extractOne(kind, kinds, scorer=fuzz.ratio, score_cutoff=60)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        raise QuestionError(f"unknown kind '{kind}'; known: {', '.join(kinds)}.{hint}")
    return [QualificationRow(**row) for row in rows_of(graph, kind, level)]


def qualification_record(graph: nx.MultiDiGraph, qid: str) -> QualificationRecord:
    from graph.build import node_id
    from graph.queries import qualification_record as record_of

    d = record_of(graph, node_id("Qualification", qid))
    return QualificationRecord(
        **{k: d[k] for k in ("id", "title", "kind", "code", "rqf_level", "months", "experience_months")},
        prerequisites=[_qual_item(p) for p in d["prerequisites"]],
        counts_as=[QualificationRef(**q) for q in d["counts_as"]],
        develops=[CompetencyLevel(**c) for c in d["develops"]],
        required_by=[RoleRef(**r) for r in d["required_by"]],
        desirable_for=[RoleRef(**r) for r in d["desirable_for"]],
        on_moves=[MoveRef(m["from"], m["to"]) for m in d["on_moves"]],
        note=d["note"],
        source=_sources(d["source"]),
    )


# -- the library as a whole: is it valid, how big is its graph, which team templates it ships ------------
@dataclass
class ValidLibrary:
    """`validate` on a library that loads: how much it holds, and what it noticed."""

    valid: bool
    files: int
    frameworks: int
    competencies: int
    roles: int
    qualifications: int
    progressions: int
    supply_figures: int
    notices: list[str]
    warnings: list[str]


@dataclass
class ProblemRecord:
    """A problem as `validate --format json` lists it: where (file, line, key path), what, what was expected."""

    file: str
    line: int | None
    key: str
    message: str
    expected: str


@dataclass
class InvalidLibrary:
    """`validate` on a library that does not load: every problem, located."""

    valid: bool
    problems: list[ProblemRecord]


Validation = ValidLibrary | InvalidLibrary


def validate(layers_of: Callable[[], list]) -> Validation:
    """Load the library's layers and say whether it is valid; `layers_of` may itself refuse a path."""
    from frameworks.errors import LibraryError
    from frameworks.loader import load_library

    try:
        library = load_library(layers_of())
    except LibraryError as err:
        problems = [ProblemRecord(p.file, p.line, p.key, p.message, p.expected) for p in err.problems]
        return InvalidLibrary(False, problems)
    return ValidLibrary(
        True,
        len(library.files),
        len(library.frameworks),
        len(library.competencies),
        len(library.roles),
        len(library.qualifications),
        len(library.progressions),
        len(library.supply["figures"]),
        list(library.notices),
        list(library.warnings),
    )


@dataclass
class GraphStats:
    """Nodes by kind and edges by type (`graph stats`, `graph build`)."""

    nodes: dict[str, int]
    edges: dict[str, int]
    total_nodes: int
    total_edges: int


def graph_stats(graph: nx.MultiDiGraph) -> GraphStats:
    from graph.queries import graph_stats as counts

    return GraphStats(**counts(graph))


@dataclass
class TeamTemplate:
    """A bundled needs template: use its id as NEEDS in team design and assess."""

    id: str
    title: str
    needs: int
    population: int | None
    source: list[str]


TeamTemplates = list[TeamTemplate]


def team_templates(graph: nx.MultiDiGraph) -> TeamTemplates:
    return [
        TeamTemplate(qid, t["title"], len(t["needs"]), t.get("population"), [s["title"] for s in t.get("source") or []])
        for qid, t in sorted(graph.graph.get("team_templates", {}).items())
    ]
