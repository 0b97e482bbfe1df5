"""Every file the CLI writes goes through one safe writer, and every output format keeps library text as data."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import stat
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from cli.output import Table, View, csv_text, markdown_escape, render
from tests.conftest import DATA, MINI

LEXICAL = ["--no-bundled", "--library", str(MINI), "--no-embeddings"]
LADDER = ["--no-bundled", "--library", str(DATA / "ladder"), "--no-embeddings"]


def _fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def _socket(path: Path) -> Path:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    server.close()  # the socket file stays
    return path


def _device(path: Path) -> Path:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a private copy of /dev/null's node
    except PermissionError:
        pytest.skip("making a device node needs root")
    return path


def _one_error(result) -> str:
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("note: ")]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(("make", "said"), [(_fifo, "named pipe"), (_socket, "socket"), (_device, "character device")])
def test_a_special_file_is_refused_and_left_alone(run, tmp_path: Path, make, said: str) -> None:
    target = make(tmp_path / "special")
    kind = stat.S_IFMT(target.lstat().st_mode)
    result = run(*LEXICAL, "graph", "export", "--format", "json", "-o", target, expect=2)
    assert said in _one_error(result)
    assert stat.S_IFMT(target.lstat().st_mode) == kind, "the special file was replaced"


def test_every_command_that_writes_a_file_refuses_a_fifo(run, tmp_path: Path) -> None:
    fifo = _fifo(tmp_path / "fifo.png")  # a plot name, so only the kind of file is wrong
    commands = [
        [*LEXICAL, "jd", "hca", "--format", "docx", "-o", fifo],
        [*LEXICAL, "jd", "hca", "--format", "md", "-o", fifo],
        [*LADDER, "routes", "hca", "--format", "json", "--plot", fifo],
        [*LEXICAL, "overlap-matrix", "-o", fifo],
        [*LEXICAL, "overlap-matrix", "-o", tmp_path / "m.csv", "--plot", fifo],
    ]
    for command in commands:
        result = run(*command, expect=2)
        assert "named pipe" in _one_error(result), command
        assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert not (tmp_path / "m.csv").exists(), "the CSV was written although the plot could not be"


def test_a_symlink_is_written_through_and_kept(run, tmp_path: Path) -> None:
    real = tmp_path / "real" / "graph.json"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    run(*LEXICAL, "graph", "export", "--format", "json", "-o", link)
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert json.loads(real.read_text())["nodes"]
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "real" / "new.json")
    run(*LEXICAL, "graph", "export", "--format", "json", "-o", dangling)
    assert dangling.is_symlink() and (tmp_path / "real" / "new.json").is_file()


def test_a_missing_folder_is_one_line_and_nothing_is_written(run, tmp_path: Path) -> None:
    table = tmp_path / "matrix.csv"
    result = run(*LEXICAL, "overlap-matrix", "-o", table, "--plot", tmp_path / "no" / "such" / "plot.png", expect=2)
    assert "does not exist" in _one_error(result)
    assert not table.exists()
    result = run(*LEXICAL, "graph", "export", "--format", "graphml", "-o", tmp_path / "nope" / "g.graphml", expect=2)
    assert "does not exist" in _one_error(result)
    result = run(*LADDER, "routes", "hca", "--format", "json", "--plot", tmp_path / "nope" / "r.png", expect=2)
    assert "does not exist" in _one_error(result)


def test_replacing_a_file_keeps_its_permissions(run, tmp_path: Path) -> None:
    target = tmp_path / "g.json"
    target.write_text("old")
    target.chmod(0o640)
    run(*LEXICAL, "graph", "export", "--format", "json", "-o", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not list(tmp_path.glob(".g.json.*")), "a temporary file was left behind"


def test_import_still_makes_its_folder(run, tmp_path: Path) -> None:
    table = tmp_path / "hr.csv"
    table.write_text("role_id,role_title,sector,level,competency\nhost,Ward host,health,2,core.food-safety\n")
    run("import", "csv", table, "--into", tmp_path / "new" / "out")
    assert sorted(p.name for p in (tmp_path / "new" / "out").iterdir())


# -- escaping ----------------------------------------------------------------------------------------

HOSTILE_TITLE = '=HYPERLINK("http://x","<img src=x onerror=alert(1)>") [bold]*boom*[/bold] | col'


@pytest.fixture
def hostile(tmp_path: Path) -> list[str]:
    """The mini library with a role title that is a formula, HTML, Markdown and rich markup at once."""
    library = Path(shutil.copytree(MINI, tmp_path / "hostile"))
    roles = library / "roles.yaml"
    roles.write_text(roles.read_text().replace("title: Carer", f"title: {json.dumps(HOSTILE_TITLE)}"))
    return ["--no-bundled", "--library", str(library), "--no-embeddings"]


def test_csv_cells_cannot_start_a_formula(run, hostile: list[str]) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run(*hostile, "roles", "list", "--format", "csv").stdout)))
    titles = [r["title"] for r in rows]
    assert "'" + HOSTILE_TITLE in titles
    assert not any(t.startswith(("=", "+", "-", "@")) for t in titles)


def test_csv_keeps_numbers_as_numbers() -> None:
    text = render(
        View({}, tables=[Table([("a", "a"), ("b", "b"), ("c", "c")], [{"a": -0.5, "b": "-0.5", "c": "-x"}])]), "csv"
    )
    assert text.splitlines()[1] == "-0.5,-0.5,'-x"
    assert [csv_text(v) for v in ("@SUM(A1)", "+1 555", "\tx", "\rx", "plain", 3)] == [
        "'@SUM(A1)",
        "'+1 555",
        "'\tx",
        "'\rx",
        "plain",
        "3",
    ]


def test_overlap_matrix_csv_neutralises_ids() -> None:
    from cli.overlap_commands import _matrix_csv

    text = _matrix_csv({"rows": ["@x", "y"], "columns": ["@x", "y"], "score": [[1.0, 0.25], [0.25, 1.0]]})
    assert text.splitlines() == ["role,'@x,y", "'@x,1.0000,0.2500", "y,0.2500,1.0000"]


def _html(markdown: str) -> str:
    from markdown_it import MarkdownIt  # comes with rich

    return MarkdownIt("commonmark").enable("table").render(markdown)


def test_markdown_shows_a_hostile_title_as_text(run, hostile: list[str]) -> None:
    page = run(*hostile, "roles", "list", "--format", "md").stdout
    html = _html(page)
    assert "<img" not in html and "<em>" not in html and "<strong>boom" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    header = next(line for line in page.splitlines() if line.startswith("| "))
    assert all(line.count(" | ") == header.count(" | ") for line in page.splitlines() if line.startswith("| "))


@pytest.mark.parametrize(
    "text",
    [
        "# <img src=x onerror=alert(1)>\n# Second heading",
        "[click](javascript:alert(1)) ![i](http://x/i.png) <b>bold</b> &amp; &#65;",
        "1. not a list *not emphasis* _nor this_ `nor code` ~~nor strike~~ a|b \\*",
        "- not an item",
        "> not a quote",
    ],
)
def test_markdown_escape_renders_as_the_same_text(text: str) -> None:
    import html as html_module
    import re

    rendered = _html(markdown_escape(text)).strip()
    assert rendered.startswith("<p>") and rendered.endswith("</p>"), rendered  # one paragraph, nothing else
    plain = html_module.unescape(re.sub(r"</?p>", "", rendered))
    assert plain == " ".join(text.split("\n"))


def test_terminal_table_keeps_markup_and_escape_sequences_as_text() -> None:
    view = View(
        {},
        "[red]Title[/red]",
        [("[b]label[/b]", "value \x1b[31mred\x1b]0;owned\x07")],
        [Table([("x", "[i]heading[/i]")], [{"x": "[blink]cell[/blink] \x1b[2J"}], "[u]t[/u]")],
    )
    text = render(view, "table")
    assert "\x1b" not in text
    for shown in ("[red]Title[/red]", "[b]label[/b]", "[i]heading[/i]", "[blink]cell[/blink]", "[u]t[/u]"):
        assert shown in text


def test_terminal_tables_fold_cells_to_the_width_and_keep_every_word() -> None:
    """Cells wrap between words inside their column, every line of the table is as wide as the others and
    within the width asked for, and reading a column's lines in order gives back the cell's words."""
    from cli.terminal import box_table, display_width

    steps = "Senior care worker [known; 19 months; Lead adult care worker] -> Trainee nursing associate " * 3
    rows = [["1", "Registered nurse (adult)", steps.strip()], ["2", "Nursing associate 看護", "short"]]
    table = box_table(["#", "destination", "steps"], rows, 60)
    lines = table.splitlines()
    assert len({display_width(line) for line in lines}) == 1 and display_width(lines[0]) <= 60
    body = [line for line in lines if line.startswith("│")]
    cells = [[part.strip() for part in line.split("│")[1:-1]] for line in body]
    first_row = cells[: next(i for i, c in enumerate(cells) if c[0] == "2")]
    assert " ".join(c[2] for c in first_row if c[2]) == " ".join(steps.split())
    assert " ".join(c[1] for c in first_row if c[1]) == "Registered nurse (adult)"


def test_terminal_tables_fold_a_word_longer_than_its_column() -> None:
    from cli.terminal import box_table, column_widths, display_width, wrap

    address = "https://example.org/a-very-long-address-indeed"
    lines = wrap(address, 10)
    assert len(lines) == 5 and all(display_width(line) <= 10 for line in lines) and "".join(lines) == address
    assert column_widths([10, 200], [4, 4], 100) == [10, 90]  # the widest column gives way
    assert column_widths([10, 20], [4, 4], 100) == [10, 20]  # room for all: as wide as the content
    table = box_table(["id"], [["x" * 300]], 40)
    assert all(display_width(line) <= 40 for line in table.splitlines())
    assert display_width("a\u200bb\u00ade\u0301\ufe0f") == 3  # zero-width, soft hyphen, combining, selector
    assert box_table([], [], 40) == ""


# -- exports -------------------------------------------------------------------------------------------


def _dirty_graph(workspace: Path) -> nx.MultiDiGraph:
    from frameworks.sources import library_layers
    from graph.store import load_graph

    graph, _ = load_graph(library_layers([MINI], bundled=False), workspace)
    node = "role:mini:hca"
    graph.nodes[node]["title"] = "Health\x01care\x0bassistant\x1b[31m \ud800"
    graph.nodes[node]["aliases"] = ["bad\x00alias"]
    graph.nodes[node]["weird`key"] = "x"
    graph.nodes[node]["months"] = float("nan")
    return graph


def test_graphml_export_with_control_characters_reads_back(workspace: Path, tmp_path: Path) -> None:
    from graph.export import export

    graph = _dirty_graph(workspace)
    path = tmp_path / "g.graphml"
    path.write_bytes(export(graph, "graphml").encode("utf-8"))
    back = nx.read_graphml(path, force_multigraph=True)
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.nodes["role:mini:hca"]["title"].startswith("Health\ufffdcare\ufffdassistant")


def test_json_and_cypher_exports_stay_valid(workspace: Path) -> None:
    from graph.export import export

    graph = _dirty_graph(workspace)
    document = json.loads(export(graph, "json").encode("utf-8"), parse_constant=lambda c: pytest.fail(c))
    assert nx.node_link_graph(document, edges="edges").number_of_nodes() == graph.number_of_nodes()
    script = export(graph, "cypher")
    script.encode("utf-8")
    line = next(line for line in script.split("\n") if "Health" in line)
    assert "`weird``key`: 'x'" in line and "`months`: null" in line
    assert line.startswith("CREATE (:`Role`:`PathwaysNode` {")


# -- the vector cache, from the command line -------------------------------------------------------------


def test_a_read_only_vector_cache_is_said_once_and_still_answers(run, workspace: Path) -> None:
    from graph.embeddings import DEFAULT_MODEL
    from graph.vectors import VectorCache

    query = "keeps the ward tidy and restocks supplies"
    vector = np.random.default_rng(1).standard_normal(384).astype(np.float32)
    cache = VectorCache(workspace / "vectors.sqlite")
    cache.store(DEFAULT_MODEL, [query], (vector / np.linalg.norm(vector))[None, :])
    cache.close()
    path = workspace / "vectors.sqlite"
    with sqlite3.connect(path) as db:  # read-only as SQLite itself sees it, even for root
        db.execute("PRAGMA journal_mode=DELETE")
    data = bytearray(path.read_bytes())
    data[18] = 3
    path.write_bytes(bytes(data))
    result = run("similar", query, "--top", "3", "--format", "json")
    notes = [line for line in result.stderr.splitlines() if "read-only" in line]
    assert len(notes) == 1 and notes[0].startswith("note: ")
    assert len(json.loads(result.stdout)["results"]) == 3
    assert not list(workspace.glob("vectors.sqlite.corrupt-*"))


def test_plots_draw_dollar_signs_as_text() -> None:
    from cli.plots import heatmap_bytes, routes_figure

    title = r"Nurse $\frac{1}{$ and $\undefined$"
    image = heatmap_bytes({"score": [[1.0]], "rows": ["a"], "columns": ["a"]}, {"a": title}, "$x^$", "png")
    assert image.startswith(b"\x89PNG")
    step = {"to_title": title, "kind": "known", "months": 12.0}
    assert routes_figure({"from": {"title": title}, "routes": [{"steps": [step]}]}, "png").startswith(b"\x89PNG")


def test_a_plot_in_a_format_we_do_not_draw_is_refused_before_anything_is_written(run, tmp_path: Path) -> None:
    target = tmp_path / "routes.jpg"
    result = run("routes", "healthcare assistant", "--plot", target, expect=2)
    assert ".png, .svg or .pdf" in result.stderr and not target.exists()
    pdf = tmp_path / "routes.pdf"
    run("routes", "healthcare assistant", "--plot", pdf, "--format", "json")
    assert pdf.read_bytes().startswith(b"%PDF")


def test_json_output_never_holds_nan() -> None:
    from cli.output import View, render

    text = render(View({"similarity": float("nan"), "rows": [float("inf"), 0.5]}), "json")
    assert json.loads(text) == {"similarity": None, "rows": [None, 0.5]}
    looped: dict = {"similarity": 0.5}
    looped["self"] = looped  # only NaN is retried: a circular answer fails at once, not after deep recursion
    with pytest.raises(ValueError, match="Circular reference"):
        render(View(looped), "json")
