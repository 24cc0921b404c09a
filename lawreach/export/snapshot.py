"""Slide-, social- and print-ready snapshots of the filtered records (PNG, SVG, PDF).

Pydeck cannot export images and a browser screenshot needs a browser on the
server, so snapshots are drawn here with matplotlib, from the same filtered
frame as the map, on the same offline Natural Earth basemap, with the same
colours (bureau) and marker shapes (activity type) from ``lawreach.map.style``.
Everything a slide needs is baked in — title, the filter sentence, a legend,
the credit line, data version and export date — so nobody has to touch it up.

Presets are sized in pixels at scale 1 and drawn at 96 dpi, so scale 2 and 4
multiply the pixels and keep the layout (``scale`` is a device-pixel ratio):

* ``slide``  1280 × 720 px = 13.33 × 7.5 in, PowerPoint's and Keynote's 16:9
  widescreen slide, so font sizes are slide points; 2× gives 2560 × 1440.
* ``square`` 1080 × 1080 px, the common 1:1 social-media size.
* ``a4``     1123 × 794 px = 297 × 210 mm (A4 landscape, to 0.2 mm); 4× gives
  384 dpi for print. Landscape because most filtered views are wider than tall.

The legend sits in a panel right of the map axes, so it cannot cover a record
whatever the extent. City labels are placed greedily (most records first) and
dropped when they would collide with a marker, another label or the frame.

Output is deterministic for the same inputs: fixed SVG hash salt, no dates in
the file metadata except ``export_date``, bundled DejaVu fonts, and rcParams set
under a lock (downloads run on Streamlit worker threads, and rcParams are global).

This module owns the page layout (header, map box, legend panel, footer) and
rendering to bytes. What is drawn lives beside it: ``snapshot_page`` (presets,
wrapping), ``snapshot_map`` (extent, markers, arcs, routes), ``snapshot_basemap``,
``snapshot_legend`` and ``snapshot_labels``. Their public names are re-exported
here, so ``lawreach.export.snapshot`` stays the one import callers need.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from lawreach.contract import provenance
from lawreach.export.snapshot_basemap import FINE_MAX_SPAN, basemap_path
from lawreach.export.snapshot_labels import place_labels
from lawreach.export.snapshot_legend import Row, draw_legend, legend_entries, legend_layout
from lawreach.export.snapshot_map import (
    DEFAULT_MARKER_PT,
    HOLLOW_PRECISIONS,
    MARKER_PT,
    PALE_ALPHA,
    PALE_PRECISIONS,
    WORLD_EXTENT,
    bureau_homes,
    draw_arcs,
    draw_map,
    draw_records,
    draw_routes,
    fit_box,
    frame_extent,
    has_route,
    spread_offsets,
)
from lawreach.export.snapshot_page import BASE_DPI, PRESETS, SCALES, Preset, wrap_text
from lawreach.export.tabular import ExportMeta

__all__ = [
    "BASE_DPI",
    "DEFAULT_MARKER_PT",
    "FINE_MAX_SPAN",
    "FORMATS",
    "HOLLOW_PRECISIONS",
    "MARKER_PT",
    "MIME",
    "PALE_ALPHA",
    "PALE_PRECISIONS",
    "PRESETS",
    "SCALES",
    "WORLD_EXTENT",
    "Preset",
    "Row",
    "Snapshot",
    "basemap_path",
    "build",
    "frame_extent",
    "legend_layout",
    "render",
    "snapshot_bytes",
    "spread_offsets",
]

MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
FORMATS = tuple(MIME)
_RC: dict[str, Any] = {
    "svg.hashsalt": "lawreach",
    "svg.fonttype": "none",  # titles stay editable text in Inkscape, Illustrator, PowerPoint
    "pdf.fonttype": 42,
    "font.family": "sans-serif",  # metrics from the bundled DejaVu Sans; viewers may substitute
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "axes.unicode_minus": False,
}
_LOCK = threading.RLock()


@dataclass
class Snapshot:
    """A built figure plus where things landed, in pixels at 1× from the top left.

    Tests use ``points`` (record id → pixel) to look for marker colours in the
    PNG, and ``legend_box``/``labels`` to prove nothing overlaps a record.
    """

    figure: Figure
    preset: Preset
    meta: ExportMeta
    extent: tuple[float, float, float, float]
    map_box: Bbox
    legend_box: Bbox
    points: pd.DataFrame  # id, x, y, colour (hex)
    labels: list[tuple[str, Bbox]] = field(default_factory=list)


# --- building ---------------------------------------------------------------------


def build(
    records: pd.DataFrame,
    bureaus: pd.DataFrame,
    meta: ExportMeta,
    *,
    preset: str = "slide",
    world: bool = False,
    arcs: bool = False,
    labels: bool = True,
) -> Snapshot:
    """Lay out and draw the snapshot figure (not yet rendered to bytes)."""
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; expected one of: {', '.join(PRESETS)}")
    with _LOCK, mpl.rc_context(_RC):
        return _build(records, bureaus, meta, PRESETS[preset], world, arcs, labels)


def _build(
    records: pd.DataFrame,
    bureaus: pd.DataFrame,
    meta: ExportMeta,
    preset: Preset,
    world: bool,
    arcs: bool,
    labels: bool,
) -> Snapshot:
    """Lay the page out top-down (header, footer, then the map and legend between them)."""
    records = records.reset_index(drop=True)
    width, height = preset.size_in
    fig = Figure(figsize=(width, height), dpi=BASE_DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    margin, gap = 0.3, 0.18
    text_w = width - 2 * margin

    # Header: title and the filter sentence, wrapped to the page width.
    cursor = height - margin
    for number, line in enumerate(wrap_text(meta.title, text_w, preset.title_pt, max_lines=2), 1):
        fig.text(margin / width, cursor / height, line, fontsize=preset.title_pt, fontweight="bold",
                 va="top", ha="left", parse_math=False, color="#111111", gid=f"title-{number}")
        cursor -= preset.title_pt * 1.22 / 72
    cursor -= 0.04
    subtitle_pt = 13.0
    for number, line in enumerate(wrap_text(meta.sentence, text_w, subtitle_pt, max_lines=3), 1):
        fig.text(margin / width, cursor / height, line, fontsize=subtitle_pt, va="top", ha="left",
                 parse_math=False, color="#333333", gid=f"subtitle-{number}")
        cursor -= subtitle_pt * 1.3 / 72
    header_bottom = cursor - gap

    # Footer: credit line (with data version) and export date.
    footer_pt = 7.5
    footer = wrap_text(meta.credit, text_w, footer_pt) + wrap_text(
        f"Data version {meta.data_version} · exported {meta.export_date.isoformat()}",
        text_w, footer_pt)
    y = margin
    for number, line in reversed(list(enumerate(footer, 1))):
        fig.text(margin / width, y / height, line, fontsize=footer_pt, va="bottom", ha="left",
                 parse_math=False, color="#555555", gid=f"credit-{number}")
        y += footer_pt * 1.3 / 72
    footer_top = y + gap

    # The legend gets its own panel (right of the map, or below it on a square),
    # so it can never cover a record whatever the extent.
    homes = bureau_homes(bureaus)
    route_drawn = has_route(records)
    rows = legend_entries(records, bureaus, route_drawn, arcs)
    if preset.legend == "right":
        legend_w = min(2.6, 0.3 * text_w)
        cols, legend_pt, _ = legend_layout(rows, legend_w, 1, header_bottom - footer_top)
        map_box = (margin, footer_top, text_w - legend_w - gap, header_bottom - footer_top)
    else:
        cols, legend_pt, legend_h = legend_layout(rows, text_w, 3, 0.3 * (header_bottom - footer_top))
        map_box = (margin, footer_top + legend_h + gap, text_w,
                   header_bottom - footer_top - legend_h - gap)
    lons = records["lon"].to_numpy(dtype=float)
    lats = records["lat"].to_numpy(dtype=float)
    extent = frame_extent(lons, lats, map_box[2], map_box[3], world)
    left, bottom, box_w, box_h = fit_box(map_box, extent)
    ax = draw_map(fig, (left / width, bottom / height, box_w / width, box_h / height), extent)

    if arcs:
        draw_arcs(ax, records, homes)
    draw_routes(ax, records)
    points_frame = draw_records(fig, ax, records, preset)

    if preset.legend == "right":
        panel = (left + box_w + gap, footer_top, legend_w, header_bottom - footer_top)
    else:
        panel = (margin, footer_top, text_w, bottom - gap - footer_top)
    legend_box = draw_legend(fig, cols, legend_pt, panel)
    snap = Snapshot(
        figure=fig, preset=preset, meta=meta, extent=extent,
        map_box=Bbox.from_bounds(left * BASE_DPI, (height - bottom - box_h) * BASE_DPI,
                                 box_w * BASE_DPI, box_h * BASE_DPI),
        legend_box=legend_box, points=points_frame,
    )
    if labels and not records.empty:
        snap.labels = place_labels(fig, ax, canvas, records, points_frame, preset)
    return snap


# --- rendering --------------------------------------------------------------------


def render(snapshot: Snapshot, fmt: str, scale: int = 1) -> bytes:
    """PNG, SVG or PDF bytes of a built snapshot; deterministic for SVG and PDF."""
    if fmt not in MIME:
        raise ValueError(f"unknown image format {fmt!r}; expected one of: {', '.join(MIME)}")
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(map(str, SCALES))}, got {scale!r}")
    meta = snapshot.meta
    buffer = io.BytesIO()
    with _LOCK, mpl.rc_context(_RC):
        if fmt == "png":
            metadata: dict[str, Any] = {
                "Title": meta.title, "Description": meta.sentence, "Source": meta.citation,
                "Creation Time": meta.export_date.isoformat(), "Software": "lawreach",
            }
            snapshot.figure.savefig(buffer, format="png", dpi=BASE_DPI * scale, metadata=metadata,
                                    facecolor="white")
        elif fmt == "svg":
            metadata = {"Title": meta.title, "Description": f"{meta.sentence}. {meta.citation}",
                        "Date": None, "Creator": "lawreach", "Rights": provenance.DATA_LICENCE}
            snapshot.figure.savefig(buffer, format="svg", metadata=metadata, facecolor="white")
        else:
            metadata = {"Title": meta.title, "Subject": meta.sentence, "Keywords": meta.citation,
                        "Creator": "lawreach", "CreationDate": None, "ModDate": None}
            snapshot.figure.savefig(buffer, format="pdf", metadata=metadata, facecolor="white")
    return buffer.getvalue()


def snapshot_bytes(
    records: pd.DataFrame,
    bureaus: pd.DataFrame,
    meta: ExportMeta,
    fmt: str,
    *,
    scale: int = 1,
    preset: str = "slide",
    world: bool = False,
    arcs: bool = False,
    labels: bool = True,
) -> bytes:
    """Build and render in one call: what the download button and the CLI use."""
    if fmt not in MIME:
        raise ValueError(f"unknown image format {fmt!r}; expected one of: {', '.join(MIME)}")
    with _LOCK:
        snap = build(records, bureaus, meta, preset=preset, world=world, arcs=arcs, labels=labels)
        return render(snap, fmt, scale)
