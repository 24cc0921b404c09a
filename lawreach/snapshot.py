"""Slide-, social- and print-ready snapshots of the filtered records (PNG, SVG, PDF).

Pydeck cannot export images and a browser screenshot needs a browser on the
server, so snapshots are drawn here with matplotlib, from the same filtered
frame as the map, on the same offline Natural Earth basemap, with the same
colours (bureau) and marker shapes (activity type) from ``lawreach.style``.
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
"""

from __future__ import annotations

import io
import math
import textwrap
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.patheffects import withStroke
from matplotlib.transforms import Bbox, ScaledTranslation

from lawreach import provenance, style
from lawreach.countries import BASEMAP_PATH, CHECK_PATH, countries
from lawreach.export_data import ExportMeta, is_missing
from lawreach.filters import TYPE_NOUNS

BASE_DPI = 96
SCALES = (1, 2, 4)
MIME = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
FORMATS = tuple(MIME)
# Country-level records must not pose as precise points: they are drawn hollow;
# region-level ones pale. The same encoding as the map (layers.PRECISION_FILL_ALPHA).
HOLLOW_PRECISIONS = frozenset({"country"})
PALE_PRECISIONS = frozenset({"region"})
PALE_ALPHA = 0.45
WORLD_EXTENT = (-183.0, 183.0, -58.0, 84.0)  # 3° spare keeps a marker at ±180 whole; no Antarctica
MARKER_PT = {"^": 9.0, "D": 6.5, "s": 7.0}  # optical size correction per shape
DEFAULT_MARKER_PT = 8.0
FINE_MAX_SPAN = 60.0  # degrees of longitude: narrower views use the 1:50m boundaries
_RC: dict[str, Any] = {
    "svg.hashsalt": "lawreach",
    "svg.fonttype": "none",  # titles stay editable text in Inkscape, Illustrator, PowerPoint
    "pdf.fonttype": 42,
    "font.family": "sans-serif",  # metrics from the bundled DejaVu Sans; viewers may substitute
    "font.sans-serif": ["DejaVu Sans", "Arial", "Helvetica"],
    "axes.unicode_minus": False,
}
_LOCK = threading.RLock()


@dataclass(frozen=True)
class Preset:
    name: str
    width_px: int
    height_px: int
    label: str
    title_pt: float = 24.0
    legend: str = "right"  # "right" of the map, or "bottom" (a square has no room beside it)

    @property
    def size_in(self) -> tuple[float, float]:
        return self.width_px / BASE_DPI, self.height_px / BASE_DPI

    def pixels(self, scale: int) -> tuple[int, int]:
        return self.width_px * scale, self.height_px * scale


PRESETS: dict[str, Preset] = {
    "slide": Preset("slide", 1280, 720, "16:9 slide, 1280 × 720 px at 1×"),
    "square": Preset("square", 1080, 1080, "1:1 social, 1080 × 1080 px at 1×", legend="bottom"),
    "a4": Preset("a4", 1123, 794, "A4 landscape print, 297 × 210 mm", title_pt=20.0),
}


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


# --- basemap --------------------------------------------------------------------


def _rings_path(geometries) -> MplPath:
    """Country rings as one compound path: one patch draws fastest."""
    vertices: list[np.ndarray] = []
    codes: list[np.ndarray] = []
    for geom in geometries:
        if geom is None or geom.is_empty:
            continue
        for polygon in shapely.get_parts(geom):
            if polygon.geom_type != "Polygon":
                continue  # clipping can leave a stray line or point on the edge
            for ring in (polygon.exterior, *polygon.interiors):
                xy = np.asarray(ring.coords)
                if len(xy) < 3:
                    continue
                ring_codes = np.full(len(xy), MplPath.LINETO, dtype=np.uint8)
                ring_codes[0], ring_codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
                vertices.append(xy)
                codes.append(ring_codes)
    if not vertices:
        return MplPath(np.zeros((0, 2)))
    return MplPath(np.concatenate(vertices), np.concatenate(codes))


@lru_cache(maxsize=2)
def _country_geometries(fine: bool) -> np.ndarray:
    path = CHECK_PATH if fine and CHECK_PATH.exists() else BASEMAP_PATH
    return np.asarray(countries(path).geometry.values, dtype=object)


@lru_cache(maxsize=1)
def _world_path() -> MplPath:
    return _rings_path(_country_geometries(False))


