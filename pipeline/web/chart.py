"""Theme trends as an inline SVG line chart (no JavaScript, no matplotlib per request).

Colours come from CSS classes (``s0``..``s7`` for lines, ``k0``..``k7`` for legend keys) so the page
needs no inline style under its Content-Security-Policy. Labels are escaped by ``markupsafe``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from markupsafe import Markup, escape

from pipeline.archive.types import theme_series

W, H = 800, 360
LEFT, RIGHT, TOP, BOTTOM = 72, 16, 16, 64
SERIES = 8


@dataclass
class Series:
    label: str
    name: str
    values: list[int]
    total: int
    css: int  # colour class index


@dataclass
class Trend:
    periods: list[str]
    series: list[Series]
    svg: Markup


def trend(rows: Sequence, name_of, *, top: int = SERIES) -> Trend:
    """The ``top`` labels by sections over all periods, one value per period (0 when absent)."""
    top_labels = theme_series(rows, top=top)
    series = [Series(label=lab, name=name_of(lab), values=top_labels.values[lab], total=top_labels.totals[lab],
                     css=i % SERIES) for i, lab in enumerate(top_labels.labels)]
    return Trend(periods=top_labels.periods, series=series, svg=_svg(top_labels.periods, series))


def _nice_max(v: int) -> int:
    if v <= 5:
        return 5
    for step in (1, 2, 2.5, 5):
        for mag in (10, 100, 1000, 10_000, 100_000, 1_000_000):
            if step * mag >= v:
                return int(step * mag) if step * mag / v < 2.5 else _round_up(v)
    return _round_up(v)


def _round_up(v: int) -> int:
    mag = 10 ** (len(str(v)) - 1)
    return ((v + mag - 1) // mag) * mag


def _when(period: str) -> float | None:
    """'2015' -> 2015.0, '2015-07' -> 2015.5, '2015-07-01' -> about 2015.5; None when not a date."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", period.strip())
    if not m:
        return None
    return int(m.group(1)) + (int(m.group(2) or 1) - 1) / 12 + (int(m.group(3) or 1) - 1) / 372


def _svg(periods: list[str], series: list[Series]) -> Markup:
    pw, ph = W - LEFT - RIGHT, H - TOP - BOTTOM
    out = [Markup('<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title" '
                  'xmlns="http://www.w3.org/2000/svg">') % (W, H),
           Markup('<title id="chart-title">Sections per theme per period</title>')]
    if not periods or not series:
        out.append(Markup('<text x="%d" y="%d" class="axis">No dated, themed meetings yet</text>') % (LEFT, H // 2))
        out.append(Markup("</svg>"))
        return Markup("").join(out)
    step = -(-_nice_max(max(max(s.values) for s in series)) // 4)  # whole-number grid lines ("22.5" was one)
    vmax = step * 4
    n = len(periods)
    # periods sit by their time, not their rank: 2013 -> 2015 with no meetings in 2014 is two years apart
    at = [_when(p) for p in periods]
    if any(t is None for t in at) or n < 2 or at[-1] == at[0]:
        at = [float(i) for i in range(n)]
    lo, span = at[0], (at[-1] - at[0]) or 1.0

    def x(i: int) -> float:
        return LEFT + (pw * (at[i] - lo) / span if n > 1 else pw / 2)

    def y(v: float) -> float:
        return TOP + ph - ph * v / vmax

    for k in range(5):  # grid and y labels
        v = vmax * k / 4
        out.append(Markup('<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/>') % (LEFT, W - RIGHT, y(v), y(v)))
        label = f"{int(v)}"
        out.append(Markup('<text class="axis" x="%d" y="%.1f" text-anchor="end">%s</text>') % (LEFT - 6, y(v) + 5, label))
    every = max(1, -(-n // 12))  # at most ~12 period labels
    for i, p in enumerate(periods):
        if i % every == 0 or i == n - 1:
            out.append(Markup('<text class="axis" x="%.1f" y="%d" text-anchor="end" transform="rotate(-40 %.1f %d)">%s</text>')
                       % (x(i), H - BOTTOM + 18, x(i), H - BOTTOM + 18, escape(p)))
    for s in series:
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(s.values))
        out.append(Markup('<polyline class="line s%d" points="%s"><title>%s</title></polyline>') % (s.css, pts, escape(s.name)))
        if n <= 40:
            for i, v in enumerate(s.values):
                out.append(Markup('<circle class="dot s%d" cx="%.1f" cy="%.1f" r="3"><title>%s, %s: %d</title></circle>')
                           % (s.css, x(i), y(v), escape(s.name), escape(periods[i]), v))
    out.append(Markup("</svg>"))
    return Markup("").join(out)
