"""The snapshot legend: what its rows say, how they fit a panel, and drawing them.

The legend sits in its own panel beside (or, on a square, below) the map axes,
so it can never cover a record whatever the extent. Its rows are derived from
the records actually shown, with the same colours and shapes as the markers
(``snapshot_map``), so the key always matches the drawing.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.transforms import Bbox

from lawreach.contract.vocab import TYPE_NOUNS
from lawreach.export.snapshot_map import HOLLOW_PRECISIONS, PALE_ALPHA, PALE_PRECISIONS, mpl_rgb
from lawreach.export.snapshot_page import BASE_DPI, wrap_text
from lawreach.map import style

# A legend row once wrapped: kind ("heading", "item" or "line"), marker style, text lines.
Row = tuple[str, dict[str, Any] | None, list[str]]


def legend_entries(
    records: pd.DataFrame, bureaus: pd.DataFrame, route_drawn: bool, arcs: bool
) -> list[tuple[str, dict[str, Any] | None, str]]:
    """(kind, marker style, text) rows: section headings have no marker."""
    names = dict(zip(bureaus["id"], bureaus["name"], strict=True)) if not bureaus.empty else {}
    rows: list[tuple[str, dict[str, Any] | None, str]] = []
    counts = records["operating_bureau"].fillna("unknown").value_counts()
    order = sorted(counts.index, key=lambda b: (-counts[b], names.get(b, b)))
    if order:
        rows.append(("heading", None, "Operating bureau"))
    # Minor agencies share one grey (style.OTHER_BUREAU): one legend row names them all.
    others = [b for b in order if style.bureau_colour(b) == style.OTHER_BUREAU]
    for bureau in order:
        if bureau in others[1:]:
            continue
        colour = mpl_rgb(style.bureau_colour(bureau))
        if bureau in others and len(others) > 1:
            listed = "; ".join(f"{names.get(b) or b} ({counts[b]})" for b in others)
            text = f"Other agencies ({sum(counts[b] for b in others)}): {listed}"
        else:
            text = f"{names.get(bureau) or bureau} ({counts[bureau]})"
        rows.append(("item", {"marker": "o", "markerfacecolor": colour, "markeredgecolor": "white"},
                     text))
    types = records["activity_type"].value_counts()
    if len(types):
        rows.append(("heading", None, "Activity type"))
    for kind in sorted(types.index, key=lambda t: (-types[t], t)):
        noun = TYPE_NOUNS.get(kind, (kind, kind))[1]
        rows.append(("item", {"marker": style.TYPE_MARKERS.get(kind, "o"), "markerfacecolor": "#666666",
                              "markeredgecolor": "white"}, f"{noun[:1].upper()}{noun[1:]} ({types[kind]})"))
    precision = records["location_precision"]
    hollow, pale = precision.isin(HOLLOW_PRECISIONS), precision.isin(PALE_PRECISIONS)
    if hollow.any() or pale.any():
        rows.append(("heading", None, "Location"))
        if (~hollow & ~pale).any():
            rows.append(("item", {"marker": "o", "markerfacecolor": "#666666",
                                  "markeredgecolor": "white"}, "Address, street or city"))
        if pale.any():
            rows.append(("item", {"marker": "o", "markerfacecolor": mpl_rgb((102, 102, 102), PALE_ALPHA),
                                  "markeredgecolor": "#666666"}, "Region only"))
        if hollow.any():
            rows.append(("item", {"marker": "o", "markerfacecolor": "white",
                                  "markeredgecolor": "#666666", "markeredgewidth": 1.8},
                         "Country only (point is approximate)"))
    if route_drawn or arcs:
        rows.append(("heading", None, "Lines"))
    if route_drawn:
        rows.append(("line", {"color": mpl_rgb(style.MEKONG_ROUTE), "linewidth": 2.0},
                     "Mekong patrol route"))
    if arcs:
        rows.append(("line", {"color": "#999999", "linewidth": 0.9}, "From the home bureau in China"))
    return rows


def _sections(rows: list[tuple[str, dict[str, Any] | None, str]]) -> list[list[tuple[str, Any, str]]]:
    """Rows grouped under their heading, so a section is never split across columns."""
    sections: list[list[tuple[str, Any, str]]] = []
    for row in rows:
        if row[0] == "heading" or not sections:
            sections.append([])
        sections[-1].append(row)
    return sections


def legend_layout(
    rows: list[tuple[str, dict[str, Any] | None, str]], width_in: float, columns: int,
    max_height_in: float,
) -> tuple[list[list[Row]], float, float]:
    """Sections into columns (shortest column first), shrinking the font to fit.

    Returns the columns, the font size and the height in inches the legend needs.
    """
    sections = _sections(rows)
    size = 9.5
    while True:
        col_w = width_in / columns
        cols: list[list[Row]] = [[] for _ in range(columns)]
        lines = [0.0] * columns
        for section in sections:
            wrapped = [(k, m, wrap_text(t, col_w - 0.35, size)) for k, m, t in section]
            n = sum(len(w[2]) for w in wrapped) + 0.5
            target = lines.index(min(lines)) if columns > 1 else 0
            cols[target] += wrapped
            lines[target] += n
        needed = max(lines) * size * 1.45 / 72
        if needed <= max_height_in or size <= 6.5:
            return cols, size, needed
        size -= 0.5


def draw_legend(
    fig: Figure, cols: list[list[Row]], size: float, panel: tuple[float, float, float, float],
) -> Bbox:
    """Draw the legend columns in their panel (inches); return its box in px from the top left."""
    left, bottom, w, h = panel
    width, height = fig.get_size_inches()
    line_h = size * 1.45 / 72
    top = bottom + h
    lowest = top
    to_fig = fig.dpi_scale_trans
    col_w = w / len(cols)
    count = 0

    def gid(kind: str) -> str:
        nonlocal count
        count += 1
        return f"legend-{kind}-{count}"

    for number, column in enumerate(cols):
        x = left + number * col_w
        y = top
        for index, (kind, marker, lines) in enumerate(column):
            if kind == "heading":
                if index:
                    y -= line_h * 0.5
                fig.text(x / width, (y - line_h * 0.5) / height, lines[0], fontsize=size,
                         fontweight="bold", va="center", ha="left", parse_math=False,
                         color="#222222", gid=gid("heading"))
                y -= line_h
                continue
            centre = y - line_h * 0.5
            if kind == "line":
                fig.add_artist(Line2D([x + 0.02, x + 0.2], [centre, centre], transform=to_fig,
                                      gid=gid("line"), **(marker or {})))
            else:
                fig.add_artist(Line2D([x + 0.11], [centre], linestyle="none", markersize=8,
                                      transform=to_fig, gid=gid("marker"),
                                      **{"markeredgewidth": 0.7, **(marker or {})}))
            for line in lines:
                fig.text((x + 0.27) / width, (y - line_h * 0.5) / height, line, fontsize=size,
                         va="center", ha="left", parse_math=False, color="#222222",
                         gid=gid("text"))
                y -= line_h
        lowest = min(lowest, y)
    return Bbox.from_extents(left * BASE_DPI, (height - top) * BASE_DPI, (left + w) * BASE_DPI,
                             (height - lowest) * BASE_DPI)

