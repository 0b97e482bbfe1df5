"""Demand-aware roles and routes (issue 15): `roles show ROLE --area A` gives the role's workforce figures,
each from the closest area and narrowest subject with its date and source; `routes --area A` carries each
destination's vacancy and turnover, and `--prefer shortage` puts routes into hard-to-fill roles first
within each kind of route, saying why.

The fixture (tests/data/demand) is small enough to work every answer out by hand: a care helper has
recognised moves to a senior care helper (6 months of training), a shift lead (12), a care practitioner
(18) and a care associate (24), and an inferred move to an activities coordinator. Shire lies within
Midlands, within England; the supply file's comments say which figure should decide what."""

from __future__ import annotations

import pytest

from graph.lookup import NotFound
from pathways.demand import PayFigure, SupplyFigure
from pathways.errors import QuestionError
from pathways.results import RESULT_KINDS, result_schema
from pathways.session import Session
from tests.conftest import DATA

jsonschema = pytest.importorskip("jsonschema")

LIBRARY = DATA / "demand" / "library"
USER = DATA / "demand" / "user"
FIXTURE = ["--no-bundled", "--library", str(LIBRARY), "--no-embeddings"]
BY_TIME = ["dem:senior", "dem:lead", "dem:practitioner", "dem:associate", "dem:coordinator"]


def _open(tmp_path_factory, *paths) -> Session:
    return Session.open(
        [str(p) for p in paths], bundled=False, workspace=tmp_path_factory.mktemp("ws"), embeddings=False
    )


@pytest.fixture(scope="module")
def demand(tmp_path_factory) -> Session:
    return _open(tmp_path_factory, LIBRARY)


@pytest.fixture(scope="module")
def with_user(tmp_path_factory) -> Session:
    return _open(tmp_path_factory, LIBRARY, USER)


def _figures(session: Session, role: str, area: str) -> dict[str, tuple]:
    supply = session.role(role, area=area).supply
    assert supply is not None and all(isinstance(f, SupplyFigure) for f in supply)
    return {f.measure: (f.value, f.area, f.subject, f.as_of, f.source) for f in supply}


def _destinations(answer) -> list[str]:
    return [route.roles[-1] for route in answer.routes]


# -- roles show --area ------------------------------------------------------------------------------
def test_each_measure_comes_from_the_closest_area_then_the_narrowest_subject(demand: Session) -> None:
    figures = _figures(demand, "care associate", "shire")
    assert list(figures) == ["headcount", "vacancy_rate", "turnover_rate", "aged_55_plus", "mean_pay"]
    # Shire has three vacancy rates that cover a care associate; the role's own wins over its groups'
    assert figures["vacancy_rate"] == (0.1, "shire", "Care associate", "2022", "Shire associate survey")
    # no turnover for the role itself: the 2-role group beats the 6-role one
    assert figures["turnover_rate"] == (0.2, "shire", "Clinical support staff", "2022", "Shire clinical staff report")
    assert figures["aged_55_plus"] == (0.25, "shire", "Care associate", "2022", "Shire associate survey")
    # Shire and Midlands have no headcount or pay: England's, with the file's own source
    national = ("england", "Clinical support staff", "2023", "Demand test national survey")
    assert figures["headcount"] == (5000, *national)
    assert figures["mean_pay"] == (PayFigure(28000, "year"), *national)


def test_a_closer_area_wins_over_a_narrower_subject_further_away(demand: Session) -> None:
    lead = _figures(demand, "shift lead", "shire")
    assert lead["turnover_rate"] == (0.3, "shire", "All care staff", "2022", "Shire care census")  # not Midlands' 0.18
    assert _figures(demand, "shift lead", "midlands") == {
        "turnover_rate": (0.18, "midlands", "Shift lead", "2023", "Midlands lead review")
    }


def test_the_newest_figure_wins(demand: Session) -> None:
    vacancy = _figures(demand, "care practitioner", "shire")["vacancy_rate"]
    assert vacancy == (0.15, "shire", "Care practitioner", "2023-02", "Shire practitioner survey 2023")


