"""Plain-data answers read off the graph: role records, framework trees, counts.

These are the records the JSON output documents (see README); later layers build on them, so keep
their field names stable.
"""

from __future__ import annotations

from collections import Counter

import networkx as nx

from frameworks.levels import level_for_band
from graph.build import alternatives, node_id
from graph.lookup import name_score

AFC_ORDER = {b: i for i, b in enumerate(("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"))}


def _nodes(graph: nx.MultiDiGraph, kind: str):
    return ((n, d) for n, d in graph.nodes(data=True) if d["kind"] == kind)


def role_summary(graph: nx.MultiDiGraph, node: str) -> dict:
    """The short role record used in lists: {id, title, aliases, sector, settings, band, level, ...}."""
    d = graph.nodes[node]
    return {
        "id": d["id"],
        "title": d["title"],
        "aliases": list(d["aliases"]),
        "sector": d["sector"],
        "settings": list(d["settings"]),
        "band": d["band"],
        "level": d["level"],
        "family": d.get("family"),
        "requirements": sum(1 for _, _, k in graph.out_edges(node, keys=True) if k == "REQUIRES"),
    }


def role_record(graph: nx.MultiDiGraph, node: str) -> dict:
    """The full role record: the summary plus requirements, qualifications, pay, progressions, sources."""
    d = graph.nodes[node]
    record = role_summary(graph, node)
    requirements, qualifications = [], {"required": [], "desirable": [], "usually_held": []}
    groups: dict[int, list[tuple[int, dict]]] = {}
    moves_to = []
    for _, target, key, e in graph.out_edges(node, keys=True, data=True):
        t = graph.nodes[target]
        if key == "REQUIRES":
            requirements.append(
                {
                    "competency": t["id"],
                    "label": t["label"],
                    "framework": t["framework"],
                    "level": e["level"],
                    "essential": e["essential"],
                    "inherited_from": e.get("inherited_from"),
                }
            )
        elif key == "REQUIRES_QUALIFICATION":
            entry = {"id": t["id"], "title": t["title"]}
            if e.get("alternatives") is not None:  # kept in file order (`order`), however the edges were read
                groups.setdefault(e["alternatives"], []).append((e.get("order", 0), entry))
            else:
                qualifications["required" if e["essential"] else "desirable"].append(entry)
                if e.get("usually_held"):
                    qualifications["usually_held"].append(entry)
        elif key == "PROGRESSES_TO":
            moves_to.append(
                {
                    "role": t["id"],
                    "title": t["title"],
                    "via": list(e["via"]),
                    "months": e["months"],
                    "experience_months": e.get("experience_months", 0),
                }
            )
    moves_from = [
        {"role": graph.nodes[s]["id"], "title": graph.nodes[s]["title"]}
        for s, _, k in graph.in_edges(node, keys=True)
        if k == "PROGRESSES_TO"
    ]
    requirements.sort(key=lambda r: (not r["essential"], -r["level"], r["competency"]))
    for group in qualifications.values():
        group.sort(key=lambda q: q["id"])
    qualifications["required"] += [
        {"any_of": [entry for _, entry in sorted(groups[k], key=lambda pair: pair[0])]} for k in sorted(groups)
    ]
    record.update(
        {
            "summary": d["summary"],
            "pay": d["pay"],
            "builds_on": list(d.get("builds_on", [])),
            "entry": d.get("entry"),
            "top": d.get("top"),
            "requirements": requirements,
            "qualifications": qualifications,
            "progresses_to": sorted(moves_to, key=lambda m: m["role"]),
            "progresses_from": sorted(moves_from, key=lambda m: m["role"]),
            "source": d["source"],
        }
    )
    return record


def _role_order(record: dict) -> tuple:
    return (record["level"], AFC_ORDER.get(record["band"] or "", -1), record["sector"], record["title"].lower())


