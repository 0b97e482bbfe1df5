"""Workforce supply on the web page (issue 15 step 5), through Starlette's TestClient: the area chooser on the
role page, the route planner and the team designer, the pipeline planner with its chart, their JSON twins
against the CLI, refusals as one-line messages next to their fields, and every name escaped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pathways.session import Session
from web import create_app

TEMPLATE = "integrated-neighbourhood-team"
ODD_SUPPLY = """\
kind: supply
namespace: mine
source: {title: "<script>alert('src')</script> census"}
areas:
  odd: {name: "<b>Odd</b> & Co", type: place, within: kent}
figures:
  - {area: odd, role: hsc:care-worker, as_of: "2024", vacancy_rate: 0.123, turnover_rate: 0.3}
"""


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return Session.open(workspace=tmp_path_factory.mktemp("web-supply-workspace"))


@pytest.fixture(scope="module")
def client(session: Session) -> TestClient:
    return TestClient(create_app(session), raise_server_exceptions=False)


def ok(response, *texts: str) -> str:
    assert response.status_code == 200, (response.status_code, response.text[-1500:])
    for text in texts:
        assert text in response.text, text
    return response.text


def refused(response, status: int, field: str | None, *texts: str) -> str:
    """A refusal: the status, the one-line message in the error summary (linked to its field) and no trace."""
    assert response.status_code == status, (response.status_code, response.text[-1500:])
    assert "nhsuk-error-summary" in response.text and "Traceback" not in response.text
    if field:
        assert f'href="#{field}"' in response.text and f'id="{field}-error"' in response.text
    for text in texts:
        assert text in response.text, text
    return response.text


def section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


# -- the role page --------------------------------------------------------------------------------------------
def test_role_page_offers_the_areas_with_none_chosen(client: TestClient, session: Session) -> None:
    from graph.supply import supply_data

    html = ok(client.get("/roles/care-worker"), '<select class="nhsuk-select" id="area" name="area"')
    chooser = section(html, 'id="area"', "</select>")
    assert '<option value="">None</option>' in chooser and " selected" not in chooser
    for key, area in supply_data(session.graph)["areas"].items():
        assert f'<option value="{key}">{area["name"]} (' in chooser
    assert "Workforce supply in" not in html


def test_role_page_shows_the_supply_in_an_area_with_where_each_figure_is_from(client: TestClient) -> None:
    html = ok(client.get("/roles/registered nurse (mental health)", params={"area": "kent"}))
    table = section(html, '<caption class="nhsuk-table__caption">Workforce supply in Kent</caption>', "</table>")
    # kent.yaml: the report's 20% vacancy for Kent's mental health nursing posts (2015/16), and the
    # workforce profile's 9,072 registered nursing and midwifery staff (undated), the role's staff group
    vacancy = section(table, "Vacancy rate", "</tr>")
    assert ">20%<" in vacancy and "Kent, Registered nurse (mental health), 2015/16" in vacancy
    assert "Source: Kent Health and Wellbeing Board, Workforce Task and Finish Group report" in vacancy
    staff = section(table, "Staff in post (whole group)", "</tr>")  # the group's count, not the role's
    assert ">9,072<" in staff and "Kent, Registered nursing and midwifery (NHS staff group), undated" in staff
    assert '<option value="kent" selected>' in html  # the chooser says which area is shown
    # the area goes on to the route planner and to the roles this one leads to
    assert '/routes?from=hsc%3Aregistered-nurse-mental-health&amp;area=kent"' in html
    assert re.search(r'href="/roles/hsc%3A[a-z-]+\?area=kent"', html)


def test_role_page_says_when_an_area_has_no_figures_for_the_role(client: TestClient, session: Session) -> None:
    role = next(r for r in session.roles() if not session.role(r.id, area="kent").supply)
    html = ok(client.get(f"/roles/{role.id}", params={"area": "kent"}))
    assert "No workforce figures for this role in Kent or any area it lies within." in html


def test_an_unknown_area_is_a_friendly_message_with_the_nearest_areas(client: TestClient, run) -> None:
    html = refused(client.get("/roles/care-worker", params={"area": "Kentish"}), 404, "area")
    assert "area &#39;Kentish&#39; not found; candidates:" in html and "kent (Kent)" in html
    assert "<h1>Care worker</h1>" in html  # the role is still shown, without figures
    api = client.get("/api/roles/care-worker", params={"area": "Kentish"})
    cli = run("roles", "show", "care-worker", "--area", "Kentish", expect=2)
    assert api.status_code == 404 and f"error: {api.json()['error']}" == cli.stderr.strip()
    refused(client.get("/routes", params={"from": "care worker", "area": "Kentish"}), 404, "area", "kent (Kent)")
    refused(client.get("/team", params={"template": TEMPLATE, "area": "Kentish"}), 404, "area", "kent (Kent)")
    refused(client.get("/pipeline", params={"flow1_from": "x", "area": "Kentish"}), 404, "area", "kent (Kent)")


# -- the route planner -------------------------------------------------------------------------------------------
def test_route_planner_shows_each_destinations_vacancy_turnover_and_reasons(
    client: TestClient, session: Session
) -> None:
    params = {"from": "care worker", "area": "kent", "prefer": "shortage"}
    html = ok(client.get("/routes", params=params), "Prefer roles with the most vacancies", "Preferring shortage")
    answer = session.routes("care worker", area="kent", prefer="shortage", top=10)
    assert html.count('<dl class="nhsuk-summary-list pathways-demand">') == len(answer.routes) > 0
    for n, route in enumerate(answer.routes, start=1):
        block = section(html, f"<h3>Route {n}: ", "</dl>")
        assert "Vacancy in Kent" in block and "Turnover in Kent" in block
        for reason in route.demand.reasons:
            assert reason.replace("'", "&#39;") in block
        figure = route.demand.vacancy_rate
        if figure is not None:
            assert f"{figure.value * 100:g}%" in block and figure.source in block
    assert 'id="prefer" name="prefer" type="checkbox" value="shortage" checked' in html
    assert '<option value="kent" selected>' in html
    assert re.search(r'<h4><a href="/roles/hsc%3A[a-z-]+\?area=kent">', html)  # the area follows the links
    assert '<input type="hidden" name="area" value="kent">' in html  # and goes on to the sheet


def test_shortage_without_an_area_is_judged_on_england_and_said(client: TestClient) -> None:
    html = ok(client.get("/routes", params={"from": "care worker", "prefer": "shortage"}))
    assert "shortage judged on England&#39;s figures" in html and "Vacancy in England" in html
    refused(client.get("/routes", params={"from": "care worker", "prefer": "money"}), 400, "prefer")


# -- the team designer --------------------------------------------------------------------------------------------
def test_team_designer_sizes_for_vacancies_with_cover_chances_and_hard_to_fill_roles(
    client: TestClient, session: Session
) -> None:
    params = {"template": TEMPLATE, "area": "kent", "availability": "vacancy", "confidence": "0.9"}
    html = ok(client.get("/team", params=params), "Sized for Kent's vacancy rates", "With every post filled")
    result = session.team_design(TEMPLATE, area="kent", availability="vacancy", confidence=0.9)
    coverage = section(html, 'id="coverage"', "</table>")
    assert "Chance of cover" in coverage and "Expected filled" in coverage
    assert coverage.count('<tr class="nhsuk-table__row">') == len(result.coverage) + 1
    assert all(row.cover_probability >= 0.9 for row in result.coverage)
    assert result.hard_to_fill, "Kent's nursing vacancies are 10% or more"
    hard = section(html, 'id="hard-to-fill"', "</table>")
    for row in result.hard_to_fill:
        assert row.title in hard and row.vacancy_rate.source in hard
        assert f"{row.vacancy_rate.value * 100:g}%" in hard
    chosen = 'id="availability-vacancy" name="availability" type="radio" value="vacancy" checked>'
    assert chosen in html  # the form keeps what was asked


def test_team_designer_refuses_vacancies_without_an_area_in_one_line(client: TestClient, run) -> None:
    html = refused(client.get("/team", params={"template": TEMPLATE, "availability": "vacancy"}), 400, "availability")
    cli = run("team", "design", TEMPLATE, "--availability", "vacancy", expect=2).stderr.strip()
    assert cli.startswith("error: --availability vacancy needs --area")
    # the same refusal, in the form's words
    assert "&#39;Allow for the area&#39;s vacancies&#39; needs an &#39;Area&#39;" in html
    refused(client.get("/team", params={"template": TEMPLATE, "area": "kent", "confidence": "1"}), 400, "confidence")
    refused(client.get("/team", params={"template": TEMPLATE, "availability": "maybe"}), 400, "availability")


# -- the pipeline planner -------------------------------------------------------------------------------------------
HAND = {  # 10 healthcare assistants a year train as nursing associates for 12 months, 10% not completing
    "years": "2",
    "flow1_from": "healthcare assistant",
    "flow1_to": "nursing associate",
    "flow1_places": "10",
    "flow1_months": "12",
    "flow1_attrition": "10",
    "role1": "healthcare assistant",
    "headcount1": "100",
    "turnover1": "10",
    "role2": "nursing associate",
    "headcount2": "50",
    "turnover2": "20",
}


def test_pipeline_form_renders_and_is_in_the_navigation(client: TestClient) -> None:
    html = ok(client.get("/pipeline"), "<h1>Pipeline planner</h1>", 'name="flow1_from"', 'name="flow1_attrition"')
    assert 'href="/pipeline" aria-current="page"' in html and 'name="runs"' in html and 'name="seed"' in html
    assert "<svg" not in html


def test_pipeline_numbers_by_hand(client: TestClient) -> None:
    """Year 1: HCAs 100 - 10 left - 10 moved up + 10 recruited = 90; NAs 50 - 10 + 10 + 9 trained in (10
    start, 10% drop out, 12 months: qualified at the end of year 1) = 59. Year 2: HCAs 90 - 9 - 10 + 9 = 80;
    NAs 59 - 11.8 + 11.8 + 9 = 68. No area: establishment = headcount, so the gaps are 20 and -18."""
    got = client.get("/api/pipeline", params=HAND).json()
    ends = {(r["role"], r["year"]): (r["end"], r["gap"]) for r in got["headcount"]}
    assert ends[("hsc:healthcare-assistant", 1)] == (90, 10) and ends[("hsc:healthcare-assistant", 2)] == (80, 20)
    assert ends[("hsc:nursing-associate", 1)] == (59, -9) and ends[("hsc:nursing-associate", 2)] == (68, -18)
    html = ok(client.get("/pipeline", params=HAND), "Expected values", "at the end of year 1")
    table = section(html, "Nursing associate: headcount year by year", "</table>")
    year2 = section(table, '<th scope="row" class="nhsuk-table__cell">2</th>', "</tr>")
    cells = re.findall(r">([-\d.,]+)</td>", year2)
    assert cells == ["59", "11.8", "0", "11.8", "9", "68", "50", "-18"]
    assert html.count('<svg class="pathways-chart"') == 2 and "pathways-band" not in html
    assert "Headcount of Nursing associate by year" in html


def test_pipeline_json_equals_cli_for_the_same_plan(client: TestClient, run, tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "kind: pipeline\nname: Our nursing associates\narea: kent\nyears: 4\n"
        "roles:\n  healthcare assistant: {headcount: 1200, turnover_rate: 0.12}\n"
        "  nursing associate: {headcount: 150, turnover_rate: 0.08}\n"
        "flows:\n  - {from: healthcare assistant, to: nursing associate, via: [trainee nursing associate],"
        " places: 20, attrition: 0.1}\n"
    )
    params = {
        "name": "Our nursing associates",
        "area": "kent",
        "years": "4",
        "role1": "healthcare assistant",
        "headcount1": "1200",
        "turnover1": "12",
        "role2": "nursing associate",
        "headcount2": "150",
        "turnover2": "8",
        "flow1_from": "healthcare assistant",
        "flow1_to": "nursing associate",
        "flow1_via": "trainee nursing associate",
        "flow1_places": "20",
        "flow1_attrition": "10%",
    }
    assert client.get("/api/pipeline", params=params).json() == run.json("pipeline", plan)
    monte = client.post("/api/pipeline", data={**params, "runs": "200", "seed": "7"}).json()
    assert monte["mode"] == "monte carlo" and monte["runs"] == 200
    assert monte == run.json("pipeline", plan, "--runs", "200", "--seed", "7")


def test_pipeline_json_equals_cli_with_costs_backfill_recruits_and_spreads(
    client: TestClient, run, tmp_path: Path
) -> None:
    """The form's cost, backfill, recruits and uncertainty spreads go into the plan under FORMATS.md's keys:
    the JSON twin equals the CLI's on the same plan written as YAML, spreads and all."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "kind: pipeline\nname: Costed\narea: kent\nyears: 3\n"
        "roles:\n  healthcare assistant: {headcount: 1200, turnover_rate: 0.12}\n"
        "  nursing associate: {headcount: 150, turnover_rate: 0.08, recruits: 8}\n"
        "flows:\n  - {from: healthcare assistant, to: nursing associate, via: [trainee nursing associate],"
        " places: 20, attrition: 0.1, cost: 7500, backfill: true}\n"
        "uncertainty: {turnover: 0.2, attrition: 0.3, runs: 200, seed: 7}\n"
    )
    params = {
        "name": "Costed",
        "area": "kent",
        "years": "3",
        "role1": "healthcare assistant",
        "headcount1": "1,200",
        "turnover1": "12%",
        "role2": "nursing associate",
        "headcount2": "150",
        "turnover2": "8",
        "recruits2": "8",
        "flow1_from": "healthcare assistant",
        "flow1_to": "nursing associate",
        "flow1_via": "trainee nursing associate",
        "flow1_places": "20",
        "flow1_attrition": "10",
        "flow1_cost": "£7,500",
        "flow1_backfill": "yes",
        "spread_turnover": "20%",
        "spread_attrition": "0.3",
        "runs": "200",
        "seed": "7",
    }
    cli = run.json("pipeline", plan)
    assert cli["spread"] == {"turnover": 0.2, "attrition": 0.3} and cli["flows"][0]["backfill"] is True
    assert cli["total_cost"] > 0 and cli["roles"][1]["recruits"] == 8
    assert client.get("/api/pipeline", params=params).json() == cli
    narrow = client.get("/api/pipeline", params={**params, "spread_turnover": "", "spread_attrition": ""}).json()
    assert narrow["spread"] == {} and narrow != cli  # without them the runs draw no rates: narrower bands
    html = ok(client.get("/pipeline", params=params), "spread of turnover 20%, of attrition 30%", "£7,500")
    assert 'id="flow1_backfill" name="flow1_backfill" type="checkbox" value="yes" checked' in html
    assert 'id="recruits2" name="recruits2" type="text" value="8"' in html
    assert 'id="spread_turnover" name="spread_turnover" type="text" value="20%"' in html
    assert "Yes: movers are replaced" in html


