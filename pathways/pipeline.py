"""Pipelines ("grow your own"): headcount per role, year by year, under turnover, recruitment and the
training routes a plan funds (`kind: pipeline`, FORMATS.md).

How a year goes for each role (the README repeats it):
- `left` = turnover rate x headcount at the start of the year;
- `moved_up` = the places starting training from the role that year (cut in proportion, and said so, when
  fewer people are left than the places asked for);
- `recruited` = as many as left (leavers are replaced: the status quo) unless the plan gives `recruits`, plus
  the movers of every flow from the role with `backfill: true`;
- `trained_in` = the trainees completing into the role that year: a cohort starting in year s completes
  at the end of year s + ceil(months / 12) - 1 (a move of 0 months at the end of the year it starts);
- `end` = start + recruited + trained_in - left - moved_up, which is the next year's start, and
  `gap` = establishment - end (negative: above establishment).

Trainees sit in each flow's training stock (in_training_start + started - completed - dropped_out =
in_training): a share `attrition` of each cohort does not complete, leaving evenly over its training years
and not going back to the role it came from. A year's training cost is the cost per trainee per year times
the trainee-years in it: each trainee who begins a training year counts for the share of it the course
runs (an 18-month course: a whole year, then half; a move of 0 months costs nothing).

Figures (read with the rest of the plan in pathways.pipeline_plan): a role's starting headcount is the
plan's, else the role's own headcount in the plan's area (a staff group's or a larger area's headcount is
not the role's there, so it is never used); establishment is the plan's, else headcount / (1 - vacancy
rate); turnover and vacancy rates are the plan's, else the library's supply figures for the area (which may
come from a larger area or a staff group, as `supply_of` chooses; each figure used is named with its
source).

Two modes: expected values (floats, no randomness: the default) or a seeded Monte Carlo run (`runs` > 0,
the default when the plan has `uncertainty`): each run draws every role's turnover rate and every flow's
attrition once, rate x (1 + spread x a standard normal draw) kept within 0-1, then leavers are
Binomial(headcount, rate) and drop-outs Binomial(starters, attrition) year by year. The arithmetic is
vectorised over runs x roles (numpy), looping only over years. The figures reported are then the means
over runs (which keep the conservation sums), with the 10th, 50th and 90th percentiles of end headcount,
gap and completions. The same seed gives the same answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from graph.supply import supply_data
from pathways.errors import QuestionError
from pathways.pipeline_plan import _area, _figures, _Flow, _flows, _role, _title, _with_headcount, read_plan
from pathways.results import digits, named

if TYPE_CHECKING:
    import networkx as nx

    from frameworks.models import PipelinePlan

MAX_YEARS = 50
MAX_RUNS = 100_000
MEMORY_LIMIT = 1 << 30  # bytes of Monte Carlo arrays one projection may hold (about 1 GB)
PERCENTILES = (10, 50, 90)


# -- results ------------------------------------------------------------------------------------------
@dataclass
class Band:
    """The 10th, 50th and 90th percentiles over Monte Carlo runs."""

    p10: float = digits(1)
    p50: float = digits(1)
    p90: float = digits(1)


@dataclass
class PipelineRole:
    """A role's starting figures and where each comes from ("plan", or the supply figure used)."""

    role: str
    title: str
    headcount: float = digits(1)
    headcount_from: str
    establishment: float = digits(1)
    establishment_from: str
    turnover_rate: float = digits(4)
    turnover_from: str
    recruits: int | None  # people recruited a year; None: as many as leave


@dataclass
class PipelineFlow:
    """A funded route: `places` a year from one role to another, `years_in_training` = ceil(months / 12)."""

    from_: str = named("from")
    from_title: str
    to: str
    to_title: str
    via: list[str]
    via_titles: list[str]
    places: int
    months: float = digits(1)
    months_from: str
    years_in_training: int
    attrition: float = digits(4)
    cost: float | None
    first_year: int
    last_year: int
    backfill: bool


