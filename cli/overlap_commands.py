"""Commands about overlapping competencies: embed, similar, crosswalk, overlap, similar-roles, matrix."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cli.app import App, check_sector, collect_cycles, emit, format_option, top_option
from cli.output import Table, View, check_plot_path, plot_format
from pathways.results import as_json

if TYPE_CHECKING:
    from pathways.overlap import OverlapMatrix


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
    from pathways.errors import QuestionError

    collect_cycles()  # loading and running the model is long and makes much garbage

    try:
        texts, cached, model = app.session.embed()
    except QuestionError as err:
        raise click.UsageError(str(err)) from None
    app.say_notices()
    click.echo(f"{texts} competency texts: {cached} already cached, {texts - cached} encoded with {model}", err=True)


def _matcher_text(matcher: dict) -> str:
    """The matcher and both same-skill rules it applies (anchors only with embeddings)."""
    if matcher["kind"] == "embedding":
        anchors = matcher.get("anchor_min")
        return f"embeddings ({matcher['model']}); same skill at similarity >= {matcher['threshold']:g}" + (
            f", or when both resolve to the same anchor competency (nearest at >= {anchors:g})" if anchors else ""
        )
    return f"lexical (weaker: words only); same skill at similarity >= {matcher['threshold']:g}"


def _why(row: dict, threshold: float) -> str:
    """Which same-skill rule a row met: the similarity, or the anchor the text resolves to."""
    if row["via"]:
        return f"same anchor: {row['via']}"
    return f"similarity >= {threshold:g}" if row["same_skill"] else ""


@click.command()
@click.argument("query")
@click.option("--framework", help="Only competencies of this framework (id or name).")
@top_option
@format_option
@click.pass_obj
def similar(app: App, query: str, framework: str | None, top: int, fmt: str | None) -> None:
    """Competencies nearest to QUERY: a competency id or label, or any free text."""
    if not query.strip():
        raise click.BadParameter("give some text or a competency id to compare; it is empty", param_hint="QUERY")
    payload = as_json(app.session.similar(query, framework=framework, top=top), rounded=True)
    threshold = payload["matcher"]["threshold"]
    rows = [{**r, "why": _why(r, threshold)} for r in payload["results"]]
    columns = [
        ("id", "competency"),
        ("label", "label"),
        ("framework", "framework"),
        ("similarity", "similarity"),
        ("same_skill", "same skill"),
        ("why", "why"),
    ]
    fields = [("Matcher", _matcher_text(payload["matcher"]))]
    emit(View(payload, f"Nearest to: {query}", fields, [Table(columns, rows)]), fmt)


@click.command()
@click.argument("framework_a")
@click.argument("framework_b")
@click.option("--threshold", type=FRACTION, help="Similarity needed, 0 to 1 (default: the matcher's).")
@format_option
@click.pass_obj
def crosswalk(app: App, framework_a: str, framework_b: str, threshold: float | None, fmt: str | None) -> None:
    """Which competency of FRAMEWORK_A corresponds to which of FRAMEWORK_B (one-to-many), with scores."""
    result = app.session.crosswalk(framework_a, framework_b, threshold=threshold)
    payload = as_json(result, rounded=True)
    a, b = result.a, result.b
    columns = [("a", a), ("a_label", "label"), ("b", b), ("b_label", "label"), ("similarity", "similarity")]
    fields = [
        ("Matcher", _matcher_text(payload["matcher"])),
        ("Threshold", payload["matcher"]["threshold"]),
        ("Matched", f"{result.matched} of {result.compared} competencies of {a}"),
    ]
    emit(View(payload, f"Crosswalk {a} -> {b}", fields, [Table(columns, payload["pairs"])]), fmt)


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
    a, b = app.session.find("Role", role_a), app.session.find("Role", role_b)
    result = as_json(app.session.overlap(a.qid, b.qid), rounded=True)
    fields = [
        ("Score (both ways)", f"{result['score']:.0%}"),
        (f"{a.label} covers {b.label}", f"{result['a_covers_b']['coverage']:.0%}"),
        (f"{b.label} covers {a.label}", f"{result['b_covers_a']['coverage']:.0%}"),
        ("Matcher", _matcher_text(result["matcher"])),
    ]
    tables = [
        Table(EVIDENCE_COLUMNS, _evidence_rows(result["a_covers_b"]), f"{b.label}'s requirements, as met by {a.label}"),
        Table(EVIDENCE_COLUMNS, _evidence_rows(result["b_covers_a"]), f"{a.label}'s requirements, as met by {b.label}"),
    ]
    emit(View(result, f"Overlap: {a.label} and {b.label}", fields, tables), fmt)


SIMILAR_ROLE_COLUMNS = [
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


@click.command("similar-roles")
@click.argument("role")
@click.option("--sector", help="Only roles of this sector.")
@top_option
@format_option
@click.pass_obj
def similar_roles(app: App, role: str, sector: str | None, top: int, fmt: str | None) -> None:
    """Roles ranked by overlap with ROLE, with the competencies that match best."""
    check_sector(app, sector, "--sector")
    found = app.session.find("Role", role)
    payload = as_json(app.session.similar_roles(found.qid, sector=sector, top=top), rounded=True)
    rows = [
        {**r, "evidence_text": [f"{e['need']} ~ {e['have']} ({e['similarity']})" for e in r["evidence"]]}
        for r in payload["results"]
    ]
    fields = [("Matcher", _matcher_text(payload["matcher"]))]
    emit(View(payload, f"Roles like {found.label}", fields, [Table(SIMILAR_ROLE_COLUMNS, rows)]), fmt)


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
    from graph.store import output_target, write_output

    if plot and output_target(plot) == output_target(output):
        raise click.UsageError("-o and --plot name the same file")
    output_target(output)
    check_sector(app, sector, "--sector")
    check_sector(app, versus, "--vs")
    result = app.session.overlap_matrix(sector=sector, versus=versus)
    table = _matrix_csv(result).encode("utf-8")
    if plot:
        subtitle = _matcher_text(result.matcher)
        image = heatmap_bytes(
            as_json(result, rounded=True), result.titles, subtitle, plot_format(plot), sector, versus or sector
        )
    app.say_notices()
    write_output(output, table)
    click.echo(f"wrote {output}: {len(result.rows)} x {len(result.columns)} roles", err=True)
    if plot:
        write_output(plot, image)
        click.echo(f"wrote {plot}", err=True)


def _matrix_csv(result: OverlapMatrix | dict) -> str:
    import csv
    import io

    from cli.output import csv_text

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if not isinstance(result, dict):
        result = as_json(result)
    writer.writerow([csv_text(c) for c in ["role", *result["columns"]]])
    for role, values in zip(result["rows"], result["score"], strict=True):
        writer.writerow([csv_text(role), *(f"{v:.4f}" for v in values)])
    return out.getvalue()
