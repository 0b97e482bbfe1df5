"""Commands about overlapping competencies: embed, similar, crosswalk, overlap, similar-roles, matrix."""

from __future__ import annotations

import click

from cli.app import App, check_sector, emit, format_option, resolve, top_option
from cli.output import Table, View, check_plot_path, plot_format


class Fraction(click.ParamType):
    """A number from 0 to 1; NaN and infinities are refused (FloatRange lets NaN through)."""

    name = "fraction"

    def convert(self, value, param, ctx) -> float:
        import math

        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or not 0.0 <= number <= 1.0:
            self.fail(f"{value!r} is not a number from 0 to 1", param, ctx)
        return number


FRACTION = Fraction()

EVIDENCE_COLUMNS = [
    ("status", "status"),
    ("need", "requirement"),
    ("need_level", "level"),
    ("have", "matched by"),
    ("have_level", "held"),
    ("similarity", "similarity"),
]


@click.command()
@click.pass_obj
def embed(app: App) -> None:
    """Encode every competency of the library now, so later queries find their vectors cached."""
    from graph.crosswalk import all_competency_texts

    matcher = app.matcher()
    if matcher.kind != "embedding":
        raise click.UsageError("embed needs the embedding model (not --no-embeddings)")
    texts = all_competency_texts(app.graph())
    _, missing = matcher.cache.lookup(matcher.encoder.name, texts)
    matcher.vectors(texts)
    click.echo(
        f"{len(texts)} competency texts: {len(texts) - len(missing)} already cached, {len(missing)} encoded"
        f" with {matcher.encoder.name}",
        err=True,
    )


def _framework_id(app: App, name: str | None) -> str | None:
    return None if name is None else app.graph().nodes[resolve(app, "Framework", name)]["id"]


@click.command()
@click.argument("query")
@click.option("--framework", help="Only competencies of this framework (id or name).")
@top_option
@format_option
@click.pass_obj
def similar(app: App, query: str, framework: str | None, top: int, fmt: str | None) -> None:
    """Competencies nearest to QUERY: a competency id or label, or any free text."""
    from graph.crosswalk import similar_competencies
    from graph.lookup import find
    from graph.matching import competency_text

    if not query.strip():
        raise click.BadParameter("give some text or a competency id to compare; it is empty", param_hint="QUERY")
    graph = app.graph()
    text, exclude = query, None
    if ":" in query or "." in query.split()[0]:
        try:  # a competency named by id: compare its full text, and leave it out of the answer
            data = graph.nodes[find(graph, "Competency", query).node]
            if data["id"].endswith(query.strip()) or data["label"].casefold() == query.strip().casefold():
                text, exclude = competency_text(data), data["id"]
        except LookupError:
            pass
    matcher = app.matcher()
    rows = similar_competencies(graph, matcher, text, _framework_id(app, framework), top, exclude)
    table_rows = [{**r, "why": _why(r, matcher.threshold)} for r in rows]
    columns = [
        ("id", "competency"),
        ("label", "label"),
        ("framework", "framework"),
        ("similarity", "similarity"),
        ("same_skill", "same skill"),
        ("why", "why"),
    ]
    emit(
        View(
            {"query": query, "matcher": matcher.description, "results": rows},
            f"Nearest to: {query}",
            [("Matcher", _matcher_text(matcher))],
            [Table(columns, table_rows)],
        ),
        fmt,
    )


def _why(row: dict, threshold: float) -> str:
    """Which same-skill rule a row met: the similarity, or the anchor the text resolves to."""
    if row["via"]:
        return f"same anchor: {row['via']}"
    return f"similarity >= {threshold:g}" if row["same_skill"] else ""


def _matcher_text(matcher) -> str:
    """The matcher and both same-skill rules it applies (anchors only with embeddings)."""
    if matcher.kind == "embedding":
        anchors = matcher.description.get("anchor_min")
        return f"embeddings ({matcher.encoder.name}); same skill at similarity >= {matcher.threshold:g}" + (
            f", or when both resolve to the same anchor competency (nearest at >= {anchors:g})" if anchors else ""
        )
    return f"lexical (weaker: words only); same skill at similarity >= {matcher.threshold:g}"


@click.command()
@click.argument("framework_a")
@click.argument("framework_b")
@click.option("--threshold", type=FRACTION, help="Similarity needed, 0 to 1 (default: the matcher's).")
@format_option
@click.pass_obj
def crosswalk(app: App, framework_a: str, framework_b: str, threshold: float | None, fmt: str | None) -> None:
    """Which competency of FRAMEWORK_A corresponds to which of FRAMEWORK_B (one-to-many), with scores."""
    from graph.crosswalk import crosswalk as compute

    a, b = _framework_id(app, framework_a), _framework_id(app, framework_b)
    matcher = app.matcher()
    rows = compute(app.graph(), matcher, a, b, threshold)
    used = matcher.threshold if threshold is None else threshold
    columns = [("a", a), ("a_label", "label"), ("b", b), ("b_label", "label"), ("similarity", "similarity")]
    payload = {"a": a, "b": b, "matcher": {**matcher.description, "threshold": used}, "pairs": rows}
    matched = len({r["a"] for r in rows if r["b"]})
    fields = [
        ("Matcher", _matcher_text(matcher)),
        ("Threshold", used),
        ("Matched", f"{matched} of {len({r['a'] for r in rows})} competencies of {a}"),
    ]
    emit(View(payload, f"Crosswalk {a} -> {b}", fields, [Table(columns, rows)]), fmt)


