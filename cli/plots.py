"""Drawing only: the overlap heatmap and the routes figure. matplotlib is imported here, and only when a
plot is asked for. Every text drawn goes through `plain`: matplotlib reads text between two dollar signs
as TeX, so "Pay $5 to $10" would be drawn in italics and "$\\frac{$" would stop the plot."""

from __future__ import annotations

import io
import textwrap


def _tight(fig) -> None:
    """Trim the margins; a figure too small to trim is drawn as it is, without a warning on stderr."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        fig.tight_layout()


def plain(text: str) -> str:
    """Text matplotlib draws as written (dollar signs escaped, so no mathtext)."""
    return str(text).replace("$", r"\$")


def heatmap_bytes(
    result: dict,
    titles: dict[str, str],
    subtitle: str,
    fmt: str = "png",
    row_group: str | None = None,
    column_group: str | None = None,
) -> bytes:
    """A readable heatmap of symmetric overlap scores: rows x columns, labelled by role title."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    scores = np.array(result["score"], dtype=float)
    rows = [plain(titles[r]) for r in result["rows"]]
    columns = [plain(titles[c]) for c in result["columns"]]
    width = min(40.0, 3.5 + 0.42 * len(columns))
    height = min(40.0, 2.5 + 0.32 * len(rows))
    fig, ax = plt.subplots(figsize=(width, height))
    image = ax.imshow(scores, cmap="viridis", vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(columns)), labels=columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    if scores.size <= 900:  # label each cell while the labels still fit
        for (i, j), value in np.ndenumerate(scores):
            ax.text(
                j,
                i,
                f"{value:.2f}"[1:] if value < 1 else "1",
                ha="center",
                va="center",
                fontsize=6,
                color="white" if value < 0.55 else "black",
            )
    ax.set_xlabel(plain(column_group.replace("_", " ")) if column_group else "all roles")
    ax.set_ylabel(plain(row_group.replace("_", " ")) if row_group else "all roles")
    ax.set_title(f"Role overlap (harmonic mean of both coverages)\n{plain(subtitle)}", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="overlap score")
    _tight(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=120)
    plt.close(fig)
    return buffer.getvalue()


def _rank(band: str | None, level: int | None) -> str:
    """A role's place for a label: its band, else its Career Framework level, else nothing."""
    return f"band {band}" if band else (f"level {level}" if level is not None else "")


def routes_figure(payload: dict, fmt: str = "png") -> bytes:
    """Routes drawn as lanes: one row per route, roles placed left to right by step with their band (or
    Career Framework level), arrows labelled with training months (solid: known link or entry; dashed:
    inferred), and each route's total time at its end."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    routes = payload["routes"]
    longest = max((len(r["steps"]) for r in routes), default=1)
    fig, ax = plt.subplots(figsize=(3.2 * (longest + 1), 0.9 * max(2, len(routes)) + 1))
    for row, route in enumerate(routes):
        y = len(routes) - row
        start = payload["from"]
        titles = [plain(start["title"]) + (f"\n{_rank(None, start.get('level'))}" if start.get("role") else "")]
        titles += [
            plain(s["to_title"])
            + "\n"
            + _rank((s.get("band_change") or [None, None])[1], (s.get("level_change") or [None, None])[1])
            for s in route["steps"]
        ]
        for x, title in enumerate(titles):
            name, _, rank = title.rpartition("\n") if "\n" in title else (title, "", "")
            ax.text(
                x,
                y,
                "\n".join([textwrap.fill(name, 22), rank]) if rank else textwrap.fill(name, 22),
                ha="center",
                va="center",
                fontsize=7,
                wrap=True,
                bbox={"boxstyle": "round", "facecolor": "#e8f0fe" if x else "#fde8e8", "edgecolor": "#555"},
            )
        for x, step in enumerate(route["steps"]):
            style = "-" if step["kind"] in ("known", "entry") else "--"
            ax.annotate(
                "",
                xy=(x + 0.62, y),
                xytext=(x + 0.38, y),
                arrowprops={"arrowstyle": "->", "linestyle": style, "color": "#333"},
            )
            ax.text(x + 0.5, y + 0.18, f"{step['months']:g} mo", ha="center", fontsize=6)
        total = route.get("total_months", sum(s.get("months", 0) for s in route["steps"]))
        ax.text(
            len(route["steps"]) + 0.45, y, f"{total:g} month{'' if total == 1 else 's'} in all", va="center", fontsize=7
        )
    ax.set_xlim(-0.6, longest + 1.3)
    ax.set_ylim(0.3, len(routes) + 0.7)
    ax.axis("off")
    ax.set_title(
        f"Routes from {plain(payload['from']['title'])}"
        " (arrows: training months; solid: known link or entry, dashed: inferred)",
        fontsize=9,
    )
    _tight(fig)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=130)
    plt.close(fig)
    return buffer.getvalue()