def test_pipeline_json_equals_cli_with_years_funded_posts_and_a_vacancy_rate(
    client: TestClient, run, tmp_path: Path
) -> None:
    """A flow's first and last years, a role's funded posts and another's vacancy rate go into the plan under
    FORMATS.md's keys (first_year, last_year, establishment, vacancy_rate): the same answer as the CLI's."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "kind: pipeline\nname: Phased\narea: kent\nyears: 6\n"
        "roles:\n  healthcare assistant: {headcount: 1200, turnover_rate: 0.12, establishment: 1300}\n"
        "  nursing associate: {headcount: 150, turnover_rate: 0.08, vacancy_rate: 0.1}\n"
        "flows:\n  - {from: healthcare assistant, to: nursing associate, via: [trainee nursing associate],"
        " places: 20, first_year: 2, last_year: 4}\n"
    )
    params = {"name": "Phased", "area": "kent", "years": "6", "role1": "healthcare assistant", "headcount1": "1200"}
    params |= {"turnover1": "12", "establishment1": "1,300", "role2": "nursing associate", "headcount2": "150"}
    params |= {"turnover2": "8", "vacancy2": "10%", "flow1_from": "healthcare assistant"}
    params |= {"flow1_to": "nursing associate", "flow1_via": "trainee nursing associate", "flow1_places": "20"}
    params |= {"flow1_first_year": "2", "flow1_last_year": "4"}
    cli = run.json("pipeline", plan)
    roles = {r["role"]: r for r in cli["roles"]}
    assert roles["hsc:healthcare-assistant"]["establishment"] == 1300
    assert roles["hsc:nursing-associate"]["establishment"] == pytest.approx(150 / 0.9, abs=0.5)
    assert (cli["flows"][0]["first_year"], cli["flows"][0]["last_year"]) == (2, 4)
    assert client.get("/api/pipeline", params=params).json() == cli
    html = ok(client.get("/pipeline", params=params))
    assert 'id="flow1_last_year" name="flow1_last_year" type="text" value="4"' in html
    assert 'id="vacancy2" name="vacancy2" type="text" value="10%"' in html


def test_pipeline_page_draws_the_band_for_monte_carlo_runs(client: TestClient) -> None:
    html = ok(client.get("/pipeline", params={**HAND, "runs": "300", "seed": "1"}), "Monte Carlo, 300 runs, seed 1")
    assert html.count('<svg class="pathways-chart"') == 2 and html.count('class="pathways-band"') == 2
    assert "End, 10th to 90th percentile" in html
    assert 'href="/api/pipeline?' in html


@pytest.mark.parametrize(
    ("change", "status", "field", "message"),
    [
        ({"flow1_places": ""}, 400, "flow1_places", "enter flow 1&#39;s places a year"),
        ({"flow1_to": "qqqq-zzzz"}, 404, "flow1_to", "role &#39;qqqq-zzzz&#39; not found"),
        ({"flow1_attrition": "150"}, 400, "flow1_attrition", "must be a percentage from 0 to 100"),
        ({"turnover1": "ten"}, 400, "turnover1", "is not a percentage"),
        ({"role2": "", "headcount2": "50"}, 400, "role2", "enter the role row 2&#39;s figures are for"),
        ({"years": "99"}, 400, "years", "years must be from 1 to 50"),
        (
            {"flow1_cost": "lots"},
            400,
            "flow1_cost",
            "flow 1&#39;s cost per trainee a year: &#39;lots&#39; is not a number",
        ),
        ({"flow1_backfill": "maybe"}, 400, "flow1_backfill", "is neither yes nor no"),
        ({"flow1_first_year": "3", "flow1_last_year": "2"}, 400, "flow1_last_year", "is before its first year (3)"),
        ({"flow1_first_year": "0"}, 400, "flow1_first_year", "first year must be a whole number from 1 to 50"),
        ({"flow1_first_year": "51"}, 400, "flow1_first_year", "first year must be a whole number from 1 to 50"),
        ({"flow1_last_year": "2.5"}, 400, "flow1_last_year", "last year must be a whole number from 1 to 50"),
        ({"flow1_first_year": "4"}, 400, "flow1_first_year", "after the 2 years projected: enter more Years"),
        ({"establishment2": "60", "vacancy2": "5"}, 400, "vacancy2", "funded posts or its vacancy rate, not both"),
        ({"vacancy2": "100"}, 400, "vacancy2", "vacancy rate must be below 100%"),
        ({"recruits2": "2.5"}, 400, "recruits2", "row 2&#39;s recruits a year: &#39;2.5&#39; is not a whole number"),
        ({"role2": "", "headcount2": "", "turnover2": "", "recruits2": "4"}, 400, "role2", "enter the role row 2"),
        ({"spread_turnover": "150%"}, 400, "spread_turnover", "must be from 0 to 1, or 0% to 100%"),
        ({"seed": "3"}, 400, "runs", "the seed is for Monte Carlo runs: enter the Monte Carlo runs"),
        (
            {"flow1_months": "", "flow1_from": "care worker", "flow1_to": "registered nurse (adult)"},
            400,
            "flow1_months",
            "no progression link from hsc:care-worker to hsc:registered-nurse-adult",
        ),
    ],
)
def test_pipeline_refusals_point_at_their_field(
    client: TestClient, change: dict, status: int, field: str, message: str
) -> None:
    refused(client.get("/pipeline", params={**HAND, **change}), status, field, message)


def test_pipeline_without_figures_says_what_to_give(client: TestClient) -> None:
    """A role without a headcount is pointed at the form's box for it, never at a plan file's keys: its row's
    Headcount when the role has a row, else a free row to name it in."""
    params = {"area": "england", "flow1_from": "healthcare assistant", "flow1_to": "nursing associate"}
    params |= {"flow1_via": "trainee nursing associate", "flow1_places": "5"}
    html = refused(
        client.get("/pipeline", params=params),
        400,
        "role1",
        "Healthcare assistant: no headcount (none in England)",
        "enter Healthcare assistant as Role 1 in Starting figures, with its Headcount",
        "enter Nursing associate as Role 2 in Starting figures",
    )
    assert "give it in the plan" not in html and "roles: {" not in html
    api = client.get("/api/pipeline", params=params)
    assert api.status_code == 400 and "no headcount" in api.json()["error"] and "roles: {" not in api.json()["error"]
    rows = {"role1": "nursing associate", "headcount1": "40", "turnover1": "8"}
    rows |= {"role2": "healthcare assistant", "turnover2": "12"}
    refused(
        client.get("/pipeline", params={**params, **rows}),
        400,
        "headcount2",
        "Healthcare assistant: no headcount (none in England); enter it in Starting figures, Role 2, Headcount",
    )


# -- escaping -------------------------------------------------------------------------------------------------------
def test_names_from_the_library_and_the_user_are_escaped(tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("odd-library")
    (folder / "supply.yaml").write_text(ODD_SUPPLY)
    session = Session.open([str(folder)], workspace=tmp_path_factory.mktemp("odd-workspace"))
    client = TestClient(create_app(session), raise_server_exceptions=False)
    html = ok(
        client.get("/roles/care-worker", params={"area": "odd"}), "Workforce supply in &lt;b&gt;Odd&lt;/b&gt; &amp; Co"
    )
    assert "<b>Odd</b>" not in html and "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#39;src&#39;)&lt;/script&gt; census" in html and ">12.3%<" in html
    assert '<option value="odd" selected>&lt;b&gt;Odd&lt;/b&gt; &amp; Co (place, in Kent)</option>' in html
    routes = ok(client.get("/routes", params={"from": "healthcare assistant", "to": "care worker", "area": "odd"}))
    assert "<b>Odd</b>" not in routes and "Vacancy in &lt;b&gt;Odd&lt;/b&gt; &amp; Co" in routes
    attack = '<script>alert("x")</script>'
    for response in (
        client.get("/roles/care-worker", params={"area": attack}),
        client.get("/routes", params={"from": "care worker", "area": attack}),
        client.get("/team", params={"template": TEMPLATE, "area": attack}),
        client.get("/pipeline", params={**HAND, "flow1_from": attack}),
    ):
        assert response.status_code == 404 and "<script>alert" not in response.text
        assert "&lt;script&gt;alert" in response.text
    named = ok(client.get("/pipeline", params={**HAND, "name": attack}), "Projection: &lt;script&gt;alert")
    assert "<script>alert" not in named
