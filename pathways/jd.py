"""Job descriptions drafted from role profiles, and blended roles made from several.

A job description is a typed result (`JobDescription`); its JSON form is the `jd --format json` contract and
what templates get, and cli/ renders it as Markdown, text or DOCX.
Duties are the role's competency statements, which say what the postholder does in the present tense
("Measures and records ..."), grouped by framework area, deepest first. The person specification splits essential
from desirable: qualifications, then knowledge and skills with the level each is needed at.

Everything here is read by the reader of a job advert, so every sentence it writes starts with a capital
letter, the purpose comes from the role summary's opening (what the job is), never from the notes the
library keeps about its sources, and pay is shown as the library records it, with its basis and date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from frameworks.levels import AFC_BANDS, CAREER_FRAMEWORK_LEVELS, level_for_band
from graph.build import alternatives, node_id
from graph.overlap import Need, match_skills, role_needs
from graph.queries import role_record
from pathways.errors import QuestionError
from pathways.results import digits, named

if TYPE_CHECKING:
    import networkx as nx

    from graph.matching import Matcher


# -- the answer (its JSON form is the README's "jd --format json" contract, and what templates get) ------


@dataclass
class Duty:
    duty: str
    competency: str
    level: int
    essential: bool
    merged_from: list[str]


@dataclass
class Responsibilities:
    """The duties of one framework area, deepest first."""

    area: str
    duties: list[Duty]


@dataclass
class KnowledgeAndSkill:
    label: str
    level: int
    level_means: str


@dataclass
class SpecGroup:
    qualifications: list[str]
    knowledge_and_skills: list[KnowledgeAndSkill]
    experience: list[str]


@dataclass
class PersonSpecification:
    essential: SpecGroup
    desirable: SpecGroup


@dataclass
class Move:
    """One place the postholder can go next (`known`: a progression link the library records; else the
    routes engine's), with the qualifications it goes through."""

    role: str
    title: str
    level: int
    months: float | None = digits(1)
    duration: str | None
    via: list[str]
    known: bool


@dataclass
class TrainingAndProgression:
    qualifications: list[str]
    progresses_to: list[Move]


@dataclass
class Pay:
    """Recorded pay with a readable figure (`text`) and the date the figure is for (`as_of`, or None)."""

    min: float
    max: float
    period: str
    currency: str
    basis: str | None
    as_of: str | None
    text: str


@dataclass
class PayOfRole:
    role: str
    title: str
    min: float
    max: float
    period: str
    currency: str
    basis: str | None
    as_of: str | None
    text: str


@dataclass
class Merge:
    """Two near-duplicate requirements collapsed into one (`kept`), with both statements."""

    kept: str
    merged: str
    statements: list[str]


@dataclass
class Asked:
    """The band and level the user asked for, and each way they disagree with the merged requirements."""

    band: str | None
    level: int | None
    conflicts: list[str]


@dataclass
class Blend:
    from_: list[str] = named("from")
    from_titles: list[str]
    pay_of_roles: list[PayOfRole]
    merged: list[Merge]
    shared: list[str]
    asked: Asked
    conflicts: list[str]
    suggested_level: int
    reason: str
    requirements_before: int
    requirements_after: int


@dataclass
class Source:
    kind: str
    id: str
    name: str
    sources: list[str]


@dataclass
class JobDescription:
    """A job description: of a library role (`role` its id), or of a blended role (`role` None, `blend`
    says how it was made)."""

    role: str | None
    title: str
    band: str | None
    level: int
    level_means: str
    sector: str
    sector_name: str
    settings: list[str]
    purpose: str
    responsibilities: list[Responsibilities]
    person_specification: PersonSpecification
    training_and_progression: TrainingAndProgression
    pay: Pay | None
    blend: Blend | None
    sources: list[Source]


# A blended role may sit one level above the roles it merges (a wider remit; NHS Education for Scotland
# puts level 2 at band 2/3, level 3 at band 3/4), but not further: nothing in the merged requirements
# would support it.
BLEND_LEVEL_HEADROOM = 1

_PERIOD = {"year": "a year", "month": "a month", "week": "a week", "hour": "an hour"}
_CURRENCY = {"GBP": "£", "EUR": "€", "USD": "$"}
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_DATES = (
    re.compile(rf"\b(?:\d{{1,2}} )?(?:{_MONTHS}) (?:19|20)\d\d\b"),  # "March 2025", "1 April 2025"
    re.compile(r"\b(?:19|20)\d\d/\d\d\b"),  # a financial year, "2025/26"
    re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b"),  # an ISO date
    re.compile(r"\b(?:19|20)\d\d\b"),  # a year
)


def duty(statement: str) -> str:
    """A competency statement as a duty statement: it already says what the postholder does, in the
    present tense ("Measures and records ..."), so it is kept whole and only tidied."""
    return sentence(statement)


def sentence(text: str) -> str:
    """Text as a sentence a reader sees: single-spaced, a capital first letter, a full stop at the end."""
    text = " ".join(text.split())
    if not text:
        return text
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def job_purpose(summary: str, title: str, level: int, settings: list[str]) -> str:
    """The job purpose: the summary's opening sentence, which says what the job is. The sentences after
    it are the library's notes about bands, sources and registration routes, written for the people who
    keep the library, not for someone reading a job advert."""
    text = " ".join(summary.split())
    first = re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0] if text else ""
    if first:
        return sentence(first)
    where = f" in {_and(settings)}" if settings else ""
    return sentence(f"Works as {_a(lower_title(title))}{where}, at Career Framework level {level}")