def test_a_users_figures_replace_the_bundled_ones_for_that_area_and_subject_only(with_user: Session) -> None:
    figures = _figures(with_user, "care associate", "shire")
    assert figures["vacancy_rate"] == (0.02, "shire", "Care associate", "2024-03", "Our own Shire vacancy count")
    # the bundled Shire care associate figure is set aside as a whole: its aged 55+ share too
    assert figures["aged_55_plus"] == (0.2, "england", "Clinical support staff", "2023", "Demand test national survey")
    # another subject in Shire, and another role, keep the bundled figures
    assert figures["turnover_rate"] == (0.2, "shire", "Clinical support staff", "2022", "Shire clinical staff report")
    assert _figures(with_user, "care practitioner", "shire")["vacancy_rate"][0] == 0.15


def test_no_area_no_figures_and_an_area_without_any_gives_an_empty_list(demand: Session) -> None:
    assert demand.role("care helper").supply is None
    assert demand.role("care helper", area="England").supply == []  # England's only figures are for clinical staff
    assert demand.area("SHIRE") == "shire"
    with pytest.raises(NotFound, match="midlands"):
        demand.area("midland")


def test_a_library_without_supply_data_says_so(tmp_path_factory) -> None:
    ladder = _open(tmp_path_factory, DATA / "ladder")
    with pytest.raises(QuestionError, match="no workforce supply figures"):
        ladder.role("carer", area="kent")


def test_roles_show_area_names_each_figure_with_where_when_and_source(run) -> None:
    out = run(*FIXTURE, "roles", "show", "care associate", "--area", "shire", "--format", "md").stdout
    assert "## Workforce supply" in out
    assert "| vacancy rate | 10% | Shire | Care associate | 2022 | Shire associate survey |" in out
    group = "| staff in post (whole group) | 5,000 | England | Clinical support staff | 2023 |"
    assert group + " Demand test national survey |" in out  # a staff group's count, never read as the role's
    assert "| mean pay (group average) | £28,000 a year | England |" in out
    empty = run(*FIXTURE, "roles", "show", "care helper", "--area", "england", "--format", "md").stdout
    assert "## Workforce supply" not in empty and "no figures for this role in 'england'" in empty
    bad = run(*FIXTURE, "roles", "show", "care helper", "--area", "midland", expect=2)
    assert "midlands (Midlands)" in bad.stderr


def test_roles_show_area_as_csv_gives_the_figures_asked_for(run) -> None:
    """CSV holds one table: with --area it is the workforce figures, not the requirements."""
    import csv
    import io

    out = run(*FIXTURE, "roles", "show", "care associate", "--area", "shire", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"measure", "value", "area_name", "as_of", "source"} <= set(rows[0])
    vacancy = next(row for row in rows if row["measure"] == "vacancy rate")
    assert (vacancy["value"], vacancy["area_name"], vacancy["source"]) == ("10%", "Shire", "Shire associate survey")
    plain = run(*FIXTURE, "roles", "show", "care associate", "--format", "csv").stdout
    assert plain.splitlines()[0].startswith("competency,")


# -- routes --area, --prefer shortage -----------------------------------------------------------------
def test_without_a_preference_routes_keep_their_order_and_carry_no_demand(demand: Session) -> None:
    plain = demand.routes("care helper")
    assert _destinations(plain) == BY_TIME
    assert plain.area is None and all(route.demand is None for route in plain.routes)
    with_area = demand.routes("care helper", area="shire")
    assert _destinations(with_area) == BY_TIME  # --area alone shows the figures, it does not reorder
    vacancies = {route.roles[-1]: route.demand.vacancy_rate.value for route in with_area.routes}
    assert vacancies == {
        "dem:senior": 0.04,
        "dem:lead": 0.05,
        "dem:practitioner": 0.15,
        "dem:associate": 0.1,
        "dem:coordinator": 0.2,
    }
    senior = with_area.routes[0].demand
    assert senior.turnover_rate.subject == "All care staff" and not senior.hard_to_fill


