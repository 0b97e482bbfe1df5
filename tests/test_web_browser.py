"""The web page in a real headless browser: Debian's Chromium driven by Playwright (no browser download),
walking the tasks an adviser does, with axe-core checking each page for serious or critical violations.

Chromium must be at /usr/bin/chromium (`make setup` installs it where apt-get can); without it these tests
fail with one line saying so, and they are never skipped, so CI cannot pass without running them.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, for the length of this module."""
    import uvicorn

    from pathways.session import Session
    from web import create_app

    session = Session.open(workspace=tmp_path_factory.mktemp("browser-workspace"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(session), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the web server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make setup` (apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"], headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda err: errors.append(str(err)))
    yield tab
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]
    summary = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in bad]
    assert not bad, f"{page.url}: " + "; ".join(summary)


def test_find_a_role_then_open_the_role_page(server: str, page) -> None:
    page.goto(server + "/")
    assert page.locator("h1").inner_text() == "Find a role"
    assert_accessible(page)
    page.get_by_label("Search roles").fill("care worker")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/?q=care+worker")
    page.locator("ul.pathways-results").get_by_role("link", name="Care worker", exact=True).click()
    page.wait_for_url("**/roles/hsc%3Acare-worker")
    assert page.locator("h1").inner_text() == "Care worker"
    assert page.get_by_role("heading", name="Routes out").is_visible()
    assert_accessible(page)


def test_search_as_you_type_suggests_roles(server: str, page) -> None:
    page.goto(server + "/")
    page.get_by_label("Search roles").press_sequentially("phlebot", delay=30)
    suggestion = page.locator("#live-results").get_by_role("link", name="Phlebotomist")
    suggestion.wait_for(timeout=10_000)
    assert_accessible(page)


def test_route_planner_care_worker_to_registered_nurse(server: str, page, tmp_path: Path) -> None:
    page.goto(server + "/routes")
    assert_accessible(page)
    page.get_by_label("Current role").fill("care worker")
    page.get_by_label("Role to aim for (optional)").fill("registered nurse (adult)")
    page.get_by_role("button", name="Find routes", exact=True).click()
    page.locator("svg.pathways-diagram").wait_for(timeout=60_000)
    assert "Routes from Care worker to Registered nurse (adult)" in page.locator("h2#routes").inner_text()
    assert page.locator("ol.pathways-steps > li").count() >= 2
    assert_accessible(page)
    page.screenshot(path=str(tmp_path / "route-planner.png"), full_page=True)


def test_compare_and_error_pages_are_accessible(server: str, page) -> None:
    page.goto(server + "/compare?a=healthcare+assistant&b=care+worker")
    assert "Healthcare assistant and Care worker" in page.locator("h2").first.inner_text()
    assert_accessible(page)
    page.goto(server + "/compare?a=healthcare+assistant&b=qqqq-zzzz")
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    page.goto(server + "/roles/nobody-at-all")
    assert "not found" in page.locator("main").inner_text()
    assert_accessible(page)


def test_school_leaver_routes_from_education(server: str, page) -> None:
    page.goto(server + "/routes")
    page.get_by_role("link", name="school or college").click()
    page.wait_for_url("**/routes?start=education")
    assert_accessible(page)
    page.get_by_label("A levels (usually two or three, often including a science)").check()
    page.get_by_label("GCSE English and maths at grade 4 (or Functional Skills level 2)").check()
    page.get_by_label("Role to aim for (optional)").fill("registered nurse (adult)")
    page.get_by_role("button", name="Find routes", exact=True).click()
    page.locator("svg.pathways-diagram").wait_for(timeout=60_000)
    assert "Routes from school or college to Registered nurse (adult)" in page.locator("h2#routes").inner_text()
    assert page.locator("ol.pathways-steps > li").count() >= 1
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the A4 sheet (HTML)").click()
    assert download.value.suggested_filename == "career-routes.html"


def test_typed_skills_and_errors_on_the_planner_are_accessible(server: str, page) -> None:
    page.goto(server + "/routes?start=skills")
    assert_accessible(page)
    page.get_by_role("button", name="Find routes from these skills").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)
    typed = "Helps people wash and dress\nTakes blood pressure level 3"
    page.get_by_label("What the person can already do").fill(typed)
    page.get_by_role("button", name="Find routes from these skills").click()
    page.locator("h2#routes").wait_for(timeout=60_000)
    assert "what the person can do" in page.locator("h2#routes").inner_text()
    assert_accessible(page)


def test_role_page_ways_in_and_the_overlap_heatmap_are_accessible(server: str, page) -> None:
    page.goto(server + "/roles/registered%20nurse%20(adult)")
    assert page.get_by_role("heading", name="Every way in").is_visible()
    assert page.get_by_role("heading", name="Similar roles").is_visible()
    assert_accessible(page)
    page.goto(server + "/compare")
    page.get_by_role("link", name="Health and social care roles side by side: the overlap heatmap").click()
    page.locator("svg.pathways-diagram").wait_for(timeout=60_000)
    assert "Health roles against Social care roles" in page.locator("h2#heatmap").inner_text()
    assert_accessible(page)


def assert_no_violations(page) -> None:
    """No axe-core violation of any impact on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    summary = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}" for v in violations]
    assert not violations, f"{page.url}: " + "; ".join(summary)


def test_workforce_supply_and_the_pipeline_pass_axe(server: str, page) -> None:
    """Issue 15: the role page with an area chosen, then on to the planner with the area kept; the pipeline
    planner's example with its charts."""
    page.goto(server + "/roles/care%20worker")
    page.get_by_label("Area").select_option("kent")
    page.get_by_role("button", name="Show the figures").click()
    page.wait_for_url("**/roles/hsc%3Acare-worker?area=kent*")
    assert page.locator("table", has=page.locator("caption", has_text="Workforce supply in Kent")).is_visible()
    assert_no_violations(page)
    page.get_by_role("link", name="Plan routes from this role").click()
    page.locator("h2#routes").wait_for(timeout=60_000)
    assert page.get_by_label("Area for jobs figures (optional)").input_value() == "kent"
    assert page.locator("dl.pathways-demand").count() >= 1
    page.goto(server + "/pipeline")
    assert_no_violations(page)
    page.get_by_role("link", name="Try an example").click()
    page.locator("h2#pipeline").wait_for(timeout=60_000)
    assert page.locator("svg.pathways-chart").count() == 2 and page.locator("polygon.pathways-band").count() == 2
    assert_no_violations(page)
