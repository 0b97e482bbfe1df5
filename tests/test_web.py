"""The web page (issue 14) through Starlette's TestClient: each page renders, each /api/ twin equals the
CLI's --format json for the same question, bad input is a one-line message with 400/404 (never a 500 or a
trace), uploads are capped, and every user string is escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pathways.session import Session
from web import create_app

EXAMPLES = Path(__file__).parent.parent / "examples"
STATIC = Path(__file__).parent.parent / "web" / "static"


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return Session.open(workspace=tmp_path_factory.mktemp("web-workspace"))


@pytest.fixture(scope="module")
def client(session: Session) -> TestClient:
    return TestClient(create_app(session), raise_server_exceptions=False)


def page_ok(client: TestClient, url: str, *texts: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")
    for text in texts:
        assert text in response.text, (url, text)
    return response.text


# -- pages render ---------------------------------------------------------------------------------------------
def test_find_a_role_searches_and_browses(client: TestClient) -> None:
    html = page_ok(client, "/", "Find a role", "Skip to main content", 'id="maincontent"', "Browse roles")
    assert "/roles/hsc%3Acare-worker" in html  # browsing lists every role by default
    page_ok(client, "/?q=HCA", "matching “HCA”", "Healthcare assistant")
    browse = page_ok(client, "/?sector=social_care&band=3&family=adult-social-care", "Senior care worker")
    assert "Registered nurse" not in browse


def test_role_page_has_the_role_in_full(client: TestClient) -> None:
    page_ok(
        client,
        "/roles/healthcare%20assistant",
        "<h1>Healthcare assistant</h1>",
        "Band 2",
        "NHS Agenda for Change 2025/26",  # pay with its dated basis
        "Care Certificate",  # qualifications required
        "What the role asks for",
        "Routes out",
        "Routes in",
        "Sources",
        "Royal College of Nursing",
    )


def test_role_page_groups_requirements_by_framework_area(client: TestClient, session: Session) -> None:
    html = page_ok(client, "/roles/hsc:care-worker")
    role = session.role("care worker")
    area_of = {
        c.id: area.name
        for f in {r.framework for r in role.requirements}
        for area in session.framework(f).areas
        for function in area.functions
        for c in function.competencies
    }
    areas = {area_of[r.competency] for r in role.requirements}
    assert len(areas) > 1
    for area in areas:
        assert f"<h3>{area} " in html.replace("&#39;", "'")


def test_route_planner_draws_the_routes(client: TestClient) -> None:
    html = page_ok(client, "/routes", "Route planner", "Start from a role")
    assert "<svg" not in html
    html = page_ok(
        client,
        "/routes?from=care+worker&to=registered+nurse+(adult)",
        "Routes from Care worker to Registered nurse (adult)",
        "<svg",
        'role="img"',
        "Route 1",
        "What carries over",
        "The gap",
        "Training time",
    )
    assert html.count('<ol class="pathways-steps">') >= 1


def test_compare_two_roles_shows_both_directions(client: TestClient) -> None:
    page_ok(client, "/compare", "Compare two roles")
    page_ok(
        client,
        "/compare?a=healthcare+assistant&b=care+worker",
        "Healthcare assistant and Care worker",
        'What <a href="/roles/hsc%3Ahealthcare-assistant">Healthcare assistant</a> brings to Care worker',
        "Missing",
    )


def test_near_miss_is_said_on_the_page(client: TestClient) -> None:
    page_ok(client, "/roles/helthcare%20asistant", "took &#39;helthcare asistant&#39; to mean hsc:healthcare-assistant")


# -- JSON twins equal the CLI's JSON ------------------------------------------------------------------------------
def test_search_json_equals_cli(client: TestClient, run) -> None:
    assert client.get("/api/roles/search", params={"q": "care", "top": 7}).json() == run.json(
        "roles", "search", "care", "--top", "7"
    )


def test_roles_list_json_equals_cli(client: TestClient, run) -> None:
    got = client.get("/api/roles", params={"sector": "health", "band": "3"}).json()
    assert got == run.json("roles", "list", "--sector", "health", "--band", "3")


def test_role_json_equals_cli(client: TestClient, run) -> None:
    assert client.get("/api/roles/healthcare assistant").json() == run.json("roles", "show", "healthcare assistant")


def test_overlap_json_equals_cli(client: TestClient, run) -> None:
    got = client.get("/api/overlap", params={"a": "healthcare assistant", "b": "care worker"}).json()
    assert got == run.json("overlap", "healthcare assistant", "care worker")


def test_routes_json_equals_cli(client: TestClient, run) -> None:
    params = {"from": "care worker", "to": "registered nurse (adult)", "max_band": "5"}
    got = client.get("/api/routes", params=params).json()
    assert got["routes"], "a care worker has routes to registered nurse"
    assert got == run.json("routes", "care worker", "--to", "registered nurse (adult)", "--max-band", "5")


def test_role_and_routes_json_for_an_area_equal_cli(client: TestClient, run) -> None:
    """Issue 15: `roles show --area` and `routes --area --prefer shortage` have their twins too."""
    got = client.get("/api/roles/registered nurse (mental health)", params={"area": "Kent"}).json()
    assert got["supply"], "the bundled Kent figures cover mental health nurses"
    assert got == run.json("roles", "show", "registered nurse (mental health)", "--area", "Kent")
    params = {"from": "healthcare assistant", "area": "kent", "prefer": "shortage"}
    routes = client.get("/api/routes", params=params).json()
    assert routes["area"] == "kent" and routes["prefer"] == "shortage" and all(r["demand"] for r in routes["routes"])
    assert routes == run.json("routes", "healthcare assistant", "--area", "kent", "--prefer", "shortage")


def test_passport_routes_json_equals_cli(client: TestClient, run) -> None:
    passport = EXAMPLES / "passport.yaml"
    with passport.open("rb") as handle:
        got = client.post("/api/routes", files={"passport": ("passport.yaml", handle, "application/yaml")}).json()
    assert got == run.json("routes", "--have", str(passport))


def test_education_routes_json_equals_cli(client: TestClient, run) -> None:
    got = client.get("/api/routes", params={"education": "A level"}).json()
    assert got["from"]["key"] == "education" and got["routes"], "a school leaver with A levels has routes"
    assert got == run.json("routes", "--from-education", "A level")
    both = client.get("/api/routes", params=[("education", "GCSE"), ("education", "A level")]).json()
    assert both == run.json("routes", "--from-education", "GCSE", "--from-education", "A level")


TYPED_SKILLS = "Helps people wash and dress\nTakes blood pressure and temperature, level 3\n\npractice.vital-signs\n"


def test_typed_skills_json_equals_cli_passport(client: TestClient, run, tmp_path: Path) -> None:
    from web.planner import skills_passport

    held = skills_passport(TYPED_SKILLS, 2)
    assert [(c.text, c.competency, c.level) for c in held.competencies] == [
        ("Helps people wash and dress", None, 2),
        ("Takes blood pressure and temperature", None, 3),
        (None, "practice.vital-signs", 2),
    ]
    passport = tmp_path / "typed.yaml"
    passport.write_text(
        "kind: passport\ncompetencies:\n"
        '  - {text: "Helps people wash and dress", level: 2}\n'
        '  - {text: "Takes blood pressure and temperature", level: 3}\n'
        "  - {competency: practice.vital-signs, level: 2}\n"
    )
    form = {"start": "skills", "skills": TYPED_SKILLS, "level": "2", "to": "senior healthcare assistant"}
    got = client.post("/api/routes", data=form).json()
    assert got["from"]["key"] == "passport" and len(got["from"]["resolutions"]) == 2
    assert got == run.json("routes", "--have", str(passport), "--to", "senior healthcare assistant")


def test_route_planner_starts_from_education_and_typed_skills(client: TestClient) -> None:
    html = page_ok(client, "/routes?start=education", "Start from school or college", 'name="education"')
    assert 'value="hsc:a-levels"' in html and "T Level in Health" in html  # the education qualifications
    page_ok(
        client,
        "/routes?start=education&education=hsc%3Aa-levels&to=registered+nurse+(adult)",
        "Routes from school or college to Registered nurse (adult)",
        "Holding: A levels",
        "<svg",
        "Download the A4 sheet (HTML)",
    )
    page_ok(client, "/routes?start=skills", "Start from what the person can do", '<textarea class="nhsuk-textarea"')
    typed = client.post("/routes", data={"start": "skills", "skills": "Helps people wash and dress", "level": "2"})
    assert typed.status_code == 200 and "Routes from what the person can do" in typed.text
    assert "“Helps people wash and dress”:" in typed.text and 'name="passport_json"' not in typed.text
    upload = client.post("/routes", files={"passport": ("p.yaml", (EXAMPLES / "passport.yaml").read_bytes(), "x")})
    assert 'name="passport_json"' in upload.text  # the download form gives the passport back, not the file


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"start": "education", "to": "", "sector": "any"}, "choose at least one qualification the person holds"),
        ({"start": "education", "education": "no-such-exam"}, "qualification &#39;no-such-exam&#39; not found"),
        ({"start": "skills", "skills": "  \n "}, "enter at least one thing the person can do"),
        ({"start": "skills", "skills": "level 3"}, "line 1: say what the person can do before its level"),
        ({"start": "skills", "skills": "Washing", "level": "12"}, "level must be from 1 to 9"),
    ],
)
def test_new_starts_refuse_bad_input_next_to_the_field(client: TestClient, form: dict, message: str) -> None:
    field = "education" if form["start"] == "education" else ("level" if "level" in form else "skills")
    response = client.get("/routes", params=form) if field == "education" else client.post("/routes", data=form)
    assert response.status_code in (400, 404) and message in response.text, response.text[-2000:]
    assert f'id="{field}-error"' in response.text and f'href="#{field}"' in response.text


def test_sheet_downloads_are_html_and_docx_with_user_text_escaped(client: TestClient, tmp_path: Path) -> None:
    import io

    from docx import Document

    attack = '<script>alert("x")</script>'
    params = {"start": "education", "education": "hsc:a-levels", "name": attack, "format": "html"}
    sheet = client.get("/routes/sheet", params=params)
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/html")
    assert sheet.headers["content-disposition"] == 'attachment; filename="career-routes.html"'
    assert "<script>alert" not in sheet.text and "&lt;script&gt;alert" in sheet.text
    assert "Career routes for" in sheet.text and "<svg" in sheet.text
    skills = {"start": "skills", "skills": f"{attack}\nHelps people wash and dress", "name": "Sam", "format": "docx"}
    word = client.post("/routes/sheet", data=skills)
    assert word.status_code == 200 and word.headers["content-type"].endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(word.content)).paragraphs)
    assert "Career routes for Sam" in text
    cells = [c.text for t in Document(io.BytesIO(word.content)).tables for r in t.rows for c in r.cells]
    assert any(attack in c for c in cells)  # the person's words, kept as text (Word does not run them)
    passport = client.post(
        "/routes/sheet", data={"start": "passport", "passport_json": '{"kind": "passport", "name": "<b>x"}'}
    )
    assert passport.status_code == 200 and "&lt;b&gt;x" in passport.text and "<b>x" not in passport.text
    forged = client.post("/routes/sheet", data={"start": "passport", "passport_json": '{"kind": "nope"}'})
    assert forged.status_code == 400 and "upload it again" in forged.text
    assert client.get("/routes/sheet", params={**params, "format": "pdf"}).status_code == 400


def test_role_page_has_similar_roles_and_every_way_in(client: TestClient, session: Session) -> None:
    html = page_ok(client, "/roles/registered%20nurse%20(adult)", 'id="similar"', 'id="ways-in"', "Every way in")
    assert "BSc (Hons) Nursing (adult), pre-registration degree" in html and "Needs first:" in html
    for similar in session.similar_roles("registered nurse (adult)", top=5).results:
        assert similar.title in html.replace("&#39;", "'")
        assert f"{similar.score * 100:.0f}%" in html
    care = page_ok(client, "/roles/hsc:care-worker", "Direct entry", "From other roles")
    assert '/compare?a=hsc%3Acare-worker&amp;b=hsc%3Ahome-care-worker"' in care


def test_similar_roles_and_ways_in_json_equal_cli(client: TestClient, run) -> None:
    got = client.get("/api/roles/care worker/similar", params={"top": 5}).json()
    assert got == run.json("similar-roles", "care worker", "--top", "5")
    assert client.get("/api/roles/physiotherapist/ways-in").json() == run.json("routes", "--into", "physiotherapist")


def test_overlap_matrix_page_and_json(client: TestClient, session: Session, run, tmp_path: Path) -> None:
    from pathways.results import as_json

    html = page_ok(
        client, "/compare/matrix", "Health roles against Social care roles", 'role="img"', "The same figures as a table"
    )
    matrix = session.overlap_matrix(sector="health", versus="social_care")
    assert html.count('<use href="#cell"') == len(matrix.rows) * len(matrix.columns)
    assert html.count('<th scope="row"') == len(matrix.rows)
    got = client.get("/api/overlap/matrix", params={"sector": "health", "vs": "social_care"}).json()
    assert got == as_json(matrix, rounded=True) == client.get("/api/overlap/matrix").json()
    csv = tmp_path / "matrix.csv"
    run("overlap-matrix", "--sector", "health", "--vs", "social_care", "-o", str(csv))
    lines = csv.read_text().splitlines()
    assert lines[0].split(",")[1:] == got["columns"]
    first = [float(x) for x in lines[1].split(",")[1:]]
    assert first == pytest.approx(got["score"][0], abs=1e-4)
    bad = client.get("/compare/matrix", params={"vs": "helth"})
    assert bad.status_code == 400 and 'id="vs-error"' in bad.text


def test_heatmap_shades_carry_numbers_and_readable_text() -> None:
    from web.compare import SHADES, shade

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for _, fill, ink, _ in SHADES:
        light, dark = sorted((luminance(fill), luminance(ink)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (fill, ink)
    assert shade(80) == shade(100) != shade(79) and shade(0) == shade(19)


# -- bad input: the one line, 400 or 404, never a 500 ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/roles/nobody-at-all", 404, "role &#39;nobody-at-all&#39; not found"),
        ("/?band=99", 400, "&#39;99&#39; is not an Agenda for Change band"),
        ("/?sector=helth", 400, "Did you mean &#39;health&#39;?"),
        ("/?family=nope", 400, "unknown career family"),
        ("/routes?from=xyzzy-role", 404, "role &#39;xyzzy-role&#39; not found"),
        ("/routes?from=care+worker&to=registered+nurse", 404, "is ambiguous; candidates"),
        ("/routes?from=care+worker&max_band=zz", 400, "is not an Agenda for Change band"),
        ("/compare?a=healthcare+assistant", 400, "enter the second role"),
        ("/compare?a=qqqq-zzzz&b=care+worker", 404, "role &#39;qqqq-zzzz&#39; not found"),
        ("/no/such/page", 404, "There is no page at this address."),
    ],
)
def test_bad_input_shows_the_message(client: TestClient, url: str, status: int, message: str) -> None:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert message in response.text
    assert "Traceback" not in response.text


def test_a_refused_request_points_at_its_field(client: TestClient) -> None:
    html = client.get("/routes?from=care+worker&to=qqqq-zzzz").text
    assert 'href="#to"' in html and 'id="to-error"' in html and "nhsuk-form-group--error" in html


def test_api_errors_are_json_with_the_message(client: TestClient, run) -> None:
    response = client.get("/api/roles/nobody-at-all")
    assert response.status_code == 404
    cli = run("roles", "show", "nobody-at-all", expect=2)
    assert f"error: {response.json()['error']}" == cli.stderr.strip()
    assert client.get("/api/roles", params={"band": "99"}).status_code == 400
    assert client.get("/api/roles/search").status_code == 400


def test_a_bug_is_a_plain_500_page_without_a_trace(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(name: str, **options):
        raise RuntimeError("internal detail /secret/path")

    monkeypatch.setattr(session, "role", broken)
    client = TestClient(create_app(session), raise_server_exceptions=False)
    for url in ("/roles/care-worker", "/api/roles/care-worker"):
        response = client.get(url)
        assert response.status_code == 500
        assert "secret" not in response.text and "Traceback" not in response.text
        assert "Something went wrong" in response.text


# -- uploads --------------------------------------------------------------------------------------------------------
def test_uploads_over_one_megabyte_are_refused(client: TestClient) -> None:
    big = b"kind: passport\n" + b"#" * (1024 * 1024 + 10)
    response = client.post("/routes", files={"passport": ("big.yaml", big, "application/yaml")})
    assert response.status_code == 413
    assert "the file is too large: at most 1,024 KB" in response.text
    api = client.post("/api/routes", files={"passport": ("big.yaml", big, "application/yaml")})
    assert api.status_code == 413 and "too large" in api.json()["error"]


def test_a_broken_passport_shows_the_loader_message(client: TestClient) -> None:
    response = client.post("/routes", files={"passport": ("mine.yaml", b"kind: passport\ncompetencies: 7\n", "x")})
    assert response.status_code == 400
    assert "mine.yaml" in response.text and "pathways-upload-" not in response.text
    assert 'id="passport-error"' in response.text
    wrong = client.post("/routes", files={"passport": ("mine.txt", b"hello", "text/plain")})
    assert wrong.status_code == 400 and "must be a .yaml, .yml or .csv file" in wrong.text


def test_a_passport_upload_plans_routes(client: TestClient) -> None:
    data = (EXAMPLES / "passport.yaml").read_bytes()
    response = client.post("/routes", files={"passport": ("passport.yaml", data, "application/yaml")})
    assert response.status_code == 200 and "Routes from Sam" in response.text and "<svg" in response.text


# -- safety ---------------------------------------------------------------------------------------------------------
def test_user_strings_are_escaped(client: TestClient) -> None:
    attack = '<script>alert("x")</script>'
    named = "<b onmouseover=alert(1)>x"
    urls = [f"/?q={attack}", f"/compare?a={attack}&b=care+worker", f"/routes?from={attack}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400, 404), url
        assert "<script>alert" not in response.text, url
        assert "&lt;script&gt;alert" in response.text, url
    role = client.get(f"/roles/{named}")
    assert role.status_code == 404 and "<b onmouseover" not in role.text and "&lt;b onmouseover" in role.text
    upload = client.post("/routes", files={"passport": ("<img src=x onerror=alert(1)>.yaml", b"kind: nope\n", "x")})
    assert "<img src=x" not in upload.text


def test_pages_forbid_inline_script_and_framing(client: TestClient) -> None:
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_the_api_is_read_only(client: TestClient) -> None:
    assert client.post("/api/roles/care-worker").status_code == 405
    assert client.delete("/roles/care-worker").status_code == 405


def test_design_system_is_vendored_and_served_locally(client: TestClient) -> None:
    css = client.get("/static/nhsuk/nhsuk-frontend.min.css")
    assert css.status_code == 200 and "nhsuk-header" in css.text
    assert "https://" not in css.text.replace("https://github.com", "")  # nothing fetched at run time
    assert client.get("/static/nhsuk/nhsuk-frontend.min.js").status_code == 200
    assert client.get("/static/nhsuk/assets/images/nhsuk-icon-search.svg").status_code == 200
    assert "MIT License" in (STATIC / "nhsuk" / "LICENCE").read_text()
    assert (STATIC / "nhsuk" / "VERSION").read_text().startswith("nhsuk-frontend ")


def test_serve_binds_loopback_by_default(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    import uvicorn
    from click.testing import CliRunner

    from cli.app import App
    from cli.serve_command import serve

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append((app, kwargs, gc.isenabled())))
    gc.disable()  # as the console script leaves it (cli.main.main): a server must collect its cycles again
    try:
        result = CliRunner().invoke(serve, [], obj=App(session), catch_exceptions=False)
    finally:
        gc.enable()
    assert result.exit_code == 0, result.output
    (app, kwargs, collecting), *_ = calls
    assert kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8000 and collecting
    assert TestClient(app).get("/api/roles/care-worker").status_code == 200
