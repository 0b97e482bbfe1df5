"""Pipelines (issue 15 step 4): `pathways pipeline PLAN` and Session.pipeline.

The fixture library (tests/data/pipeline/library) is small enough to work every number out by hand:
Kent has 1,000 healthcare assistants (turnover 10%, England's nursing support vacancy rate 20%, so an
establishment of 1,250) and 100 nursing associates (turnover 5%, vacancy 20%: establishment 125). The
library links healthcare assistant -> trainee nursing associate (0 months) -> nursing associate (24 months).
The plan (tests/data/pipeline/plan.yaml) starts 20 healthcare assistants a year on that route for 4 years,
10% attrition, £10,000 per trainee per year.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest

from frameworks.errors import LibraryError
from pathways.errors import QuestionError
from pathways.results import as_json, result_schema
from pathways.session import Session
from tests.conftest import DATA

HERE = DATA / "pipeline"
LIBRARY = HERE / "library"
PLAN = HERE / "plan.yaml"
ROOT = Path(__file__).resolve().parents[1]
BASE = {
    "name": "Grow our own",
    "area": "kent",
    "years": 4,
    "flows": [
        {"from": "hca", "to": "nursing associate", "via": ["tna"], "places": 20, "attrition": 0.1, "cost": 10000}
    ],
}


def plan(**changes) -> dict:
    doc = copy.deepcopy(BASE)
    flow = changes.pop("flow", {})
    doc["flows"][0].update(flow)
    doc.update(changes)
    return doc


@pytest.fixture
def session(tmp_path: Path) -> Session:
    return Session.open([str(LIBRARY)], bundled=False, workspace=tmp_path / "ws", embeddings=False)


@pytest.fixture
def lib() -> list[str]:
    return ["--no-bundled", "--library", str(LIBRARY), "--no-embeddings"]


def years_of(result, role: str) -> list:
    return sorted((r for r in result.headcount if r.role == role), key=lambda r: r.year)


# -- the arithmetic, by hand -------------------------------------------------------------------------
def test_expected_mode_matches_the_arithmetic(session) -> None:
    result = session.pipeline(PLAN)
    assert result.mode == "expected" and result.runs == 0 and result.seed is None
    hca, na = years_of(result, "pipe:hca"), years_of(result, "pipe:na")
    # HCA: 10% leave and are replaced, 20 move up each year
    assert [r.start for r in hca] == [pytest.approx(v) for v in (1000, 980, 960, 940)]
    assert [r.left for r in hca] == [pytest.approx(v) for v in (100, 98, 96, 94)]
    assert [r.moved_up for r in hca] == [20] * 4
    assert [r.recruited for r in hca] == [pytest.approx(v) for v in (100, 98, 96, 94)]
    assert [r.end for r in hca] == [pytest.approx(v) for v in (980, 960, 940, 920)]
    assert [r.gap for r in hca] == [pytest.approx(v) for v in (270, 290, 310, 330)]
    # NA: 20 start a year, 10% drop out, the first 18 qualify at the end of year 2 (24 months)
    assert [r.trained_in for r in na] == [pytest.approx(v) for v in (0, 18, 18, 18)]
    assert [r.left for r in na] == [pytest.approx(v) for v in (5, 5, 5.9, 6.8)]
    assert [r.end for r in na] == [pytest.approx(v) for v in (100, 118, 136, 154)]
    assert [r.gap for r in na] == [pytest.approx(v) for v in (25, 7, -11, -29)]
    assert [r.establishment for r in hca + na] == [pytest.approx(1250)] * 4 + [pytest.approx(125)] * 4
    # the training stock: drop-outs leave evenly over the two years (1 a year per cohort of 20)
    stock = result.training
    assert [(t.in_training_start, t.started, t.completed, t.dropped_out, t.in_training) for t in stock] == [
        pytest.approx(v) for v in [(0, 20, 0, 1, 19), (19, 20, 18, 2, 19), (19, 20, 18, 2, 19), (19, 20, 18, 2, 19)]
    ]
    assert [t.cost for t in stock] == [pytest.approx(v) for v in (200_000, 390_000, 390_000, 390_000)]
    assert result.total_cost == pytest.approx(1_370_000)
    assert result.first_arrival == 2
    flow = result.flows[0]
    assert (flow.months, flow.years_in_training, flow.via) == (24, 2, ["pipe:tna"])
    assert "library links" in flow.months_from


def test_the_figures_say_where_they_come_from(session) -> None:
    roles = {r.role: r for r in session.pipeline(PLAN).roles}
    hca = roles["pipe:hca"]
    assert (hca.headcount, hca.turnover_rate, hca.establishment) == (1000, 0.1, pytest.approx(1250))
    assert "Kent" in hca.headcount_from and "Nursing support staff, England" in hca.establishment_from
    given = session.pipeline(plan(roles={"healthcare assistant": {"headcount": 500, "establishment": 600}}))
    hca = {r.role: r for r in given.roles}["pipe:hca"]
    assert (hca.headcount, hca.headcount_from, hca.establishment, hca.establishment_from) == (500, "plan", 600, "plan")
    assert hca.turnover_from.startswith("Healthcare assistant, Kent")


def test_the_notes_say_when_trainees_arrive_and_what_empties(session) -> None:
    notes = " | ".join(session.pipeline(PLAN).notes)
    assert "first trainees qualify at the end of year 2" in notes
    assert "Nursing associate: the gap of 25 posts closes in year 3" in notes
    assert "Healthcare assistant: the pipeline empties it, from 1,000 to 920 by year 4" in notes


def test_backfill_replaces_the_movers(session) -> None:
    hca = years_of(session.pipeline(plan(flow={"backfill": True})), "pipe:hca")
    assert [r.recruited for r in hca] == [pytest.approx(120)] * 4
    assert [r.end for r in hca] == [pytest.approx(1000)] * 4


def test_recruits_given_replace_the_status_quo(session) -> None:
    hca = years_of(session.pipeline(plan(roles={"hca": {"recruits": 50}})), "pipe:hca")
    # year 1: 1000 + 50 - 100 - 20 = 930; year 2: 930 + 50 - 93 - 20 = 867
    assert [r.end for r in hca[:2]] == [pytest.approx(930), pytest.approx(867)]


def test_places_start_only_in_the_years_given(session) -> None:
    result = session.pipeline(plan(flow={"first_year": 2, "last_year": 2}))
    stock = result.training
    assert [t.started for t in stock] == [0, 20, 0, 0]
    assert [t.completed for t in stock] == [0, 0, pytest.approx(18), 0]
    assert stock[-1].in_training == pytest.approx(0)
    assert result.flows[0].first_year == 2 and result.flows[0].last_year == 2


def test_training_time_rounds_up_to_whole_years(session) -> None:
    eighteen = session.pipeline(plan(flow={"months": 18, "via": []}))
    assert eighteen.flows[0].years_in_training == 2 and eighteen.flows[0].months_from == "plan"
    assert eighteen.first_arrival == 2
    direct = session.pipeline(plan(roles={"tna": {"headcount": 0, "turnover_rate": 0}}, flow={"to": "tna", "via": []}))
    # a 0-month move (a recruitment into a training post) lands at the end of the year it starts
    tna = years_of(direct, "pipe:tna")
    assert direct.flows[0].months == 0 and [r.trained_in for r in tna][:2] == [pytest.approx(18)] * 2
    assert tna[0].end == pytest.approx(18)


def test_places_beyond_the_people_left_are_cut_in_proportion(session) -> None:
    doc = plan(roles={"hca": {"headcount": 10, "turnover_rate": 0.5}, "tna": {"headcount": 0, "turnover_rate": 0}})
    doc["flows"].append({"from": "hca", "to": "tna", "places": 20})
    result = session.pipeline(doc)
    hca = years_of(result, "pipe:hca")
    # 10 people, 5 leave: the 5 left share 40 places, 2.5 each way
    assert (hca[0].left, hca[0].moved_up, hca[0].end) == (5, 5, 5)
    assert [t.started for t in result.training if t.year == 1] == [2.5, 2.5]
    assert all(r.end >= 0 for r in result.headcount)
    assert any("too few people left for 20 places in year 1" in note for note in result.notes)


# -- conservation -----------------------------------------------------------------------------------
def _check_conservation(result) -> None:
    """start + joiners - leavers = end per role and year; the training stock balances; people moving up
    are the trainees starting, and people trained in are the trainees completing."""
    for r in result.headcount:
        assert r.start + r.recruited + r.trained_in - r.left - r.moved_up == pytest.approx(r.end, abs=1e-6)
        assert r.gap == pytest.approx(r.establishment - r.end)
    for t in result.training:
        assert t.in_training_start + t.started - t.completed - t.dropped_out == pytest.approx(t.in_training, abs=1e-6)
    rows = {(r.role, r.year): r for r in result.headcount}
    for year in range(1, result.years + 1):
        if year > 1:
            for role in {r.role for r in result.headcount}:
                assert rows[(role, year)].start == pytest.approx(rows[(role, year - 1)].end)
        for role in {r.role for r in result.headcount}:
            started = sum(t.started for t in result.training if t.year == year and t.from_ == role)
            completed = sum(t.completed for t in result.training if t.year == year and t.to == role)
            assert rows[(role, year)].moved_up == pytest.approx(started)
            assert rows[(role, year)].trained_in == pytest.approx(completed)


RICH = {
    "area": "kent",
    "years": 6,
    "roles": {"hca": {"recruits": 90}, "tna": {"headcount": 30, "turnover_rate": 0.1}, "na": {}},
    "flows": [
        {"from": "hca", "to": "nursing associate", "via": ["tna"], "places": 25, "attrition": 0.2, "cost": 5000},
        {"from": "tna", "to": "na", "places": 5, "attrition": 0.1, "backfill": True},
        {"from": "hca", "to": "tna", "places": 8, "months": 0, "first_year": 3},
    ],
    "uncertainty": {"turnover": 0.3, "attrition": 0.5, "runs": 400, "seed": 5},
}


@pytest.mark.parametrize("runs", [0, 400])
def test_conservation_holds_in_both_modes(session, runs: int) -> None:
    result = session.pipeline(RICH, runs=runs)
    assert result.mode == ("monte carlo" if runs else "expected")
    _check_conservation(result)


def test_every_monte_carlo_run_keeps_the_sums() -> None:
    """Inside the engine, run by run (not only on the means): no one appears or vanishes, no negatives."""
    import numpy as np

    from pathways.pipeline import Setup, simulate

    setup = Setup(
        start=np.array([50.0, 5.0]),
        establishment=np.array([60.0, 10.0]),
        turnover=np.array([0.3, 0.2]),
        recruits=np.array([np.nan, 1.0]),
        src=np.array([0]),
        dst=np.array([1]),
        places=np.array([30.0]),
        years_in_training=np.array([3]),
        months=np.array([36.0]),
        attrition=np.array([0.4]),
        cost=np.array([1.0]),
        active=np.ones((1, 8)),
        backfill=np.array([0.0]),
        years=8,
        spread_turnover=0.5,
        spread_attrition=0.5,
    )
    one = simulate(setup, runs=1, seed=11)
    roles, flows = one.roles, one.flows
    assert np.allclose(
        roles["start"] + roles["recruited"] + roles["trained_in"] - roles["left"] - roles["moved_up"], roles["end"]
    )
    assert np.allclose(
        flows["in_training_start"] + flows["started"] - flows["completed"] - flows["dropped_out"], flows["in_training"]
    )
    assert (roles["end"] >= 0).all() and (flows["in_training"] >= 0).all()
    assert np.allclose(roles["end"], np.round(roles["end"]))  # a run counts people, not fractions


# -- Monte Carlo ------------------------------------------------------------------------------------
MC = plan(roles={"na": {"recruits": 5}}, uncertainty={"turnover": 0.3, "attrition": 0.5, "runs": 2000, "seed": 7})


def test_a_seeded_run_is_reproducible_and_another_seed_differs(session) -> None:
    first, again = as_json(session.pipeline(MC, runs=300)), as_json(session.pipeline(MC, runs=300))
    assert first == again and first["seed"] == 7
    other = as_json(session.pipeline(MC, runs=300, seed=8))
    assert other["seed"] == 8 and other["headcount"] != first["headcount"]


def test_the_median_run_is_near_the_expected_values(session) -> None:
    expected = {(r.role, r.year): r for r in session.pipeline(MC, runs=0).headcount}
    drawn = session.pipeline(MC)
    assert drawn.mode == "monte carlo" and drawn.runs == 2000  # the plan's uncertainty asks for runs
    for r in drawn.headcount:
        want = expected[(r.role, r.year)].end
        assert r.end_band.p10 <= r.end_band.p50 <= r.end_band.p90
        assert abs(r.end_band.p50 - want) <= 0.03 * want + 1, (r.role, r.year)
        assert abs(r.end - want) <= 0.02 * want + 0.5
    na = years_of(drawn, "pipe:na")
    assert na[-1].end_band.p90 - na[-1].end_band.p10 > 2  # uncertain turnover with fixed recruits spreads the end
    assert na[-1].gap_band.p10 == pytest.approx(na[-1].establishment - na[-1].end_band.p90)


def test_a_wider_spread_gives_a_wider_band(session) -> None:
    def width(spread: float) -> float:
        doc = {**MC, "uncertainty": {"turnover": spread, "runs": 1500, "seed": 3}}
        last = years_of(session.pipeline(doc), "pipe:na")[-1].end_band
        return last.p90 - last.p10

    assert width(0.6) > width(0.0)


# -- bad plans --------------------------------------------------------------------------------------
def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text)
    return path


FLOW = "kind: pipeline\narea: kent\nflows:\n  - from: {frm}\n    to: {to}\n    places: {places}\n"


@pytest.mark.parametrize(
    ("frm", "to", "places", "line", "words"),
    [
        (
            "helthcare asistant",
            "nursing associate",
            20,
            4,
            "unknown role 'helthcare asistant'; did you mean 'pipe:hca'?",
        ),
        ("hca", "nursing associate", 20, 4, "no progression link from pipe:hca to pipe:na"),
        ("hca", "tna", -3, 6, "places: wrong value -3"),
    ],
)
def test_a_bad_plan_is_one_located_line(run, lib, tmp_path, frm, to, places, line, words) -> None:
    path = _write(tmp_path, FLOW.format(frm=frm, to=to, places=places))
    result = run(*lib, "pipeline", path, expect=2)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and words in lines[0], result.stderr
    assert f"plan.yaml:{line}:" in lines[0] and not result.stdout


def test_no_link_suggests_the_training_post_between(session) -> None:
    with pytest.raises(LibraryError) as err:
        session.pipeline(plan(flow={"via": []}))
    assert "did you mean via: [pipe:tna]?" in str(err.value) and "plan: flows[0]" in str(err.value)


def test_a_role_with_no_headcount_says_how_to_give_one(run, lib, tmp_path) -> None:
    path = _write(tmp_path, FLOW.format(frm="carer", to="hca", places=3))
    line = run(*lib, "pipeline", path, expect=2).stderr.strip()
    assert line.startswith("error: Home carer: no headcount (none in Kent)") and "\n" not in line
    assert "roles: {Home carer: {headcount: N, turnover_rate: 0.1}}" in line


def test_a_larger_areas_headcount_is_not_the_roles(session) -> None:
    with pytest.raises(QuestionError, match="only one for the larger area England: 4,000"):
        session.pipeline({"area": "kent", "roles": {"tna": {}}})


def test_an_unknown_area_in_the_plan_is_located(run, lib, tmp_path) -> None:
    path = _write(tmp_path, "kind: pipeline\narea: kentt\nroles:\n  hca: {}\n")
    line = run(*lib, "pipeline", path, expect=2).stderr.strip()
    assert "plan.yaml:2: area: unknown area 'kentt'" in line and "kent" in line


# -- the command -------------------------------------------------------------------------------------
def test_json_validates_against_the_result_schema(run, lib) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(result_schema("pipeline"))
    for runs in ("0", "50"):
        document = run.json(*lib, "pipeline", PLAN, "--runs", runs)
        validator.validate(document)
        assert document["mode"] == ("expected" if runs == "0" else "monte carlo")


def test_options_override_the_plan(run, lib, tmp_path) -> None:
    text = PLAN.read_text() + "roles:\n  hca: {headcount: 800, turnover_rate: 0.1}\n  na: {headcount: 80}\n"
    path = _write(tmp_path, text)
    document = run.json(*lib, "pipeline", path, "--years", "2", "--area", "England", "--runs", "20", "--seed", "9")
    assert (document["years"], document["area"], document["runs"], document["seed"]) == (2, "england", 20, 9)
    assert {r["year"] for r in document["headcount"]} == {1, 2}
    na = next(r for r in document["roles"] if r["role"] == "pipe:na")  # England's turnover, not Kent's
    assert na["turnover_rate"] == 0.12 and "England" in na["turnover_from"]


def test_the_session_and_the_command_give_the_same_answer(run, lib, session) -> None:
    assert run.json(*lib, "pipeline", PLAN) == json.loads(json.dumps(as_json(session.pipeline(PLAN), rounded=True)))


def test_csv_is_the_yearly_table(run, lib) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run(*lib, "pipeline", PLAN, "--format", "csv").stdout)))
    assert [(r["role"], r["year"], r["end"]) for r in rows[:2]] == [
        ("Healthcare assistant", "1", "980"),
        ("Healthcare assistant", "2", "960"),
    ]


HOSTILE = '=HYPERLINK("http://x","<img src=x onerror=alert(1)>") *boom* | col'


def test_csv_and_markdown_escape_library_text(run, tmp_path) -> None:
    import csv
    import io

    from markdown_it import MarkdownIt

    library = Path(shutil.copytree(LIBRARY, tmp_path / "hostile"))
    roles = library / "roles.yaml"
    roles.write_text(roles.read_text().replace("title: Healthcare assistant", f"title: {json.dumps(HOSTILE)}"))
    path = _write(tmp_path, PLAN.read_text().replace("healthcare assistant", "hca"))
    options = ["--no-bundled", "--library", str(library), "--no-embeddings", "pipeline", path]
    rows = list(csv.DictReader(io.StringIO(run(*options, "--format", "csv").stdout)))
    assert rows[0]["role"] == "'" + HOSTILE
    page = run(*options, "--format", "md").stdout
    html = MarkdownIt("commonmark").enable("table").render(page)
    assert "<img" not in html and "<em>boom" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    yearly = page.split("## Headcount by year")[1].split("##")[0]
    lines = [line for line in yearly.splitlines() if line.startswith("| ")]
    assert len(lines) == 9 and len({line.count(" | ") for line in lines}) == 1  # no cell adds a column


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_plot_draws_headcount_with_the_band(run, lib, tmp_path, suffix: str) -> None:
    target = tmp_path / f"pipeline.{suffix}"
    result = run(*lib, "pipeline", PLAN, "--runs", "50", "--plot", target, "--format", "json")
    data = target.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == "png" else b"<svg" in data[:2000]
    assert f"wrote {target}" in result.stderr


def test_plot_refuses_an_unknown_extension(run, lib, tmp_path) -> None:
    result = run(*lib, "pipeline", PLAN, "--plot", tmp_path / "p.jpg", expect=2)
    assert "should end in .png, .svg or .pdf" in result.stderr and not (tmp_path / "p.jpg").exists()


def test_the_plan_format_is_published(run) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    schema = json.loads(run("schema", "pipeline").stdout)
    for path in (PLAN, ROOT / "examples" / "pipeline-nursing-associates.yaml"):
        jsonschema.validate(yaml.safe_load(path.read_text()), schema)


def test_the_example_plan_runs_on_the_bundled_library(tmp_path) -> None:
    """The bundled ids and the library's HCA -> trainee NA -> NA links give the example its 24 months."""
    session = Session.open(workspace=tmp_path / "ws", embeddings=False)
    result = session.pipeline(ROOT / "examples" / "pipeline-nursing-associates.yaml", runs=0)
    flow = result.flows[0]
    assert (flow.from_, flow.to, flow.via) == (
        "hsc:healthcare-assistant",
        "hsc:nursing-associate",
        ["hsc:trainee-nursing-associate"],
    )
    assert flow.months == 24 and result.first_arrival == 2 and result.area == "kent"
    _check_conservation(result)