@dataclass
class RoleYear:
    """One role in one year: start + recruited + trained_in - left - moved_up = end; gap = establishment - end."""

    role: str
    year: int
    start: float = digits(1)
    left: float = digits(1)
    moved_up: float = digits(1)
    recruited: float = digits(1)
    trained_in: float = digits(1)
    end: float = digits(1)
    establishment: float = digits(1)
    gap: float = digits(1)
    end_band: Band | None
    gap_band: Band | None
    recruited_band: Band | None


@dataclass
class TrainingYear:
    """One flow's training stock in one year: in_training_start + started - completed - dropped_out =
    in_training. `flow` is the flow's position in `flows`, from 1."""

    flow: int
    from_: str = named("from")
    to: str
    year: int
    in_training_start: float = digits(1)
    started: float = digits(1)
    completed: float = digits(1)
    dropped_out: float = digits(1)
    in_training: float = digits(1)
    cost: float = digits(0)
    completed_band: Band | None


@dataclass
class Pipeline:
    """A pipeline projection. `mode` "expected": expected values; "monte carlo": means over `runs` runs
    (seed `seed`) with 10th-90th percentile bands. `first_arrival` is the first year trainees qualify."""

    name: str | None
    area: str | None
    area_name: str | None
    years: int
    mode: Literal["expected", "monte carlo"]
    runs: int
    seed: int | None
    spread: dict[str, float]
    roles: list[PipelineRole]
    flows: list[PipelineFlow]
    headcount: list[RoleYear]
    training: list[TrainingYear]
    total_cost: float = digits(0)
    first_arrival: int | None
    notes: list[str]


# -- the projection ---------------------------------------------------------------------------------
@dataclass
class Setup:
    """A plan as arrays: roles (R) and flows (F) over `years` years; `recruits` is NaN where leavers are
    replaced; `active[f, y]` says whether flow f takes starters in year y (from 0)."""

    start: np.ndarray
    establishment: np.ndarray
    turnover: np.ndarray
    recruits: np.ndarray
    src: np.ndarray
    dst: np.ndarray
    places: np.ndarray
    years_in_training: np.ndarray
    months: np.ndarray
    attrition: np.ndarray
    cost: np.ndarray
    active: np.ndarray
    backfill: np.ndarray
    years: int
    spread_turnover: float = 0.0
    spread_attrition: float = 0.0


ROLE_PARTS = ("start", "left", "moved_up", "recruited", "trained_in", "end")
FLOW_PARTS = ("in_training_start", "started", "completed", "dropped_out", "in_training", "cost")


@dataclass
class Trajectory:
    """Per year: the mean over runs of each part (`roles[part]` is years x R, `flows[part]` years x F),
    the percentiles of end headcount and recruits (years x 3 x R) and completions (years x 3 x F) when runs
    were drawn, and how many places each year could not start for want of people (years x F)."""

    roles: dict[str, np.ndarray]
    flows: dict[str, np.ndarray]
    end_bands: np.ndarray | None
    recruited_bands: np.ndarray | None
    completed_bands: np.ndarray | None
    unfilled: np.ndarray