def pay_record(pay: dict | None) -> dict | None:
    """The role's recorded pay with a readable figure (`text`) and the date the figure is for (`as_of`,
    taken from its basis where the library gives one, else null)."""
    if not pay:
        return None
    symbol = _CURRENCY.get(pay.get("currency") or "GBP", f"{pay.get('currency')} ")
    period = pay.get("period") or "year"

    def money(value: float) -> str:
        return f"{symbol}{value:,.2f}" if period == "hour" or value != int(value) else f"{symbol}{value:,.0f}"

    low, high = float(pay["min"]), float(pay["max"])
    figure = money(low) if low == high else f"{money(low)} to {money(high)}"
    basis = (pay.get("basis") or "").strip().rstrip(".") or None  # shown inside brackets: no stray full stop
    as_of = next((m.group(0) for rx in _DATES if basis and (m := rx.search(basis))), None)
    return {**pay, "basis": basis, "as_of": as_of, "text": f"{figure} {_PERIOD.get(period, 'a ' + period)}"}


def _pay(pay: dict | None) -> Pay | None:
    """pay_record as a typed field (pay_record itself stays a dict: the routes sheet reads it too)."""
    record = pay_record(pay)
    return Pay(**{k: record[k] for k in Pay.__dataclass_fields__}) if record else None


def duration(months: float | None) -> str | None:
    """'about 18 months', 'about 1 month', or None when no time is recorded."""
    if not months:
        return None
    shown = round(months, 1)  # the figure a reader sees; the result keeps the exact months
    return f"about {shown:g} month{'' if shown == 1 else 's'}"


def lower_title(title: str) -> str:
    """A role title for the middle of a sentence: 'Care worker' -> 'care worker', 'GP receptionist' kept."""
    return title if title[1:2].isupper() else title[:1].lower() + title[1:]


def _a(phrase: str) -> str:
    acronym = phrase[1:2].isupper()
    vowel = phrase[:1] in "AEFHILMNORSX" if acronym else phrase[:1].lower() in "aeiou"
    return f"{'an' if vowel else 'a'} {phrase}"


def _experience(title: str) -> str:
    return f"Experience as {_a(lower_title(title))} or in a similar role"


def _sector_name(sectors: list[str]) -> str:
    return sentence(_and([s.replace("_", " ") for s in sectors])).rstrip(".")


def _competency(graph: nx.MultiDiGraph, cid: str) -> dict:
    return graph.nodes[node_id("Competency", cid)]


def _responsibilities(graph: nx.MultiDiGraph, requirements: list[dict]) -> list[Responsibilities]:
    groups: dict[str, list[Duty]] = {}
    for req in sorted(requirements, key=lambda r: (-r["level"], not r["essential"], r["competency"])):
        data = _competency(graph, req["competency"])
        groups.setdefault(data["area"], []).append(
            Duty(duty(data["statement"]), req["competency"], req["level"], req["essential"], req.get("merged_from", []))
        )
    return [Responsibilities(area, duties) for area, duties in groups.items()]


def _person_spec(
    graph: nx.MultiDiGraph, requirements: list[dict], quals: dict, experience: list[str]
) -> PersonSpecification:
    def group(essential: bool) -> SpecGroup:
        return SpecGroup(
            [qualification_title(q) for q in quals["required" if essential else "desirable"]],
            [
                KnowledgeAndSkill(
                    _competency(graph, r["competency"])["label"],
                    r["level"],
                    CAREER_FRAMEWORK_LEVELS.get(r["level"], ""),
                )
                for r in sorted(requirements, key=lambda r: (-r["level"], r["competency"]))
                if r["essential"] == essential
            ],
            experience if essential else [],
        )

    return PersonSpecification(group(True), group(False))