def test_a_course_of_part_years_costs_only_the_months_it_runs() -> None:
    """An 18-month course at 1,000 a trainee-year, 10 starting once, 20% not finishing (leaving evenly over
    its two training years): year 1 costs 10 x 1,000; year 2 the 9 still there for half a year, 4,500."""
    import numpy as np

    from pathways.pipeline import Setup, simulate

    active = np.zeros((1, 3))
    active[0, 0] = 1.0
    setup = Setup(
        start=np.array([100.0, 0.0]),
        establishment=np.array([100.0, 10.0]),
        turnover=np.array([0.0, 0.0]),
        recruits=np.array([np.nan, 0.0]),
        src=np.array([0]),
        dst=np.array([1]),
        places=np.array([10.0]),
        years_in_training=np.array([2]),
        months=np.array([18.0]),
        attrition=np.array([0.2]),
        cost=np.array([1000.0]),
        active=active,
        backfill=np.array([0.0]),
        years=3,
    )
    cost = simulate(setup).flows["cost"][:, 0]
    assert cost.tolist() == pytest.approx([10_000.0, 4_500.0, 0.0])


def test_a_seed_without_runs_is_refused_not_dropped(run) -> None:
    """A user's explicit --seed with nothing random to seed is one line, exit 2 (not expected values
    printed as if the seed had been used)."""
    result = run(
        "pipeline", str(ROOT / "examples" / "pipeline-nursing-associates.yaml"), "--runs", "0", "--seed", "5", expect=2
    )
    assert result.stderr.startswith("error: --seed is for Monte Carlo runs")


