"""Commands about overlapping competencies: embed, similar, crosswalk, overlap, similar-roles, matrix."""

from __future__ import annotations

import click

from cli.app import App, check_sector, emit, format_option, resolve, top_option
from cli.output import Table, View

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
    columns = [
        ("id", "competency"),
        ("label", "label"),
        ("framework", "framework"),
        ("similarity", "similarity"),
        ("same_skill", "same skill"),
    ]
    emit(
        View(
            {"query": query, "matcher": matcher.description, "results": rows},
            f"Nearest to: {query}",
            [("Matcher", _matcher_text(matcher))],
            [Table(columns, rows)],
        ),
        fmt,
    )


def _matcher_text(matcher) -> str:
    if matcher.kind == "embedding":
        return f"embeddings ({matcher.encoder.name}), same skill at similarity >= {matcher.threshold}"
    return f"lexical (weaker: words only), same skill at similarity >= {matcher.threshold}"


@click.command()
@click.argument("framework_a")
@click.argument("framework_b")
@click.option("--threshold", type=click.FloatRange(0, 1), help="Similarity needed (default: the matcher's).")
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
@click.option("--plot", type=click.Path(dir_okay=False), help="Also draw a heatmap (PNG or SVG).")
@click.pass_obj
def overlap_matrix(app: App, sector: str | None, versus: str | None, output: str, plot: str | None) -> None:
    """Overlap scores for every pair of roles, as a CSV (and a heatmap)."""
    from pathlib import Path

    from cli.plots import heatmap_bytes
    from graph.role_ranking import overlap_matrix as compute
    from graph.role_ranking import role_ids
    from graph.store import atomic_write_bytes

    check_sector(app, sector, "--sector")
    check_sector(app, versus, "--vs")
    graph = app.graph()
    rows, columns = role_ids(graph, sector), role_ids(graph, versus or sector)
    if not rows or not columns:
        raise click.UsageError("no roles to compare for that choice of sectors")
    result = compute(graph, app.matcher(), rows, columns)
    atomic_write_bytes(Path(output), _matrix_csv(result).encode("utf-8"))
    click.echo(f"wrote {output}: {len(rows)} x {len(columns)} roles", err=True)
    if plot:
        titles = {r: graph.nodes[f"role:{r}"]["title"] for r in {*rows, *columns}}
        fmt = "svg" if plot.lower().endswith(".svg") else "png"
        image = heatmap_bytes(result, titles, _matcher_text(app.matcher()), fmt, sector, versus or sector)
        atomic_write_bytes(Path(plot), image)
        click.echo(f"wrote {plot}", err=True)


def _matrix_csv(result: dict) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["role", *result["columns"]])
    for role, values in zip(result["rows"], result["score"], strict=True):
        writer.writerow([role, *(f"{v:.4f}" for v in values)])
    return out.getvalue()
