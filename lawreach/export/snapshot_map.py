"""What a snapshot draws on its map axes: the extent, the records, arcs and routes.

The record encoding lives here (bureau colour, activity-type shape, hollow for
country precision, pale for region) because the legend and the city labels must
read it from the same place the markers are drawn from, or the key could lie.
The extent is fitted here too, since where markers land depends on it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.transforms import ScaledTranslation

from lawreach.export.snapshot_basemap import basemap_path
from lawreach.export.snapshot_page import BASE_DPI, Preset
from lawreach.export.tabular import is_missing
from lawreach.map import style

# Country-level records must not pose as precise points: they are drawn hollow;
# region-level ones pale. The same encoding as the map (layers.PRECISION_FILL_ALPHA).
HOLLOW_PRECISIONS = frozenset({"country"})
PALE_PRECISIONS = frozenset({"region"})
PALE_ALPHA = 0.45
WORLD_EXTENT = (-183.0, 183.0, -58.0, 84.0)  # 3° spare keeps a marker at ±180 whole; no Antarctica
MARKER_PT = {"^": 9.0, "D": 6.5, "s": 7.0}  # optical size correction per shape
DEFAULT_MARKER_PT = 8.0


def mpl_rgb(rgb: tuple[int, int, int], alpha: float | None = None) -> tuple[float, ...]:
    """A ``style`` 0-255 colour as matplotlib's 0-1 tuple, so snapshot and map share one palette."""
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


def fit_box(
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


def draw_map(
    fig: Figure, rect: tuple[float, float, float, float], extent: tuple[float, float, float, float]
) -> Axes:
    """The map axes at ``rect`` (figure fractions), limited to ``extent``, with the basemap."""
    ax = fig.add_axes(rect)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("auto")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor(mpl_rgb(style.WATER))
    for spine in ax.spines.values():
        spine.set_edgecolor("#bbbbbb")
        spine.set_linewidth(0.6)
    # add_artist, not add_patch: the limits are set, and add_patch would walk every
    # vertex of the basemap to update data limits (a quarter of the build time).
    ax.add_artist(PathPatch(basemap_path(extent), facecolor=mpl_rgb(style.BASEMAP_FILL),
                            edgecolor=mpl_rgb(style.BASEMAP_LINE), linewidth=0.4, zorder=1, gid="basemap"))
    return ax


def bureau_homes(bureaus: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Bureau id → (lon, lat) of its seat, for the arcs; bureaus without one have no arc."""
    homes: dict[str, tuple[float, float]] = {}
    if bureaus is None or bureaus.empty:
        return homes
    for row in bureaus.to_dict("records"):
        if not is_missing(row.get("lon")) and not is_missing(row.get("lat")):
            homes[row["id"]] = (float(row["lon"]), float(row["lat"]))
    return homes


def draw_arcs(ax: Axes, records: pd.DataFrame, homes: Mapping[str, tuple[float, float]]) -> None:
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
                               edgecolor=mpl_rgb(colour, 0.45), linewidth=0.9, zorder=2,
                               gid=f"arcs-{bureau}"))
        ax.add_line(Line2D([hx], [hy], linestyle="none", marker="*", markersize=11,
                           markerfacecolor=mpl_rgb(colour), markeredgecolor="white",
                           markeredgewidth=0.6, zorder=3, gid=f"home-{bureau}"))


def _route_groups(records: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """Routes of two or more waypoints (the Mekong patrol), each sorted by route_order."""
    if "route_id" not in records or records.empty:
        return []
    waypoints = records.dropna(subset=["route_id", "route_order"])
    return [(str(route), group.sort_values("route_order"))
            for route, group in waypoints.groupby("route_id", sort=True) if len(group) >= 2]


def has_route(records: pd.DataFrame) -> bool:
    """Whether a route line will be drawn, so the legend lists it only then."""
    return bool(_route_groups(records))


def draw_routes(ax: Axes, records: pd.DataFrame) -> None:
    """Routes as a line through their waypoints in order, under the markers."""
    for route, group in _route_groups(records):
        ax.add_line(Line2D(group["lon"].to_list(), group["lat"].to_list(),
                           color=mpl_rgb(style.MEKONG_ROUTE), linewidth=2.0, alpha=0.8, zorder=3,
                           solid_capstyle="round", gid=f"route-{route}"))


def draw_records(fig: Figure, ax: Axes, records: pd.DataFrame, preset: Preset) -> pd.DataFrame:
    """One marker per record; return where each landed (id, x, y in px at 1x from the top left).

    Co-located records are fanned out (``spread_offsets``) and the returned
    position includes that offset, so tests and the label placer see the marker
    where it is drawn, not where its coordinate is. An empty view says so in the map.
    """
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
            markerfacecolor="white" if hollow else mpl_rgb(colour, PALE_ALPHA if pale else None),
            markeredgecolor=mpl_rgb(colour) if hollow or pale else "white",
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
    return points_frame
