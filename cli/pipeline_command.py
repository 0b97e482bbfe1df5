"""`pathways pipeline PLAN`: grow-your-own pipelines, headcount per role year by year (pathways.pipeline)."""

from __future__ import annotations

import io
from pathlib import Path

import click

from cli.app import App, emit, format_option
from cli.output import Table, View, check_plot_path, plot_format
from pathways.results import as_json

MAX_PANELS = 12  # roles drawn in one figure: those the flows touch first, then the largest


@click.command("pipeline")
@click.argument("plan", type=click.Path(dir_okay=False))
@click.option("--years", type=click.IntRange(1, 50), help="Years to project (default: the plan's, else 5).")
@click.option("--area", help="Area (id or name) the supply figures are for (default: the plan's area).")
@click.option(
    "--runs",
    type=click.IntRange(0, 100_000),
    help="Monte Carlo runs; 0 for expected values (default: 0, or the plan's uncertainty runs).",
)
@click.option("--seed", type=click.IntRange(0, 2**32 - 1), help="Seed of the Monte Carlo runs (default: the plan's).")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False),
    callback=check_plot_path,
    help="Draw headcount per role by year, with the 10th-90th percentile band (.png, .svg or .pdf).",
)
@format_option
@click.pass_obj
def pipeline(
    app: App,
    plan: str,
    years: int | None,
    area: str | None,
    runs: int | None,
    seed: int | None,
    plot: str | None,
    fmt: str | None,
) -> None:
    """Project headcount per role year by year under turnover, recruitment and the training routes PLAN
    funds (a `kind: pipeline` file): when trainees qualify, whether each vacancy gap closes, the training
    cost, and the roles the pipeline empties. Leavers are replaced unless the plan says otherwise."""
    from graph.store import write_output

    result = app.session.pipeline(Path(plan), area=area, years=years, runs=runs, seed=seed)
    payload = as_json(result, rounded=True)
    if plot:
        write_output(Path(plot), pipeline_figure(payload, plot_format(plot)))
        click.echo(f"wrote {plot}", err=True)
    emit(_view(payload), fmt)


def _titles(payload: dict) -> dict[str, str]:
    return {r["role"]: r["title"] for r in payload["roles"]}


def _view(payload: dict) -> View:
    titles, bands = _titles(payload), payload["mode"] == "monte carlo"
    mode = f"Monte Carlo, {payload['runs']} runs, seed {payload['seed']}" if bands else "expected values"
    fields = [
        ("Area", payload["area_name"] or "none (figures from the plan)"),
        ("Years", payload["years"]),
        ("Mode", mode),
        ("First trainees qualify", f"end of year {payload['first_arrival']}" if payload["first_arrival"] else "none"),
        ("Training cost", f"£{payload['total_cost']:,.0f}"),
    ]
    yearly = [("role", "role"), ("year", "year"), ("start", "start"), ("left", "left"), ("moved_up", "moved up")]
    yearly += [("recruited", "recruited"), ("trained_in", "trained in"), ("end", "end")]
    yearly += [("end_p10", "end p10"), ("end_p90", "end p90")] if bands else []
    yearly += [("establishment", "establishment"), ("gap", "gap")]
    yearly += [("gap_p10", "gap p10"), ("gap_p90", "gap p90")] if bands else []
    rows = [
        {**r, "role": titles[r["role"]], **_band_cells("end", r["end_band"]), **_band_cells("gap", r["gap_band"])}
        for r in payload["headcount"]
    ]
    tables = [Table(yearly, rows, "Headcount by year")]
    if payload["training"]:
        tables.append(_training_table(payload, titles, bands))
    tables += [_starts_table(payload), _flows_table(payload)] if payload["flows"] else [_starts_table(payload)]
    return View(
        payload, f"Pipeline: {payload['name']}" if payload["name"] else "Pipeline", fields, tables, payload["notes"]
    )


def _band_cells(name: str, band: dict | None) -> dict:
    return {f"{name}_p10": band["p10"], f"{name}_p90": band["p90"]} if band else {}