def _evidence_rows(direction: dict) -> list[dict]:
    rows = []
    for status in ("matched", "partial", "missing"):
        for item in direction[status]:
            have = item.get("have") or item.get("closest") or {}
            rows.append(
                {
                    "status": status if status != "missing" else "missing (closest)",
                    "need": item["need"]["label"],
                    "need_level": item["need"]["level"],
                    "have": have.get("label"),
                    "have_level": have.get("level"),
                    "similarity": item["similarity"],
                }
            )
    return rows


@click.command()
@click.argument("role_a")
@click.argument("role_b")
@format_option
@click.pass_obj
def overlap(app: App, role_a: str, role_b: str, fmt: str | None) -> None:
    """How much of ROLE_B's requirements ROLE_A already meets, and the reverse, with the evidence."""
    from graph.overlap import role_overlap

    graph = app.graph()
    a = graph.nodes[resolve(app, "Role", role_a)]
    b = graph.nodes[resolve(app, "Role", role_b)]
    result = role_overlap(graph, a["id"], b["id"], app.matcher())
    fields = [
        ("Score (both ways)", f"{result['score']:.0%}"),
        (f"{a['title']} covers {b['title']}", f"{result['a_covers_b']['coverage']:.0%}"),
        (f"{b['title']} covers {a['title']}", f"{result['b_covers_a']['coverage']:.0%}"),
        ("Matcher", _matcher_text(app.matcher())),
    ]
    tables = [
        Table(
            EVIDENCE_COLUMNS,
            _evidence_rows(result["a_covers_b"]),
            f"{b['title']}'s requirements, as met by {a['title']}",
        ),
        Table(
            EVIDENCE_COLUMNS,
            _evidence_rows(result["b_covers_a"]),
            f"{a['title']}'s requirements, as met by {b['title']}",
        ),
    ]
    emit(View(result, f"Overlap: {a['title']} and {b['title']}", fields, tables), fmt)


@click.command("similar-roles")
@click.argument("role")
@click.option("--sector", help="Only roles of this sector.")
@top_option
@format_option
@click.pass_obj
def similar_roles(app: App, role: str, sector: str | None, top: int, fmt: str | None) -> None:
    """Roles ranked by overlap with ROLE, with the competencies that match best."""
    from graph.role_ranking import similar_roles as rank

    check_sector(app, sector, "--sector")
    graph = app.graph()
    data = graph.nodes[resolve(app, "Role", role)]
    rows = rank(graph, app.matcher(), data["id"], sector, top)
    table_rows = [
        {**r, "evidence_text": [f"{e['need']} ~ {e['have']} ({e['similarity']})" for e in r["evidence"]]} for r in rows
    ]
    columns = [
        ("id", "role"),
        ("title", "title"),
        ("sector", "sector"),
        ("band", "band"),
        ("level", "level"),
        ("score", "score"),
        ("covers", "it covers"),
        ("covered_by", "covered by"),
        ("evidence_text", "top evidence"),
    ]
    emit(
        View(
            {"role": data["id"], "matcher": app.matcher().description, "results": rows},
            f"Roles like {data['title']}",
            [("Matcher", _matcher_text(app.matcher()))],
            [Table(columns, table_rows)],
        ),
        fmt,
    )


@click.command("overlap-matrix")
@click.option("--sector", help="Roles of this sector as rows (default: all roles).")
@click.option("--vs", "versus", help="Roles of this sector as columns (default: the same as the rows).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="CSV file to write.")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    callback=check_plot_path,
    help="Also draw a heatmap (.png, .svg or .pdf).",
)
@click.pass_obj
def overlap_matrix(app: App, sector: str | None, versus: str | None, output: str, plot: str | None) -> None:
    """Overlap scores for every pair of roles, as a CSV (and a heatmap). Both paths are checked before
    any work, and both files are drawn before either is written."""
    from cli.plots import heatmap_bytes
    from graph.role_ranking import overlap_matrix as compute
    from graph.role_ranking import role_ids
    from graph.store import output_target, write_output

    if plot and output_target(plot) == output_target(output):
        raise click.UsageError("-o and --plot name the same file")
    output_target(output)
    check_sector(app, sector, "--sector")
    check_sector(app, versus, "--vs")
    graph = app.graph()
    rows, columns = role_ids(graph, sector), role_ids(graph, versus or sector)
    if not rows or not columns:
        raise click.UsageError("no roles to compare for that choice of sectors")
    matcher = app.matcher()
    result = compute(graph, matcher, rows, columns)
    table = _matrix_csv(result).encode("utf-8")
    if plot:
        titles = {r: graph.nodes[f"role:{r}"]["title"] for r in {*rows, *columns}}
        fmt = plot_format(plot)
        image = heatmap_bytes(result, titles, _matcher_text(matcher), fmt, sector, versus or sector)
    for notice in matcher.cache.take_notices() if matcher.kind == "embedding" else ():
        click.echo(f"note: {notice}", err=True)
    write_output(output, table)
    click.echo(f"wrote {output}: {len(rows)} x {len(columns)} roles", err=True)
    if plot:
        write_output(plot, image)
        click.echo(f"wrote {plot}", err=True)


def _matrix_csv(result: dict) -> str:
    import csv
    import io

    from cli.output import csv_text

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([csv_text(c) for c in ["role", *result["columns"]]])
    for role, values in zip(result["rows"], result["score"], strict=True):
        writer.writerow([csv_text(role), *(f"{v:.4f}" for v in values)])
    return out.getvalue()