def simulate(setup: Setup, runs: int = 0, seed: int | None = None) -> Trajectory:
    """Run the projection: expected values when `runs` is 0, else `runs` seeded Monte Carlo runs."""
    s = setup
    rng = np.random.default_rng(seed) if runs > 0 else None
    n, size_r, size_f, years = max(runs, 1), len(s.start), len(s.src), s.years
    from_role = np.zeros((size_f, size_r))
    from_role[np.arange(size_f), s.src] = 1.0
    into_role = np.zeros((size_f, size_r))
    into_role[np.arange(size_f), s.dst] = 1.0
    turnover = np.broadcast_to(s.turnover, (n, size_r)).astype(float)
    attrition = np.broadcast_to(s.attrition, (n, size_f)).astype(float)
    if rng is not None:
        turnover = np.clip(turnover * (1 + s.spread_turnover * rng.standard_normal((n, size_r))), 0, 1)
        attrition = np.clip(attrition * (1 + s.spread_attrition * rng.standard_normal((n, size_f))), 0, 1)
    longest = int(s.years_in_training.max()) if size_f else 1
    completing = np.zeros((n, size_f, years + longest))
    dropping = np.zeros((n, size_f, years + longest))
    paying = np.zeros((n, size_f, years + longest))  # trainee-years of training in each year, for the cost
    replace = np.isnan(s.recruits)
    fixed = np.where(replace, 0.0, s.recruits)
    headcount = np.broadcast_to(s.start, (n, size_r)).astype(float)
    if rng is not None:
        headcount = np.round(headcount)
    in_training = np.zeros((n, size_f))
    flows_at = np.arange(size_f)
    out_roles = {p: np.zeros((years, size_r)) for p in ROLE_PARTS}
    out_flows = {p: np.zeros((years, size_f)) for p in FLOW_PARTS}
    end_bands = np.zeros((years, 3, size_r)) if rng is not None else None
    recruited_bands = np.zeros((years, 3, size_r)) if rng is not None else None
    completed_bands = np.zeros((years, 3, size_f)) if rng is not None else None
    unfilled = np.zeros((years, size_f))
    for y in range(years):
        start = headcount
        left = start * turnover if rng is None else rng.binomial(start.astype(np.int64), turnover).astype(float)
        available = start - left
        wanted = np.broadcast_to(s.places * s.active[:, y], (n, size_f)).astype(float)
        asked = wanted @ from_role
        ratio = np.where(asked > available, available / np.where(asked > 0, asked, 1.0), 1.0)
        started = wanted * ratio[:, s.src]
        if rng is not None:
            started = np.floor(started)
        moved = started @ from_role
        recruited = np.where(replace, left, fixed) + (started * s.backfill) @ from_role
        if rng is not None:
            dropouts = rng.binomial(started.astype(np.int64), attrition).astype(float)
        else:
            dropouts = started * attrition
        completing[:, flows_at, y + s.years_in_training - 1] += started - dropouts
        remaining, present = dropouts, started
        for k in range(longest):  # drop-outs leave evenly over the cohort's training years
            training = k < s.years_in_training
            share_of_year = np.clip(s.months / 12 - k, 0.0, 1.0)  # an 18-month course: a year, then half
            paying[:, flows_at, y + k] += present * share_of_year
            if rng is not None:  # the last training year takes whoever is left to go
                share = np.where(training, 1.0 / np.maximum(s.years_in_training - k, 1), 0.0)
                gone = rng.binomial(remaining.astype(np.int64), share).astype(float)
                remaining = remaining - gone
            else:
                gone = np.where(training, dropouts / s.years_in_training, 0.0)
            dropping[:, flows_at, y + k] += gone
            present = present - gone
        in_start = in_training
        completed, dropped = completing[:, :, y], dropping[:, :, y]
        in_training = in_start + started - completed - dropped
        trained_in = completed @ into_role
        end = start + recruited + trained_in - left - moved
        headcount = end
        for part, value in zip(ROLE_PARTS, (start, left, moved, recruited, trained_in, end), strict=True):
            out_roles[part][y] = value.mean(axis=0)
        cost = s.cost * paying[:, :, y]
        for part, value in zip(FLOW_PARTS, (in_start, started, completed, dropped, in_training, cost), strict=True):
            out_flows[part][y] = value.mean(axis=0)
        unfilled[y] = (wanted - started).mean(axis=0)
        if rng is not None:
            end_bands[y] = np.percentile(end, PERCENTILES, axis=0)
            recruited_bands[y] = np.percentile(recruited, PERCENTILES, axis=0)
            completed_bands[y] = np.percentile(completed, PERCENTILES, axis=0)
    return Trajectory(out_roles, out_flows, end_bands, recruited_bands, completed_bands, unfilled)