def list_roles(
    graph: nx.MultiDiGraph, sector: str | None = None, band: str | None = None, level: int | None = None
) -> list[dict]:
    """Roles filtered by sector, band and level. A band also finds roles that have no band but sit at
    the Career Framework level that band usually corresponds to (see frameworks.levels)."""
    band_level = level_for_band(band) if band is not None else None
    result = []
    for node, d in _nodes(graph, "Role"):
        if sector and d["sector"] != sector:
            continue
        if level is not None and d["level"] != level:
            continue
        if band is not None and not (
            d["band"] == str(band).lower() or (d["band"] is None and d["level"] == band_level)
        ):
            continue
        result.append(role_summary(graph, node))
    return sorted(result, key=_role_order)


SUMMARY_WEIGHT = 0.8  # a match in a role's summary counts less than one in its title or aliases


def band_level_conflict(
    graph: nx.MultiDiGraph, sector: str | None = None, band: str | None = None, level: int | None = None
) -> str | None:
    """Why a band and a level given together can match no role, in one line, or None when they agree
    (or either is absent): an empty list would otherwise look like an answer."""
    if band is None or level is None or list_roles(graph, sector, band, level):
        return None
    levels = sorted({r["level"] for r in list_roles(graph, sector, band=band)})
    if not levels:
        return None  # nothing on that band at all: the empty list is the answer
    on_band = ", ".join(str(x) for x in levels)
    return (
        f"--band {band} and --level {level} contradict each other: band {band} roles are at level {on_band},"
        f" none at level {level}; give one of them"
    )


def search_roles(graph: nx.MultiDiGraph, text: str, top: int = 10) -> list[dict]:
    """Roles whose title, aliases or summary best match free text, scored as `find` scores names
    (graph.lookup.name_score: acronyms only when exact), the summary at SUMMARY_WEIGHT; best field wins."""
    scored = []
    for node, d in _nodes(graph, "Role"):
        fields = [("title", d["title"])] + [("alias", a) for a in d["aliases"]] + [("summary", d["summary"])]
        best = max(
            (
                (name_score(text, value) * (SUMMARY_WEIGHT if field == "summary" else 1.0), field, value)
                for field, value in fields
                if value
            ),
            default=(0.0, "", ""),
        )
        if best[0] >= 50:
            scored.append(
                {**role_summary(graph, node), "score": round(best[0], 1), "matched": best[1], "matched_text": best[2]}
            )
    scored.sort(key=lambda r: (-r["score"], r["id"]))
    return scored[:top]


def list_frameworks(graph: nx.MultiDiGraph) -> list[dict]:
    """Framework records with their size: {id, name, version, levels, areas, functions, competencies}."""
    counts: dict[str, Counter] = {}
    for _, d in graph.nodes(data=True):
        if d["kind"] in ("Area", "Function", "Competency"):
            counts.setdefault(d["framework"], Counter())[d["kind"]] += 1
    result = []
    for _, d in _nodes(graph, "Framework"):
        c = counts.get(d["id"], Counter())
        levels = [int(k) for k in d["levels"]]
        result.append(
            {
                "id": d["id"],
                "name": d["name"],
                "version": d["version"],
                "levels": f"{min(levels)}-{max(levels)}",
                "areas": c["Area"],
                "functions": c["Function"],
                "competencies": c["Competency"],
            }
        )
    return sorted(result, key=lambda r: r["id"])


def framework_record(graph: nx.MultiDiGraph, qid: str) -> dict:
    """A framework with its levels and its areas > functions > competencies, in file order."""
    d = graph.nodes[node_id("Framework", qid)]
    children: dict[str, list[str]] = {}
    for source, target, key in graph.edges(keys=True):
        if key == "PART_OF":
            children.setdefault(target, []).append(source)

    def competencies(fn_node: str) -> list[dict]:
        return [
            {
                "id": graph.nodes[c]["id"],
                "label": graph.nodes[c]["label"],
                "statement": graph.nodes[c]["statement"],
                "keywords": list(graph.nodes[c]["keywords"]),
            }
            for c in children.get(fn_node, [])
        ]

    areas = []
    for area in children.get(node_id("Framework", qid), []):
        functions = [
            {"id": graph.nodes[f]["id"], "name": graph.nodes[f]["name"], "competencies": competencies(f)}
            for f in children.get(area, [])
        ]
        areas.append({"id": graph.nodes[area]["id"], "name": graph.nodes[area]["name"], "functions": functions})
    return {
        "id": qid,
        "name": d["name"],
        "version": d["version"],
        "description": d["description"],
        "levels": {int(k): v for k, v in d["levels"].items()},
        "areas": areas,
        "source": d["source"],
    }