def test_prefer_shortage_puts_hard_to_fill_destinations_first_within_their_tier(demand: Session) -> None:
    answer = demand.routes("care helper", area="shire", prefer="shortage")
    # practitioner (15%) and associate (10%) move ahead, highest vacancy first; senior and lead keep their
    # order; the coordinator (20%) is reached only by an inferred move and stays behind every recognised route
    assert _destinations(answer) == [
        "dem:practitioner",
        "dem:associate",
        "dem:senior",
        "dem:lead",
        "dem:coordinator",
    ]
    assert [route.tier for route in answer.routes] == ["recognised"] * 4 + ["inferred"]
    first = answer.routes[0].demand
    assert first.hard_to_fill and first.reasons == [
        "Into a hard-to-fill role: vacancy 15% (Care practitioner, Shire, 2023-02)."
    ]
    assert answer.routes[2].demand.reasons == [
        "Vacancy 4% (All care staff, Shire, 2022): below the 10% of a shortage role."
    ]
    assert answer.prefer == "shortage" and "Preferring shortage" in answer.ranking
    # the preference works inside the ranking, before the cut: the top two are the shortage routes
    top_two = demand.routes("care helper", area="shire", prefer="shortage", top=2)
    assert _destinations(top_two) == ["dem:practitioner", "dem:associate"]
    assert _destinations(demand.routes("care helper", area="shire", top=2)) == BY_TIME[:2]


def test_a_users_figures_change_what_counts_as_a_shortage(with_user: Session) -> None:
    answer = with_user.routes("care helper", area="shire", prefer="shortage")
    # their own count puts care associates at 2%: only the practitioner moves ahead
    assert _destinations(answer) == ["dem:practitioner", "dem:senior", "dem:lead", "dem:associate", "dem:coordinator"]


def test_prefer_shortage_without_an_area_uses_england_and_says_so(demand: Session) -> None:
    demand.take_notices()
    answer = demand.routes("care helper", prefer="shortage")
    assert any("no --area given" in n and "England" in n for n in demand.take_notices())
    assert answer.area == "england" and _destinations(answer) == BY_TIME  # England: 3% for clinical staff only
    assert {route.demand.area_name for route in answer.routes} == {"England"}
    with pytest.raises(QuestionError, match="unknown preference"):
        demand.routes("care helper", prefer="pay")


def test_ways_into_a_role_are_unaffected(demand: Session) -> None:
    ways = demand.routes_into("care practitioner")
    assert ways.routes and all(route.demand is None for route in ways.routes)


# -- the JSON answers against their published schemas ------------------------------------------------------
def test_json_answers_validate_against_their_schemas(run) -> None:
    assert {"role", "routes"} <= set(RESULT_KINDS)
    role = run.json(*FIXTURE, "roles", "show", "care associate", "--area", "shire")
    jsonschema.validate(role, result_schema("role"))
    assert [f["measure"] for f in role["supply"]][1:3] == ["vacancy_rate", "turnover_rate"]
    assert role["supply"][-1]["value"] == {"amount": 28000.0, "period": "year"}
    jsonschema.validate(run.json(*FIXTURE, "roles", "show", "care associate"), result_schema("role"))
    routes = run.json(*FIXTURE, "routes", "care helper", "--area", "shire", "--prefer", "shortage")
    jsonschema.validate(routes, result_schema("routes"))
    assert routes["area"] == "shire" and routes["routes"][0]["demand"]["vacancy_rate"]["value"] == 0.15
    jsonschema.validate(run.json(*FIXTURE, "routes", "care helper"), result_schema("routes"))


