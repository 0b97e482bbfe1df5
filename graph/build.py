"""Turn a resolved library into a typed networkx graph.

Node ids carry their kind (`role:hsc:care-worker`) because roles, competencies and qualifications
have separate id spaces. Every node has `kind` and `id` attributes plus its own fields as plain
Python data (lists, dicts), so the graph pickles, exports and crosses to Neo4j without the models.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

if TYPE_CHECKING:
    from frameworks.loader import Library

NODE_KINDS = ("Framework", "Area", "Function", "Competency", "Role", "Qualification")
EDGE_TYPES = ("PART_OF", "REQUIRES", "REQUIRES_QUALIFICATION", "DEVELOPS", "PROGRESSES_TO")
# Every node we write to a shared database (a push, or a Cypher export loaded by hand) carries this label
# and its node id under this property, so that wiping, counting and reading touch only what is ours.
STORE_MARK = "PathwaysNode"
STORE_KEY = "_pathways"


def node_id(kind: str, qid: str) -> str:
    """The graph node id for a library id of the given kind."""
    return f"{kind.lower()}:{qid}"


def edges_of(graph: nx.MultiDiGraph, node: str, kind: str) -> list[tuple[str, dict]]:
    """(target, data) of each out-edge of `node` of one kind (edges are keyed by their kind), read from
    the graph's own adjacency dicts: a route search reads thousands, and networkx's read-only views wrap
    every edge of every kind on the way (a third of the time of reading a role's requirements)."""
    if not graph.is_multigraph():  # a plain graph's adjacency holds data, not edges keyed by kind
        raise TypeError("edges_of reads a MultiDiGraph, whose edges are keyed by their kind")
    return [(target, keyed[kind]) for target, keyed in graph._succ.get(node, {}).items() if kind in keyed]


def plain_items(items) -> list:
    """Qualification items as plain data: an id, or {"any_of": [ids]} for alternatives."""
    return [item if isinstance(item, str) else {"any_of": list(item.any_of)} for item in items]


def alternatives(item: str | dict) -> list[str]:
    """The qualification ids one plain item stands for: itself, or each of its {any_of} alternatives."""
    return list(item["any_of"]) if isinstance(item, dict) else [item]


def _sources(item) -> list[dict]:
    return [s.model_dump(exclude_none=True) for s in (item.source or [])]


def build_graph(library: Library) -> nx.MultiDiGraph:
    """Build the graph: Framework <- Area <- Function <- Competency (PART_OF), and the typed links."""
    graph = nx.MultiDiGraph(
        team_templates={qid: t.model_dump(by_alias=True) for qid, t in library.team_templates.items()},
        sectors=dict(library.sectors),
        families=dict(library.families),
        supply=library.supply,
        files=list(library.files),
        notices=list(library.notices),
        warnings=list(library.warnings),
    )
    for fqid, fw in library.frameworks.items():
        graph.add_node(
            node_id("Framework", fqid),
            kind="Framework",
            id=fqid,
            name=fw.name,
            version=fw.version,
            description=fw.description or "",
            levels={str(k): v for k, v in fw.levels.items()},
            source=_sources(fw),
        )
        for area in fw.areas:
            area_node = node_id("Area", f"{fqid}/{area.id}")
            graph.add_node(area_node, kind="Area", id=f"{fqid}/{area.id}", name=area.name, framework=fqid)
            graph.add_edge(area_node, node_id("Framework", fqid), key="PART_OF", type="PART_OF")
            for function in area.functions:
                fn_node = node_id("Function", f"{fqid}/{function.id}")
                graph.add_node(
                    fn_node,
                    kind="Function",
                    id=f"{fqid}/{function.id}",
                    name=function.name,
                    framework=fqid,
                    area=f"{fqid}/{area.id}",
                )
                graph.add_edge(fn_node, area_node, key="PART_OF", type="PART_OF")
    for cqid, entry in library.competencies.items():
        comp = entry.competency
        graph.add_node(
            node_id("Competency", cqid),
            kind="Competency",
            id=cqid,
            label=comp.label,
            statement=comp.statement,
            keywords=list(comp.keywords),
            distinct_from=list(comp.distinct_from),
            framework=entry.framework,
            area=entry.area_name,
            function=entry.function_name,
            scale_max=entry.levels[1],
        )
        graph.add_edge(
            node_id("Competency", cqid),
            node_id("Function", f"{entry.framework}/{entry.function}"),
            key="PART_OF",
            type="PART_OF",
        )
    for qqid, qual in library.qualifications.items():
        graph.add_node(
            node_id("Qualification", qqid),
            kind="Qualification",
            id=qqid,
            title=qual.title,
            qualification_kind=qual.kind,
            code=qual.code or "",
            rqf_level=qual.rqf_level,
            months=qual.months,
            experience_months=float(qual.experience_months),
            prerequisites=plain_items(qual.prerequisites),
            counts_as=list(qual.counts_as),
            note=qual.note or "",
            source=_sources(qual),
        )
        for dev in qual.develops:
            graph.add_edge(
                node_id("Qualification", qqid),
                node_id("Competency", dev.competency),
                key="DEVELOPS",
                type="DEVELOPS",
                level=dev.level,
            )
    for rqid, role in library.roles.items():
        graph.add_node(
            node_id("Role", rqid),
            kind="Role",
            id=rqid,
            title=role.title,
            aliases=list(role.aliases),
            sector=role.sector,
            settings=list(role.settings),
            band=role.band,
            level=role.level,
            summary=role.summary,
            pay=role.pay.model_dump() if role.pay else None,
            family=role.family,
            builds_on=list(role.builds_on),
            entry=role.entry.model_dump() if role.entry else None,
            top=role.top,
            training_post=role.training_post,
            source=_sources(role),
        )
        for req, origin in [(req, None) for req in role.requirements] + library.inherited.get(rqid, []):
            graph.add_edge(
                node_id("Role", rqid),
                node_id("Competency", req.competency),
                key="REQUIRES",
                type="REQUIRES",
                level=req.level,
                essential=req.essential,
                inherited_from=origin,
            )
        _add_qualification_edges(graph, rqid, role)
    for link in library.progressions:
        graph.add_edge(
            node_id("Role", link.from_role),
            node_id("Role", link.to_role),
            key="PROGRESSES_TO",
            type="PROGRESSES_TO",
            via=plain_items(link.via),
            months=float(link.months or 0),
            experience_months=float(link.experience_months),
            note=link.note or "",
            source=_sources(link),
        )
    return graph


def _add_qualification_edges(graph: nx.MultiDiGraph, rqid: str, role) -> None:
    """REQUIRES_QUALIFICATION edges: `essential` for required ones; alternatives of one {any_of} item share
    `alternatives` (the item's position), so holding any one of them meets the requirement; `usually_held`
    marks a desirable one most people in post hold."""
    edges = [(q, True, None, 0) for q in role.qualifications.required if isinstance(q, str)]
    for position, item in enumerate(role.qualifications.required):
        if not isinstance(item, str):
            edges += [(q, True, position, order) for order, q in enumerate(item.any_of)]
    edges += [(q, False, None, 0) for q in role.qualifications.desirable]
    held = set(role.qualifications.usually_held)
    for qqid, essential, alternatives, order in edges:
        if graph.has_edge(node_id("Role", rqid), node_id("Qualification", qqid), key="REQUIRES_QUALIFICATION"):
            continue  # named twice (required and desirable): the first, required, stands
        graph.add_edge(
            node_id("Role", rqid),
            node_id("Qualification", qqid),
            key="REQUIRES_QUALIFICATION",
            type="REQUIRES_QUALIFICATION",
            essential=essential,
            alternatives=alternatives,
            order=order,  # an alternative's place in its group: the first is the usual route
            usually_held=not essential and qqid in held,  # most people in post hold it (see QualificationNeeds)
        )