def _sources(graph: nx.MultiDiGraph, requirements: list[dict], extra: list[Source]) -> list[Source]:
    frameworks = sorted({_competency(graph, r["competency"])["framework"] for r in requirements})
    used = []
    for fid in frameworks:
        data = graph.nodes[node_id("Framework", fid)]
        used.append(Source("framework", fid, data["name"], [s["title"] for s in data["source"]]))
    return used + extra


def _move(graph: nx.MultiDiGraph, role: str, title: str, months: float | None, via: list[str], known: bool) -> Move:
    """One place the postholder can go next, in the one shape every renderer reads."""
    return Move(role, title, graph.nodes[node_id("Role", role)]["level"], months, duration(months), via, known)


def qualification_title(item: dict) -> str:
    """A role's qualification as a reader sees it: its title, or 'A or B' for a group of alternatives."""
    return " or ".join(q["title"] for q in item["any_of"]) if "any_of" in item else item["title"]


def _via_title(graph: nx.MultiDiGraph, item: str | dict) -> str:
    """A progression link's qualification (an id, or {any_of: [ids]}) as a title."""
    return " or ".join(graph.nodes[node_id("Qualification", q)]["title"] for q in alternatives(item))


def known_progressions(graph: nx.MultiDiGraph, record: dict) -> list[Move]:
    """The role's progression links from the library, with the qualifications each goes through."""
    return [
        _move(
            graph,
            p["role"],
            p["title"],
            p["months"],
            [_via_title(graph, q) for q in p["via"]],
            True,
        )
        for p in record["progresses_to"]
    ]


def progression(graph: nx.MultiDiGraph, matcher: Matcher, role: str, further: int = 3) -> list[Move]:
    """Where the postholder can go next: the role's known progressions (sourced), then the routes
    engine's best further destinations, up to two levels up."""
    from pathways.routes import RoutePlanner, start_from_role

    known = known_progressions(graph, role_record(graph, node_id("Role", role)))
    start = start_from_role(graph, role)
    found = RoutePlanner(graph, matcher).routes(start, cap=min(9, start.level + 2), max_steps=2, top=8)
    listed = {p.role for p in known}
    extra = [
        _move(
            graph,
            r.roles[-1],
            _field(r.steps[-1], "to_title"),
            r.months,
            [_field(t, "title") for s in r.steps for t in _field(s, "training") if _field(t, "kind") != "short_course"],
            False,
        )
        for r in found
        if r.roles[-1] not in listed
    ]
    return ordered_moves(known + extra[:further], start.level)


def _field(item, name: str):
    """A route step's (or training row's) field, whether the routes engine gives it as a dict or a record."""
    return item[name] if isinstance(item, dict) else getattr(item, name)


def ordered_moves(moves: list[Move], level: int) -> list[Move]:
    """Moves up first (nearest level, then quickest, unknown times last), then moves across. A move to a
    lower level is not progression for someone in this job, so it is left out."""
    return sorted(
        (m for m in moves if m.level >= level),
        key=lambda m: (m.level <= level, m.level, m.months is None, m.months or 0, m.title),
    )


def job_description(graph: nx.MultiDiGraph, role: str, progression: list[Move] | None = None) -> JobDescription:
    """The job description of a role: purpose, duties, person specification, pay, training and progression
    (`progression`: from `progression()`; without it, the role's known progression links)."""
    record = role_record(graph, node_id("Role", role))
    ladder = [m for m in record["progresses_from"] if m["role"] in record["builds_on"]]  # the rung below, if declared
    experience = [_experience(m["title"]) for m in ladder or record["progresses_from"]][:2]
    if record["level"] >= 3 and not experience:
        experience = ["Experience of health or social care work at the level below"]
    moves = (
        progression if progression is not None else ordered_moves(known_progressions(graph, record), record["level"])
    )
    return JobDescription(
        role=record["id"],
        title=record["title"],
        band=record["band"],
        level=record["level"],
        level_means=CAREER_FRAMEWORK_LEVELS.get(record["level"], ""),
        sector=record["sector"],
        sector_name=_sector_name([record["sector"]]),
        settings=record["settings"],
        purpose=job_purpose(record["summary"], record["title"], record["level"], record["settings"]),
        responsibilities=_responsibilities(graph, record["requirements"]),
        person_specification=_person_spec(graph, record["requirements"], record["qualifications"], experience),
        training_and_progression=TrainingAndProgression(
            [qualification_title(q) for q in record["qualifications"]["desirable"]], moves
        ),
        pay=_pay(record["pay"]),
        blend=None,
        sources=_sources(graph, record["requirements"], [_role_source(record)]),
    )