def _check_memory(setup: Setup, runs: int) -> None:
    """Refuse a Monte Carlo run whose arrays (runs x flows x years, and runs x roles) would not fit in
    MEMORY_LIMIT, before any is made: say how many runs would."""
    longest = int(setup.years_in_training.max()) if len(setup.src) else 1
    per_run = 8 * (4 * len(setup.src) * (setup.years + longest) + 12 * len(setup.start))
    if runs and runs * per_run > MEMORY_LIMIT:
        fits = max(1, MEMORY_LIMIT // per_run)
        raise QuestionError(
            f"{runs:,} runs of this plan would need about {runs * per_run / 2**30:.1f} GB; give at most"
            f" {fits:,} runs (--runs), fewer years or fewer flows"
        )


def setup_of(
    roles: list[PipelineRole], flows: list[_Flow], years: int, spread: Mapping[str, float] | None = None
) -> Setup:
    index = {r.role: i for i, r in enumerate(roles)}
    active = np.zeros((len(flows), years))
    for f, flow in enumerate(flows):
        last = years if flow.last_year is None else min(flow.last_year, years)
        active[f, flow.first_year - 1 : last] = 1.0
    spread = spread or {}
    return Setup(
        start=np.array([r.headcount for r in roles], dtype=float),
        establishment=np.array([r.establishment for r in roles], dtype=float),
        turnover=np.array([r.turnover_rate for r in roles], dtype=float),
        recruits=np.array([np.nan if r.recruits is None else r.recruits for r in roles], dtype=float),
        src=np.array([index[f.src] for f in flows], dtype=np.int64),
        dst=np.array([index[f.dst] for f in flows], dtype=np.int64),
        places=np.array([f.places for f in flows], dtype=float),
        years_in_training=np.array([max(1, math.ceil(f.months / 12 - 1e-9)) for f in flows], dtype=np.int64),
        months=np.array([f.months for f in flows], dtype=float),
        attrition=np.array([f.attrition for f in flows], dtype=float),
        cost=np.array([f.cost or 0.0 for f in flows], dtype=float),
        active=active,
        backfill=np.array([f.backfill for f in flows], dtype=float),
        years=years,
        spread_turnover=float(spread.get("turnover", 0.0)),
        spread_attrition=float(spread.get("attrition", 0.0)),
    )


# -- the question ----------------------------------------------------------------------------------
def project(
    graph: nx.MultiDiGraph,
    plan: str | Path | Mapping[str, Any] | PipelinePlan,
    *,
    area: str | None = None,
    years: int | None = None,
    runs: int | None = None,
    seed: int | None = None,
) -> Pipeline:
    """The projection a plan asks for; `area`, `years`, `runs` and `seed` override the plan's."""
    doc, where = read_plan(plan)
    if years is not None and not 1 <= years <= MAX_YEARS:
        raise QuestionError(f"years must be 1-{MAX_YEARS}, not {years}")
    if runs is not None and not 0 <= runs <= MAX_RUNS:
        raise QuestionError(f"runs must be 0-{MAX_RUNS}, not {runs}")
    area_id = _area(graph, doc, area, where)
    given: dict[str, Any] = {}
    if isinstance(doc.roles, dict):
        for name, figures in doc.roles.items():
            qid = _role(graph, name, where, ("roles", name))
            if qid is not None and qid in given:
                where.problem(("roles", name), f"'{name}' is {qid} again", expected="each role once")
            elif qid is not None:
                given[qid] = figures
    flows = _flows(graph, doc, where)
    where.done()
    names = list(given) if isinstance(doc.roles, dict) else _with_headcount(graph, area_id)
    names += [q for f in flows for q in (f.src, f.dst)]
    missing: list[str] = []
    found = [_figures(graph, qid, given.get(qid), area_id, missing) for qid in dict.fromkeys(names)]
    if missing:
        raise QuestionError(" | ".join(missing))
    if not found and doc.roles == "all":
        raise QuestionError(
            f"roles: all found no role with its own headcount in {supply_data(graph)['areas'][area_id]['name']};"
            " name the roles and give their headcounts (roles: {ROLE: {headcount: N}})"
        )
    if not found:
        raise QuestionError("the plan names no roles: give roles: or flows:")
    horizon = years or doc.years
    late = [(n, f) for n, f in enumerate(flows, start=1) if f.first_year > horizon]
    if late:
        n, flow = late[0]
        raise QuestionError(
            f"flow {n} starts in year {flow.first_year}, after the {horizon} years projected: project more years"
            " (--years) or start it earlier"
        )
    uncertainty = doc.uncertainty
    runs = runs if runs is not None else (uncertainty.runs if uncertainty else 0)
    if seed is not None and not runs:
        raise QuestionError(
            "--seed is for Monte Carlo runs: give --runs N (or uncertainty in the plan); without runs the"
            " projection is expected values, with nothing to seed"
        )
    seed = (seed if seed is not None else (uncertainty.seed if uncertainty else 0)) if runs else None
    spread = {"turnover": uncertainty.turnover, "attrition": uncertainty.attrition} if uncertainty and runs else {}
    starts = [f.start for f in found if f is not None]
    setup = setup_of(starts, flows, horizon, spread)
    _check_memory(setup, runs)
    trajectory = simulate(setup, runs, seed)
    answer = _answer(graph, doc, area_id, starts, flows, setup, trajectory, runs, seed, spread)
    for figures in found:
        if figures is not None and not figures.vacancy_known and figures.start.establishment_from != "plan":
            answer.notes.append(f"{figures.start.title}: no vacancy rate known, so its establishment is its headcount")
    return answer


def _band(values: np.ndarray) -> Band:
    return Band(*(float(v) for v in values))


def _answer(
    graph: nx.MultiDiGraph,
    doc: PipelinePlan,
    area: str | None,
    roles: list[PipelineRole],
    flows: list[_Flow],
    setup: Setup,
    trajectory: Trajectory,
    runs: int,
    seed: int | None,
    spread: dict[str, float],
) -> Pipeline:
    t, years = trajectory, setup.years
    headcount = []
    for r, role in enumerate(roles):
        for y in range(years):
            end = float(t.roles["end"][y, r])
            est = role.establishment
            headcount.append(
                RoleYear(
                    role.role,
                    y + 1,
                    *(float(t.roles[p][y, r]) for p in ROLE_PARTS[:-1]),
                    end,
                    est,
                    est - end,
                    _band(t.end_bands[y, :, r]) if t.end_bands is not None else None,
                    _band(est - t.end_bands[y, ::-1, r]) if t.end_bands is not None else None,
                    _band(t.recruited_bands[y, :, r]) if t.recruited_bands is not None else None,
                )
            )
    training = [
        TrainingYear(
            f + 1,
            flow.src,
            flow.dst,
            y + 1,
            *(float(t.flows[p][y, f]) for p in FLOW_PARTS),
            _band(t.completed_bands[y, :, f]) if t.completed_bands is not None else None,
        )
        for f, flow in enumerate(flows)
        for y in range(years)
    ]
    flow_records = [
        PipelineFlow(
            f.src,
            _title(graph, f.src),
            f.dst,
            _title(graph, f.dst),
            f.via,
            [_title(graph, v) for v in f.via],
            f.places,
            f.months,
            f.months_from,
            int(setup.years_in_training[i]),
            f.attrition,
            f.cost,
            f.first_year,
            min(f.last_year, years) if f.last_year is not None else years,  # places start only while projected
            f.backfill,
        )
        for i, f in enumerate(flows)
    ]
    arrivals = [y + 1 for y in range(years) if t.flows["completed"][y].sum() > 0] if flows else []
    areas = supply_data(graph)["areas"]
    return Pipeline(
        name=doc.name,
        area=area,
        area_name=areas[area]["name"] if area else None,
        years=years,
        mode="monte carlo" if runs else "expected",
        runs=runs,
        seed=seed,
        spread=dict(spread),
        roles=roles,
        flows=flow_records,
        headcount=headcount,
        training=training,
        total_cost=float(t.flows["cost"].sum()),
        first_arrival=arrivals[0] if arrivals else None,
        notes=_notes(roles, flow_records, setup, t, runs, seed),
    )


def _n(value: float) -> str:
    return f"{value:,.0f}" if abs(value - round(value)) < 0.05 or abs(value) >= 100 else f"{value:,.1f}"


def _notes(
    roles: list[PipelineRole], flows: list[PipelineFlow], setup: Setup, t: Trajectory, runs: int, seed: int | None
) -> list[str]:
    """What a planner reads first: when trainees arrive, whether each gap closes, what the pipeline empties."""
    notes = [note for f, flow in enumerate(flows) for note in _flow_notes(f, flow, setup.years, t)]
    notes += [note for r, role in enumerate(roles) for note in _role_notes(r, role, setup.years, t)]
    if runs:
        notes.append(f"Monte Carlo: {runs} runs, seed {seed}; figures are means over runs, bands 10th-90th percentiles")
    return notes


def _flow_notes(f: int, flow: PipelineFlow, years: int, t: Trajectory) -> list[str]:
    name = f"flow {f + 1} ({flow.from_title} -> {flow.to_title})"
    done = [y for y in range(years) if t.flows["completed"][y, f] > 1e-9]
    notes = []
    if done:
        y = done[0]
        notes.append(
            f"{name}: the first trainees qualify at the end of year {y + 1} ({_n(t.flows['completed'][y, f])} that"
            f" year, {_n(t.flows['completed'][:, f].sum())} by year {years})"
        )
    elif flow.places:
        notes.append(f"{name}: nobody qualifies within {years} years ({flow.years_in_training} years in training)")
    short = [y for y in range(years) if t.unfilled[y, f] > 1e-9]
    if short:
        more = f" and {len(short) - 1} later years" if len(short) > 1 else ""
        notes.append(
            f"{name}: {flow.from_title} has too few people left for {flow.places} places in year {short[0] + 1}{more}"
            f" ({_n(t.unfilled[short[0], f])} places unfilled that year)"
        )
    return notes


def _role_notes(r: int, role: PipelineRole, years: int, t: Trajectory) -> list[str]:
    """Whether the role's gap closes, narrows or widens, and whether the pipeline empties it."""
    first, last = role.establishment - role.headcount, role.establishment - float(t.roles["end"][-1, r])
    gaps = role.establishment - t.roles["end"][:, r]
    closes = [y for y in range(years) if gaps[y] <= 1e-9]
    notes = []
    if first > 1e-9 and closes:
        again = f" but opens again ({_n(last)} by year {years})" if last > 0.05 else ""
        notes.append(f"{role.title}: the gap of {_n(first)} posts closes in year {closes[0] + 1}{again}")
    elif first > 1e-9 and abs(last - first) > 0.05:
        how = "narrows" if last < first else "widens"
        notes.append(
            f"{role.title}: the gap {how} from {_n(first)} to {_n(last)} posts by year {years}; it does not close"
        )
    elif first <= 1e-9 and last > 0.05:
        notes.append(f"{role.title}: a gap of {_n(last)} posts opens by year {years}")
    if last < -0.05:
        recruited = float(t.roles["recruited"][:, r].mean())
        why = (
            "leavers are still replaced: set recruits"
            if role.recruits is None
            else f"{_n(recruited)} recruited a year on average, backfill included"
            if recruited > role.recruits + 0.05
            else f"{role.recruits} recruits a year"
        )
        notes.append(f"{role.title}: {_n(-last)} people above establishment by year {years} ({why})")
    moved = float(t.roles["moved_up"][:, r].sum())
    end = float(t.roles["end"][-1, r])
    if moved > 1e-9 and end < role.headcount - 0.05:
        notes.append(
            f"{role.title}: the pipeline empties it, from {_n(role.headcount)} to {_n(end)} by year {years}"
            f" ({_n(moved)} moved up); replace the movers with backfill: true or more recruits"
        )
    return notes
