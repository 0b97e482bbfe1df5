"""Drawing only: the overlap heatmap. matplotlib is imported here, and only when a plot is asked for."""

from __future__ import annotations

import io


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
    rows = [titles[r] for r in result["rows"]]
    columns = [titles[c] for c in result["columns"]]
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
    ax.set_xlabel(column_group.replace("_", " ") if column_group else "all roles")
    ax.set_ylabel(row_group.replace("_", " ") if row_group else "all roles")
    ax.set_title(f"Role overlap (harmonic mean of both coverages)\n{subtitle}", fontsize=10)
    fig.colorbar(image, ax=ax, fraction=0.03, pad=0.02, label="overlap score")
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=120)
    plt.close(fig)
    return buffer.getvalue()