def graph_stats(graph: nx.MultiDiGraph) -> dict:
    """Counts of nodes by kind and edges by type."""
    nodes = Counter(d["kind"] for _, d in graph.nodes(data=True))
    edges = Counter(k for _, _, k in graph.edges(keys=True))
    return {
        "nodes": dict(sorted(nodes.items())),
        "edges": dict(sorted(edges.items())),
        "total_nodes": graph.number_of_nodes(),
        "total_edges": graph.number_of_edges(),
    }


def qualification_summary(graph: nx.MultiDiGraph, node: str) -> dict:
    """The short qualification record used in lists: {id, title, kind, code, rqf_level, months}."""
    d = graph.nodes[node]
    return {
        "id": d["id"],
        "title": d["title"],
        "kind": d["qualification_kind"],
        "code": d["code"] or None,
        "rqf_level": d["rqf_level"],
        "months": d["months"],
        "experience_months": d.get("experience_months", 0),
    }


def list_qualifications(graph: nx.MultiDiGraph, kind: str | None = None, level: int | None = None) -> list[dict]:
    """Qualifications filtered by kind and RQF level, lowest level first: the ids a passport names."""
    rows = [
        qualification_summary(graph, node)
        for node, d in _nodes(graph, "Qualification")
        if (kind is None or d["qualification_kind"] == kind) and (level is None or d["rqf_level"] == level)
    ]
    return sorted(rows, key=lambda r: (r["rqf_level"] or 0, r["kind"], r["title"].lower()))


def qualification_kinds(graph: nx.MultiDiGraph) -> list[str]:
    return sorted({d["qualification_kind"] for _, d in _nodes(graph, "Qualification")})


def qualification_record(graph: nx.MultiDiGraph, node: str) -> dict:
    """One qualification in full: what it develops, what it needs first, which roles ask for it and which
    known moves go through it."""
    d = graph.nodes[node]
    develops = [
        {"competency": graph.nodes[t]["id"], "label": graph.nodes[t]["label"], "level": e["level"]}
        for _, t, k, e in graph.out_edges(node, keys=True, data=True)
        if k == "DEVELOPS"
    ]
    asked_by: dict[str, list[dict]] = {"required_by": [], "desirable_for": []}
    for source, _, k, e in graph.in_edges(node, keys=True, data=True):
        if k == "REQUIRES_QUALIFICATION":
            role = graph.nodes[source]
            asked_by["required_by" if e["essential"] else "desirable_for"].append(
                {"role": role["id"], "title": role["title"]}
            )
    own_id = d["id"]
    moves = []
    for source, target, k, e in graph.edges(keys=True, data=True):
        via = e.get("via", []) if k == "PROGRESSES_TO" else []
        if any(own_id in alternatives(item) for item in via):
            moves.append({"from": graph.nodes[source]["id"], "to": graph.nodes[target]["id"]})
    titles = {data["id"]: data["title"] for _, data in _nodes(graph, "Qualification")}
    return {
        **qualification_summary(graph, node),
        "prerequisites": [_qualification_ref(item, titles) for item in d["prerequisites"]],
        "counts_as": [_qualification_ref(q, titles) for q in d.get("counts_as") or []],
        "develops": sorted(develops, key=lambda x: (-x["level"], x["competency"])),
        "required_by": sorted(asked_by["required_by"], key=lambda r: r["role"]),
        "desirable_for": sorted(asked_by["desirable_for"], key=lambda r: r["role"]),
        "on_moves": sorted(moves, key=lambda m: (m["from"], m["to"])),
        "note": d["note"] or None,
        "source": d["source"],
    }


def _qualification_ref(item: str | dict, titles: dict[str, str]) -> dict:
    """A prerequisite as {id, title}, or {any_of: [{id, title}]} for a group of alternatives."""
    if isinstance(item, dict):
        return {"any_of": [{"id": q, "title": titles.get(q, q)} for q in item["any_of"]]}
    return {"id": item, "title": titles.get(item, item)}