def draft(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    roles: list[str],
    title: str | None = None,
    band: str | None = None,
    level: int | None = None,
) -> JobDescription:
    """The job description users ask for: of one role (with where it leads, from the routes engine), or of
    a new role blended from several (titled `title`, at the `band` or `level` asked for). A blend without a
    title, a band or level for a single role, or an unknown band is a QuestionError."""
    if not roles:
        raise QuestionError("name a role for the job description")
    if band is not None and band.lower() not in AFC_BANDS:
        raise QuestionError(f"unknown Agenda for Change band '{band}'; expected one of {', '.join(AFC_BANDS)}")
    if len(roles) > 1:
        if not title:
            raise QuestionError("a blended role needs a title")
        return blend(graph, matcher, roles, title, band.lower() if band else None, level)
    if band or level:
        raise QuestionError("a band or level is for a blended role")
    return job_description(graph, roles[0], progression(graph, matcher, roles[0]))


def blend(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    roles: list[str],
    title: str,
    band: str | None = None,
    level: int | None = None,
) -> JobDescription:
    """One role made of several: requirements merged, near-duplicates collapsed (keeping the higher
    level, and saying which statements were merged), conflicts flagged, and a band/level suggested.
    A band or level the user asked for is kept as asked; if it sits below what the merged requirements
    need, or well above what they support, that is a conflict (listed in `asked.conflicts` too)."""
    records = [role_record(graph, node_id("Role", r)) for r in roles]
    titles = {r["id"]: r["title"] for r in records}
    kept: list[tuple[Need, dict]] = []  # (need, requirement) in the blended role
    merges, conflicts = [], []
    for record in records:
        needs = role_needs(graph, node_id("Role", record["id"]))
        by_id = {r["competency"]: r for r in record["requirements"]}
        for need in needs:
            req = {**by_id[need.competency], "from": [record["id"]]}
            match = _near_duplicate(kept, need, matcher)
            if match is None:
                kept.append((need, req))
                continue
            other_need, other = match
            keep_new = need.depth > other_need.depth
            winner, loser = (req, other) if keep_new else (other, req)
            merged = {
                **winner,
                "from": sorted(set(other["from"]) | set(req["from"])),
                "essential": other["essential"] or req["essential"],
                "merged_from": sorted({*other.get("merged_from", [other["competency"]]), req["competency"]}),
            }
            label = _competency(graph, need.competency)["label"]
            if abs(need.level - other_need.level) >= 2:
                conflicts.append(
                    f"'{label}' is needed at level {other_need.level} in "
                    f"{_and([titles[r] for r in other['from']])} but at level {need.level} in "
                    f"{record['title']}: kept level {max(need.level, other_need.level)}"
                )
            if other["essential"] != req["essential"]:
                conflicts.append(f"'{label}' is essential in one role and desirable in another: kept as essential")
            if other["competency"] != req["competency"]:
                merges.append(
                    {
                        "kept": winner["competency"],
                        "merged": loser["competency"],
                        "statements": [
                            duty(_competency(graph, winner["competency"])["statement"]),
                            duty(_competency(graph, loser["competency"])["statement"]),
                        ],
                    }
                )
            kept[kept.index(match)] = (need if keep_new else other_need, merged)
    requirements = [req for _, req in kept]
    suggested, reason = _suggest_level(records, requirements)
    chosen_level = level or (level_for_band(band) if band else None) or suggested
    asked = _asked_conflicts(requirements, suggested, band, level)
    quals = {
        "required": _union([r["qualifications"]["required"] for r in records]),
        "desirable": _union([r["qualifications"]["desirable"] for r in records]),
    }
    for record in records:
        for q in record["qualifications"]["required"]:
            lacking = [o["title"] for o in records if q not in o["qualifications"]["required"]]
            if lacking:
                others = _and([lower_title(t) for t in lacking])
                conflicts.append(
                    f"{record['title']} requires {qualification_title(q)}, which {others} "
                    f"{'does' if len(lacking) == 1 else 'do'} not: kept as essential"
                )
    sectors = sorted({r["sector"] for r in records})
    bands = [r["band"] for r in records if r["band"]]
    chosen_band = band or (str(chosen_level) if bands and chosen_level <= 7 else None)
    purpose = (
        f"A blended role combining the work of {_and([_a(lower_title(r['title'])) for r in records])}, so that "
        f"one person meets people's {_and([s.replace('_', ' ') for s in sectors])} needs together."
    )
    blended = set(roles)
    moves: dict[str, Move] = {}
    for record in records:
        for move in known_progressions(graph, record):
            if move.role not in blended and move.role not in moves:
                moves[move.role] = move
    how = Blend(
        from_=[r["id"] for r in records],
        from_titles=[r["title"] for r in records],
        pay_of_roles=[_pay_of(r) for r in records if r["pay"]],
        merged=[Merge(**m) for m in merges],
        shared=sorted(
            _competency(graph, r["competency"])["label"]
            for r in requirements
            if len(r["from"]) > 1 and r.get("merged_from") == [r["competency"]]
        ),
        asked=Asked(band, level, asked),
        conflicts=asked + conflicts,
        suggested_level=suggested,
        reason=reason,
        requirements_before=sum(len(r["requirements"]) for r in records),
        requirements_after=len(requirements),
    )
    return JobDescription(
        role=None,
        title=title,
        band=chosen_band,
        level=chosen_level,
        level_means=CAREER_FRAMEWORK_LEVELS.get(chosen_level, ""),
        sector="+".join(sectors),
        sector_name=_sector_name(sectors),
        settings=sorted({s for r in records for s in r["settings"]}),
        purpose=purpose,
        responsibilities=_responsibilities(graph, requirements),
        person_specification=_person_spec(graph, requirements, quals, [_experience(r["title"]) for r in records]),
        training_and_progression=TrainingAndProgression(
            [qualification_title(q) for q in quals["desirable"]], ordered_moves(list(moves.values()), chosen_level)
        ),
        pay=None,
        blend=how,
        sources=_sources(graph, requirements, [_role_source(r) for r in records]),
    )