def basemap_path(extent: tuple[float, float, float, float] | None = None) -> MplPath:
    """The basemap for a view: the 1:110m map's countries, cut to the extent.

    Zoomed in (less than ``FINE_MAX_SPAN`` degrees wide) the 1:50m boundaries
    that ship for the point-in-country check are used instead: at 1:110m Italy
    has no Sicily worth the name, and a print page shows it. Cutting to the
    extent keeps SVG and PDF files small.
    """
    if extent is None:
        return _world_path()
    x0, x1, y0, y1 = extent
    if x1 - x0 >= 300:
        return _world_path()
    geometries = _country_geometries(x1 - x0 <= FINE_MAX_SPAN)
    clipped = shapely.clip_by_rect(geometries, x0 - 1, y0 - 1, x1 + 1, y1 + 1)
    return _rings_path(clipped)


# --- geometry helpers -------------------------------------------------------------


def _rgb(rgb: tuple[int, int, int], alpha: float | None = None) -> tuple[float, ...]:
    base = tuple(c / 255 for c in rgb)
    return base if alpha is None else (*base, alpha)


def frame_extent(
    lons: np.ndarray, lats: np.ndarray, box_w: float, box_h: float, world: bool
) -> tuple[float, float, float, float]:
    """Lon/lat limits that hold the records with padding and match the box's shape.

    The map is equirectangular with the x axis shrunk by cos(mid-latitude), so a
    degree of longitude in Italy is drawn shorter than one of latitude, as on a
    globe. When the box is taller (or wider) than the records need, the limits
    grow; they never pass the poles or wrap more than 360 degrees.
    """
    whole = world or len(lons) == 0
    if whole:
        x0, x1, y0, y1 = WORLD_EXTENT
    else:
        x0, x1 = float(np.min(lons)), float(np.max(lons))
        y0, y1 = float(np.min(lats)), float(np.max(lats))
        pad_x = max(0.12 * (x1 - x0), 1.5)
        pad_y = max(0.12 * (y1 - y0), 1.5)
        x0, x1, y0, y1 = x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y
        if x1 - x0 >= 300.0:  # records around the globe: show all longitudes, as the world view
            # A few degrees beyond the antimeridian keep a marker there (Fiji) whole.
            x0 = min(-180.0, float(np.min(lons)) - 3.0)
            x1 = max(180.0, float(np.max(lons)) + 3.0)
            whole = True
    lat_lo, lat_hi = (-90.0, 90.0) if whole else (-85.0, 85.0)
    y0, y1 = max(y0, lat_lo), min(y1, lat_hi)
    want = box_h / box_w
    for _ in range(3):  # the cos factor depends on the latitudes chosen: iterate
        k = 1.0 / math.cos(math.radians(min(abs((y0 + y1) / 2), 75.0)))
        dx, dy = x1 - x0, y1 - y0
        if dy * k / dx < want:
            grow = (want * dx / k - dy) / 2
            y0, y1 = y0 - grow, y1 + grow
            if y0 < lat_lo:
                y0, y1 = lat_lo, min(lat_hi, y1 + (lat_lo - y0))
            if y1 > lat_hi:
                y0, y1 = max(lat_lo, y0 - (y1 - lat_hi)), lat_hi
        else:
            grow = (dy * k / want - dx) / 2
            x0, x1 = x0 - grow, x1 + grow
            if x1 - x0 > 366.0:
                mid = (x0 + x1) / 2
                x0, x1 = mid - 183.0, mid + 183.0
    return x0, x1, y0, y1


