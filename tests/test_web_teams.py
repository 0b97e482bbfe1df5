"""The team designer, the team assessment and the job description builder on the web page (issue 14), through
Starlette's TestClient: the pages render, each /api/ twin equals the CLI's --format json for the same question,
bad input is the CLI's one-line message with 400/404 (never a 500 or a trace), uploads over 1 MB are refused,
and every user string is escaped, in the page and in the downloads."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from pathways.session import Session
from web import create_app

EXAMPLES = Path(__file__).parent.parent / "examples"
TEMPLATE = "integrated-neighbourhood-team"
BIG = b"kind: team\n" + b"#" * (1024 * 1024 + 10)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    return Session.open(workspace=tmp_path_factory.mktemp("web-teams-workspace"))


@pytest.fixture(scope="module")
def client(session: Session) -> TestClient:
    return TestClient(create_app(session), raise_server_exceptions=False)


def ok(response, *texts: str) -> str:
    assert response.status_code == 200, (response.status_code, response.text[-800:])
    for text in texts:
        assert text in response.text, text
    return response.text


def upload(name: str) -> tuple[str, bytes, str]:
    return (name, (EXAMPLES / name).read_bytes(), "application/yaml")


# -- pages render -----------------------------------------------------------------------------------------------
def test_forms_render_and_are_in_the_navigation(client: TestClient) -> None:
    html = ok(client.get("/team"), "<h1>Team designer</h1>", "Integrated neighbourhood team", 'name="exclude"')
    assert 'href="/team" aria-current="page"' in html and 'href="/jd"' in html
    ok(client.get("/team/assess"), "<h1>Assess a team</h1>", 'type="file"', 'name="team"', 'name="needs"')
    ok(client.get("/jd"), "<h1>Job description builder</h1>", 'name="blend"', "Title of the blended role")


def test_design_page_shows_team_cost_coverage_and_alternatives(client: TestClient) -> None:
    params = {"template": TEMPLATE, "exclude": "district nurse", "max_headcount": "14", "budget": "480,000"}
    html = ok(
        client.get("/team", params=params),
        "The team for Integrated neighbourhood team",
        "optimal with overrides",
        "no District nurse",  # the rule kept, by title
        "The optimal team",
        "Coverage of each need",
        "Next-best alternatives",
        "Without ",
        "your --exclude hsc:district-nurse overrides the rule",
    )
    assert "/roles/hsc%3Aregistered-nurse-adult" in html and "£" in html
    assert (
        '<textarea class="nhsuk-textarea" id="exclude" name="exclude"' in html and "district nurse</textarea>" in html
    )


def test_design_from_an_uploaded_needs_file(client: TestClient) -> None:
    files = {"needs": upload("my-needs.yaml")}
    data = {"objective": "headcount", "max": "care worker=4"}
    ok(client.post("/team", files=files, data=data), "Home support service", "number of people")


def test_an_infeasible_design_shows_its_reasons(client: TestClient, run) -> None:
    response = client.get("/team", params={"template": TEMPLATE, "max_headcount": "5"})
    assert response.status_code == 400 and "No team meets every need under these rules" in response.text
    cli = run("team", "design", TEMPLATE, "--max-headcount", "5", expect=2).stderr.strip().splitlines()
    for line in cli:  # the same reasons, naming the form's boxes where the command names its options
        said = line.removeprefix("error: ").replace("--max-headcount", "'Most people in the team'")
        assert said.replace("'", "&#39;") in response.text
    assert "--max-headcount" not in response.text.split("<form")[0]
    api = client.get("/api/team/design", params={"template": TEMPLATE, "max_headcount": "5"})
    assert api.status_code == 400
    assert api.json() == {"error": cli[0].removeprefix("error: "), "reasons": [x.removeprefix("error: ") for x in cli]}


def test_assess_page_shows_gaps_single_points_and_upskilling(client: TestClient) -> None:
    response = client.post("/team/assess", files={"team": upload("our-team.yaml")}, data={"template": TEMPLATE})
    ok(
        response,
        "8 people against Integrated neighbourhood team",
        "Single points of failure",
        "Upskilling to close the gaps",
        "Priya (Healthcare assistant)",
        "Rules of the needs",
        "<strong>Gap</strong>",
    )


def test_jd_page_previews_a_role_and_a_blend(client: TestClient) -> None:
    ok(client.get("/jd", params={"role": "healthcare assistant"}), "Key responsibilities", "Person specification")
    params = {"role": "care worker", "blend": "healthcare assistant", "title": "Holistic care worker", "band": "3"}
    html = ok(client.get("/jd", params=params), "How this role was blended", "Download for Word (DOCX)")
    assert "/jd/download?role=care+worker&amp;blend=healthcare+assistant&amp;title=Holistic+care+worker" in html


# -- JSON twins equal the CLI's JSON ------------------------------------------------------------------------------
def test_templates_json_equals_cli(client: TestClient, run) -> None:
    assert client.get("/api/team/templates").json() == run.json("team", "templates")


def test_design_json_equals_cli_for_a_template_with_an_exclusion(client: TestClient, run) -> None:
    got = client.get("/api/team/design", params={"template": TEMPLATE, "exclude": "district nurse"}).json()
    assert got["team"] and "hsc:district-nurse" not in {m["role"] for m in got["team"]}
    assert got == run.json("team", "design", TEMPLATE, "--exclude", "district nurse")


def test_design_json_for_vacancies_in_an_area_equals_cli(client: TestClient, run) -> None:
    """Issue 15: `team design --area A --availability vacancy --confidence C` has its twin too."""
    params = {"template": TEMPLATE, "area": "kent", "availability": "vacancy", "confidence": "0.8"}
    got = client.get("/api/team/design", params=params).json()
    assert got["availability"]["basis"] == "vacancy" and got["availability"]["confidence"] == 0.8
    want = run.json("team", "design", TEMPLATE, "--area", "kent", "--availability", "vacancy", "--confidence", "0.8")
    assert got == want


def test_design_json_equals_cli_for_an_uploaded_needs_file_with_rules(client: TestClient, run) -> None:
    data = {"objective": "headcount", "max": "care worker=4", "sectors": "health,social_care"}
    got = client.post("/api/team/design", files={"needs": upload("my-needs.yaml")}, data=data).json()
    want = run.json(
        "team", "design", EXAMPLES / "my-needs.yaml", "--objective", "headcount", "--max", "care worker=4",
        "--sectors", "health,social_care",
    )  # fmt: skip
    assert got == want


def test_assess_json_equals_cli(client: TestClient, run) -> None:
    files = {"team": upload("our-team.yaml"), "needs": upload("my-needs.yaml")}
    got = client.post("/api/team/assess", files=files).json()
    assert got == run.json("team", "assess", EXAMPLES / "our-team.yaml", "--needs", EXAMPLES / "my-needs.yaml")
    by_template = client.post("/api/team/assess", files={"team": upload("our-team.yaml")}, data={"template": TEMPLATE})
    assert by_template.json() == run.json("team", "assess", EXAMPLES / "our-team.yaml", "--needs", TEMPLATE)


def test_jd_json_equals_cli(client: TestClient, run) -> None:
    assert client.get("/api/jd", params={"role": "healthcare assistant"}).json() == run.json(
        "jd", "healthcare assistant"
    )
    params = [("role", "care worker"), ("role", "healthcare assistant"), ("title", "Holistic care worker")]
    want = run.json("jd", "--blend", "care worker", "healthcare assistant", "--title", "Holistic care worker")
    assert client.get("/api/jd", params=params + [("band", "3")]).json() == run.json(
        "jd", "--blend", "care worker", "healthcare assistant", "--title", "Holistic care worker", "--band", "3"
    )
    assert client.get("/api/jd", params=params).json() == want
    blend_field = {"role": "care worker", "blend": "healthcare assistant", "title": "Holistic care worker"}
    assert client.get("/api/jd", params=blend_field).json() == want


def test_downloads_are_the_cli_files(client: TestClient, run, tmp_path: Path) -> None:
    from docx import Document

    params = {"role": "care worker", "blend": "healthcare assistant", "title": "Holistic care worker"}
    md = client.get("/jd/download", params={**params, "format": "md"})
    assert md.status_code == 200 and md.headers["content-type"].startswith("text/markdown")
    assert md.headers["content-disposition"] == 'attachment; filename="holistic-care-worker.md"'
    blend = ["--blend", "care worker", "healthcare assistant", "--title", "Holistic care worker"]
    assert md.text == run("jd", *blend, "--format", "md").stdout
    docx = client.get("/jd/download", params={**params, "format": "docx"})
    assert docx.headers["content-disposition"] == 'attachment; filename="holistic-care-worker.docx"'
    document = Document(io.BytesIO(docx.content))
    assert document.paragraphs[0].text == "Holistic care worker"
    assert "How this role was blended" in [p.text for p in document.paragraphs]


# -- bad input: the one line, 400 or 404, never a 500 ------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "status", "message", "field"),
    [
        (
            f"/team?template={TEMPLATE}&max=care+worker",
            400,
            "&#39;Most people of a role&#39; &#39;care worker&#39; should be ROLE=N",
            "max",
        ),
        (f"/team?template={TEMPLATE}&exclude=qqqq-zzzz", 404, "role &#39;qqqq-zzzz&#39; not found", "exclude"),
        (
            f"/team?template={TEMPLATE}&exclude=care+worker&min=care+worker%3D1",
            400,
            "conflicts with &#39;Fewest people of a role&#39;",
            "exclude",
        ),
        (f"/team?template={TEMPLATE}&budget=lots", 400, "&#39;lots&#39; is not a number of pounds", "budget"),
        (f"/team?template={TEMPLATE}&max_headcount=0", 400, "max_headcount must be from 1", "max_headcount"),
        (f"/team?template={TEMPLATE}&sectors=helth", 400, "did you mean &#39;health&#39;?", "sectors"),
        (f"/team?template={TEMPLATE}&objective=fun", 400, "objective must be cost or headcount", "objective"),
        (f"/team?template={TEMPLATE}&area=kent&confidence=0.95", 400, "is for allowing for the area", "confidence"),
        ("/team?template=nowhere-team", 400, "is neither a needs file nor a template", "template"),
        ("/jd?role=care+worker&blend=healthcare+assistant", 400, "a blended role needs a title", "title"),
        ("/jd?role=care+worker&band=3", 400, "a band or level is for a blended role", "band"),
        ("/jd?role=qqqq-zzzz", 404, "role &#39;qqqq-zzzz&#39; not found", "role"),
        ("/jd?role=care+worker&blend=qqqq-zzzz&title=x", 404, "role &#39;qqqq-zzzz&#39; not found", "blend"),
        ("/jd?role=care+worker&band=99", 400, "is not an Agenda for Change band", "band"),
    ],
)
def test_bad_input_shows_the_message_next_to_its_field(
    client: TestClient, url: str, status: int, message: str, field: str
) -> None:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.text[-500:])
    assert message in response.text and "Traceback" not in response.text
    assert f'href="#{field}"' in response.text and f'id="{field}-error"' in response.text


def test_api_errors_are_json_with_the_cli_message(client: TestClient, run) -> None:
    response = client.get("/api/team/design", params={"template": TEMPLATE, "max": "care worker=x"})
    assert response.status_code == 400
    cli = run("team", "design", TEMPLATE, "--max", "care worker=x", expect=2)
    assert f"error: {response.json()['error']}" == cli.stderr.strip()
    conflict = client.get(
        "/api/team/design", params={"template": TEMPLATE, "exclude": "care worker", "min": "care worker=1"}
    )
    cli = run("team", "design", TEMPLATE, "--exclude", "care worker", "--min", "care worker=1", expect=2)
    assert conflict.status_code == 400 and f"error: {conflict.json()['error']}" == cli.stderr.strip()
    assert client.get("/api/jd").status_code == 400
    assert client.get("/jd/download", params={"role": "care worker", "format": "exe"}).status_code == 400
    assert client.post("/api/team/assess", data={"template": TEMPLATE}).json() == {"error": "choose a team file (YAML)"}


def test_a_broken_needs_file_shows_the_cli_line(client: TestClient, run, tmp_path: Path) -> None:
    broken = b"kind: needs\nid: mine\ntitle: Mine\nneeds:\n  - {competency: core.personal-kare, level: 2, cover: 1}\n"
    (tmp_path / "mine.yaml").write_bytes(broken)
    cli = run("team", "design", tmp_path / "mine.yaml", expect=2).stderr.strip().removeprefix("error: ")
    expected = cli.replace(f"{tmp_path}/", "")
    assert expected.startswith("mine.yaml:5: needs[0].competency: unknown competency")
    response = client.post("/team", files={"needs": ("mine.yaml", broken, "application/yaml")})
    assert response.status_code == 400 and 'id="needs-error"' in response.text
    assert expected.replace("'", "&#39;") in response.text and "pathways-upload-" not in response.text
    api = client.post("/api/team/design", files={"needs": ("mine.yaml", broken, "application/yaml")})
    assert api.status_code == 400 and api.json()["error"] == expected
    team = client.post(
        "/team/assess", files={"team": ("t.yaml", b"kind: team\nmembers: 3\n", "x")}, data={"template": TEMPLATE}
    )
    assert team.status_code == 400 and 'id="team-error"' in team.text and "t.yaml" in team.text
    wrong = client.post("/team", files={"needs": ("mine.txt", b"hello", "text/plain")})
    assert wrong.status_code == 400 and "must be a .yaml, .yml or .json file" in wrong.text


def test_uploads_over_one_megabyte_are_refused(client: TestClient) -> None:
    for url, name in (("/team", "needs"), ("/team/assess", "team"), ("/api/team/design", "needs")):
        response = client.post(url, files={name: ("big.yaml", BIG, "application/yaml")}, data={"template": TEMPLATE})
        assert response.status_code == 413, url
        assert "the file is too large: at most 1,024 KB" in response.text


# -- safety ---------------------------------------------------------------------------------------------------------
def test_user_strings_are_escaped_in_pages_and_downloads(client: TestClient) -> None:
    attack = '<script>alert("x")</script>'
    for response in (
        client.get("/team", params={"template": TEMPLATE, "exclude": attack}),
        client.get("/team", params={"template": attack}),
        client.get("/jd", params={"role": attack}),
        client.post("/team", files={"needs": ("<img src=x onerror=alert(1)>.yaml", b"kind: nope\n", "x")}),
    ):
        assert response.status_code in (400, 404)
        assert "<script>alert" not in response.text and "<img src=x" not in response.text
    params = {"role": "care worker", "blend": "healthcare assistant", "title": attack}
    page = ok(client.get("/jd", params=params), "&lt;script&gt;alert")
    assert "<script>alert" not in page
    md = client.get("/jd/download", params={**params, "format": "md"})
    assert "<script>" not in md.text and r"\<script\>" in md.text
    assert md.headers["content-disposition"] == 'attachment; filename="script-alert-x-script.md"'
    crlf = client.get("/jd/download", params={**params, "title": 'a"\r\nx: y', "format": "docx"})
    assert crlf.headers["content-disposition"] == 'attachment; filename="a-x-y.docx"'


def test_a_template_named_in_the_address_shows_as_chosen_in_the_form(client: TestClient) -> None:
    """A link such as /team?template=integrated-neighbourhood-team (no namespace) answers for that
    template and the form shows it chosen, so the planner can change a rule and ask again."""
    page = client.get("/team?template=integrated-neighbourhood-team&exclude=district+nurse")
    assert page.status_code == 200
    assert '<option value="hsc:integrated-neighbourhood-team" selected>' in page.text
