"""Job descriptions drafted from role profiles, and blended roles made from several.

A job description here is plain data (the JSON contract); cli/ renders it as Markdown, text or DOCX.
Duties are the role's competency statements, which say what the postholder does in the present tense
("Measures and records ..."), grouped by framework area, deepest first. The person specification splits essential
from desirable: qualifications, then knowledge and skills with the level each is needed at.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from frameworks.levels import CAREER_FRAMEWORK_LEVELS
from graph.build import node_id
from graph.overlap import Need, role_needs, similarity_between
from graph.queries import role_record

if TYPE_CHECKING:
    import networkx as nx

    from graph.matching import Matcher


def duty(statement: str) -> str:
    """A competency statement as a duty statement: it already says what the postholder does, in the
    present tense ("Measures and records ..."), so it is kept whole and only tidied."""
    text = " ".join(statement.split())
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def _competency(graph: nx.MultiDiGraph, cid: str) -> dict:
    return graph.nodes[node_id("Competency", cid)]


def _responsibilities(graph: nx.MultiDiGraph, requirements: list[dict]) -> list[dict]:
    groups: dict[str, list[dict]] = {}
    for req in sorted(requirements, key=lambda r: (-r["level"], not r["essential"], r["competency"])):
        data = _competency(graph, req["competency"])
        groups.setdefault(data["area"], []).append(
            {
                "duty": duty(data["statement"]),
                "competency": req["competency"],
                "level": req["level"],
                "essential": req["essential"],
                "merged_from": req.get("merged_from", []),
            }
        )
    return [{"area": area, "duties": duties} for area, duties in groups.items()]


def _person_spec(graph: nx.MultiDiGraph, requirements: list[dict], quals: dict, experience: list[str]) -> dict:
    spec = {}
    for group, essential in (("essential", True), ("desirable", False)):
        spec[group] = {
            "qualifications": [q["title"] for q in quals["required" if essential else "desirable"]],
            "knowledge_and_skills": [
                {
                    "label": _competency(graph, r["competency"])["label"],
                    "level": r["level"],
                    "level_means": CAREER_FRAMEWORK_LEVELS.get(r["level"], ""),
                }
                for r in sorted(requirements, key=lambda r: (-r["level"], r["competency"]))
                if r["essential"] == essential
            ],
            "experience": experience if essential else [],
        }
    return spec


def _sources(graph: nx.MultiDiGraph, requirements: list[dict], extra: list[dict]) -> list[dict]:
    frameworks = sorted({_competency(graph, r["competency"])["framework"] for r in requirements})
    used = []
    for fid in frameworks:
        data = graph.nodes[node_id("Framework", fid)]
        used.append(
            {"kind": "framework", "id": fid, "name": data["name"], "sources": [s["title"] for s in data["source"]]}
        )
    return used + extra


def job_description(graph: nx.MultiDiGraph, role: str, progression: list[dict] | None = None) -> dict:
    """The job description of a role: purpose, duties, person specification, training and progression
    (`progression`: routes from the routes engine; without it, the role's known progression links)."""
    record = role_record(graph, node_id("Role", role))
    experience = [f"Experience as a {m['title'].lower()} or in a similar role" for m in record["progresses_from"]][:2]
    if record["level"] >= 3 and not experience:
        experience = ["Experience of health or social care work at the level below"]
    return {
        "role": record["id"],
        "title": record["title"],
        "band": record["band"],
        "level": record["level"],
        "level_means": CAREER_FRAMEWORK_LEVELS.get(record["level"], ""),
        "sector": record["sector"],
        "settings": record["settings"],
        "purpose": record["summary"],
        "responsibilities": _responsibilities(graph, record["requirements"]),
        "person_specification": _person_spec(graph, record["requirements"], record["qualifications"], experience),
        "training_and_progression": {
            "qualifications": [q["title"] for q in record["qualifications"]["desirable"]],
            "progresses_to": progression
            if progression is not None
            else [{"role": p["role"], "title": p["title"], "months": p["months"]} for p in record["progresses_to"]],
        },
        "pay": record["pay"],
        "blend": None,
        "sources": _sources(graph, record["requirements"], [_role_source(record)]),
    }


def blend(
    graph: nx.MultiDiGraph,
    matcher: Matcher,
    roles: list[str],
    title: str,
    band: str | None = None,
    level: int | None = None,
) -> dict:
    """One role made of several: requirements merged, near-duplicates collapsed (keeping the higher
    level, and saying which statements were merged), conflicts flagged, and a band/level suggested."""
    records = [role_record(graph, node_id("Role", r)) for r in roles]
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
            if abs(need.level - other_need.level) >= 2:
                conflicts.append(
                    f"'{_competency(graph, need.competency)['label']}' is needed at level "
                    f"{other_need.level} in {', '.join(other['from'])} but {need.level} in "
                    f"{record['id']}: kept {max(need.level, other_need.level)}"
                )
            if other["essential"] != req["essential"]:
                conflicts.append(
                    f"'{_competency(graph, need.competency)['label']}' is essential in one role and "
                    "desirable in another: kept as essential"
                )
            if other["competency"] != req["competency"]:
                merges.append(
                    {
                        "kept": winner["competency"],
                        "merged": loser["competency"],
                        "statements": [
                            _competency(graph, winner["competency"])["statement"],
                            _competency(graph, loser["competency"])["statement"],
                        ],
                    }
                )
            kept[kept.index(match)] = (need if keep_new else other_need, merged)
    requirements = [req for _, req in kept]
    suggested, reason = _suggest_level(records, requirements)
    chosen_level = level or suggested
    if chosen_level < suggested:
        above = sum(r["level"] > chosen_level for r in requirements)
        conflicts.append(f"level {chosen_level} was asked for, but {above} merged requirements are needed above it")
    quals = {
        "required": _union([r["qualifications"]["required"] for r in records]),
        "desirable": _union([r["qualifications"]["desirable"] for r in records]),
    }
    for record in records:
        only_here = [
            q["title"]
            for q in record["qualifications"]["required"]
            if any(q not in other["qualifications"]["required"] for other in records)
        ]
        if only_here:
            conflicts.append(f"{record['title']} requires {', '.join(only_here)}, which the other role(s) do not")
    sectors = sorted({r["sector"] for r in records})
    bands = [r["band"] for r in records if r["band"]]
    chosen_band = band or (str(chosen_level) if bands and chosen_level <= 7 else None)
    purpose = (
        f"A blended role combining the work of {_and([r['title'].lower() for r in records])}, so that one "
        f"person meets people's {' and '.join(s.replace('_', ' ') for s in sectors)} needs together."
    )
    return {
        "role": None,
        "title": title,
        "band": chosen_band,
        "level": chosen_level,
        "level_means": CAREER_FRAMEWORK_LEVELS.get(chosen_level, ""),
        "sector": "+".join(sectors),
        "settings": sorted({s for r in records for s in r["settings"]}),
        "purpose": purpose,
        "responsibilities": _responsibilities(graph, requirements),
        "person_specification": _person_spec(
            graph, requirements, quals, [f"Experience as a {r['title'].lower()} or in a similar role" for r in records]
        ),
        "training_and_progression": {
            "qualifications": [q["title"] for q in quals["desirable"]],
            "progresses_to": _union(
                [
                    [{"role": p["role"], "title": p["title"], "months": p["months"]} for p in r["progresses_to"]]
                    for r in records
                ]
            ),
        },
        "pay": None,
        "blend": {
            "from": [r["id"] for r in records],
            "merged": merges,
            "shared": sorted(
                _competency(graph, r["competency"])["label"]
                for r in requirements
                if len(r["from"]) > 1 and r.get("merged_from") == [r["competency"]]
            ),
            "conflicts": conflicts,
            "suggested_level": suggested,
            "reason": reason,
            "requirements_before": sum(len(r["requirements"]) for r in records),
            "requirements_after": len(requirements),
        },
        "sources": _sources(graph, requirements, [_role_source(r) for r in records]),
    }


def _role_source(record: dict) -> dict:
    return {
        "kind": "role",
        "id": record["id"],
        "name": f"Role profile: {record['title']}",
        "sources": [s["title"] for s in record["source"]],
    }


def _near_duplicate(kept: list[tuple[Need, dict]], need: Need, matcher: Matcher):
    """The already-kept requirement that is the same skill as `need`, if any (the overlap engine's
    test: the same competency, similarity at the threshold, or a shared anchor)."""
    if not kept:
        return None
    sim, via = similarity_between([k for k, _ in kept], [need], matcher)
    for i in sorted(range(len(kept)), key=lambda i: -sim[i, 0]):
        if sim[i, 0] >= matcher.threshold or (i, 0) in via:
            return kept[i]
    return None


def _suggest_level(records: list[dict], requirements: list[dict]) -> tuple[int, str]:
    top = max(r["level"] for r in records)
    above = sum(req["level"] >= top for req in requirements)
    names = ", ".join(f"{r['title']} (level {r['level']})" for r in records)
    return top, (
        f"the highest level of the roles blended ({names}); {above} of {len(requirements)} merged "
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
