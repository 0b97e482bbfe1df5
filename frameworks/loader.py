"""Load a library: find its files, read each one, then resolve every id across files and layers.

Layers are applied in order (bundled, then each PATHWAYS_LIBRARY path, then each --library path).
A later layer may redefine an id and so override it; the same id twice within one layer is an error.
All problems are collected and raised together, so one `validate` run shows everything to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from graphlib import TopologicalSorter

from rapidfuzz import process

from frameworks.csvform import csv_report
from frameworks.errors import LibraryError, Problem, display_path
from frameworks.levels import level_for_band
from frameworks.models import (
    CORE_SECTORS,
    FAMILIES,
    AnyOf,
    Competency,
    FrameworkFile,
    NeedsFile,
    Progression,
    ProgressionsFile,
    Qualification,
    QualificationsFile,
    Requirement,
    Role,
    RolesFile,
)
from frameworks.parse import FileReport, ParsedFile, yaml_report
from frameworks.route_checks import check_routes, item_ids
from frameworks.sources import BUNDLED_LIBRARY, Layer
from frameworks.supply import resolve_supply


@dataclass
class CompetencyEntry:
    """A competency with its place in its framework."""

    competency: Competency
    framework: str
    area: str
    area_name: str
    function: str
    function_name: str
    levels: tuple[int, int]


@dataclass
class Library:
    """Everything loaded and resolved: every id below is qualified (`namespace:id`)."""

    frameworks: dict[str, FrameworkFile] = field(default_factory=dict)
    competencies: dict[str, CompetencyEntry] = field(default_factory=dict)
    roles: dict[str, Role] = field(default_factory=dict)
    qualifications: dict[str, Qualification] = field(default_factory=dict)
    progressions: list[Progression] = field(default_factory=list)
    sectors: dict[str, str] = field(default_factory=lambda: dict(CORE_SECTORS))
    files: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    team_templates: dict[str, NeedsFile] = field(default_factory=dict)
    families: dict[str, str] = field(default_factory=lambda: dict(FAMILIES))
    # what each role takes from the roles it builds on: (requirement, role it came from), own entries excluded
    inherited: dict[str, list[tuple[Requirement, str]]] = field(default_factory=dict)
    # staff in post, vacancies and turnover: {areas, staff_groups, figures} as plain data (frameworks/supply.py)
    supply: dict = field(default_factory=lambda: {"areas": {}, "staff_groups": {}, "figures": []})


def load_library(layers: Sequence[Layer]) -> Library:
    """Read and resolve every file of every layer; raises LibraryError listing all problems."""
    parsed: list[ParsedFile] = []
    problems: list[Problem] = []
    broken: dict[str, set[str]] = {}
    for index, layer in enumerate(layers):
        for path in layer.files:
            shown = display_path(path) if layer.name != "bundled" else f"<bundled>/{path.relative_to(BUNDLED_LIBRARY)}"
            try:
                report: FileReport = (csv_report if path.suffix.lower() == ".csv" else yaml_report)(path, shown, index)
            except LibraryError as err:
                problems.extend(err.problems)
                continue
            parsed.extend(report.parsed)
            problems.extend(report.problems)
            for space, ids in report.broken.items():
                broken.setdefault(space, set()).update(ids)
    library = _Resolver(parsed, [layer.name for layer in layers], broken).resolve(problems)
    if problems:
        raise LibraryError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    return library


@dataclass
class _Definition:
    obj: object
    source: ParsedFile
    loc: tuple
    namespace: str


class _Resolver:
    """Registers every definition, applies overrides, then checks and qualifies every reference."""

    def __init__(self, parsed: list[ParsedFile], layer_names: list[str], broken: dict[str, set[str]] | None = None):
        self.parsed = parsed
        self.broken = broken or {}  # ids defined by items that failed their own checks, per id space
        self.layer_names = layer_names
        self.library = Library(files=sorted({p.shown for p in parsed}))
        self.qualification_definitions: dict[str, _Definition] = {}
        self.link_lines: dict[tuple[str, str], str] = {}

    def resolve(self, problems: list[Problem]) -> Library:
        self.problems = problems
        frameworks = self._register(FrameworkFile, lambda m: [((), m, m.id)])
        roles = self._register(RolesFile, lambda m: [(("roles", i), r, r.id) for i, r in enumerate(m.roles)])
        quals = self._register(
            QualificationsFile, lambda m: [(("qualifications", i), q, q.id) for i, q in enumerate(m.qualifications)]
        )
        for p in self.parsed:
            if isinstance(p.model, RolesFile):
                self.library.sectors.update({k: v for k, v in p.model.sectors.items()})
                self.library.families.update({k: v for k, v in p.model.families.items()})
        self._index_competencies(frameworks)
        self._resolve_distinct(frameworks)
        self.library.frameworks = {qid: d.obj for qid, d in frameworks.items()}  # type: ignore[misc]
        self.role_ids = set(roles)
        self.qual_ids = set(quals)
        for qid, d in roles.items():
            self._resolve_role(qid, d)
        for qid, d in quals.items():
            self._resolve_qualification(qid, d)
        self._check_prerequisite_cycles()
        self._resolve_builds_on(roles)
        self._resolve_progressions()
        self._check_progression_directions()
        check_routes(self.library, self.link_lines)
        for qid, d in self._register(NeedsFile, lambda m: [((), m, m.id)]).items():
            self._resolve_needs(qid, d)
        self.library.supply = resolve_supply(
            self.parsed, self.library.roles, self.library.families, self._reference, self.problems
        )
        return self.library

    def _register(self, file_cls: type, items) -> dict[str, _Definition]:
        """Collect definitions of one kind; later layers override, duplicates within a layer are errors."""
        found: dict[str, _Definition] = {}
        for p in self.parsed:
            if not isinstance(p.model, file_cls):
                continue
            for loc, obj, local_id in items(p.model):
                qid = f"{p.model.namespace}:{local_id}"
                earlier = found.get(qid)
                if earlier and earlier.source.layer == p.layer:
                    self.problems.append(
                        p.problem(
                            loc + ("id",),
                            f"duplicate id '{qid}', already defined in {earlier.source.shown}"
                            f" line {earlier.source.line(*earlier.loc)}",
                            expected="each id defined once per library",
                        )
                    )
                    continue
                if earlier:
                    self.library.notices.append(f"{qid} from {earlier.source.shown} is overridden by {p.shown}")
                found[qid] = _Definition(obj, p, loc, p.model.namespace)
                if getattr(obj, "source", True) is None and getattr(p.model, "source", None):
                    obj.source = p.model.source  # the file-level source applies to each item
        return found

    def _index_competencies(self, frameworks: dict[str, _Definition]) -> None:
        for fqid, d in frameworks.items():
            fw: FrameworkFile = d.obj  # type: ignore[assignment]
            scale = (min(fw.levels), max(fw.levels))
            for ai, area in enumerate(fw.areas):
                for fi, function in enumerate(area.functions):
                    for ci, comp in enumerate(function.competencies):
                        qid = f"{fw.namespace}:{comp.id}"
                        if qid in self.library.competencies:
                            other = self.library.competencies[qid].framework
                            self.problems.append(
                                d.source.problem(
                                    ("areas", ai, "functions", fi, "competencies", ci, "id"),
                                    f"duplicate competency id '{qid}', also in framework {other}",
                                    expected="competency ids unique within a namespace",
                                )
                            )
                            continue
                        comp.id = qid
                        self.library.competencies[qid] = CompetencyEntry(
                            comp, fqid, area.id, area.name, function.id, function.name, scale
                        )

    def _resolve_distinct(self, frameworks: dict[str, _Definition]) -> None:
        """Qualify each competency's `distinct_from` (related skills never to be matched as one)."""
        for d in frameworks.values():
            fw: FrameworkFile = d.obj  # type: ignore[assignment]
            for ai, area in enumerate(fw.areas):
                for fi, function in enumerate(area.functions):
                    for ci, comp in enumerate(function.competencies):
                        loc = ("areas", ai, "functions", fi, "competencies", ci, "distinct_from")
                        comp.distinct_from = [
                            found
                            for j, ref in enumerate(comp.distinct_from)
                            if (
                                found := self._reference(
                                    ref, fw.namespace, self.library.competencies, "competency", d.source, loc + (j,)
                                )
                            )
                        ]

    def _reference(
        self, ref: str, namespace: str, known: Iterable[str], what: str, source: ParsedFile, loc: tuple
    ) -> str | None:
        """Qualify a reference: own namespace first, then the one namespace that has it."""
        known = known if isinstance(known, (set, dict)) else set(known)
        if ":" in ref:
            if ref in known:
                return ref
            candidates: list[str] = []
        else:
            if f"{namespace}:{ref}" in known:
                return f"{namespace}:{ref}"
            candidates = sorted(k for k in known if k.split(":", 1)[1] == ref)
            if len(candidates) == 1:
                return candidates[0]
        if candidates:
            self.problems.append(
                source.problem(loc, f"{what} '{ref}' is ambiguous", expected="one of " + ", ".join(candidates))
            )
            return None
        broken = self.broken.get(what, set())
        if ref in broken or (":" not in ref and any(b.split(":", 1)[1] == ref for b in broken)):
            return None  # defined, but failed its own checks: that problem is already reported
        near = [m[0] for m in process.extract(ref, list(known), limit=3, score_cutoff=60)]
        hint = "; did you mean " + " or ".join(f"'{n}'" for n in near) + "?" if near else ""
        self.problems.append(
            source.problem(loc, f"unknown {what} '{ref}'{hint}", expected=f"the id of a {what} in the library")
        )
        return None

    def _resolve_role(self, qid: str, d: _Definition) -> None:
        role: Role = d.obj  # type: ignore[assignment]
        if role.sector not in self.library.sectors:
            self.problems.append(
                d.source.problem(
                    d.loc + ("sector",),
                    f"unknown sector '{role.sector}'",
                    expected="one of " + ", ".join(sorted(self.library.sectors)) + " (or declare it under 'sectors')",
                )
            )
        seen: dict[str, int] = {}
        for i, req in enumerate(role.requirements):
            loc = d.loc + ("requirements", i, "competency")
            ref = self._reference(req.competency, d.namespace, self.library.competencies, "competency", d.source, loc)
            if ref is None:
                continue
            if ref in seen:
                self.problems.append(
                    d.source.problem(
                        loc,
                        f"competency '{ref}' is required twice (also requirements[{seen[ref]}])",
                        expected="each competency once per role",
                    )
                )
            seen[ref] = i
            req.competency = ref
            self._check_level(req.level, ref, d, d.loc + ("requirements", i, "level"))
        required = role.qualifications.required
        for i, item in enumerate(required):
            loc = d.loc + ("qualifications", "required", i)
            required[i] = self._qualification_item(item, d.namespace, d.source, loc)
        named: dict[str, int] = {}
        for i, item in enumerate(required):
            for named_id in item.any_of if isinstance(item, AnyOf) else [item]:
                if named_id in named:
                    where = "the same item" if named[named_id] == i else f"required[{named[named_id]}]"
                    self.problems.append(
                        d.source.problem(
                            d.loc + ("qualifications", "required", i),
                            f"qualification '{named_id}' is named twice (also in {where})",
                            expected="each qualification once among a role's required items",
                        )
                    )
                named.setdefault(named_id, i)
        desirable = role.qualifications.desirable
        for i, ref in enumerate(desirable):
            loc = d.loc + ("qualifications", "desirable", i)
            desirable[i] = self._reference(ref, d.namespace, self.qual_ids, "qualification", d.source, loc) or ref
        held = role.qualifications.usually_held
        for i, ref in enumerate(held):
            loc = d.loc + ("qualifications", "usually_held", i)
            resolved = self._reference(ref, d.namespace, self.qual_ids, "qualification", d.source, loc)
            held[i] = resolved or ref
            if resolved is not None and resolved in named:
                self.problems.append(
                    d.source.problem(
                        loc,
                        f"qualification '{ref}' is required, so every postholder holds it already",
                        expected="only desirable qualifications under usually_held",
                    )
                )
            elif resolved is not None and resolved not in desirable:
                self.problems.append(
                    d.source.problem(
                        loc,
                        f"qualification '{ref}' is usually held but not listed as desirable",
                        expected="each usually_held qualification also under desirable",
                    )
                )
        if role.family is not None and role.family not in self.library.families:
            near = process.extractOne(role.family, list(self.library.families), score_cutoff=60)
            hint = f"; did you mean '{near[0]}'?" if near else ""
            self.problems.append(
                d.source.problem(
                    d.loc + ("family",),
                    f"unknown career family '{role.family}'{hint}",
                    expected="one of " + ", ".join(sorted(self.library.families)) + " (or declare it under 'families')",
                )
            )
        role.id = qid
        if not role.source:
            self.library.warnings.append(f"{d.source.shown}: role {qid} names no source")
        if role.band is not None and abs(level_for_band(role.band) - role.level) > 1:
            self.library.warnings.append(
                f"{d.source.shown}:{d.source.line(*d.loc, 'band')}: role {qid} is band {role.band} but level"
                f" {role.level}; band {role.band} usually sits at level {level_for_band(role.band)} (one level"
                " either way is normal, see README 'Bands and levels')"
            )
        self.library.roles[qid] = role

    _unresolved = False  # set when a qualification item named an unknown id (its problem is recorded)

    def _qualification_item(self, item: str | AnyOf, namespace: str, source: ParsedFile, loc: tuple) -> str | AnyOf:
        """Qualify a qualification reference, or each alternative of an {any_of: [...]} group."""
        if isinstance(item, AnyOf):
            for j, ref in enumerate(item.any_of):
                found = self._reference(ref, namespace, self.qual_ids, "qualification", source, loc + ("any_of", j))
                self._unresolved |= found is None
                item.any_of[j] = found or ref
            return item
        found = self._reference(item, namespace, self.qual_ids, "qualification", source, loc)
        self._unresolved |= found is None
        return found or item

    def _resolve_builds_on(self, roles: dict[str, _Definition]) -> None:
        """Qualify `builds_on`, refuse loops, and work out what each role inherits: the requirements of the
        roles it builds on (recursively), at the higher level where two give the same competency, except
        the competencies the role states itself."""
        library = self.library
        for d in roles.values():
            role: Role = d.obj  # type: ignore[assignment]
            refs = [
                self._reference(ref, d.namespace, self.role_ids, "role", d.source, d.loc + ("builds_on", i))
                for i, ref in enumerate(role.builds_on)
            ]
            role.builds_on = [r for r in refs if r is not None and r in library.roles]
        edges = {qid: list(role.builds_on) for qid, role in library.roles.items()}
        looping = set()
        for qid, cycle in find_cycles(edges):
            d = roles[qid]
            looping.update(cycle)
            self.problems.append(
                d.source.problem(
                    d.loc + ("builds_on",),
                    "builds_on leads round in a circle: " + " -> ".join(cycle),
                    expected="a role to build on the roles below it, never on itself",
                )
            )
        bases = {
            qid: [b for b in role.builds_on if b not in looping]
            for qid, role in library.roles.items()
            if qid not in looping
        }
        order = TopologicalSorter(bases).static_order()  # bases before the roles built on them, without recursion
        effective: dict[str, dict[str, tuple[Requirement, str]]] = {}
        for qid in order:
            role = library.roles[qid]
            merged: dict[str, tuple[Requirement, str]] = {}
            for base in role.builds_on:
                for comp, (req, origin) in effective.get(base, {}).items():
                    held = merged.get(comp)
                    if held is None or req.level > held[0].level:
                        merged[comp] = (req, origin)
            own = {r.competency for r in role.requirements}
            library.inherited[qid] = [pair for comp, pair in sorted(merged.items()) if comp not in own]
            effective[qid] = {**merged, **{r.competency: (r, qid) for r in role.requirements}}

    def _check_level(self, level: int, competency: str, d: _Definition, loc: tuple) -> None:
        low, high = self.library.competencies[competency].levels
        if not low <= level <= high:
            framework = self.library.competencies[competency].framework
            self.problems.append(
                d.source.problem(
                    loc,
                    f"level {level} is outside the scale of framework {framework}",
                    expected=f"an integer from {low} to {high}",
                )
            )

    def _resolve_qualification(self, qid: str, d: _Definition) -> None:
        qual: Qualification = d.obj  # type: ignore[assignment]
        for i, dev in enumerate(qual.develops):
            loc = d.loc + ("develops", i, "competency")
            ref = self._reference(dev.competency, d.namespace, self.library.competencies, "competency", d.source, loc)
            if ref is not None:
                dev.competency = ref
                self._check_level(dev.level, ref, d, d.loc + ("develops", i, "level"))
        for i, item in enumerate(qual.prerequisites):
            qual.prerequisites[i] = self._qualification_item(item, d.namespace, d.source, d.loc + ("prerequisites", i))
        for i, other in enumerate(qual.counts_as):
            loc = d.loc + ("counts_as", i)
            qual.counts_as[i] = self._qualification_item(other, d.namespace, d.source, loc)  # type: ignore[assignment]
            if qual.counts_as[i] == qid:
                self.problems.append(
                    d.source.problem(loc, f"{qid} counts as itself", expected="another qualification's id")
                )
        qual.id = qid
        self.qualification_definitions[qid] = d
        self.library.qualifications[qid] = qual

    def _check_prerequisite_cycles(self) -> None:
        """Prerequisites must not loop: a course cannot require itself, however indirectly; nor can
        `counts_as`, alone or with prerequisites (it goes one way: two qualifications that count as each
        other would be one). Counting as itself is reported where the id is resolved."""
        quals = self.library.qualifications
        needs = {qid: [p for p in item_ids(q.prerequisites) if p in quals] for qid, q in quals.items()}
        both = {qid: needs[qid] + [p for p in q.counts_as if p in quals and p != qid] for qid, q in quals.items()}
        for key, edges in (("prerequisites", needs), ("counts_as", both)):
            for qid, cycle in find_cycles(edges):
                if key == "counts_as" and all(b in needs[a] for a, b in zip(cycle, cycle[1:], strict=False)):
                    continue  # prerequisites alone: reported above
                d = self.qualification_definitions[qid]
                self.problems.append(
                    d.source.problem(
                        d.loc + (key,),
                        f"{key} form a cycle: " + " -> ".join(cycle),
                        expected=f"{key} that never lead back to the same qualification",
                    )
                )

    def _resolve_needs(self, qid: str, d: _Definition) -> None:
        """A team template: competency needs and the roles its rules name must exist."""
        needs: NeedsFile = d.obj  # type: ignore[assignment]
        for i, need in enumerate(needs.needs):
            if need.competency is None:
                continue
            loc = ("needs", i, "competency")
            ref = self._reference(need.competency, d.namespace, self.library.competencies, "competency", d.source, loc)
            if ref is not None:
                need.competency = ref
                self._check_level(need.level, ref, d, ("needs", i, "level"))
        rules = needs.rules
        for group in ("min_roles", "max_roles"):
            resolved = {}
            for role, count in getattr(rules, group).items():
                ref = self._reference(role, d.namespace, self.role_ids, "role", d.source, ("rules", group, role))
                resolved[ref or role] = count
            setattr(rules, group, resolved)
        rules.exclude = [
            self._reference(r, d.namespace, self.role_ids, "role", d.source, ("rules", "exclude", i)) or r
            for i, r in enumerate(rules.exclude)
        ]
        for sector in rules.sector_share:
            if sector not in self.library.sectors:
                self.problems.append(
                    d.source.problem(
                        ("rules", "sector_share", sector),
                        f"unknown sector '{sector}'",
                        expected="one of " + ", ".join(sorted(self.library.sectors)),
                    )
                )
        needs.id = qid
        self.library.team_templates[qid] = needs

    def _resolve_progressions(self) -> None:
        by_pair: dict[tuple[str, str], tuple[ParsedFile, int]] = {}
        for p in self.parsed:
            if not isinstance(p.model, ProgressionsFile):
                continue
            for i, link in enumerate(p.model.progressions):
                loc = ("progressions", i)
                ns = p.model.namespace
                start = self._reference(link.from_role, ns, self.role_ids, "role", p, loc + ("from",))
                end = self._reference(link.to_role, ns, self.role_ids, "role", p, loc + ("to",))
                self._unresolved = False
                via = [self._qualification_item(q, ns, p, loc + ("via", j)) for j, q in enumerate(link.via)]
                if start is None or end is None or self._unresolved:
                    continue
                if start == end:
                    self.problems.append(
                        p.problem(
                            loc + ("to",), f"a progression from {start} to itself", expected="a different role in 'to'"
                        )
                    )
                    continue
                pair = (start, end)
                if pair in by_pair and by_pair[pair][0].layer == p.layer:
                    first = by_pair[pair][0]
                    self.problems.append(
                        p.problem(
                            loc,
                            f"progression {start} -> {end} is given twice (also in {first.shown})",
                            expected="one link per pair of roles",
                        )
                    )
                    continue
                if pair in by_pair:
                    self.library.notices.append(f"progression {start} -> {end} is overridden by {p.shown}")
                link.from_role, link.to_role, link.via = start, end, via  # type: ignore[assignment]
                if not link.source and p.model.source:
                    link.source = p.model.source
                by_pair[pair] = (p, i)
                self.library.progressions = [
                    x for x in self.library.progressions if (x.from_role, x.to_role) != pair
                ] + [link]
                self.link_lines[pair] = f"{p.shown}:{p.line(*loc)}"

    def _check_progression_directions(self) -> None:
        """Warn about links that go down a level and links that lead round in a circle (other than a
        two-way sideways move): both are allowed, a move into another sector may start lower, but both
        are usually a slip."""
        roles = self.library.roles
        edges: dict[str, list[str]] = {}
        for link in self.library.progressions:
            start, end = roles[link.from_role], roles[link.to_role]
            where = self.link_lines[(link.from_role, link.to_role)]
            edges.setdefault(link.from_role, []).append(link.to_role)
            if end.level < start.level:
                self.library.warnings.append(
                    f"{where}: progression {link.from_role} -> {link.to_role} goes down from level {start.level}"
                    f" to level {end.level}"
                )
        for node, cycle in find_cycles(edges):
            if len(cycle) == 3 and roles[cycle[0]].level == roles[cycle[1]].level:
                continue  # a two-way move between roles at the same level is a normal sideways move
            where = self.link_lines[(node, cycle[-1])]
            self.library.warnings.append(f"{where}: progressions lead round in a circle: " + " -> ".join(cycle))


def find_cycles(edges: dict[str, list[str]]) -> list[tuple[str, list[str]]]:
    """Every back edge of a depth-first walk, as (node it leaves, cycle it closes); iterative, so a
    chain of thousands of links cannot exhaust the stack. Nodes missing from `edges` have no links."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    found: list[tuple[str, list[str]]] = []
    for root in sorted(edges):
        if root in state:
            continue
        state[root] = 1
        path, pending = [root], [iter(edges.get(root, ()))]
        while pending:
            nxt = next(pending[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(nxt) == 1:
                found.append((path[-1], path[path.index(nxt) :] + [nxt]))
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                pending.append(iter(edges.get(nxt, ())))
    return found