def test_a_monte_carlo_run_too_big_for_memory_is_refused_before_it_starts(session, monkeypatch) -> None:
    """Runs whose arrays would pass the memory limit (here lowered to 4 MB) are one line saying how many fit."""
    from pathways import pipeline
    from pathways.errors import QuestionError

    monkeypatch.setattr(pipeline, "MEMORY_LIMIT", 4 << 20)
    with pytest.raises(QuestionError, match=r"100,000 runs of this plan would need about .* GB; give at most"):
        session.pipeline(RICH, years=50, runs=100_000)
    assert session.pipeline(RICH, years=50, runs=200).runs == 200


def test_contradicting_or_unreachable_plan_parts_are_refused_not_dropped(session) -> None:
    """A role given both an establishment and a vacancy rate, or a flow starting after the last year
    projected, is one clear refusal: neither is silently set aside."""
    from frameworks.errors import LibraryError
    from pathways.errors import QuestionError

    both = plan(roles={"hca": {"headcount": 100, "establishment": 120, "vacancy_rate": 0.1}})
    with pytest.raises(LibraryError, match="give establishment or vacancy_rate, not both"):
        session.pipeline(both)
    with pytest.raises(QuestionError, match="flow 1 starts in year 4, after the 3 years projected"):
        session.pipeline(plan(years=3, flow={"first_year": 4}))
