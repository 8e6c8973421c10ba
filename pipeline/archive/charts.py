"""Charts of archive queries (matplotlib, imported only when a chart is asked for)."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from pipeline.archive.types import theme_series
from pipeline.core.errors import MinutebookError


def theme_chart(rows: Sequence, path: Path, *, by: str = "year", top: int = 8) -> Path:
    """Sections per theme per period, the ``top`` themes as lines; written as PNG or SVG by extension."""
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise MinutebookError(path, "a chart is written as .png or .svg", "name the file with one of those extensions")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = theme_series(rows, top=top)
    periods, labels = series.periods, series.labels
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=110)
    for label in labels:
        ax.plot(periods, series.values[label], marker="o", label=label.replace("_", " "))
    ax.set_title(f"Themes in the archive by {by}")
    ax.set_ylabel("sections")
    ax.grid(alpha=0.3)
    if len(periods) > 8:
        ax.tick_params(axis="x", rotation=45)
    if labels:
        ax.legend(fontsize=8, ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(path, format=suffix[1:])
    plt.close(fig)
    return path
