"""The library API: one `Session` answers every question the CLI and the web page ask.

    from pathways.session import Session

    session = Session.open()                                  # the bundled UK library
    routes = session.routes("healthcare assistant", max_band="4")
    print([route.roles for route in routes.routes])

A session owns the graph (built from the library files, or pulled from the shared Neo4j graph), the
competency matcher and the name lookups; each question is a method returning a typed result (the
dataclasses in `pathways.results`), whose JSON form is what `--format json` prints and whose schema
`pathways schema result-KIND` prints. Configuration is passed in, never read here: the CLI reads the
environment (PATHWAYS_*, NEO4J_*) through click and hands the values over. Notices meant for the user
(a rebuilt cache, a near-miss name taken) are collected in `notices`; the caller decides how to show them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    import networkx as nx

    from frameworks.models import PassportFile, PipelinePlan  # helper A; PipelinePlan: issue 15
    from graph.matching import Matcher
    from pathways.competencies import Crosswalk, SimilarCompetencies  # helper B
    from pathways.jd import JobDescription  # helper C
    from pathways.library import (
        FindResults,
        FrameworkList,
        FrameworkRecord,
        GraphStats,
        QualificationList,
        QualificationRecord,
        RoleList,
        RoleRecord,
        TeamTemplates,
        Validation,
    )
    from pathways.overlap import Overlap, OverlapMatrix, SimilarRoles  # helper B
    from pathways.pipeline import Pipeline  # issue 15
    from pathways.publish import PushReport, Verification
    from pathways.routes import RoutesAnswer, WaysInto  # helper A
    from pathways.teams import TeamAssessment, TeamDesign  # helper C


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the shared graph is. `password` is a value or a function asked only when connecting (so a
    terminal prompt happens only when the store is really used); it is never stored in a result."""

    uri: str = "bolt://localhost:7687"
    user: str = "neo4j"
    database: str | None = None
    dialect: str = "auto"
    password: str | Callable[[], str] | None = None

    def secret(self) -> str:
        from graph.errors import StoreSettingError

        if callable(self.password):
            return self.password()
        if self.password is None:
            raise StoreSettingError("set NEO4J_PASSWORD (no terminal to ask for the password on)")
        return self.password


@dataclass(frozen=True)
class Found:
    """A name resolved to a library item: its qualified id, its label, and how it was found."""

    qid: str
    label: str
    how: str  # "id", "exact", "alias", "fuzzy", ... as graph.lookup says
    matched: str


def open_store(settings: Neo4jSettings):
    """A connection to the shared Neo4j store. A setting to change (a URI the driver cannot use, no
    password) is a StoreSettingError, checked before the password is asked for."""
    from graph.neo4j_store import check_uri, shared_store

    check_uri(settings.uri)
    return shared_store(settings.uri, settings.user, settings.secret(), settings.database, settings.dialect)


def default_workspace() -> Path:
    from graph.store import default_workspace as folder

    return folder()