def test_routes_table_shows_the_figures_and_why(run) -> None:
    out = run(*FIXTURE, "routes", "care helper", "--area", "shire", "--prefer", "shortage", "--format", "md").stdout
    assert out.index("## 1. Care practitioner") < out.index("## 2. Care associate") < out.index("## 3. Senior")
    assert "- Vacancy in Shire: 15% (Care practitioner, Shire, 2023-02; source: Shire practitioner survey 2023)" in out
    assert "- Into a hard-to-fill role: vacancy 15% (Care practitioner, Shire, 2023-02)." in out
    assert "Preferring shortage" in out
    refused = run(*FIXTURE, "routes", "--into", "care associate", "--area", "shire", expect=2)
    assert "--into does not take --area" in refused.stderr


# -- the bundled seed figures (frameworks/library/supply) -----------------------------------------------------
def _bundled_supply(run, role: str, area: str) -> dict[str, dict]:
    record = run.json("roles", "show", role, "--area", area)
    jsonschema.validate(record, result_schema("role"))
    return {f["measure"]: f for f in record["supply"]}


def test_a_registered_nurse_in_kent_and_staffordshire_shows_the_seed_figures_with_sources(run) -> None:
    kent = _bundled_supply(run, "registered nurse (adult)", "kent")
    # the Kent Health and Wellbeing Board report: 10% of NHS nursing posts vacant, October 2015 to March 2016
    vacancy = kent["vacancy_rate"]
    assert (vacancy["value"], vacancy["area"], vacancy["as_of"]) == (0.1, "kent", "2015/16")
    assert vacancy["source"].startswith("Kent Health and Wellbeing Board")
    # the Kent workforce profile: 9,072 registered nurses and midwives, undated slides
    headcount = kent["headcount"]
    assert (headcount["value"], headcount["area"], headcount["as_of"]) == (9072, "kent", "undated")
    assert headcount["source"].startswith("Kent workforce profile")
    # Staffordshire's figures are for adult social care: an NHS nurse there gets England's newest NHS rate for
    # registered nurses (NHS vacancy statistics, September 2022), not the older NHS-wide 8%, labelled so
    staffordshire = _bundled_supply(run, "registered nurse (adult)", "staffordshire")
    vacancy = staffordshire["vacancy_rate"]
    assert (vacancy["value"], vacancy["area"], vacancy["as_of"]) == (0.119, "england", "2022-09")
    assert vacancy["source"].startswith("NHS Vacancy Statistics, England")
    # ... and the nurse in a care home with nursing gets Staffordshire's own 2021/22 figures
    care_home = _bundled_supply(run, "registered nurse (care home with nursing)", "staffordshire")
    assert {
        m: (care_home[m]["value"], care_home[m]["area"], care_home[m]["as_of"])
        for m in ("vacancy_rate", "turnover_rate")
    } == {
        "vacancy_rate": (0.16, "staffordshire", "2021/22"),
        "turnover_rate": (0.554, "staffordshire", "2021/22"),
    }
    assert care_home["vacancy_rate"]["source"].startswith("Staffordshire Social Care Workforce Strategy")
    table = run("roles", "show", "registered nurse (adult)", "--area", "kent", "--format", "md").stdout
    assert "| vacancy rate | 10% | Kent |" in table and "Kent Health and Wellbeing Board" in table


def test_the_adviser_sheet_says_why_its_routes_lead_to_shortage_roles(run, tmp_path) -> None:
    """A sheet handed over after --prefer shortage says the order's rule and each route's vacancy figure."""
    sheet = tmp_path / "sheet.html"
    run("routes", "care worker", "--area", "staffordshire", "--prefer", "shortage", "--format", "html", "-o", sheet)
    text = sheet.read_text()
    assert "<dt>Order</dt><dd>Routes into roles that are hard to fill" in text
    assert "Jobs: Into a hard-to-fill role: vacancy" in text and "Staffordshire, 2021/22" in text
    plain = tmp_path / "plain.html"
    run("routes", "care worker", "--format", "html", "-o", plain)
    assert "Jobs:" not in plain.read_text() and "<dt>Order</dt>" not in plain.read_text()