def _training_table(payload: dict, titles: dict[str, str], bands: bool) -> Table:
    columns = [("route", "flow"), ("year", "year"), ("in_training_start", "in training at start")]
    columns += [("started", "started"), ("completed", "completed")]
    columns += [("completed_p10", "completed p10"), ("completed_p90", "completed p90")] if bands else []
    columns += [("dropped_out", "dropped out"), ("in_training", "in training"), ("cost", "cost")]
    rows = [
        {
            **t,
            "route": f"{t['flow']}: {titles[t['from']]} -> {titles[t['to']]}",
            **_band_cells("completed", t["completed_band"]),
        }
        for t in payload["training"]
    ]
    return Table(columns, rows, "Training")


def _starts_table(payload: dict) -> Table:
    columns = [("title", "role"), ("headcount", "headcount"), ("headcount_from", "from")]
    columns += [("establishment", "establishment"), ("establishment_from", "from")]
    columns += [("turnover_rate", "turnover"), ("turnover_from", "from"), ("recruits_text", "recruits a year")]
    rows = [
        {**r, "recruits_text": "as many as leave" if r["recruits"] is None else r["recruits"]} for r in payload["roles"]
    ]
    return Table(columns, rows, "Starting figures")


def _flows_table(payload: dict) -> Table:
    columns = [("n", "flow"), ("from_title", "from"), ("to_title", "to"), ("via_titles", "via"), ("places", "places")]
    columns += [("months", "months"), ("months_from", "months from"), ("attrition", "attrition"), ("cost", "cost")]
    columns += [("span", "years"), ("backfill", "backfill")]
    rows = [
        {
            **f,
            "n": n,
            "span": f"{f['first_year']}-{f['last_year']}",
        }
        for n, f in enumerate(payload["flows"], 1)
    ]
    return Table(columns, rows, "Flows")


def _drawn(payload: dict) -> list[str]:
    """The roles to draw: those the flows touch first, then the largest, at most MAX_PANELS."""
    touched = list(dict.fromkeys(q for f in payload["flows"] for q in (f["from"], f["to"])))
    rest = sorted((r for r in payload["roles"] if r["role"] not in touched), key=lambda r: -r["headcount"])
    return (touched + [r["role"] for r in rest])[:MAX_PANELS]


def pipeline_figure(payload: dict, fmt: str = "png") -> bytes:
    """Headcount per role by year (start, then the end of each year), one panel per role, with the
    establishment dashed and, for a Monte Carlo run, the 10th-90th percentile band shaded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from cli.plots import _tight, plain

    starts = {r["role"]: r for r in payload["roles"]}
    drawn = _drawn(payload)
    columns = min(3, len(drawn))
    rows = -(-len(drawn) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 2.9 * rows + 0.6), squeeze=False)
    years = list(range(payload["years"] + 1))
    for ax, role in zip(axes.flat, drawn, strict=False):
        record = [r for r in payload["headcount"] if r["role"] == role]
        start = starts[role]["headcount"]
        ax.plot(years, [start] + [r["end"] for r in record], color="#1f5fa8", marker="o", markersize=3)
        if record and record[0]["end_band"]:
            low = [start] + [r["end_band"]["p10"] for r in record]
            high = [start] + [r["end_band"]["p90"] for r in record]
            ax.fill_between(years, low, high, color="#1f5fa8", alpha=0.2, linewidth=0)
        ax.axhline(starts[role]["establishment"], color="#a83a1f", linestyle="--", linewidth=1)
        ax.set_title(plain(starts[role]["title"]), fontsize=9)
        ax.set_xticks(years)
        ax.tick_params(labelsize=7)
        ax.set_xlabel("year", fontsize=7)
    for ax in list(axes.flat)[len(drawn) :]:
        ax.axis("off")
    shown = f" ({len(drawn)} of {len(payload['roles'])} roles)" if len(drawn) < len(payload["roles"]) else ""
    band = ", shaded: 10th-90th percentile" if payload["mode"] == "monte carlo" else ""
    title = plain(payload["name"] or "Pipeline") + (f", {plain(payload['area_name'])}" if payload["area_name"] else "")
    fig.suptitle(f"{title}{shown}\nheadcount at the end of each year (dashed: establishment{band})", fontsize=10)
    _tight(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=120)
    plt.close(fig)
    return buffer.getvalue()