def _pay_of(record: dict) -> PayOfRole:
    """A blended role's source role's pay, named by the role."""
    pay = pay_record(record["pay"]) or {}
    return PayOfRole(record["id"], record["title"], **{k: pay[k] for k in Pay.__dataclass_fields__})


def _asked_conflicts(requirements: list[dict], suggested: int, band: str | None, level: int | None) -> list[str]:
    """Each way the band or level the user asked for disagrees with the merged requirements (or with
    each other), in one sentence that names the constraint and what it conflicts with."""
    out = []
    band_level = level_for_band(band) if band else None
    if band and level and band_level != level:
        out.append(f"Band {band} was asked for with level {level}, but band {band} usually sits at level {band_level}")
    asked, what = (level, f"Level {level}") if level else (band_level, f"Band {band} (about level {band_level})")
    if asked is None:
        return out
    top = max(r["level"] for r in requirements)
    if asked < suggested:
        above = sum(r["level"] > asked for r in requirements)
        out.append(
            f"{what} was asked for, but {above} of {len(requirements)} merged requirements are needed above "
            f"level {asked} and the roles blended sit at level {suggested}"
        )
    elif asked > max(suggested, top) + BLEND_LEVEL_HEADROOM:
        out.append(
            f"{what} was asked for, but no merged requirement is needed above level {top} and the roles "
            f"blended sit at level {suggested}: level {suggested} (or {suggested + BLEND_LEVEL_HEADROOM} for a "
            "wider remit) is what they support"
        )
    return out


def _role_source(record: dict) -> Source:
    return Source("role", record["id"], f"Role profile: {record['title']}", [s["title"] for s in record["source"]])


def _near_duplicate(kept: list[tuple[Need, dict]], need: Need, matcher: Matcher):
    """The already-kept requirement that is the same skill as `need`, if any (the overlap engine's
    test: the same competency, similarity at the threshold, or a shared anchor)."""
    if not kept:
        return None
    best = match_skills([k for k, _ in kept], [need], matcher).best(0, by_level=False)
    return None if best is None else kept[best]


def _suggest_level(records: list[dict], requirements: list[dict]) -> tuple[int, str]:
    top = max(r["level"] for r in records)
    above = sum(req["level"] >= top for req in requirements)
    names = ", ".join(f"{r['title']} (level {r['level']})" for r in records)
    return top, (
        f"The highest level of the roles blended ({names}); {above} of {len(requirements)} merged "
        f"requirements are needed at level {top} or above"
    )


def _union(lists: list[list]) -> list:
    out = []
    for items in lists:
        for item in items:
            if item not in out:
                out.append(item)
    return out


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