class Session:
    """The graph, the matcher and the lookups for one library, and the questions users ask of them."""

    def __init__(
        self,
        library: Sequence[str] = (),
        bundled: bool = True,
        workspace: str | Path | None = None,
        model: str | None = None,
        embeddings: bool = True,
        backend: str = "local",
        neo4j: Neo4jSettings | None = None,
    ):
        self.library = [str(p) for p in library]  # as given: an empty path is refused, not read as "."
        self.bundled = bundled
        self.workspace = Path(workspace) if workspace else default_workspace()
        self.model = model
        self.embeddings = embeddings
        self.backend = backend
        self.neo4j = neo4j or Neo4jSettings()
        self.notices: list[str] = []
        self._graph: nx.MultiDiGraph | None = None
        self._matcher: Matcher | None = None

    @classmethod
    def open(
        cls,
        library: Sequence[str] = (),
        bundled: bool = True,
        workspace: str | Path | None = None,
        model: str | None = None,
        embeddings: bool = True,
        backend: str = "local",
        neo4j: Neo4jSettings | None = None,
    ) -> Session:
        """A session over the bundled library (unless `bundled=False`) plus `library` paths (folders,
        YAML files or role CSVs; later ones override). Nothing is read until the first question."""
        if backend not in ("local", "neo4j"):
            raise ValueError(f"backend must be 'local' or 'neo4j', not {backend!r}")
        return cls(library, bundled, workspace, model, embeddings, backend, neo4j)

    # -- what every question needs ------------------------------------------------------------
    def layers(self, extra: Sequence[str] = ()):
        from frameworks.sources import library_layers

        return library_layers([*self.library, *extra], bundled=self.bundled)

    @property
    def graph(self) -> nx.MultiDiGraph:
        if self._graph is None:
            self._graph = self._shared_graph() if self.backend == "neo4j" else self._local_graph()
        return self._graph

    def rebuild(self) -> nx.MultiDiGraph:
        """Build the local graph again from the files, ignoring the cache."""
        self._graph = self._local_graph(rebuild=True)
        self._matcher = None
        return self._graph

    def _local_graph(self, rebuild: bool = False) -> nx.MultiDiGraph:
        from graph.store import load_graph_noting

        graph, _, notices = load_graph_noting(self.layers(), self.workspace, rebuild=rebuild)
        self.notices += notices
        return graph

    def _shared_graph(self) -> nx.MultiDiGraph:
        from graph.neo4j_store import pull

        return pull(self.store())

    def store(self):
        """The connection to the shared Neo4j store (see open_store)."""
        return open_store(self.neo4j)

    @property
    def matcher(self) -> Matcher:
        """Embeddings unless unavailable or `embeddings=False` (then the lexical matcher, with a notice)."""
        if self._matcher is None:
            from graph.crosswalk import all_competency_texts, anchor_competencies, distinct_pairs
            from graph.matching import choose_matcher

            graph = self.graph
            self._matcher, notices = choose_matcher(
                all_competency_texts(graph),
                self.workspace,
                not self.embeddings,
                self.model,
                anchor_competencies(graph),
                distinct_pairs(graph),
            )
            self.notices += notices
        return self._matcher

    def take_notices(self) -> list[str]:
        """The notices gathered so far (the session's and the vector cache's), each given once."""
        cache = getattr(self._matcher, "cache", None)
        taken = [*self.notices, *(cache.take_notices() if cache is not None else ())]
        self.notices = []
        return taken

    def find(self, kind: str, name: str) -> Found:
        """The item of `kind` (Role, Competency, Framework, Qualification) a user's name means; a near
        miss taken is said in `notices`; no match raises graph.lookup.NotFound with suggestions."""
        from graph.lookup import find

        match = find(self.graph, kind, name)
        data = self.graph.nodes[match.node]
        label = data.get("title") or data.get("name") or data.get("label") or match.qid
        if match.how == "fuzzy":
            by = "" if match.matched == label else f", by its name '{match.matched}'"
            self.notices.append(f"took '{name}' to mean {match.qid} ({label}{by})")
        return Found(match.qid, label, match.how, match.matched)

    def qid(self, kind: str, name: str) -> str:
        """The qualified id (`hsc:care-worker`) of the item a name means."""
        return self.find(kind, name).qid

    # -- the questions (each area owns its section; results are pathways.results types) ----------
    # [library questions: find, role, roles, frameworks, qualifications] (owner: lead)
    def role(self, name: str, *, area: str | None = None) -> RoleRecord:
        """One role in full: requirements, qualifications, entry, pay, moves in and out, sources; with an
        `area` (a name or id), its workforce supply figures there too (pathways.demand.role_supply)."""
        from pathways.library import role_record

        record = role_record(self.graph, self.qid("Role", name))
        if area is not None:
            from pathways.demand import role_supply

            record.supply = role_supply(self.graph, record.id, self.area(area))
        return record

    def area(self, name: str) -> str:
        """The id of the supply data's area a name means (id or name, any case); graph.lookup.NotFound
        lists the nearest areas."""
        from pathways.demand import area_id

        return area_id(self.graph, name)

    def roles(self, *, sector: str | None = None, band: str | None = None, level: int | None = None) -> RoleList:
        """Roles of a sector, band (or the matching level for unbanded roles) and level."""
        from pathways.library import list_roles

        return list_roles(self.graph, sector, band, level)

    def search_roles(self, text: str, *, top: int = 10) -> FindResults:
        """Roles whose title, aliases or summary match a text, best first."""
        from pathways.library import search_roles

        return search_roles(self.graph, text, top)

    def frameworks(self) -> FrameworkList:
        from pathways.library import list_frameworks

        return list_frameworks(self.graph)

    def framework(self, name: str) -> FrameworkRecord:
        from pathways.library import framework_record

        return framework_record(self.graph, self.qid("Framework", name))

    def qualifications(self, *, kind: str | None = None, level: int | None = None) -> QualificationList:
        from pathways.library import list_qualifications

        return list_qualifications(self.graph, kind, level)

    def embed(self) -> tuple[int, int, str]:
        """Encode every competency of the library now, so later questions find their vectors cached:
        (texts, how many were already cached, the model). QuestionError with the lexical matcher."""
        from graph.crosswalk import all_competency_texts
        from pathways.errors import QuestionError

        matcher = self.matcher
        if matcher.kind != "embedding":
            raise QuestionError("embed needs the embedding model (not --no-embeddings)")
        texts = all_competency_texts(self.graph)
        _, missing = matcher.cache.lookup(matcher.encoder.name, texts)
        matcher.vectors(texts)
        return len(texts), len(texts) - len(missing), matcher.encoder.name

    def export(self, fmt: str) -> str:
        """The graph as text: "graphml", "json" (node-link) or "cypher"."""
        from graph.export import export

        return export(self.graph, fmt)

    def validate(self, extra: Sequence[str] = ()) -> Validation:
        """Whether the library (plus `extra` paths) loads, with every problem located if not."""
        from pathways.library import validate

        return validate(lambda: self.layers(extra))

    def graph_stats(self, rebuild: bool = False) -> GraphStats:
        """Nodes by kind and edges by type; with `rebuild`, after building the graph again from the files."""
        from pathways.library import graph_stats

        return graph_stats(self.rebuild() if rebuild else self.graph)

    def team_templates(self) -> TeamTemplates:
        from pathways.library import team_templates

        return team_templates(self.graph)

    def push(self, to: Neo4jSettings | None = None, *, wipe: bool = False, progress=None) -> PushReport:
        """Push the library's graph to the shared store (`to`, else the session's), then verify the counts.
        `progress(done, total)` is called as batches go."""
        from pathways.publish import push

        settings = to or self.neo4j
        return push(self.graph, self.matcher, open_store(settings), settings.uri, settings.database, wipe, progress)

    def verify(self, against: Neo4jSettings | None = None) -> Verification:
        """The shared store's counts of our nodes and relationships against the library's graph."""
        from pathways.publish import verify

        return verify(self.graph, open_store(against or self.neo4j))

    def qualification(self, name: str) -> QualificationRecord:
        from pathways.library import qualification_record

        return qualification_record(self.graph, self.qid("Qualification", name))

    # [overlap and competency questions: overlap, similar_roles, overlap_matrix, similar, crosswalk] (owner: helper B)
    def overlap(self, role_a: str, role_b: str) -> Overlap:
        """How much of each role's requirements the other meets, with the evidence (pathways.overlap.Overlap)."""
        from pathways.overlap import overlap

        a, b = self.qid("Role", role_a), self.qid("Role", role_b)
        return overlap(self.graph, self.matcher, a, b)

    def similar_roles(self, role: str, *, sector: str | None = None, top: int = 10) -> SimilarRoles:
        """Roles (of `sector`) ranked by overlap with `role` (pathways.overlap.SimilarRoles)."""
        from pathways.overlap import similar_roles

        qid = self.qid("Role", role)
        return similar_roles(self.graph, self.matcher, qid, sector, top)

    def overlap_matrix(self, *, sector: str | None = None, versus: str | None = None) -> OverlapMatrix:
        """Roles of `sector` against roles of `versus` (default: the rows), both ways
        (pathways.overlap.OverlapMatrix); QuestionError when either side has no roles."""
        from pathways.overlap import overlap_matrix

        return overlap_matrix(self.graph, self.matcher, sector, versus)

    def similar(self, query: str, *, framework: str | None = None, top: int = 10) -> SimilarCompetencies:
        """Competencies (of `framework`) nearest to a competency id or label, or any text
        (pathways.competencies.SimilarCompetencies)."""
        from pathways.competencies import similar

        framework_id = None if framework is None else self.qid("Framework", framework)
        return similar(self.graph, self.matcher, query, framework_id, top)

    def crosswalk(self, framework_a: str, framework_b: str, *, threshold: float | None = None) -> Crosswalk:
        """Which competency of one framework is the same skill as which of another
        (pathways.competencies.Crosswalk); `threshold` overrides the matcher's."""
        from pathways.competencies import crosswalk

        a, b = self.qid("Framework", framework_a), self.qid("Framework", framework_b)
        return crosswalk(self.graph, self.matcher, a, b, threshold)

    # [routes questions: routes, routes_into] (owner: helper A)
    def routes(
        self,
        start: str | None = None,
        *,
        to: str | None = None,
        passport: PassportFile | str | Path | None = None,
        education: Sequence[str] = (),
        max_band: str | None = None,
        max_level: int | None = None,
        sector: str = "any",
        max_steps: int | None = None,
        top: int = 5,
        allow_step_down: bool = False,
        area: str | None = None,
        prefer: str | None = None,
    ) -> RoutesAnswer:
        """Progression routes from one start: a role's name (`start`), a skills passport (a PassportFile or
        its YAML/CSV file) or the education held (names such as "GCSE", "A level"). `to` names a destination;
        the cap is `max_band` or `max_level` (default: level 4, or above a start or destination already
        higher); `sector` limits destinations. A request the limits rule out raises QuestionError. With an
        `area` (a name or id), each route carries its destination's vacancy and turnover there;
        `prefer="shortage"` puts routes into hard-to-fill roles first within each tier (pathways.demand;
        judged on England when no area is given, with a notice)."""
        from pathways.demand import demand_routes
        from pathways.routes import resolved_passport, with_usual_programmes

        return demand_routes(
            self.graph,
            self.matcher,
            self.area(area) if area is not None else None,
            prefer,
            self.notices,
            role=self.qid("Role", start) if start else None,
            passport=(
                with_usual_programmes(self.graph, resolved_passport(passport, self.qid), self.notices)
                if passport is not None
                else None
            ),
            education=[self.qid("Qualification", name) for name in education],
            to=self.qid("Role", to) if to else None,
            max_band=max_band,
            max_level=max_level,
            sector=sector,
            max_steps=max_steps,
            top=top,
            allow_step_down=allow_step_down,
        )

    def routes_into(self, role: str, *, top: int = 10) -> WaysInto:
        """Every recognised way into a role: programmes from education, and the best `top` routes from the
        roles with known links into it."""
        from pathways.routes import ways_into

        return ways_into(self.graph, self.matcher, self.qid("Role", role), top)

    # [team and JD questions: team_design, team_assess, job_description] (owner: helper C)
    def team_design(
        self,
        needs: str | Path | dict,
        *,
        objective: str = "cost",
        sectors: str | Sequence[str] | None = None,
        allow_blended_role: bool = False,
        exclude: Sequence[str] = (),
        caps: dict[str, int] | Sequence[tuple[str, int]] = (),
        minimums: dict[str, int] | Sequence[tuple[str, int]] = (),
        max_headcount: int | None = None,
        budget: float | None = None,
        area: str | None = None,
        availability: str = "all",
        confidence: float | None = None,
    ) -> TeamDesign:
        """The cheapest team (or, with objective="headcount", the smallest) covering every need, solved
        exactly. `needs` is a bundled template's id, a needs file's path, or a needs document already
        loaded (a dict as pathways.teams.read_needs_file returns). Roles are named as users name them;
        `caps`/`minimums` are {role: N} (at most / at least N); `sectors` a list or "a,b". These win over
        the needs' own rules about the same thing (the answer lists what they overrode). Options that
        contradict each other raise teams.Conflict (a QuestionError); no team at all, teams.Infeasible.
        `area` (an id or name) adds the area's vacancy rates and each need's chance of cover to the answer;
        availability="vacancy" (which needs an area) sizes the team so that each need's cover holds with
        probability `confidence` (default 0.9; only with that availability) when each post is filled with
        probability 1 - its role's vacancy rate."""
        from pathways import teams

        area_id, confidence = teams.check_availability(self.graph, area, availability, confidence)
        doc = teams.needs_document(self.graph, needs)
        role = self._role_qid
        options = teams.Options(
            exclude=list(dict.fromkeys(role(r) for r in exclude)),
            caps=teams.role_counts(caps, "--max", role),
            minimums=teams.role_counts(minimums, "--min", role),
            sectors=teams.chosen_sectors(self.graph, sectors),
            max_headcount=max_headcount,
            budget=budget,
        )
        teams.check_options(self.graph, doc, options)  # before any matching: a contradiction is cheap to find
        return teams.design(
            self.graph, self.matcher, doc, objective, allow_blended_role, options, area_id, availability, confidence
        )

    def team_assess(self, team: str | Path | Sequence[dict], needs: str | Path | dict) -> TeamAssessment:
        """How a team covers the needs: gaps, single points of failure, duplication, the cheapest training
        for each gap and the needs' rules kept. `team` is a team file's path or its members already loaded
        ([{role: qualified id, count, people}]); `needs` as for team_design."""
        from pathways import teams

        doc = teams.needs_document(self.graph, needs)
        members = teams.team_members(self.graph, team)  # a bad file is reported before any matching starts
        return teams.assess(self.graph, self.matcher, members, doc)

    def job_description(
        self,
        role: str,
        *,
        blend_with: Sequence[str] = (),
        title: str | None = None,
        band: str | None = None,
        level: int | None = None,
    ) -> JobDescription:
        """The job description of a role (its progression from the routes engine); with `blend_with`, of a
        new role titled `title` blended from `role` and those roles, at the `band` or `level` asked for (else
        the level suggested). A blend without a title, or a band or level for one role, is a QuestionError."""
        from pathways.jd import draft

        ids = [self._role_qid(r) for r in (role, *blend_with)]
        return draft(self.graph, self.matcher, ids, title, band, level)

    # [workforce pipelines: pipeline] (owner: helper B, issue 15)
    def pipeline(
        self,
        plan: str | Path | Mapping[str, Any] | PipelinePlan,
        *,
        area: str | None = None,
        years: int | None = None,
        runs: int | None = None,
        seed: int | None = None,
    ) -> Pipeline:
        """Headcount per role year by year under turnover, recruitment and the training routes a plan funds
        (pathways.pipeline). `plan` is a plan file's path, a plan as data or a PipelinePlan; `area`, `years`,
        `runs` (0: expected values; else seeded Monte Carlo runs) and `seed` override the plan's. A bad
        plan raises LibraryError with located problems; a role with no figures to start from, QuestionError."""
        from pathways.pipeline import project

        return project(self.graph, plan, area=area, years=years, runs=runs, seed=seed)

    def _role_qid(self, name: str) -> str:
        return self.qid("Role", name)