def _fit_box(
    box: tuple[float, float, float, float], extent: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """Shrink the map box (inches: left, bottom, w, h) to the extent's shape.

    Only needed when the limits were clamped at the poles or at 360 degrees. The
    box keeps its top (under the subtitle) and is centred across; the legend
    follows it.
    """
    left, bottom, w, h = box
    x0, x1, y0, y1 = extent
    k = 1.0 / math.cos(math.radians(min(abs((y0 + y1) / 2), 75.0)))
    ratio = (y1 - y0) * k / (x1 - x0)
    if ratio < h / w:
        new_h = w * ratio
        return left, bottom + h - new_h, w, new_h
    new_w = h / ratio
    return left + (w - new_w) / 2, bottom, new_w, h


def spread_offsets(records: pd.DataFrame, marker_pt: float = DEFAULT_MARKER_PT) -> np.ndarray:
    """Offsets in points that fan out records sharing one coordinate (Paris ×3).

    Co-located records stay distinct markers: n records sit on a ring just wide
    enough that neighbours do not overlap, in id order, starting at the top.
    """
    offsets = np.zeros((len(records), 2))
    if records.empty:
        return offsets
    keys = list(zip(records["lon"].round(4), records["lat"].round(4), strict=True))
    groups: dict[tuple[float, float], list[int]] = {}
    for position, key in enumerate(keys):
        groups.setdefault(key, []).append(position)
    ids = records["id"].tolist()
    for members in groups.values():
        n = len(members)
        if n < 2:
            continue
        members = sorted(members, key=lambda i: ids[i])
        radius = (marker_pt * 0.62) / math.sin(math.pi / n)
        for j, position in enumerate(members):
            angle = math.pi / 2 - 2 * math.pi * j / n
            offsets[position] = (radius * math.cos(angle), radius * math.sin(angle))
    return offsets


def _wrap(text: str, width_in: float, size_pt: float, max_lines: int | None = None) -> list[str]:
    """Wrap by an average DejaVu Sans glyph width (0.55 em): deterministic, no renderer."""
    chars = max(10, int(width_in * 72 / (0.55 * size_pt)))
    lines = textwrap.wrap(text, chars, break_on_hyphens=False) or [""]
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: max(0, chars - 1)].rstrip() + "…"
    return lines


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
    records = records.reset_index(drop=True)
    width, height = preset.size_in
    fig = Figure(figsize=(width, height), dpi=BASE_DPI, facecolor="white")
    canvas = FigureCanvasAgg(fig)
    margin, gap = 0.3, 0.18
    text_w = width - 2 * margin

    # Header: title and the filter sentence, wrapped to the page width.
    cursor = height - margin
    for number, line in enumerate(_wrap(meta.title, text_w, preset.title_pt, max_lines=2), 1):
        fig.text(margin / width, cursor / height, line, fontsize=preset.title_pt, fontweight="bold",
                 va="top", ha="left", parse_math=False, color="#111111", gid=f"title-{number}")
        cursor -= preset.title_pt * 1.22 / 72
    cursor -= 0.04
    subtitle_pt = 13.0
    for number, line in enumerate(_wrap(meta.sentence, text_w, subtitle_pt, max_lines=3), 1):
        fig.text(margin / width, cursor / height, line, fontsize=subtitle_pt, va="top", ha="left",
                 parse_math=False, color="#333333", gid=f"subtitle-{number}")
        cursor -= subtitle_pt * 1.3 / 72
    header_bottom = cursor - gap

    # Footer: credit line (with data version) and export date.
    footer_pt = 7.5
    footer = _wrap(meta.credit, text_w, footer_pt) + _wrap(
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
    homes = _bureau_homes(bureaus)
    route_drawn = _has_route(records)
    rows = _legend_entries(records, bureaus, route_drawn, arcs)
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
    left, bottom, box_w, box_h = _fit_box(map_box, extent)
    ax = fig.add_axes((left / width, bottom / height, box_w / width, box_h / height))
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("auto")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(_rgb(style.WATER))
    for spine in ax.spines.values():
        spine.set_edgecolor("#bbbbbb")
        spine.set_linewidth(0.6)
    # add_artist, not add_patch: the limits are set, and add_patch would walk every
    # vertex of the basemap to update data limits (a quarter of the build time).
    ax.add_artist(PathPatch(basemap_path(extent), facecolor=_rgb(style.BASEMAP_FILL),
                            edgecolor=_rgb(style.BASEMAP_LINE), linewidth=0.4, zorder=1, gid="basemap"))

    if arcs:
        _draw_arcs(ax, records, homes)
    _draw_routes(ax, records)

    # Records: one Line2D each, with gid record-<id>, so an SVG has one marker per record.
    offsets = spread_offsets(records)
    points = []
    for position, rec in enumerate(records.to_dict("records")):
        colour = style.bureau_colour(rec.get("operating_bureau"))
        shape = style.TYPE_MARKERS.get(rec.get("activity_type"), "o")
        size = MARKER_PT.get(shape, DEFAULT_MARKER_PT)
        hollow = rec.get("location_precision") in HOLLOW_PRECISIONS
        pale = rec.get("location_precision") in PALE_PRECISIONS
        dx, dy = offsets[position]
        transform = ax.transData + ScaledTranslation(dx / 72, dy / 72, fig.dpi_scale_trans)
        ax.add_line(Line2D(
            [rec["lon"]], [rec["lat"]], linestyle="none", marker=shape, markersize=size,
            markerfacecolor="white" if hollow else _rgb(colour, PALE_ALPHA if pale else None),
            markeredgecolor=_rgb(colour) if hollow or pale else "white",
            markeredgewidth=1.8 if hollow else 0.7, zorder=4, transform=transform,
            gid=f"record-{rec['id']}",
        ))
        px, py = ax.transData.transform((rec["lon"], rec["lat"]))
        px += dx * BASE_DPI / 72
        py += dy * BASE_DPI / 72
        points.append({"id": rec["id"], "x": px, "y": preset.height_px - py,
                       "colour": style.hex_colour(colour), "hollow": hollow, "size_pt": size})
    points_frame = pd.DataFrame(points, columns=["id", "x", "y", "colour", "hollow", "size_pt"])
    if records.empty:
        ax.text(0.5, 0.5, "No records match this filter", transform=ax.transAxes, ha="center",
                va="center", fontsize=14, color="#666666", parse_math=False)

    if preset.legend == "right":
        panel = (left + box_w + gap, footer_top, legend_w, header_bottom - footer_top)
    else:
        panel = (margin, footer_top, text_w, bottom - gap - footer_top)
    legend_box = _draw_legend(fig, cols, legend_pt, panel)
    snap = Snapshot(
        figure=fig, preset=preset, meta=meta, extent=extent,
        map_box=Bbox.from_bounds(left * BASE_DPI, (height - bottom - box_h) * BASE_DPI,
                                 box_w * BASE_DPI, box_h * BASE_DPI),
        legend_box=legend_box, points=points_frame,
    )
    if labels and not records.empty:
        snap.labels = _place_labels(fig, ax, canvas, records, points_frame, preset)
    return snap


def _bureau_homes(bureaus: pd.DataFrame) -> dict[str, tuple[float, float]]:
    homes: dict[str, tuple[float, float]] = {}
    if bureaus is None or bureaus.empty:
        return homes
    for row in bureaus.to_dict("records"):
        if not is_missing(row.get("lon")) and not is_missing(row.get("lat")):
            homes[row["id"]] = (float(row["lon"]), float(row["lat"]))
    return homes


def _draw_arcs(ax, records: pd.DataFrame, homes: Mapping[str, tuple[float, float]]) -> None:
    """The 'long arm': a curved line from each record's home bureau, one patch per bureau."""
    for bureau, group in records.groupby("operating_bureau", sort=True):
        if bureau not in homes:
            continue
        hx, hy = homes[bureau]
        vertices, codes = [], []
        for lon, lat in zip(group["lon"], group["lat"], strict=True):
            mx, my = (hx + lon) / 2, (hy + lat) / 2
            dx, dy = lon - hx, lat - hy
            # Bend to the left of the direction of travel, by a quarter of the length.
            cx, cy = mx - dy * 0.25, my + dx * 0.25
            vertices += [(hx, hy), (cx, cy), (lon, lat)]
            codes += [MplPath.MOVETO, MplPath.CURVE3, MplPath.CURVE3]
        colour = style.bureau_colour(str(bureau))
        ax.add_artist(PathPatch(MplPath(vertices, codes), facecolor="none",
                               edgecolor=_rgb(colour, 0.45), linewidth=0.9, zorder=2,
                               gid=f"arcs-{bureau}"))
        ax.add_line(Line2D([hx], [hy], linestyle="none", marker="*", markersize=11,
                           markerfacecolor=_rgb(colour), markeredgecolor="white",
                           markeredgewidth=0.6, zorder=3, gid=f"home-{bureau}"))


def _route_groups(records: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Routes of two or more waypoints (the Mekong patrol), each sorted by route_order."""
    if "route_id" not in records or records.empty:
        return []
    waypoints = records.dropna(subset=["route_id", "route_order"])
    return [(str(route), group.sort_values("route_order"))
            for route, group in waypoints.groupby("route_id", sort=True) if len(group) >= 2]


def _has_route(records: pd.DataFrame) -> bool:
    return bool(_route_groups(records))


def _draw_routes(ax, records: pd.DataFrame) -> None:
    """Routes as a line through their waypoints in order, under the markers."""
    for route, group in _route_groups(records):
        ax.add_line(Line2D(group["lon"].to_list(), group["lat"].to_list(),
                           color=_rgb(style.MEKONG_ROUTE), linewidth=2.0, alpha=0.8, zorder=3,
                           solid_capstyle="round", gid=f"route-{route}"))


def _legend_entries(
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
        colour = _rgb(style.bureau_colour(bureau))
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
            rows.append(("item", {"marker": "o", "markerfacecolor": _rgb((102, 102, 102), PALE_ALPHA),
                                  "markeredgecolor": "#666666"}, "Region only"))
        if hollow.any():
            rows.append(("item", {"marker": "o", "markerfacecolor": "white",
                                  "markeredgecolor": "#666666", "markeredgewidth": 1.8},
                         "Country only (point is approximate)"))
    if route_drawn or arcs:
        rows.append(("heading", None, "Lines"))
    if route_drawn:
        rows.append(("line", {"color": _rgb(style.MEKONG_ROUTE), "linewidth": 2.0},
                     "Mekong patrol route"))
    if arcs:
        rows.append(("line", {"color": "#999999", "linewidth": 0.9}, "From the home bureau in China"))
    return rows


Row = tuple[str, dict[str, Any] | None, list[str]]


def _sections(rows: list[tuple[str, dict[str, Any] | None, str]]) -> list[list[tuple[str, Any, str]]]:
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
            wrapped = [(k, m, _wrap(t, col_w - 0.35, size)) for k, m, t in section]
            n = sum(len(w[2]) for w in wrapped) + 0.5
            target = lines.index(min(lines)) if columns > 1 else 0
            cols[target] += wrapped
            lines[target] += n
        needed = max(lines) * size * 1.45 / 72
        if needed <= max_height_in or size <= 6.5:
            return cols, size, needed
        size -= 0.5


def _draw_legend(
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


def _place_labels(
    fig: Figure, ax, canvas: FigureCanvasAgg, records: pd.DataFrame, points: pd.DataFrame,
    preset: Preset,
) -> list[tuple[str, Bbox]]:
    """Greedy city labels: biggest cities first, kept only where they collide with nothing.

    Boxes are in pixels at 1x from the top left; collisions are tested with numpy
    against every marker box and every label already placed.
    """
    renderer = canvas.get_renderer()
    height_px = preset.height_px
    xs, ys = points["x"].to_numpy(dtype=float), points["y"].to_numpy(dtype=float)
    half = 6.0  # marker box half-size in px
    m = ax.get_window_extent(renderer)
    inside = (m.x0 + 3, height_px - m.y1 + 3, m.x1 - 3, height_px - m.y0 - 3)
    groups: dict[tuple[str, str], list[int]] = {}
    for index, (city, country, precision) in enumerate(zip(
            records["city"], records["country"], records["location_precision"], strict=True)):
        if precision in HOLLOW_PRECISIONS or is_missing(city):
            continue
        groups.setdefault((str(city), str(country)), []).append(index)
    order = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    font = FontProperties(family=mpl.rcParams["font.family"], size=8.0)
    _, line_h, _ = renderer.get_text_width_height_descent("Ag", font, ismath=False)
    placed: list[tuple[str, Bbox]] = []
    boxes = np.empty((0, 4))  # placed labels: x0, y0, x1, y1
    for (city, _country), members in order:
        cx, cy = float(xs[members].mean()), float(ys[members].mean())
        spread = float(np.hypot(xs[members] - cx, ys[members] - cy).max())
        text = city if len(members) == 1 else f"{city} ({len(members)})"
        tw, _, _ = renderer.get_text_width_height_descent(text, font, ismath=False)
        th = line_h
        reach = spread + half + 4  # clear of the marker box and the padding
        for x0, y0 in ((cx + reach, cy - th / 2), (cx - reach - tw, cy - th / 2),
                       (cx - tw / 2, cy - reach - th), (cx - tw / 2, cy + reach)):
            x1, y1 = x0 + tw, y0 + th
            if x0 < inside[0] or y0 < inside[1] or x1 > inside[2] or y1 > inside[3]:
                continue
            px0, py0, px1, py1 = x0 - 2, y0 - 2, x1 + 2, y1 + 2
            if np.any((xs + half > px0) & (xs - half < px1) & (ys + half > py0) & (ys - half < py1)):
                continue
            if len(boxes) and np.any((boxes[:, 2] > px0) & (boxes[:, 0] < px1)
                                     & (boxes[:, 3] > py0) & (boxes[:, 1] < py1)):
                continue
            fig.text(x0 / BASE_DPI / fig.get_figwidth(), 1 - y1 / height_px, text,
                     fontproperties=font, va="bottom", ha="left", parse_math=False, color="#222222",
                     zorder=5, gid=f"label-{len(placed) + 1}",
                     path_effects=[withStroke(linewidth=2.5, foreground="white")])
            placed.append((text, Bbox.from_extents(x0, y0, x1, y1)))
            boxes = np.vstack([boxes, [x0, y0, x1, y1]])
            break
    return placed


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
