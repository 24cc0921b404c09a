"""The map's view (centre and zoom): fitting it to records and reading it from a URL.

The app keeps one view per session and only changes it when the user asks
("fit to results", a record's "zoom to") or a link sets it: deck.gl resets the
user's pan and zoom whenever the initial view changes, so recomputing it on every
filter change would throw their view away.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import pandas as pd

from lawreach.map.layers import DEFAULT_VIEW

MIN_ZOOM, MAX_ZOOM = 0.0, 14.0
SINGLE_POINT_ZOOM = 9.0
# The map size in CSS pixels that fitting assumes: the map column is 640-900 px
# wide depending on the window, so fit the narrow case.
FIT_WIDTH, FIT_HEIGHT = 640, 520
TILE = 512  # deck.gl's world is 512 px wide at zoom 0


def _merc_y(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _inv_merc_y(y: float) -> float:
    return math.degrees(2 * math.atan(math.exp(y)) - math.pi / 2)


def fit(records: pd.DataFrame, *, width: int = FIT_WIDTH, height: int = FIT_HEIGHT,
        padding: float = 0.12, trim: float = 0.0) -> dict[str, float]:
    """A view that shows every record (display points, else true points).

    ``trim`` (e.g. 0.05) ignores that share of outliers on each side, for an
    opening view that shows where most records are rather than the whole globe
    because of one Pacific island. Empty frame -> the default world view. One
    point -> zoom 9 around it.
    """
    if records is None or records.empty:
        return dict(DEFAULT_VIEW)
    xs = records["x"] if "x" in records else records["lon"]
    ys = records["y"] if "y" in records else records["lat"]
    xs, ys = xs.astype(float).dropna(), ys.astype(float).dropna()
    if xs.empty or ys.empty:
        return dict(DEFAULT_VIEW)
    west, east = float(xs.quantile(trim)), float(xs.quantile(1 - trim))
    south, north = float(ys.quantile(trim)), float(ys.quantile(1 - trim))
    lon = (west + east) / 2
    y0, y1 = _merc_y(south), _merc_y(north)
    lat = _inv_merc_y((y0 + y1) / 2)
    span_x = (east - west) / 360.0  # fraction of the world's width
    span_y = (y1 - y0) / (2 * math.pi)
    if span_x < 1e-6 and span_y < 1e-6:
        return {"longitude": round(lon, 4), "latitude": round(lat, 4), "zoom": SINGLE_POINT_ZOOM}
    usable_w, usable_h = width * (1 - 2 * padding), height * (1 - 2 * padding)
    zooms = []
    if span_x > 1e-9:
        zooms.append(math.log2(usable_w / (TILE * span_x)))
    if span_y > 1e-9:
        zooms.append(math.log2(usable_h / (TILE * span_y)))
    zoom = max(MIN_ZOOM, min(MAX_ZOOM, min(zooms), 11.0))
    return {"longitude": round(lon, 4), "latitude": round(lat, 4), "zoom": round(zoom, 2)}


def around(lon: float, lat: float, zoom: float = 10.0) -> dict[str, float]:
    """A view centred on one point (a selected record)."""
    return {"longitude": round(float(lon), 4), "latitude": round(float(lat), 4), "zoom": zoom}


def to_query_params(view: Mapping[str, float] | None) -> dict[str, str]:
    """``lat``/``lon``/``zoom`` for the URL (rounded: a link need not be exact)."""
    if not view:
        return {}
    return {"lat": f"{float(view['latitude']):.3f}", "lon": f"{float(view['longitude']):.3f}",
            "zoom": f"{float(view['zoom']):.2f}"}


def from_query_params(params: Mapping[str, Iterable[str] | str]) -> tuple[dict[str, float] | None, list[str]]:
    """A view from ``lat``/``lon``/``zoom``, or None; malformed values give a notice."""

    def last(key: str) -> str | None:
        raw = params.get(key)
        if raw is None:
            return None
        if isinstance(raw, str):
            return raw
        values = [str(v) for v in raw]
        return values[-1] if values else None

    lat, lon, zoom = last("lat"), last("lon"), last("zoom")
    if lat is None and lon is None and zoom is None:
        return None, []
    try:
        lat_f = float(lat) if lat is not None else float("nan")
        lon_f = float(lon) if lon is not None else float("nan")
        zoom_f = float(zoom) if zoom is not None else DEFAULT_VIEW["zoom"]
        if not (math.isfinite(lat_f) and math.isfinite(lon_f) and math.isfinite(zoom_f)):
            raise ValueError
        if not (-85 <= lat_f <= 85 and -180 <= lon_f <= 180 and MIN_ZOOM <= zoom_f <= MAX_ZOOM):
            raise ValueError
    except (TypeError, ValueError):
        return None, ["Ignored the map position in the link: expected lat -85…85, lon -180…180 "
                      f"and zoom {MIN_ZOOM:g}…{MAX_ZOOM:g}."]
    return {"longitude": lon_f, "latitude": lat_f, "zoom": zoom_f}, []
